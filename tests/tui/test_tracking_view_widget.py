"""The line-API list on its own: many rows, keys, only visible lines rendered, theme colours."""

from __future__ import annotations

from textual.app import App, ComposeResult

from c2m_tui.tui.themes import register_themes
from c2m_tui.core.tracking_rows import PieceRow
from c2m_tui.tui.widgets.tracking_view import TrackingView
from tests.tui.batch_harness import screen_text

STATUSES = ("Accepted", "In transit", "Delivered", "Returned to sender")


def rows(n: int) -> list[PieceRow]:
    return [PieceRow(f"00300902311{i:020d}", STATUSES[i % 4], "2026-11-28T08:00:00-05:00", f"CITY {i % 7} MD", 1 + i % 5)
            for i in range(n)]


class ListApp(App[None]):
    def __init__(self, data: list[PieceRow]) -> None:
        super().__init__()
        register_themes(self)
        self.theme = "c2m-dark"
        self.data = data
        self.moves: list[str | None] = []
        self.chosen: list[str] = []

    def compose(self) -> ComposeResult:
        yield TrackingView(self.data)

    def on_mount(self) -> None:
        self.query_one(TrackingView).focus()

    def on_tracking_view_cursor_moved(self, event: TrackingView.CursorMoved) -> None:
        self.moves.append(event.row.barcode if event.row else None)

    def on_tracking_view_piece_chosen(self, event: TrackingView.PieceChosen) -> None:
        self.chosen.append(event.row.barcode)


async def test_keys_move_the_cursor_and_keep_it_in_view():
    data = rows(20_000)
    app = ListApp(data)
    async with app.run_test(size=(100, 20)) as pilot:
        view = app.query_one(TrackingView)
        await pilot.pause()
        # only what is on screen was rendered, not 20,000 rows
        assert 0 < len(view._strips) <= 20
        page = view._page
        await pilot.press("down", "down")
        assert view.cursor == 2
        await pilot.press("pagedown")
        assert view.cursor == 2 + page
        await pilot.press("end")
        await pilot.pause()
        assert view.cursor == 19_999
        text_end = screen_text(app)
        assert view.scroll_y > 19_000
        await pilot.press("pageup")
        assert view.cursor == 19_999 - page
        await pilot.press("home")
        await pilot.pause()
        assert view.cursor == 0 and view.scroll_y == 0
        await pilot.press("up")  # stays at the top
        assert view.cursor == 0
        await pilot.press("enter")
        await pilot.pause()
        assert len(view._strips) <= 60
    assert data[19_999].barcode in text_end
    assert "Barcode" in text_end  # the header stays on top while scrolled
    assert app.chosen == [data[0].barcode]
    assert app.moves[-1] == data[0].barcode


async def test_status_colours_come_from_the_theme():
    app = ListApp(rows(8))
    async with app.run_test(size=(100, 12)) as pilot:
        view = app.query_one(TrackingView)
        await pilot.pause()

        def status_colour(line: int) -> str:
            strip = view.render_line(line)
            seg = [s for s in strip if s.text.strip().startswith(STATUSES[(line - 1) % 4])][0]
            return seg.style.color.triplet.hex.upper()

        dark = {line: status_colour(line) for line in (2, 3, 4)}
        app.theme = "c2m-light"
        await pilot.pause()
        light = {line: status_colour(line) for line in (2, 3, 4)}
    # line 1 holds the cursor; lines 2-4 are In transit, Delivered, Returned
    assert dark == {2: "#539BF5", 3: "#57AB5A", 4: "#E5534B"}
    assert light == {2: "#0969DA", 3: "#1A7F37", 4: "#CF222E"}


async def test_empty_list_says_so():
    app = ListApp([])
    async with app.run_test(size=(80, 8)) as pilot:
        view = app.query_one(TrackingView)
        view.empty_text = "No pieces have been scanned yet."
        view.refresh()
        await pilot.pause()
        await pilot.press("down", "end", "enter")
        text = screen_text(app)
    assert "No pieces have been scanned yet." in text
    assert app.chosen == []


async def test_a_click_moves_the_cursor_and_a_double_click_chooses():
    data = rows(50)
    app = ListApp(data)
    app.CSS = "TrackingView { border: round $primary; }"
    async with app.run_test(size=(100, 20)) as pilot:
        view = app.query_one(TrackingView)
        await pilot.pause()
        await pilot.click(TrackingView, offset=(5, 4))  # border, header, rows 0 and 1, then row 2
        await pilot.pause()
        clicked = view.cursor
        await pilot.click(TrackingView, offset=(5, 1))  # the header: nothing happens
        await pilot.pause()
        after_header = view.cursor
        await pilot.double_click(TrackingView, offset=(5, 3))
        await pilot.pause()
    assert clicked == 2
    assert after_header == 2
    assert view.cursor == 1 and app.chosen == [data[1].barcode]


async def test_at_80_columns_long_names_and_statuses_leave_location_readable():
    """A 22-letter name, a 28-letter status and a 31-digit barcode: the barcode, name and status
    are cut (marked with …), Location keeps 14 cells, and nothing scrolls sideways; at 100 columns
    the name is whole."""
    from c2m_tui.core.models import Recipient

    data = [PieceRow(f"00300902311{i:020d}", "Processed at origin facility", "2026-11-28T08:00:00-05:00",
                     "SPRINGFIELD IL", 2, Recipient(name="Alexandra Konstantinou", city="Springfield"))
            for i in range(30)]
    app = ListApp(data)
    app.CSS = "TrackingView { border: round $primary; }"
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(TrackingView)
        await pilot.pause()
        narrow = screen_text(app)
        sideways = view.show_horizontal_scrollbar
        await pilot.resize_terminal(100, 24)
        await pilot.pause()
        wide = screen_text(app)
    assert "Location" in narrow and "SPRINGFIELD IL" in narrow
    assert "Alexandra Kon…" in narrow and "Processed at or…" in narrow
    assert not sideways
    assert "Alexandra Konstantinou" in wide and "SPRINGFIELD IL" in wide
