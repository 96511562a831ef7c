"""The late duplicate: the core's guard found, at submit time, the same letters already sent (sent
since the review, from another window or the command line). Not a second look-alike confirmation:
its own title and words, Cancel focused, and it sends only when "Mail them again" is pressed."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


class SendAgainScreen(ModalScreen[bool]):
    CSS_PATH = "send_again.tcss"
    BINDINGS = [Binding("escape", "keep", "Do not send", id="send-again.cancel")]

    def __init__(self, batch_id: str, found: str) -> None:
        super().__init__()
        self.batch_id = batch_id
        self.found = found  # the core's words: which batch, when

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="send-again-dialog"):
            yield Label("Stopped: these letters were already sent", id="send-again-title")
            yield Static(
                f"Batch {self.batch_id} was NOT submitted. Just now the batch journal found the same PDF and "
                f"XML already submitted: {self.found}.",
                id="send-again-found", markup=False,
            )
            yield Static("Mailing them again prints, mails and charges every letter a second time.",
                         classes="error-text", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Do not send", id="send-again-cancel", variant="primary")
                yield Button("Mail them again", id="send-again-submit", variant="error")

    def on_mount(self) -> None:
        self.query_one("#send-again-cancel", Button).focus()

    @on(Button.Pressed, "#send-again-submit")
    def _again(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#send-again-cancel")
    def action_keep(self) -> None:
        self.dismiss(False)
