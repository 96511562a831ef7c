"""The page viewer with a graphics protocol forced on the app (as the start-up detection or the
`[preview] graphics` setting would set it): Kitty's placeholders and Sixel's stream in the
screen's own lines, the zone in the picture's pixels, half-blocks where Sixel cannot go."""

from __future__ import annotations

import pytest
from PIL import Image
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from c2m_tui.core.graphics import HALFBLOCK, TerminalGraphics, kitty
from c2m_tui.tui.screens.page_viewer import PageViewerScreen
from c2m_tui.tui.widgets.page_preview import PagePreview, PageRequest
from c2m_tui.tui.widgets.terminal_image import TerminalImage
from tests.graphics_decode import decode_sixel, kitty_images
from tests.pdf_maker import letter
from tests.tui.batch_harness import BatchScreensApp, screen_text, wait_until
from tests.unit.test_zone_check import FIRST, batch_xml

CELL = (8, 16)


def viewer(tmp_path, graphics: TerminalGraphics) -> BatchScreensApp:
    pdf = letter(tmp_path / "letter.pdf", 3, in_zone=True)
    xml = batch_xml(tmp_path / "b.xml", [(1, 3, FIRST, "#10 Double Window", "Ada Lovelace")]).read_bytes()
    app = BatchScreensApp(None, lambda: PageViewerScreen(PageRequest(pdf, xml)))
    app.graphics = graphics
    return app


async def first_page(pilot) -> PagePreview:
    """The viewer's preview, once its first page is shown and painted."""
    widget = pilot.app.screen.query_one(PagePreview)
    await wait_until(pilot, lambda: widget.shown >= 1, timeout=20, what="the first page")
    await pilot.pause()
    return widget


def segments(app):
    update = app.screen._compositor.render_update(full=True)
    return [seg for line in update.strips for strip in line for seg in strip]


def reds(image: Image.Image) -> int:
    data = image.convert("RGB").tobytes()
    return sum(1 for i in range(0, len(data), 3) if data[i] > 180 and data[i + 1] < 90 and data[i + 2] < 90)


async def test_kitty_placeholders_carry_the_picture(tmp_path, monkeypatch):
    monkeypatch.setenv("COLORTERM", "truecolor")  # as Kitty and Ghostty set it
    app = viewer(tmp_path, TerminalGraphics("kitty", CELL))
    async with app.run_test(size=(80, 24)) as pilot:
        widget = await first_page(pilot)
        image = app.screen.query_one(TerminalImage)
        first = image.shown
        text = screen_text(app)
        colours = {seg.style.color.triplet for seg in segments(app) if kitty.PLACEHOLDER in seg.text}
        page_hidden = not app.screen.query_one("#pp-page", Static).display
        await pilot.press("right")
        await wait_until(pilot, lambda: widget.shown >= 2, timeout=20, what="page 2")
        await pilot.pause()
        second = image.shown
        text2 = screen_text(app)
    assert first.protocol == "kitty" and page_hidden
    assert "page 1 of 3" in text and "INK IN THE ZONE" in text and "▀" not in text
    # one placeholder per cell of the placement, in the image id's colour, nothing else in it
    assert text.count(kitty.PLACEHOLDER) == first.columns * first.rows
    assert colours == {tuple(kitty.id_colour(first.image_id))}
    assert first.rows <= 24 - 4 and first.columns <= 80
    [sent] = kitty_images(first.escapes)
    assert int(sent.keys["i"]) == first.image_id and sent.keys["U"] == "1"
    assert (int(sent.keys["c"]), int(sent.keys["r"])) == (first.columns, first.rows)
    picture = sent.image()
    assert picture.size == (first.columns * CELL[0], first.rows * CELL[1])
    assert reds(picture) > 40  # the inked address zone, drawn into the PNG
    assert "page 2 of 3" in text2 and second.image_id != first.image_id
    assert reds(kitty_images(second.escapes)[0].image()) == 0  # page 2 has no zone drawn


async def test_sixel_is_written_over_the_same_page_in_half_blocks(tmp_path):
    app = viewer(tmp_path, TerminalGraphics("sixel", CELL))
    async with app.run_test(size=(80, 24)) as pilot:
        widget = await first_page(pilot)
        image = app.screen.query_one(TerminalImage)
        region = image.region
        controls = [seg.text for seg in segments(app) if "\x1bP" in seg.text]
        text = screen_text(app)
    assert image.shown.protocol == "sixel"
    [control] = controls
    # cursor to the picture's top-left cell, the stream, cursor back after the last line's text
    start = f"\x1b[{region.y + 1};{region.x + 1}H"
    end = f"\x1b[{region.bottom};{region.right + 1}H"
    assert control.startswith(start + "\x1bP0;1;0q") and control.endswith("\x1b\\" + end)
    picture = decode_sixel(control[len(start):-len(end)])
    assert picture.size == (region.width * CELL[0], region.height * CELL[1])
    assert reds(picture) > 40
    assert region.bottom < 24  # never on the last line, where it would scroll the terminal
    # under the picture, its cells hold the half-blocks (shown wherever only some are repainted)
    assert "INK IN THE ZONE" in text and "▀" in text


class Covering(ModalScreen):
    def compose(self):
        yield Static("a dialog over the page")


async def test_sixel_gives_way_to_half_blocks_under_a_dialog(tmp_path):
    app = viewer(tmp_path, TerminalGraphics("sixel", CELL))
    async with app.run_test(size=(80, 24)) as pilot:
        widget = await first_page(pilot)
        app.push_screen(Covering())
        await pilot.pause()
        update = app.screen._compositor.render_update(full=True)
        covered = [seg.text for line in update.strips for strip in line for seg in strip]
        app.pop_screen()
        await pilot.pause()
        uncovered = [seg.text for seg in segments(app)]
    # the viewer behind the dialog is drawn in half-blocks, never the Sixel stream over the dialog
    assert not any("\x1bP" in t for t in covered) and any("▀" in t for t in covered)
    assert any("\x1bP0;1;0q" in t for t in uncovered)


@pytest.mark.parametrize("term", ["xterm-256color", "xterm-16color"])
async def test_kitty_needs_truecolour_for_its_ids(tmp_path, monkeypatch, term):
    monkeypatch.delenv("COLORTERM", raising=False)
    monkeypatch.setenv("TERM", term)
    app = viewer(tmp_path, TerminalGraphics("kitty", CELL))
    async with app.run_test(size=(80, 24)) as pilot:
        widget = await first_page(pilot)
        text = screen_text(app)
        system = app.console.color_system
    assert system != "truecolor"
    assert "▀" in text and kitty.PLACEHOLDER not in text


async def test_half_blocks_stay_the_default(tmp_path):
    app = viewer(tmp_path, HALFBLOCK)
    async with app.run_test(size=(80, 24)) as pilot:
        widget = await first_page(pilot)
        text = screen_text(app)
        images = len(app.screen.query(TerminalImage))
    assert "▀" in text and images == 0


class Scrolled(Screen):
    """A page preview below a tall block of text, in a scrolling column (as on the review step)."""

    def __init__(self, request: PageRequest) -> None:
        super().__init__()
        self.request = request

    def compose(self):
        with VerticalScroll(id="column"):
            yield Static("\n".join(f"line {n}" for n in range(30)))
            yield PagePreview(id="scrolled-preview", max_rows=16)

    def on_mount(self) -> None:
        self.query_one(PagePreview).show(self.request)


async def test_sixel_partly_scrolled_away_is_half_blocks(tmp_path):
    pdf = letter(tmp_path / "letter.pdf", 1, in_zone=True)
    xml = batch_xml(tmp_path / "b.xml", [(1, 1, FIRST, "#10 Double Window", "Ada Lovelace")]).read_bytes()
    app = BatchScreensApp(None, lambda: Scrolled(PageRequest(pdf, xml)))
    app.graphics = TerminalGraphics("sixel", CELL)
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.screen.query_one(PagePreview)
        await wait_until(pilot, lambda: widget.shown >= 1, timeout=20, what="the page")
        column = app.screen.query_one("#column", VerticalScroll)
        image = app.screen.query_one(TerminalImage)
        await pilot.pause()
        top = image.region.y - column.region.y  # the picture's top, in the column's lines (not scrolled yet)
        column.scroll_to(y=top - (column.region.height - 10), animate=False)  # its top 10 lines in view
        await pilot.pause()
        partly = [seg.text for seg in segments(app)]
        column.scroll_to(y=top - 1, animate=False)  # all of it in view
        await pilot.pause()
        whole = [seg.text for seg in segments(app)]
    assert not any("\x1bP" in t for t in partly) and any("▀" in t for t in partly)
    assert any("\x1bP0;1;0q" in t for t in whole)
