"""The status board of one batch: where it stands in plain words, when it was last and will next
be asked, and its jobs in a table updated in place.

The poller is one worker (group ``status-poll``) on this screen, so it dies with the screen. It
asks, shows the answer, and only then waits (2 s, growing to 30 s while nothing changes): a slow
answer delays the next question instead of being cancelled by it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from rich.table import Table
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from c2m_tui.core.errors import C2MError, CredentialsError, NotFoundError
from c2m_tui.core.models import BatchStatus
from c2m_tui.core.polling import Backoff
from c2m_tui.tui.screens._common import journal_names, local_clock, report_error, session_journal
from c2m_tui.tui.widgets.job_table import JobRows, JobTable
from c2m_tui.tui.widgets.key_footer import KeyFooter
from c2m_tui.core.timefmt import local_time

NO_JOBS_YET = "No jobs yet: they appear once Click2Mail has processed the batch."
NO_JOB_IDS = "No job ids yet: Click2Mail gives them once it has processed the batch."


@dataclass(frozen=True)
class ReadStatus:
    """What the board shows of one answer, made once (in a thread): each of BatchStatus's phase,
    done, ok and describe counts every job again (~10-20 ms apiece at 20,000 jobs), and the board
    asked them a dozen times per answer on the event loop."""

    phase: str
    words: str
    ok: bool
    done: bool
    in_progress: bool  # a job still on its way: cancelling may work
    signature: tuple  # what the backoff compares: a change asks again sooner
    rows: JobRows

    @classmethod
    def of(cls, status: BatchStatus) -> "ReadStatus":
        phase = status.phase
        return cls(
            phase=phase,
            words=status.describe(),
            ok=status.ok,
            done=status.done,
            in_progress=any(j.state == "processing" for j in status.jobs),
            signature=(phase, tuple((j.job_id, j.job_status) for j in status.jobs)),
            rows=JobRows.prepare(status.jobs),
        )


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


class StatusScreen(Screen):
    """Polls ``GET /batches/{id}`` until a final state (``BatchStatus.done``: mailed, failed,
    partly failed, on hold, cancelled, unknown), in the core's words."""

    CSS_PATH = "status.tcss"
    BINDINGS = [
        Binding("r", "refresh", "Refresh now", id="status.refresh"),
        Binding("d", "details", "Details", id="status.details"),
        Binding("t", "tracking", "Tracking", id="status.tracking"),
        Binding("c", "copy_id", "Copy batch id", id="status.copy-id"),
        # shown beside the Jobs title, where they act (the footer at 80 columns has no room for them)
        Binding("v", "view_proof", "View proof", show=False, id="status.view-proof"),
        Binding("x", "cancel_jobs", "Cancel jobs", show=False, id="status.cancel-jobs"),
        Binding("escape", "back", "Back", id="status.back"),
        Binding("q", "back", "Back", show=False, id="status.back-alias"),
    ]

    @dataclass
    class Polled(Message):
        status: BatchStatus
        at: datetime
        read: "ReadStatus | None" = None  # what the board shows of it, made in a thread

    @dataclass
    class PollFailed(Message):
        error: C2MError
        at: datetime

    @dataclass
    class Cancelled(Message):
        """One job's outcome (core.rest.CancelOutcome), or ``error`` when the rest could not be asked."""

        outcome: object | None = None
        error: BaseException | None = None
        finished: bool = False

    def __init__(
        self,
        batch_id: str,
        *,
        backoff: Backoff | None = None,
        clock: Callable[[], datetime] | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        self.batch_id = str(batch_id)
        self.backoff = backoff or Backoff()  # injectable: tests poll every few milliseconds
        self.clock = clock or local_clock
        self.status: BatchStatus | None = None
        self.read: ReadStatus | None = None  # what the board shows of self.status
        self.last_poll: datetime | None = None
        self.next_poll: datetime | None = None
        self.last_error: str | None = None
        self.not_found = False  # the server says there is no such batch: nothing but r and c can work
        self.polls = 0
        self._wake = asyncio.Event()
        self._poller: Worker | None = None
        self.cancel_outcomes: list = []  # core.rest.CancelOutcome of the last cancel, in order
        self._names: dict = {}  # who each job went to (the journal's), once the poller has read it

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="status-body"):
            yield Static(f"Batch {self.batch_id}", id="status-title")
            yield Static("asking the server…", id="status-phase", classes="phase-created")
            yield Static("", id="status-facts")
            yield Static("", id="status-problem")
            yield Static("", id="status-cancel", markup=False)  # what became of the jobs asked to be cancelled
            with Horizontal(id="status-jobs-title"):
                yield Static("Jobs", classes="section-title")
                yield Static("", id="status-job-keys", markup=False)
            yield JobTable(id="status-jobs")
            yield Static(NO_JOBS_YET, id="status-no-jobs")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#status-problem").display = False
        self.query_one("#status-cancel").display = False
        self._show_jobs_section()
        self._render_facts()
        self.start_polling()

    # ------------------------------------------------------------------ polling

    def start_polling(self) -> None:
        """Start the poll loop unless it is running (then wake it instead)."""
        if self._poller is not None and self._poller.state in (WorkerState.PENDING, WorkerState.RUNNING):
            self._wake.set()
            return
        self.backoff.reset()
        self._poller = self._poll_loop()

    @work(group="status-poll", exclusive=True, exit_on_error=False)
    async def _poll_loop(self) -> None:
        import asyncio

        from c2m_tui.core.journal.views import name_jobs

        previous: tuple | None = None
        names = await asyncio.to_thread(journal_names, self, self.batch_id)  # who each job went to
        self._names = names
        while True:
            try:
                answer = await self.app.session.client.status(self.batch_id)
            except C2MError as err:
                self.post_message(self.PollFailed(err, self.clock()))
                if isinstance(err, (CredentialsError, NotFoundError)):
                    self.next_poll = None  # asking again cannot help: the person must act
                    return
                delay = self.backoff.next(changed=False)
            else:
                # off the event loop: 20,000 jobs named, counted, described, turned into rows and
                # journaled take ~0.5 s of Python that would otherwise freeze the board
                status, read = await asyncio.to_thread(self._read, answer, names)
                self.post_message(self.Polled(status, self.clock(), read))
                if read.done:
                    self.next_poll = None
                    return
                delay = self.backoff.next(changed=read.signature != previous)
                previous = read.signature
            self.next_poll = self.clock() + timedelta(seconds=delay)
            self.call_later(self._render_facts)
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
            except asyncio.TimeoutError:
                pass

    def _read(self, answer: BatchStatus, names: dict) -> tuple[BatchStatus, "ReadStatus"]:
        """In a thread: the answer with the journal's names, what the board shows of it, and the
        journal told (a convenience: a journal that fails is ignored)."""
        from c2m_tui.core.journal.views import name_jobs

        status = name_jobs(answer, names) if names else answer
        read = ReadStatus.of(status)
        journal = session_journal(self)
        if journal is not None:
            try:
                journal.record_status(self.batch_id, status, base_url=self.app.session.base_url)
            except Exception:  # noqa: BLE001 - the journal is a convenience; the board still works
                pass
        return status, read

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is self._poller and event.state == WorkerState.ERROR:
            report_error(self, event.worker.error, "status")  # a bug, shown, not a crash
            self.next_poll = None
            self._render_facts()

    @on(Polled)
    def _show_status(self, message: Polled) -> None:
        status = message.status
        read = message.read or ReadStatus.of(status)
        before = self.read
        self.status = status
        self.read = read
        self.last_poll = message.at
        self.last_error = None
        self.not_found = False
        self.polls += 1
        phase = self.query_one("#status-phase", Static)
        phase.update(read.words)
        phase.set_classes(f"phase-{read.phase}")
        self.query_one("#status-problem").display = False
        jobs = self.query_one(JobTable)
        jobs.show_jobs(status.jobs, read.rows)
        self._show_jobs_section()
        self._render_facts()
        self.refresh_bindings()  # v and x are offered once there are jobs
        if before is not None and before.phase != read.phase:
            severity = "information" if read.ok else "error"
            self.notify(read.words, title=f"Batch {self.batch_id}: {read.phase}", severity=severity, timeout=8)

    @on(PollFailed)
    def _show_failure(self, message: PollFailed) -> None:
        self.last_poll = message.at
        self.last_error = str(message.error)
        self.not_found = isinstance(message.error, NotFoundError)
        problem = self.query_one("#status-problem", Static)
        problem.update(f"Last poll failed: {message.error}")
        problem.display = True
        headline = self._failure_headline(message.error)
        if headline is not None:  # else the last answer's headline stays, the problem under it
            phase = self.query_one("#status-phase", Static)
            phase.update(headline)
            phase.set_classes("phase-unknown" if self.not_found else "phase-created")
        self._show_jobs_section()
        self._render_facts()
        self.refresh_bindings()
        report_error(self, message.error, "status")

    def _failure_headline(self, error: C2MError) -> str | None:
        """What the headline says after a failed poll: never "asking the server…" once it has
        answered (or could not be reached); None keeps the last answer's words."""
        if isinstance(error, NotFoundError):
            return f"not found: this server has no batch {self.batch_id} (check the id, and the profile)"
        if self.status is not None:
            return None
        if isinstance(error, CredentialsError):
            return "not asked: the server refused the credentials"
        return "no answer yet: the last poll failed; asking again"

    def _show_jobs_section(self) -> None:
        """The job table, or why there are no jobs; nothing of the kind for a batch not found."""
        jobs = self.status.jobs if self.status is not None and not self.not_found else []
        self.query_one("#status-jobs-title").display = not self.not_found
        table = self.query_one(JobTable)
        table.display = bool(jobs)
        self.query_one("#status-no-jobs").display = not jobs and not self.not_found
        self.query_one("#status-job-keys", Static).update(self._job_keys_text())
        if jobs and (self.focused is None or self.focused is self.query_one("#status-body")):
            table.focus(scroll_visible=False)  # arrows move in the jobs (v is for the highlighted one)

    def _job_keys_text(self) -> str:
        """``v proof of the highlighted job · x cancel jobs``: the jobs' keys that can work now, with
        the keys the keymap gives them."""
        status, read = self.status, self.read
        if status is None or read is None or not status.jobs or self.not_found:
            return ""
        wanted = {"view_proof": "proof of the highlighted job"}
        if read.in_progress:
            wanted["cancel_jobs"] = "cancel jobs"
        keys: dict[str, list[str]] = {}
        for node, binding, enabled, _tooltip in self.active_bindings.values():  # the keymap's keys
            if node is self and enabled and binding.action in wanted:
                keys.setdefault(binding.action, []).append(self.app.get_key_display(binding))
        return " · ".join(f"{'/'.join(keys[a])} {words}" for a, words in wanted.items() if a in keys)

    def _render_facts(self) -> None:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        s = self.status
        if s is not None:
            table.add_row("Submitted", _yes_no(s.submitted))
            table.add_row("Received", _yes_no(s.received))
            table.add_row("Has errors", _yes_no(s.has_errors))
            table.add_row("Error message", s.error_message or "none")
            if s.created_at:
                table.add_row("Created", local_time(s.created_at))
            if s.completed_at:
                table.add_row("Completed", local_time(s.completed_at))
        table.add_row("Last poll", _clock_text(self.last_poll) if self.last_poll else "not yet")
        table.add_row("Next poll", self._next_poll_text())
        self.query_one("#status-facts", Static).update(table)

    def _next_poll_text(self) -> str:
        if self.next_poll is not None:
            return _clock_text(self.next_poll)
        if self.read is not None and self.read.done:
            return f"none: the batch is {self.read.phase.replace('-', ' ')} (r asks again)"
        if self.not_found:
            return "none: there is no such batch here (r asks again)"
        if self.last_error is not None:
            return "none: fix the problem below, then press r"
        return "as soon as the first answer arrives"

    # ------------------------------------------------------------------ keys

    def action_refresh(self) -> None:
        self.start_polling()

    def action_details(self) -> None:
        from c2m_tui.tui.screens.details import DetailsScreen

        self.app.push_screen(DetailsScreen(self.batch_id))

    def action_tracking(self) -> None:
        from c2m_tui.tui.screens.tracking import TrackingScreen

        self.app.push_screen(TrackingScreen(self.batch_id))

    def action_copy_id(self) -> None:
        self.app.copy_to_clipboard(self.batch_id)  # OSC 52: works over SSH where the terminal allows it
        self.notify(f"Batch id {self.batch_id} copied (if your terminal allows it, OSC 52).", title="Copied")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only the keys that can work are offered: nothing about a batch the server does not have,
        and no proof or cancel before Click2Mail has given the jobs ids."""
        if action in ("details", "tracking", "view_proof", "cancel_jobs") and self.not_found:
            return False
        if action in ("view_proof", "cancel_jobs") and not (self.status is not None and self.status.jobs):
            return False
        return True

    def action_view_proof(self) -> None:
        """Click2Mail's proof of the job under the cursor, in the page viewer."""
        from c2m_tui.tui.screens.page_viewer import PageViewerScreen

        job = self.query_one(JobTable).cursor_job
        if job is None:
            self.notify(NO_JOB_IDS, severity="warning")
            return
        self.app.push_screen(PageViewerScreen(proof_of=(self.batch_id, str(job.job_id))))

    def action_cancel_jobs(self) -> None:
        """Ask which jobs to cancel, from a fresh status: those still in progress, the ones before
        production checked (the board's last answer may be seconds old; production does not wait)."""
        if any(w.group in ("cancel", "cancel-ask") and w.is_running for w in self.workers):
            self.notify("Still cancelling the jobs asked for.", severity="warning")
            return
        self.ask_which_jobs()

    @work(group="cancel-ask", exclusive=True, exit_on_error=False)
    async def ask_which_jobs(self) -> None:
        from c2m_tui.core.journal.views import name_jobs
        from c2m_tui.core.rest import cancellable
        from c2m_tui.tui.screens.cancel_jobs import CancelJobsScreen

        try:
            status = name_jobs(await self.app.session.client.status(self.batch_id), self._names)
        except C2MError as err:  # the board's last answer will do; the server decides anyway
            self.notify(f"The status could not be read again ({err}); the jobs are as last shown.",
                        severity="warning")
            status = self.status
        else:
            status, read = await asyncio.to_thread(self._read, status, {})  # named already
            self.post_message(self.Polled(status, self.clock(), read))
        jobs = status.jobs if status is not None else []
        if not jobs:
            self.notify(NO_JOB_IDS, severity="warning")
            return
        open_jobs = [j for j in jobs if j.state == "processing"]
        if not open_jobs:
            self.notify(f"No job of batch {self.batch_id} can still be cancelled: each is mailed, cancelled or "
                        "failed.", severity="warning")
            return
        checked = {j.job_id for j in open_jobs if cancellable(j.job_status)}
        by_id = {j.job_id: j for j in open_jobs}

        def chosen(ids: list[str] | None) -> None:
            if ids:
                self.cancel_outcomes = []
                self.cancel_chosen([by_id[i] for i in ids])

        self.app.push_screen(CancelJobsScreen(self.batch_id, open_jobs, checked), callback=chosen)

    @work(group="cancel", exclusive=True, exit_on_error=False, description="cancel the chosen jobs")
    async def cancel_chosen(self, jobs: list) -> None:
        """The core's cancel_jobs, job by job, each outcome shown as it comes; then the board asks again."""
        from c2m_tui.core.rest import cancel_jobs

        box = self.query_one("#status-cancel", Static)
        box.update(f"Cancelling {len(jobs):,} job(s)…")
        box.set_classes("")
        box.display = True
        try:
            rest = self.app.session.rest_client()
            async with rest:
                await cancel_jobs(rest, jobs, on_job=lambda outcome: self.post_message(self.Cancelled(outcome)))
        except Exception as err:  # noqa: BLE001 - credentials, unreachable, no REST host: said, then refreshed
            self.post_message(self.Cancelled(error=err, finished=True))
        else:
            self.post_message(self.Cancelled(finished=True))

    @on(Cancelled)
    def _show_cancelled(self, message: Cancelled) -> None:
        from c2m_tui.core.errors import describe

        if message.outcome is not None:
            self.cancel_outcomes.append(message.outcome)
        lines = [_outcome_line(o) for o in self.cancel_outcomes]
        if message.error is not None:
            lines.append(f"Stopped: {describe(message.error)}")
        box = self.query_one("#status-cancel", Static)
        box.update("\n".join(lines) or "Cancelling…")
        if message.finished:
            done = sum(1 for o in self.cancel_outcomes if o.cancelled)
            refused = len(self.cancel_outcomes) - done
            head = f"{done:,} job(s) cancelled" + (f", {refused:,} not" if refused else "")
            failed = bool(refused or message.error)
            box.set_classes("error-text" if failed else "ok-text")
            said = "Each job's answer is on the board." if failed else f"Batch {self.batch_id}: the board asks again."
            self.notify(said, title=head, severity="warning" if failed else "information", timeout=10)
            self.start_polling()  # the board shows the new job states

    def action_back(self) -> None:
        self.dismiss()


def _outcome_line(outcome) -> str:
    """``job 2 (id 1002, Ada Lovelace, Baltimore 21201): cancelled (Job cancelled.)``, or ``: not
    cancelled:`` and the server's own words."""
    job = outcome.job
    who = job.recipient_text()
    name = f"{job.label()} (id {job.job_id}{', ' + who if who else ''})"
    if outcome.cancelled:
        return f"{name}: cancelled" + (f" ({outcome.words})" if outcome.words else "")
    return f"{name}: not cancelled: {outcome.reason or outcome.words}"


def _clock_text(at: datetime) -> str:
    return local_time(at, seconds=True)
