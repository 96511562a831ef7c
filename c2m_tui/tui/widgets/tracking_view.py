"""The tracking list: one line per mail piece, drawn with Textual's line API (widgets.row_list:
a DataTable builds a row object per row up front, about 12 s for 100k rows here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.message import Message

from c2m_tui.core.timefmt import local_time
from c2m_tui.core.tracking_rows import PieceRow
from c2m_tui.tui.widgets.row_list import RowList, cursor_bindings

_GAP = 2
_DATE_WIDTH = 16  # 2026-11-28 13:07 (core.timefmt.local_time: the clock alone when today)
_EVENTS_WIDTH = 6
_RECIPIENT_MAX = 22
_DAY_WIDTH = 10  # 2026-11-28: with a recipient column the time and the scan count make room for it
_BARCODE_MIN = 21  # narrower terminals cut the barcode in the middle (the history pane shows it whole)
_BARCODE_LEAST = 13  # ... and at 80 columns with a recipient column, shorter still
_RECIPIENT_MIN = 14  # what a name keeps before the Location column is cut
_STATUS_MIN = 16  # "Out for delivery" whole
_LOCATION_MIN = 14  # what the Location column keeps at 80 columns


def middle(text: str, width: int) -> str:
    """``text`` in ``width`` cells, cut in the middle when longer ("00300902…1201000001")."""
    if len(text) <= width:
        return text.ljust(width)
    head = (width - 1) // 2
    return text[:head] + "…" + text[len(text) - (width - 1 - head):]


def clip(text: str, width: int) -> str:
    """``text`` in ``width`` cells, its end replaced by "…" when longer."""
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"


def recipient_text(row: PieceRow) -> str:
    """The name (the place is the Location column's; city and ZIP are in the history pane)."""
    who = row.recipient
    return "" if who is None else (who.name or who.list_id or who.label())


class TrackingView(RowList):
    """A scrolling list of PieceRows with a cursor; the first line is a fixed column header."""

    PREFIX = "tracking-view"
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
    BINDINGS = [*cursor_bindings("tracking-view"), Binding("enter", "choose", "History", id="tracking-view.history")]

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
        super().__init__(rows, name=name, id=id, classes=classes)
        self.empty_text = "No pieces."

    def set_rows(self, rows: Sequence[PieceRow], *, keep_barcode: str | None = None) -> None:
        """Show ``rows`` (already filtered); the cursor stays on ``keep_barcode`` when it is shown."""
        target = 0
        if keep_barcode is not None:
            # linear, but only on filter changes, never per frame
            target = next((i for i, r in enumerate(rows) if r.barcode == keep_barcode), 0)
        super().set_rows(rows, cursor=target)

    def _measure_rows(self) -> None:
        self._widths = self._measure(self._rows)

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

    def _columns(self) -> tuple[int, int, int, int]:
        """(barcode, recipient, status, location) widths for the widget's width: every column
        whole when there is room; else each is cut, the barcode first and most (in the middle; the
        history pane shows it whole), the recipient and status down to their minimums, so Location
        keeps _LOCATION_MIN cells (at 80 columns: 14 each for Recipient and Location, a 16-cell
        barcode). Under the minimums the line scrolls sideways."""
        barcode, status, recipient = self._widths
        date_w, scans_w = self._tail_columns()
        gaps = _GAP * (3 + (1 if recipient else 0) + (1 if scans_w else 0))
        room = self._available() - gaps - date_w - scans_w - _LOCATION_MIN
        wanted = [barcode, recipient, status]
        least = [min(barcode, _BARCODE_LEAST), min(recipient, _RECIPIENT_MIN), min(status, _STATUS_MIN)]
        widths = list(least)
        room -= sum(least)
        # what there is room for, in this order: a barcode that can be told apart, the whole name,
        # the whole status, the whole barcode; then Location takes the rest
        for column, upto in ((0, min(barcode, _BARCODE_MIN)), (1, recipient), (2, status), (0, barcode)):
            grow = max(0, min(room, upto - widths[column]))
            widths[column] += grow
            room -= grow
        location = _LOCATION_MIN + max(0, room)
        return widths[0], widths[1], widths[2], location

    def _line_width(self) -> int:
        """The columns' width, stretched to the widget's so the location column takes the rest."""
        barcode, recipient, status, location = self._columns()
        date_w, scans_w = self._tail_columns()
        return (barcode + _GAP + (recipient + _GAP if recipient else 0) + status + _GAP + date_w + _GAP
                + (scans_w + _GAP if scans_w else 0) + location)

    def _layout_key(self) -> tuple:
        return self._columns()

    def _cursor_moved(self) -> None:
        self.post_message(self.CursorMoved(self, self.cursor_row))

    # ------------------------------------------------------------------ rendering

    def _header_text(self) -> str:
        barcode, recipient, status, _ = self._columns()
        date_w, scans_w = self._tail_columns()
        return (
            "Barcode".ljust(barcode) + " " * _GAP
            + ("Recipient".ljust(recipient) + " " * _GAP if recipient else "")
            + "Latest status".ljust(status) + " " * _GAP
            + ("Date and time" if scans_w else "Last scan").ljust(date_w) + " " * _GAP
            + ("Scans".rjust(scans_w) + " " * _GAP if scans_w else "") + "Location"
        )

    def _row_segments(self, row: PieceRow, style: Style, selected: bool) -> list[Segment]:
        barcode_w, recipient_w, status_w, _ = self._columns()
        status_style = style if selected else style + self.get_component_rich_style(f"tracking-view--{row.category}")
        gap = " " * _GAP
        date_w, scans_w = self._tail_columns()
        tail = gap + local_time(row.date_time)[:date_w].ljust(date_w) + gap
        if scans_w:
            tail += str(row.events).rjust(scans_w) + gap
        head = middle(row.barcode, barcode_w) + gap
        if recipient_w:
            head += clip(recipient_text(row), recipient_w) + gap
        used = len(head) + status_w + len(tail)
        width = self._line_width()
        return [
            Segment(head, style),
            Segment(clip(row.status, status_w), status_style),
            Segment(tail + clip(row.location, max(1, width - used)), style),
        ]

    # ------------------------------------------------------------------ choosing

    def action_choose(self) -> None:
        row = self.cursor_row
        if row is not None:
            self.post_message(self.PieceChosen(self, row))

    def _clicked_twice(self) -> None:
        self.action_choose()
