"""A picture drawn with the terminal's graphics protocol (Kitty's or Sixel), inside a Textual
screen.

Kitty: the picture is sent once per showing (through Textual's own writer, so it never splits
one of Textual's escapes) as a virtual placement, and the widget's lines are the placeholder
cells that tell the terminal where to draw it: ordinary text, which Textual can scroll, crop and
cover. Sixel has no placeholders: the widget's cells hold the page in half-blocks and, when its
last line is drawn, the Sixel stream is written over them from the widget's top-left corner. Where Sixel cannot be
drawn safely (the widget partly scrolled away, another screen on top, or touching the screen's
last line, where a Sixel image would scroll the terminal) the same picture is shown in
half-blocks instead.

The pixels, the overlays and the encoding come from the core, in the caller's worker
(``preview.page_bitmap``); this widget only places them.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.color import Color
from rich.segment import ControlType, Segment
from rich.style import Style
from textual.dom import NoScreen
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

_CONTROL = ((ControlType.CURSOR_FORWARD, 0),)  # marks a segment as zero-width, written as it is
_PLAIN = Style()


@dataclass(slots=True, frozen=True)
class Shown:
    """One showing of a bitmap: made in the worker, placed by the widget. ``escapes``: Kitty's
    transmission (sent once) or the Sixel stream (written at each paint); ``fallback``: the
    half-block rows."""

    protocol: str
    columns: int
    rows: int
    image_id: int
    escapes: str
    fallback: tuple[Strip, ...] = ()


def prepare(bitmap, tmux: bool) -> Shown:
    """A ``core.preview.Bitmap`` made ready to show (in the worker: base64 and Sixel strings of a
    page are a few hundred kilobytes, and the half-block rows are Rich segments)."""
    from c2m_tui.core.graphics import kitty

    if bitmap.protocol == "kitty":
        image_id = kitty.new_image_id()
        return Shown("kitty", bitmap.columns, bitmap.rows, image_id,
                     kitty.transmit(bitmap.data, image_id, bitmap.columns, bitmap.rows, tmux=tmux))
    return Shown("sixel", bitmap.columns, bitmap.rows, 0, bitmap.data, tuple(_grid_strips(bitmap.fallback)))


def _grid_strips(grid) -> list[Strip]:
    styles: dict[tuple, Style] = {}
    strips = []
    for row in grid:
        segments = []
        for cell in row:
            key = (cell.fg, cell.bg)
            style = styles.get(key)
            if style is None:
                style = styles[key] = Style(color=Color.from_rgb(*cell.fg), bgcolor=Color.from_rgb(*cell.bg))
            segments.append(Segment(cell.char, style))
        strips.append(Strip(Segment.simplify(segments), len(row)))
    return strips


class TerminalImage(Widget):
    """``show(Shown)`` puts a picture up (``None`` takes it down); ``tmux``: wrap Kitty's escapes
    for tmux's passthrough."""

    DEFAULT_CSS = """
    TerminalImage { width: auto; height: auto; }
    """

    def __init__(self, *, tmux: bool = False, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.tmux = tmux
        self.shown: Shown | None = None
        self.sixel_paints = 0  # times the Sixel stream went out with the lines (tests read it)

    def show(self, shown: Shown | None) -> None:
        old = self.shown
        self.shown = shown
        if old is not None and old.protocol == "kitty":
            self._write(self._kitty_delete(old.image_id))
        if shown is not None and shown.protocol == "kitty":
            self._write(shown.escapes)
        self.refresh(layout=True)

    def on_unmount(self) -> None:
        if self.shown is not None and self.shown.protocol == "kitty":
            self._write(self._kitty_delete(self.shown.image_id))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self.shown.columns if self.shown else 0

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.shown.rows if self.shown else 0

    # ------------------------------------------------------------------ lines

    def render_line(self, y: int) -> Strip:
        shown = self.shown
        if shown is None or not 0 <= y < shown.rows:
            return Strip.blank(self.size.width)
        if shown.protocol == "kitty":
            from c2m_tui.core.graphics import kitty

            style = Style(color=Color.from_rgb(*kitty.id_colour(shown.image_id)))
            return Strip([Segment(kitty.placeholder_row(y, shown.columns), style)], shown.columns)
        return shown.fallback[y] if y < len(shown.fallback) else Strip.blank(shown.columns)

    def render_lines(self, crop: Region) -> list[Strip]:
        shown = self.shown
        if shown is None or shown.protocol != "sixel":
            return super().render_lines(crop)
        # The cells under the picture hold the same page in half-blocks: where Textual repaints
        # only some of them (a notification going away) they show that instead of a hole.
        lines = [self.render_line(y).crop(crop.x, crop.right) for y in range(crop.y, crop.bottom)]
        where = self._sixel_region(crop)
        if where is None:  # half-blocks alone where the Sixel image cannot go
            return lines
        # cursor to the top-left cell, the picture, cursor back to where the line's text left it
        sixel = (f"\x1b[{where.y + 1};{where.x + 1}H{shown.escapes}"
                 f"\x1b[{where.bottom};{where.right + 1}H")
        lines[-1] = Strip([*lines[-1], Segment(sixel, _PLAIN, _CONTROL)], crop.width)
        self.sixel_paints += 1
        return lines

    def _sixel_region(self, crop: Region) -> Region | None:
        """Where on the screen the whole Sixel picture goes, or None where it cannot go."""
        shown = self.shown
        if shown is None or crop != Region(0, 0, shown.columns, shown.rows) or self.size != crop.size:
            return None
        try:
            screen = self.screen
            if not screen.is_active or not self.app.is_running:
                return None
            visible = screen.find_widget(self).visible_region
        except NoScreen:  # not on a screen (yet): half-blocks
            return None
        if visible.size != crop.size or visible.bottom >= screen.size.height:
            return None
        return visible

    # ------------------------------------------------------------------ the terminal

    def _kitty_delete(self, image_id: int) -> str:
        from c2m_tui.core.graphics import kitty

        return kitty.delete(image_id, tmux=self.tmux)

    def _write(self, data: str) -> None:
        """Raw escapes to the terminal, in order with Textual's own output (its writer thread).
        Textual has no public call for this; headless (tests) it has no terminal to write to."""
        driver = getattr(self.app, "_driver", None)
        if driver is not None and not self.app.is_headless:
            driver.write(data)
