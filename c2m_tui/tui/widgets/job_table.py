"""The jobs of a batch as a table that is updated in place: a row per job id, cells changed by
row key and column key, never cleared and refilled (the cursor and scroll stay where they are)."""

from __future__ import annotations

from typing import Iterable

from rich.text import Text
from textual.widgets import DataTable

from c2m_tui.core.models import JobStatus, job_state
from c2m_tui.core.timefmt import local_time

# (column key, label); the key is the JobStatus attribute shown in it
COLUMNS = (
    ("job_index", "#"),
    ("job_id", "Job id"),
    ("job_status", "Status"),
    ("submitted_date", "Submitted"),
    ("mailing_date", "Mailing date"),
    ("invoice", "Invoice"),
    ("error_message", "Error"),
)


_TIME_COLUMNS = frozenset({"submitted_date", "mailing_date"})
RECIPIENT_COLUMN = ("recipient", "Recipient")  # added once a job's recipients are known
_QUEUED_WORDS = ("", "QUEUED", "PENDING", "EDITING", "SUBMITTED")


def job_category(job_status: str | None) -> str:
    """The semantic colour of a job status word, from the core's meaning of it (``job_state``):
    failed, on hold, cancelled and unknown words are all shown as errors."""
    state = job_state(job_status)
    if state == "mailed":
        return "mailed"
    if state == "processing":
        return "queued" if (job_status or "").strip().upper() in _QUEUED_WORDS else "processing"
    return "error"


class JobTable(DataTable):
    """Per-job status; ``show_jobs`` adds new jobs and updates changed cells of known ones."""

    DEFAULT_CSS = """
    JobTable { height: auto; max-height: 16; }
    JobTable > .job-table--queued { color: $status-queued; }
    JobTable > .job-table--processing { color: $status-processing; }
    JobTable > .job-table--mailed { color: $status-mailed; text-style: bold; }
    JobTable > .job-table--error { color: $status-error; text-style: bold; }
    """
    COMPONENT_CLASSES = DataTable.COMPONENT_CLASSES | {
        "job-table--queued",
        "job-table--processing",
        "job-table--mailed",
        "job-table--error",
    }

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)
        self._shown: dict[str, dict[str, object]] = {}  # job id -> column key -> value shown
        self.updates = 0  # cells changed in place, for tests and the curious

    def on_mount(self) -> None:
        for key, label in COLUMNS:
            self.add_column(label, key=key)
        # after the new theme's CSS is applied, so the component styles are the new ones
        self.watch(self.app, "theme", lambda *_: self.call_after_refresh(self._recolour), init=False)

    def _cell(self, job: JobStatus, key: str) -> object:
        if key == "recipient":
            return job.recipient_text()
        value = getattr(job, key) or ""
        if key in _TIME_COLUMNS:
            return local_time(value)
        if key == "job_status":
            style = self.get_component_rich_style(f"job-table--{job_category(job.job_status)}", partial=True)
            return Text(str(value or "—"), style=style)
        return str(value)

    def show_jobs(self, jobs: Iterable[JobStatus]) -> None:
        jobs = list(jobs)
        if RECIPIENT_COLUMN[0] not in self.columns and any(j.recipients for j in jobs):
            self.add_column(RECIPIENT_COLUMN[1], key=RECIPIENT_COLUMN[0], default="")
        keys = [str(k.value) for k in self.columns]
        for job in jobs:
            cells = {key: self._cell(job, key) for key in keys}
            known = self._shown.get(job.job_id)
            if known is None:
                self.add_row(*cells.values(), key=job.job_id)
            else:
                for key, value in cells.items():
                    if known.get(key) != value:
                        self.update_cell(job.job_id, key, value, update_width=True)
                        self.updates += 1
            self._shown[job.job_id] = cells

    def _recolour(self, *_: object) -> None:
        """A theme change: recolour the status cells, still in place."""
        self._rich_style_cache.clear()
        for job_id, cells in self._shown.items():
            status = cells.get("job_status")
            if isinstance(status, Text):
                word = None if status.plain == "—" else status.plain
                style = self.get_component_rich_style(f"job-table--{job_category(word)}", partial=True)
                cells["job_status"] = Text(status.plain, style=style)
                self.update_cell(job_id, "job_status", cells["job_status"])
