"""Asked when the person leaves the wizard (esc, ctrl+q) while a call to the server is in flight:
keep waiting, or cancel it and leave. Either way the journal keeps the batch resumable. Asked too
when step 3 holds a recipient list the server does not have ("unsent"): leaving drops it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

WHAT = {
    "upload": ("The PDF is being uploaded.",
               "Cancelling stops the upload; the journal records it, and the PDF is sent again when you resume "
               "this batch (an upload replaces the one before)."),
    "upload-xml": ("The batch XML is being uploaded.",
                   "Cancelling stops the upload; the journal records it, and the XML is sent again when you "
                   "resume this batch."),
    "create": ("The batch is being created; the server has not answered yet.",
               "If you stop waiting, a batch may exist on the server with an id nobody knows. It is never "
               "submitted, so nothing is printed or charged."),
    "submit": ("The batch is being submitted; the server has not answered yet.",
               "If you stop waiting, the journal keeps the submit as unanswered: resuming the batch reads its "
               "status first and never submits it twice."),
    "unsent": ("its recipient list is not uploaded.",
               "Leaving drops the list and what you fixed in it (the batch resumes from its last upload). To "
               "keep it, stay and upload it: ctrl+g on step 3."),
}
# (stay, leave) button words where they are not "Keep waiting" and the call's own
BUTTONS = {"unsent": ("Stay", "Leave without the list")}


class LeaveDuringCallScreen(ModalScreen[bool]):
    """Dismisses with True to cancel the call and leave, False to keep waiting."""

    CSS_PATH = "leave_during_call.tcss"
    BINDINGS = [Binding("escape", "stay", "Keep waiting", id="leave-call.stay")]

    def __init__(self, call: str, batch_id: str | None, head: str | None = None) -> None:
        super().__init__()
        self.call = call
        self.batch_id = batch_id
        self.head = head  # the first line's own words ("its 30 recipients are not uploaded.")

    def compose(self) -> ComposeResult:
        head, then = WHAT.get(self.call, WHAT["upload"])
        leave = "Cancel the upload and leave" if self.call.startswith("upload") else "Stop waiting and leave"
        stay, leave = BUTTONS.get(self.call, ("Keep waiting", leave))
        with Vertical(id="leave-call-box", classes="dialog"):
            yield Static(f"Batch {self.batch_id or '(new)'}: {self.head or head}", classes="section-title",
                         markup=False)
            yield Static(then, classes="hint", markup=False)
            with Horizontal(classes="step-buttons"):
                yield Button(stay, id="leave-call-stay", variant="primary")
                yield Button(leave, id="leave-call-go", variant="error")

    def on_mount(self) -> None:
        self.query_one("#leave-call-stay", Button).focus()

    def call_finished(self) -> None:
        """The call ended while this was asked (the wizard says so): leaving loses nothing now."""
        statics = self.query(Static)
        statics.first().update(f"Batch {self.batch_id or '(new)'}: the call has finished.")
        statics.last().update("Nothing is lost by leaving now; the journal has the batch as it stands.")
        self.query_one("#leave-call-go", Button).label = "Leave"
        self.query_one("#leave-call-stay", Button).label = "Stay"

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "leave-call-go")

    def action_stay(self) -> None:
        self.dismiss(False)
