"""Asked when a list is imported while the batch already has recipients: one recipient list per
batch, so the import either replaces the list or is added to it (duplicates across the whole list
are left out). Dismisses with "replace", "add" or None (nothing changes)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ReplaceOrAddScreen(ModalScreen[str | None]):
    CSS_PATH = "leave_during_call.tcss"  # the same small centred dialog
    BINDINGS = [Binding("escape", "cancel", "Cancel: keep the list", id="replace-or-add.cancel")]

    def __init__(self, current: int, imported: int, source: str) -> None:
        super().__init__()
        self.current, self.imported, self.source = current, imported, source

    def compose(self) -> ComposeResult:
        with Vertical(id="leave-call-box", classes="dialog"):
            yield Static(f"The batch already has {self.current} recipient(s).", classes="section-title",
                         markup=False)
            yield Static(f"{self.source} has {self.imported} to mail. Replace the list with them, or add them "
                         "to it (people already in the list are not added twice)?", classes="hint", markup=False)
            with Horizontal(classes="step-buttons"):
                yield Button(f"Replace: {self.imported}", id="import-replace", variant="primary")
                yield Button("Add to the list", id="import-add")
                yield Button("Cancel", id="import-cancel")

    def on_mount(self) -> None:
        self.query_one("#import-replace", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss({"import-replace": "replace", "import-add": "add"}.get(event.button.id or ""))

    def action_cancel(self) -> None:
        self.dismiss(None)
