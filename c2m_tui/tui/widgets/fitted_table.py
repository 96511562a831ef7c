"""A DataTable whose lines are drawn again once its columns have been measured.

Textual measures new rows' cells when the table is next idle (``_update_dimensions``) and keys its
cached lines without the column widths. A line painted between ``add_row`` and that idle (a screen
refresh that came first, under load or after a modal closed) stays cached with the columns as wide
as their titles ("Busine", "keep as") until the cursor or the data next changes. Textual issues
#3533 and #4470 (open). Seen on the problems screen at 80 and 120 columns, in use and in the
screenshots; every DataTable of the app is this one.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.widgets import DataTable


class FittedTable(DataTable):
    def _update_dimensions(self, new_rows: Iterable) -> None:
        widths = [column.content_width for column in self.columns.values()]
        super()._update_dimensions(new_rows)
        if widths != [column.content_width for column in self.columns.values()]:
            self._clear_caches()  # the cached lines were drawn at the old widths
            self.refresh()
