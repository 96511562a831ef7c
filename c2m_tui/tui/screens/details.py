"""Batch details (``GET /batches/{id}/details``): number, document, pieces, status, errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from rich.table import Table
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from c2m_tui.core.errors import C2MError
from c2m_tui.core.models import BatchDetails, recipients_summary
from c2m_tui.tui.screens._common import local_clock, report_error, session_journal
from c2m_tui.tui.widgets.key_footer import KeyFooter
from c2m_tui.core.timefmt import local_time

# (label, BatchDetails attribute), in the order a person reads them
FIELDS = (
    ("Batch number", "batch_number"),
    ("Status", "status"),
    ("Document", "document_name"),
    ("Pieces", "no_of_pieces"),
    ("Created", "created_at"),
    ("Error message", "error_message"),
)


def details_table(details: BatchDetails) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for label, attr in FIELDS:
        value = getattr(details, attr)
        if attr == "created_at":
            value = local_time(value)
        table.add_row(label, value if value not in (None, "") else "none")
    for key, value in details.extra.items():  # elements the reference does not list: shown as sent
        table.add_row(key, value or "none")
    if details.recipients:
        table.add_row("Recipients", "\n".join(recipients_summary(details.recipients)))
    return table


class DetailsScreen(Screen):
    """Fetches the details once on open, again with r."""

    CSS_PATH = "details.tcss"
    BINDINGS = [
        Binding("r", "refresh", "Refresh", id="details.refresh"),
        Binding("t", "tracking", "Tracking", id="details.tracking"),
        Binding("c", "copy_id", "Copy batch id", id="details.copy-id"),
        Binding("escape", "back", "Back", id="details.back"),
        Binding("q", "back", "Back", show=False, id="details.back-alias"),
    ]

    @dataclass
    class Loaded(Message):
        details: BatchDetails
        at: datetime

    def __init__(self, batch_id: str, *, clock: Callable[[], datetime] | None = None, name: str | None = None) -> None:
        super().__init__(name=name)
        self.batch_id = str(batch_id)
        self.clock = clock or local_clock
        self.details: BatchDetails | None = None
        self._loader: Worker | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="details-body"):
            yield Static(f"Batch {self.batch_id}: details", id="details-title")
            yield Static("asking the server…", id="details-fields")
            yield Static("", id="details-fetched")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self._loader = self._load()

    @work(group="details", exclusive=True, exit_on_error=False)
    async def _load(self) -> None:
        try:
            details = await self.app.session.client.details(self.batch_id)
        except C2MError as err:
            self.query_one("#details-fields", Static).update(f"Could not read the details: {err}")
            report_error(self, err, "details")
            return
        self.post_message(self.Loaded(details, self.clock()))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is self._loader and event.state == WorkerState.ERROR:
            report_error(self, event.worker.error, "details")

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        self.details = message.details
        self.query_one("#details-fields", Static).update(details_table(message.details))
        self.query_one("#details-fetched", Static).update(f"Fetched at {local_time(message.at, seconds=True)}. r refreshes.")
        journal = session_journal(self)
        if journal is not None:
            try:
                journal.record_details(self.batch_id, message.details, base_url=self.app.session.base_url)
            except Exception:  # noqa: BLE001 - the journal is a convenience
                pass

    def action_tracking(self) -> None:
        from c2m_tui.tui.screens.tracking import TrackingScreen

        self.app.push_screen(TrackingScreen(self.batch_id))

    def action_copy_id(self) -> None:
        self.app.copy_to_clipboard(self.batch_id)
        self.notify(f"Batch id {self.batch_id} copied (if your terminal allows it, OSC 52).", title="Copied")

    def action_back(self) -> None:
        self.dismiss()
