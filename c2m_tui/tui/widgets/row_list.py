"""A list of rows with a cursor and a fixed header line, drawn with Textual's line API.

A DataTable builds a row object and measures every cell up front (about 12 s for 100k rows here,
all of it on the event loop). This widget keeps the rows as the caller's plain sequence and renders
only the lines on screen (``render_line``), keeping rendered Strips in an LRU cache, the way
Textualize/toolong shows huge log files. Subclasses say what the header reads and how one row is
drawn; the cursor, paging, clicks and the cache live here (the tracking list and the wizard's
recipients table both use it).
"""

from __future__ import annotations

from typing import Any, Sequence

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


def cursor_bindings(prefix: str) -> list[Binding]:
    """The keys of a row list; ``prefix`` names them for the keymap (``tracking-view.up``)."""
    return [
        Binding("up", "cursor_up", "Up", show=False, id=f"{prefix}.up"),
        Binding("down", "cursor_down", "Down", show=False, id=f"{prefix}.down"),
        Binding("pageup", "page_up", "Page up", show=False, id=f"{prefix}.page-up"),
        Binding("pagedown", "page_down", "Page down", show=False, id=f"{prefix}.page-down"),
        Binding("home", "first", "First", show=False, id=f"{prefix}.first"),
        Binding("end", "last", "Last", show=False, id=f"{prefix}.last"),
    ]


class RowList(ScrollView, can_focus=True):
    """Rows under a header line, one highlighted (``cursor``). Subclasses set ``PREFIX`` (their
    component classes are PREFIX--header, PREFIX--cursor and PREFIX--empty) and implement
    ``_line_width``, ``_header_text`` and ``_row_segments``; ``_layout_key`` is whatever, besides
    the row and whether it is highlighted, changes how a row is drawn."""

    PREFIX = "row-list"
    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    def __init__(self, rows: Sequence[Any] = (), *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._rows: Sequence[Any] = rows
        self._strips: LRUCache[tuple, Strip] = LRUCache(maxsize=1024)
        self.empty_text = ""
        self._measure_rows()

    # ------------------------------------------------------------------ for subclasses

    def _measure_rows(self) -> None:
        """Work out column widths for ``self._rows`` (once per data change, never per frame)."""

    def _line_width(self) -> int:
        raise NotImplementedError

    def _header_text(self) -> str:
        raise NotImplementedError

    def _row_segments(self, row: Any, style: Style, selected: bool) -> list[Segment]:
        raise NotImplementedError

    def _layout_key(self) -> tuple:
        return (self._line_width(),)

    def _cursor_moved(self) -> None:
        """The highlighted row changed (or the rows did): post the subclass's message."""

    # ------------------------------------------------------------------ data

    @property
    def rows(self) -> Sequence[Any]:
        return self._rows

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def cursor_row(self) -> Any | None:
        return self._rows[self.cursor] if 0 <= self.cursor < len(self._rows) else None

    def set_rows(self, rows: Sequence[Any], *, cursor: int = 0, keep_scroll: bool = False) -> None:
        """Show ``rows``, the cursor on ``cursor``; the scroll position kept or back at the top."""
        self._rows = rows
        self._measure_rows()
        self._strips.clear()
        self._update_virtual_size()
        if not keep_scroll:
            self.scroll_to(y=0, animate=False, immediate=True)
        self.cursor = cursor
        self.refresh()

    def _available(self) -> int:
        # always leave room for the vertical scrollbar, so showing it never adds a horizontal one
        return self.content_region.width - self.styles.scrollbar_size_vertical

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self._line_width(), len(self._rows) + 1)

    def on_resize(self) -> None:
        self._update_virtual_size()

    def on_mount(self) -> None:
        self._update_virtual_size()
        self._cursor_moved()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()  # a theme change recolours every line

    # ------------------------------------------------------------------ rendering

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        base = self.rich_style
        if y == 0:
            style = base + self.get_component_rich_style(f"{self.PREFIX}--header")
            strip = Strip([Segment(self._header_text().ljust(self._line_width()), style)])
        else:
            index = scroll_y + y - 1
            if index >= len(self._rows):
                if index == 0 and self.empty_text:
                    strip = Strip([Segment(self.empty_text, base + self.get_component_rich_style(f"{self.PREFIX}--empty"))])
                else:
                    return Strip.blank(width, base)
            else:
                strip = self._row_strip(index, base)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _row_strip(self, index: int, base: Style) -> Strip:
        selected = index == self.cursor
        key = (index, selected, *self._layout_key())
        cached = self._strips.get(key)
        if cached is not None:
            return cached
        style = base + self.get_component_rich_style(f"{self.PREFIX}--cursor") if selected else base
        strip = Strip(self._row_segments(self._rows[index], style, selected), self._line_width())
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
        self._cursor_moved()

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

    def _clicked_twice(self) -> None:
        """A double click on a row (the cursor is on it already)."""

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:  # the border, or the header line
            return
        index = int(self.scroll_y) + offset.y - 1
        if index < len(self._rows):
            self.cursor = index
            if event.chain == 2:
                self._clicked_twice()
