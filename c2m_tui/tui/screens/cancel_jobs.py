"""Cancelling jobs from the status board: the jobs still in progress, each named (index, id,
recipient, status), checked when the board's last word says it is before production (the core's
``cancellable``). The server decides: a job already in production is refused, in its words."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, SelectionList, Static
from textual.widgets.selection_list import Selection


def job_words(job) -> str:
    """``job 2 (id 1002) · ORDER_SUBMITTED · Ada Lovelace, Baltimore 21201``: one line (a selection
    list's rows are), the recipient last, so a narrow terminal cuts a long name, not the status."""
    who = job.recipient_text()
    return " · ".join(p for p in (f"{job.label()} (id {job.job_id})", job.job_status or "no status yet", who) if p)


class CancelJobsScreen(ModalScreen["list[str] | None"]):
    """Dismissed with the chosen job ids, or None when nothing is to be cancelled."""

    CSS_PATH = "cancel_jobs.tcss"
    BINDINGS = [Binding("escape", "keep", "Keep them", id="cancel-jobs.keep")]

    def __init__(self, batch_id: str, jobs: list, checked: set[str]) -> None:
        super().__init__()
        self.batch_id = batch_id
        self.jobs = jobs  # JobStatus rows still in progress
        self.checked = checked  # job ids before production, by the board's last status

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="cancel-dialog"):
            yield Label(f"Cancel jobs of batch {self.batch_id}", id="cancel-title")
            yield Static(
                "A cancelled job is not printed or mailed. Checked jobs are before production; Click2Mail "
                "refuses any job already in production (space checks or unchecks).",
                markup=False,
            )
            yield SelectionList[str](
                *(Selection(job_words(j), j.job_id, j.job_id in self.checked) for j in self.jobs),
                id="cancel-list",
            )
            yield Static("", id="cancel-problem", classes="error-text", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel the checked jobs", id="cancel-go", variant="error")
                yield Button("Keep them", id="cancel-keep", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#cancel-list", SelectionList).focus()
        self._count()

    @on(SelectionList.SelectedChanged, "#cancel-list")
    def _count(self) -> None:
        chosen = len(self.query_one("#cancel-list", SelectionList).selected)
        self.query_one("#cancel-go", Button).label = f"Cancel {chosen} job(s)" if chosen else "Cancel the checked jobs"

    @on(Button.Pressed, "#cancel-go")
    def _go(self) -> None:
        chosen = list(self.query_one("#cancel-list", SelectionList).selected)
        if not chosen:
            self.query_one("#cancel-problem", Static).update("No job is checked: nothing to cancel.")
            return
        self.dismiss(chosen)

    @on(Button.Pressed, "#cancel-keep")
    def action_keep(self) -> None:
        self.dismiss(None)
