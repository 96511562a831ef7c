"""The tracking viewer's two small dialogs: choose a status to filter by, confirm a CSV path."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from c2m_tui.tui.widgets.path_input import typed_path

ALL = "\x00all"  # option id for "every status" (cannot collide with a status word)


class StatusFilterDialog(ModalScreen[str | None]):
    """Pick one latest status to show, or all. Dismisses with the status, ALL, or None (cancel)."""

    CSS_PATH = "tracking.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="tracking-filter.cancel")]

    def __init__(self, counts: dict[str, int], current: str | None) -> None:
        super().__init__()
        self.counts = counts
        self.current = current

    def compose(self) -> ComposeResult:
        total = sum(self.counts.values())
        options = [Option(f"All statuses ({total})", id=ALL)]
        options += [Option(f"{status or '(no status)'} ({n})", id=status) for status, n in self.counts.items()]
        with Vertical(id="filter-dialog"):
            yield Static("Show pieces whose latest status is…", id="filter-title")
            yield OptionList(*options, id="filter-options")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.current is not None:
            try:
                options.highlighted = options.get_option_index(self.current)
            except Exception:  # noqa: BLE001 - a status no longer present: start at "all"
                options.highlighted = 0
        else:
            options.highlighted = 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ExportDialog(ModalScreen[Path | None]):
    """Confirm (or change) where the CSV goes. Dismisses with the path, or None (cancel)."""

    CSS_PATH = "tracking.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="tracking-export.cancel")]

    def __init__(self, default: Path, pieces: int) -> None:
        super().__init__()
        self.default = default
        self.pieces = pieces

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog"):
            yield Static(f"Export the scans of {self.pieces} piece(s) as CSV to:", id="export-title")
            yield Input(str(self.default), id="export-path")
            yield Static("enter writes the file (an existing file is replaced) · escape cancels", id="export-hint")

    @on(Input.Submitted)
    def _confirmed(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if value:
            self.dismiss(typed_path(value))

    def action_cancel(self) -> None:
        self.dismiss(None)
