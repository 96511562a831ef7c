"""The tracking list: one line per mail piece, drawn with Textual's line API.

A DataTable builds a row object per row up front (about 12 s for 100k rows here). This widget
keeps the rows as a plain list and renders only the lines on screen (``render_line``), keeping
rendered Strips in an LRU cache, the way Textualize/toolong shows huge log files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from c2m_tui.core.timefmt import local_time
from c2m_tui.core.tracking_rows import PieceRow

_GAP = 2
_DATE_WIDTH = 16  # 2026-11-28 13:07 (core.timefmt.local_time: the clock alone when today)
_EVENTS_WIDTH = 6
_RECIPIENT_MAX = 22
_DAY_WIDTH = 10  # 2026-11-28: with a recipient column the time and the scan count make room for it
_BARCODE_MIN = 21  # narrower terminals cut the barcode in the middle (the history pane shows it whole)
_LOCATION_MIN = 14  # what the Location column keeps at 80 columns


def middle(text: str, width: int) -> str:
    """``text`` in ``width`` cells, cut in the middle when longer ("00300902…1201000001")."""
    if len(text) <= width:
        return text.ljust(width)
    head = (width - 1) // 2
    return text[:head] + "…" + text[len(text) - (width - 1 - head):]


def recipient_text(row: PieceRow) -> str:
    """The name (the place is the Location column's; city and ZIP are in the history pane)."""
    who = row.recipient
    return "" if who is None else (who.name or who.list_id or who.label())


class TrackingView(ScrollView, can_focus=True):
    """A scrolling list of PieceRows with a cursor; the first line is a fixed column header."""

    DEFAULT_CSS = """
    TrackingView { background: $surface; color: $foreground; }
    TrackingView > .tracking-view--header { background: $panel; text-style: bold; }
    TrackingView > .tracking-view--cursor { background: $boost; text-style: bold reverse; }
    TrackingView:focus > .tracking-view--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
    TrackingView > .tracking-view--processing { color: $status-processing; }
    TrackingView > .tracking-view--mailed { color: $status-mailed; }
    TrackingView > .tracking-view--error { color: $status-error; text-style: bold; }
    TrackingView > .tracking-view--empty { color: $text-muted; text-style: italic; }
    """
    COMPONENT_CLASSES = {
        "tracking-view--header",
        "tracking-view--cursor",
        "tracking-view--processing",
        "tracking-view--mailed",
        "tracking-view--error",
        "tracking-view--empty",
    }
    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False, id="tracking-view.up"),
        Binding("down", "cursor_down", "Down", show=False, id="tracking-view.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="tracking-view.page-up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="tracking-view.page-down"),
        Binding("home", "first", "First", show=False, id="tracking-view.first"),
        Binding("end", "last", "Last", show=False, id="tracking-view.last"),
        Binding("enter", "choose", "History", id="tracking-view.history"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    @dataclass
    class CursorMoved(Message):
        """The highlighted piece changed (None: the list is empty)."""

        view: "TrackingView"
        row: PieceRow | None

    @dataclass
    class PieceChosen(Message):
        """Enter on a piece: show its history."""

        view: "TrackingView"
        row: PieceRow

    def __init__(self, rows: Sequence[PieceRow] = (), *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._rows: Sequence[PieceRow] = rows
        self._widths = self._measure(rows)
        self._strips: LRUCache[tuple[int, bool, int], Strip] = LRUCache(maxsize=1024)
        self.empty_text = "No pieces."

    # ------------------------------------------------------------------ data

    @property
    def rows(self) -> Sequence[PieceRow]:
        return self._rows

    @property
    def cursor_row(self) -> PieceRow | None:
        return self._rows[self.cursor] if 0 <= self.cursor < len(self._rows) else None

    def set_rows(self, rows: Sequence[PieceRow], *, keep_barcode: str | None = None) -> None:
        """Show ``rows`` (already filtered); the cursor stays on ``keep_barcode`` when it is shown."""
        self._rows = rows
        self._widths = self._measure(rows)
        self._strips.clear()
        target = 0
        if keep_barcode is not None:
            # linear, but only on filter changes, never per frame
            target = next((i for i, r in enumerate(rows) if r.barcode == keep_barcode), 0)
        self._update_virtual_size()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.cursor = target
        self.refresh()

    @staticmethod
    def _measure(rows: Sequence[PieceRow]) -> tuple[int, int, int]:
        """Widths of the barcode, status and recipient columns (0: no recipient column)."""
        if not rows:
            return (len("Barcode"), len("Latest status"), 0)
        # max over a generator: ~10 ms for 100k rows, once per data change
        barcode = max(len("Barcode"), min(40, max(len(r.barcode) for r in rows)))
        status = max(len("Latest status"), min(32, max(len(r.status) for r in rows)))
        named = [len(recipient_text(r)) for r in rows if r.recipient is not None]
        recipient = max(len("Recipient"), min(_RECIPIENT_MAX, max(named))) if named else 0
        return barcode, status, recipient

    def _tail_columns(self) -> tuple[int, int]:
        """(date width, scans width): with a recipient column, the day only and no scan count
        (the history pane has both), so a name fits in 100 columns."""
        return (_DAY_WIDTH, 0) if self._widths[2] else (_DATE_WIDTH, _EVENTS_WIDTH)

    def _available(self) -> int:
        # always leave room for the vertical scrollbar, so showing it never adds a horizontal one
        return self.content_region.width - self.styles.scrollbar_size_vertical

    def _fixed(self, barcode: int) -> int:
        _, status, recipient = self._widths
        date_w, scans_w = self._tail_columns()
        fixed = barcode + _GAP + status + _GAP + date_w + _GAP + (scans_w + _GAP if scans_w else 0)
        return fixed + (recipient + _GAP if recipient else 0)

    def _barcode_width(self) -> int:
        """The barcode column: whole when there is room, else cut down (not under _BARCODE_MIN) so
        the Location column keeps _LOCATION_MIN cells."""
        barcode = self._widths[0]
        short = self._fixed(barcode) + _LOCATION_MIN - self._available()
        return barcode if short <= 0 else max(min(barcode, _BARCODE_MIN), barcode - short)

    def _line_width(self) -> int:
        """The columns' width, stretched to the widget's so the location column takes the rest."""
        fixed = self._fixed(self._barcode_width()) + (12 if self._widths[2] else 16)
        return max(fixed, self._available())

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self._line_width(), len(self._rows) + 1)

    def on_resize(self) -> None:
        self._update_virtual_size()

    def on_mount(self) -> None:
        self._update_virtual_size()
        self.post_message(self.CursorMoved(self, self.cursor_row))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()  # a theme change recolours every line

    # ------------------------------------------------------------------ rendering

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        base = self.rich_style
        if y == 0:
            strip = self._header_strip(base)
        else:
            index = scroll_y + y - 1
            if index >= len(self._rows):
                if index == 0:
                    strip = Strip([Segment(self.empty_text, base + self.get_component_rich_style("tracking-view--empty"))])
                else:
                    return Strip.blank(width, base)
            else:
                strip = self._row_strip(index, base)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _header_strip(self, base: Style) -> Strip:
        style = base + self.get_component_rich_style("tracking-view--header")
        _, status, recipient = self._widths
        barcode = self._barcode_width()
        date_w, scans_w = self._tail_columns()
        text = (
            "Barcode".ljust(barcode) + " " * _GAP
            + ("Recipient".ljust(recipient) + " " * _GAP if recipient else "")
            + "Latest status".ljust(status) + " " * _GAP
            + ("Date and time" if scans_w else "Last scan").ljust(date_w) + " " * _GAP
            + ("Scans".rjust(scans_w) + " " * _GAP if scans_w else "") + "Location"
        )
        return Strip([Segment(text.ljust(self._line_width()), style)])

    def _row_strip(self, index: int, base: Style) -> Strip:
        selected = index == self.cursor
        key = (index, selected, self._line_width(), self._barcode_width())
        cached = self._strips.get(key)
        if cached is not None:
            return cached
        row = self._rows[index]
        _, status_w, recipient_w = self._widths
        barcode_w = self._barcode_width()
        style = base + self.get_component_rich_style("tracking-view--cursor") if selected else base
        status_style = style if selected else style + self.get_component_rich_style(f"tracking-view--{row.category}")
        gap = " " * _GAP
        date_w, scans_w = self._tail_columns()
        tail = gap + local_time(row.date_time)[:date_w].ljust(date_w) + gap
        if scans_w:
            tail += str(row.events).rjust(scans_w) + gap
        head = middle(row.barcode, barcode_w) + gap
        if recipient_w:
            head += recipient_text(row)[:recipient_w].ljust(recipient_w) + gap
        used = len(head) + status_w + len(tail)
        segments = [
            Segment(head, style),
            Segment(row.status[:status_w].ljust(status_w), status_style),
            Segment(tail + row.location[: max(0, self._line_width() - used)].ljust(self._line_width() - used), style),
        ]
        strip = Strip(segments, self._line_width())
        self._strips[key] = strip
        return strip

    # ------------------------------------------------------------------ cursor

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 2)

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self._rows) - 1)) if self._rows else 0

    def watch_cursor(self, old: int, new: int) -> None:
        # cached strips are keyed by (row, selected), so both lines simply redraw from the cache
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.CursorMoved(self, self.cursor_row))

    def _scroll_cursor_into_view(self) -> None:
        visible = max(1, self.scrollable_content_region.height - 1)  # minus the header line
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_page_up(self) -> None:
        self.cursor -= self._page

    def action_page_down(self) -> None:
        self.cursor += self._page

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self._rows) - 1

    def action_choose(self) -> None:
        row = self.cursor_row
        if row is not None:
            self.post_message(self.PieceChosen(self, row))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:  # the border, or the header line
            return
        index = int(self.scroll_y) + offset.y - 1
        if index < len(self._rows):
            self.cursor = index
            if event.chain == 2:
                self.action_choose()
