"""A small dialog asking for a batch id; the home screen opens its status board."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.validation import Regex
from textual.widgets import Button, Input, Label, Static


class OpenBatchScreen(ModalScreen[str | None]):
    CSS_PATH = "open_batch.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="open-batch.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Open a batch by id", classes="section-title")
            yield Input(
                placeholder="batch id, e.g. 12345",
                id="batch-id",
                validators=[Regex(r"^\s*\d{1,18}\s*$", failure_description="a batch id is a number")],
                valid_empty=False,
            )
            yield Static("", id="batch-id-problem", classes="error-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Open", id="open", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted, "#batch-id")
    @on(Button.Pressed, "#open")
    def _open(self) -> None:
        field = self.query_one("#batch-id", Input)
        result = field.validate(field.value)
        if result is not None and not result.is_valid:
            self.query_one("#batch-id-problem", Static).update("; ".join(result.failure_descriptions))
            field.focus()
            return
        self.dismiss(field.value.strip())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
