"""The wizard's recipients table: one line per recipient, drawn with the line API (widgets.row_list),
so a 100,000-row list is shown at once and pages without a stall (a DataTable took seconds to
build that many rows, all of it on the event loop)."""

from __future__ import annotations

from itertools import islice
from typing import Sequence

from rich.segment import Segment
from rich.style import Style

from c2m_tui.core.models import Address
from c2m_tui.tui.widgets.row_list import RowList, cursor_bindings

_GAP = 2
# (header, the widest the column grows to)
COLUMNS = (("Name", 26), ("Address", 30), ("City", 18), ("St", 2), ("ZIP", 10))
_NARROWEST = (10, 10, 7, 2, 5)  # what each column keeps when the pane is narrow (38 cells at 80 columns)
_SHRINK_FIRST = (1, 0, 2)  # Address, then Name, then City give up room; St and ZIP never do
_MEASURED = 2000  # widths come from this many rows spread over the list; a longer value is cut with "…"


def cells(address: Address) -> tuple[str, str, str, str, str]:
    return (address.name or address.organization, address.address1, address.city, address.state,
            address.postal_code)


def fit(text: str, width: int) -> str:
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"


class RecipientTable(RowList):
    """The recipients in the list's order; the cursor's row is the one delete removes."""

    PREFIX = "recipient-table"
    DEFAULT_CSS = """
    RecipientTable { background: $surface; color: $foreground; }
    RecipientTable > .recipient-table--header { background: $panel; text-style: bold; }
    RecipientTable > .recipient-table--cursor { background: $boost; text-style: bold reverse; }
    RecipientTable:focus > .recipient-table--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
    RecipientTable > .recipient-table--empty { color: $text-muted; text-style: italic; }
    """
    COMPONENT_CLASSES = {"recipient-table--header", "recipient-table--cursor", "recipient-table--empty"}
    BINDINGS = cursor_bindings("recipient-table")

    def __init__(self, rows: Sequence[Address] = (), *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(rows, name=name, id=id, classes=classes)

    def _measure_rows(self) -> None:
        widths = [len(title) for title, _most in COLUMNS]
        rows = self._rows
        step = max(1, len(rows) // _MEASURED)  # O(1) per data change whatever the list's length
        for address in islice(rows, 0, None, step):
            for i, text in enumerate(cells(address)):
                if len(text) > widths[i]:
                    widths[i] = len(text)
        self._widths = [min(w, most) for w, (_title, most) in zip(widths, COLUMNS)]

    def _gap(self) -> int:
        """Two cells between columns, one when the measured widths do not fit."""
        return _GAP if sum(self._widths) + _GAP * (len(COLUMNS) - 1) <= self._available() else 1

    def _fitted(self) -> list[int]:
        """The measured widths, the long columns cut down so that St and ZIP stay in sight."""
        widths = list(self._widths)
        over = sum(widths) + self._gap() * (len(COLUMNS) - 1) - self._available()
        for i in _SHRINK_FIRST:
            if over <= 0:
                break
            give = min(over, max(0, widths[i] - _NARROWEST[i]))
            widths[i] -= give
            over -= give
        return widths

    def _line_width(self) -> int:
        return max(sum(self._fitted()) + self._gap() * (len(COLUMNS) - 1), self._available())

    def _layout_key(self) -> tuple:
        return (self._line_width(), *self._fitted())

    def _header_text(self) -> str:
        gap = " " * self._gap()
        return gap.join(fit(title, w) for (title, _most), w in zip(COLUMNS, self._fitted()))

    def _row_segments(self, row: Address, style: Style, selected: bool) -> list[Segment]:
        gap = " " * self._gap()
        text = gap.join(fit(value, w) for value, w in zip(cells(row), self._fitted()))
        return [Segment(text.ljust(self._line_width()), style)]
