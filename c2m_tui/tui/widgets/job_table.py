"""The jobs of a batch, one line per job, drawn with the line API (widgets.row_list).

It was a DataTable updated cell by cell with ``update_width=True``: when a 2,000-job batch turned
MAILED every mailing-date cell changed at once and the DataTable re-measured its columns for each
of them on idle, 40 s of the event loop. Here a poll's answer changes a row's texts in place (the
row keeps its place and the cursor stays on its job); only the lines on screen are drawn, and the
column widths are measured once per answer that changed something, over plain strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from rich.segment import Segment
from rich.style import Style

from c2m_tui.core.models import JobStatus, job_state
from c2m_tui.core.timefmt import local_time
from c2m_tui.tui.widgets.row_list import RowList, cursor_bindings

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
RECIPIENT_COLUMN = ("recipient", "Recipient")  # added once a job's recipients are known, after Status
_TIME_COLUMNS = frozenset({"submitted_date", "mailing_date"})
_QUEUED_WORDS = ("", "QUEUED", "PENDING", "EDITING", "SUBMITTED")
_GAP = 2
_WIDEST = {"job_status": 24, "recipient": 34, "invoice": 14, "error_message": 60}  # longer is cut with "…"
_RECIPIENT_NARROWEST = 14  # what the recipient keeps when the board is narrow; the columns after it scroll


def job_category(job_status: str | None) -> str:
    """The semantic colour of a job status word, from the core's meaning of it (``job_state``):
    failed, on hold, cancelled and unknown words are all shown as errors."""
    state = job_state(job_status)
    if state == "mailed":
        return "mailed"
    if state == "processing":
        return "queued" if (job_status or "").strip().upper() in _QUEUED_WORDS else "processing"
    return "error"


def column_keys(recipients: bool) -> tuple[str, ...]:
    keys = [key for key, _ in COLUMNS]
    if recipients:
        keys.insert(keys.index("job_status") + 1, RECIPIENT_COLUMN[0])  # beside the status: what a person looks for
    return tuple(keys)


def job_cells(job: JobStatus, keys: Sequence[str], times: dict[str, str]) -> tuple[str, ...]:
    """What each column shows for ``job``; ``times`` caches the dates (a batch's jobs share a few)."""
    out = []
    for key in keys:
        if key == "recipient":
            out.append(job.recipient_text())
            continue
        value = getattr(job, key) or ""
        if key in _TIME_COLUMNS:
            shown = times.get(value)
            if shown is None:
                shown = times[value] = local_time(value)
            value = shown
        elif key == "job_status":
            value = value or "—"
        out.append(str(value))
    return tuple(out)


def measure(keys: Sequence[str], texts: Sequence[tuple[str, ...]]) -> tuple[int, ...]:
    labels = dict((*COLUMNS, RECIPIENT_COLUMN))
    widths = []
    for i, key in enumerate(keys):
        longest = max((len(row[i]) for row in texts), default=0)
        widths.append(min(max(len(labels[key]), longest), _WIDEST.get(key, 1000)))
    return tuple(widths)


@dataclass(frozen=True)
class JobRows:
    """A whole answer's rows, made off the event loop (``prepare``): 20,000 jobs' texts take ~0.1 s."""

    keys: tuple[str, ...]
    texts: list[tuple[str, ...]]
    widths: tuple[int, ...]

    @classmethod
    def prepare(cls, jobs: Sequence[JobStatus]) -> "JobRows":
        keys = column_keys(any(j.recipients for j in jobs))
        times: dict[str, str] = {}
        texts = [job_cells(job, keys, times) for job in jobs]
        return cls(keys, texts, measure(keys, texts))


def fit(text: str, width: int) -> str:
    """``text`` in ``width`` cells, cut with "…" when longer."""
    return text.ljust(width) if len(text) <= width else text[: max(0, width - 1)] + "…"


class JobTable(RowList):
    """Per-job status; ``show_jobs`` adds new jobs and changes the texts of known ones in place."""

    PREFIX = "job-table"
    DEFAULT_CSS = """
    JobTable { height: auto; max-height: 16; background: $surface; color: $foreground; }
    JobTable > .job-table--header { background: $panel; text-style: bold; }
    JobTable > .job-table--even { background: $surface-lighten-1 50%; }
    JobTable:dark > .job-table--even { background: $surface-darken-1 40%; }
    JobTable > .job-table--cursor { background: $boost; text-style: bold reverse; }
    JobTable:focus > .job-table--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
    JobTable > .job-table--empty { color: $text-muted; text-style: italic; }
    JobTable > .job-table--queued { color: $status-queued; }
    JobTable > .job-table--processing { color: $status-processing; }
    JobTable > .job-table--mailed { color: $status-mailed; text-style: bold; }
    JobTable > .job-table--error { color: $status-error; text-style: bold; }
    """
    COMPONENT_CLASSES = {
        "job-table--header",
        "job-table--even",
        "job-table--cursor",
        "job-table--empty",
        "job-table--queued",
        "job-table--processing",
        "job-table--mailed",
        "job-table--error",
    }
    BINDINGS = cursor_bindings("job-table")

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        self._jobs: list[JobStatus] = []  # one per row, in the order the server first listed them
        self._texts: list[tuple[str, ...]] = []  # each row's cell texts, in self._keys' order
        self._where: dict[str, int] = {}  # job id -> row
        self._keys: tuple[str, ...] = tuple(key for key, _ in COLUMNS)
        self._widths: tuple[int, ...] = tuple(len(label) for _, label in COLUMNS)
        self.updates = 0  # cells changed in place, for tests and the curious
        super().__init__(self._texts, id=id, classes=classes)

    # ------------------------------------------------------------------ data

    @property
    def columns(self) -> tuple[str, ...]:
        """The column keys shown, in order."""
        return self._keys

    @property
    def job_ids(self) -> list[str]:
        return [job.job_id for job in self._jobs]

    @property
    def cursor_job(self) -> JobStatus | None:
        return self._jobs[self.cursor] if 0 <= self.cursor < len(self._jobs) else None

    def cell(self, job_id: str, key: str) -> str:
        """The text shown for job ``job_id`` in column ``key``."""
        return self._texts[self._where[job_id]][self._keys.index(key)]

    def row_texts(self, job_id: str) -> tuple[str, ...]:
        return self._texts[self._where[job_id]]

    def job(self, job_id: str) -> JobStatus:
        return self._jobs[self._where[job_id]]

    def show_jobs(self, jobs: Iterable[JobStatus], rows: JobRows | None = None) -> None:
        """Add the new jobs at the end and change the rows of known ones whose texts changed; the
        cursor stays on its job and the scroll where it is. ``rows``: the answer's rows made
        beforehand (``JobRows.prepare`` in a thread), else they are made here."""
        jobs = list(jobs)
        if rows is None or len(rows.texts) != len(jobs):
            rows = JobRows.prepare(jobs)
        if rows.keys != self._keys:
            if RECIPIENT_COLUMN[0] in self._keys:  # once shown, the recipients stay (an answer without them)
                rows = JobRows(self._keys, [job_cells(j, self._keys, {}) for j in jobs], ())
            else:
                self._keys = rows.keys
                self._texts[:] = [job_cells(job, self._keys, {}) for job in self._jobs]
        changed = False
        texts_of, where, all_jobs = self._texts, self._where, self._jobs
        for job, texts in zip(jobs, rows.texts):
            row = where.get(job.job_id)
            if row is None:
                where[job.job_id] = len(all_jobs)
                all_jobs.append(job)
                texts_of.append(texts)
                changed = True
                continue
            all_jobs[row] = job
            old = texts_of[row]
            if old != texts:
                self.updates += sum(1 for a, b in zip(old, texts) if a != b)
                texts_of[row] = texts
                changed = True
        if changed:
            if rows.widths and len(jobs) == len(all_jobs):  # the answer lists every job: its widths are ours
                self._widths = rows.widths
            else:
                self._measure_rows()
            self._strips.clear()
            self._update_virtual_size()
            self.refresh()

    def _measure_rows(self) -> None:
        self._widths = measure(self._keys, self._texts)

    def _cursor_moved(self) -> None:
        """Keep the cursor's line in sight when the board around the table scrolls (at 80x24 the
        table starts near the bottom of the screen); on the first job, the top of the board."""
        parent = self.parent
        if not self.is_mounted or parent is None or not getattr(parent, "is_scrollable", False) or not self._jobs:
            return
        if self.cursor == 0:
            parent.scroll_home(animate=False, immediate=True)
            return
        from textual.geometry import Region

        top = self.virtual_region.y + 1 + self.cursor - int(self.scroll_y)  # under the header line
        parent.scroll_to_region(Region(0, top, 1, 1), animate=False, immediate=True)

    # ------------------------------------------------------------------ layout

    def _fitted(self) -> tuple[int, ...]:
        """The measured widths, the recipient cut down (to _RECIPIENT_NARROWEST at least) so that
        it stays in sight beside the status when the board is narrow."""
        widths = list(self._widths)
        if RECIPIENT_COLUMN[0] in self._keys:
            at = self._keys.index(RECIPIENT_COLUMN[0])
            before = sum(widths[:at]) + _GAP * at
            room = self._available() - before
            if widths[at] > room:
                widths[at] = max(_RECIPIENT_NARROWEST, room)
        return tuple(widths)

    def _line_width(self) -> int:
        return max(sum(self._fitted()) + _GAP * (len(self._keys) - 1), self._available())

    def _layout_key(self) -> tuple:
        return (self._line_width(), *self._fitted())

    def _header_text(self) -> str:
        labels = dict(COLUMNS)
        labels[RECIPIENT_COLUMN[0]] = RECIPIENT_COLUMN[1]
        return (" " * _GAP).join(fit(labels[key], w) for key, w in zip(self._keys, self._fitted()))

    def _row_strip(self, index: int, base: Style):
        if index % 2:  # zebra stripes, as the DataTable had (the cache is keyed by row, so they stay put)
            base = base + self.get_component_rich_style(f"{self.PREFIX}--even")
        return super()._row_strip(index, base)

    def _row_segments(self, row: Sequence[str], style: Style, selected: bool) -> list[Segment]:
        widths = self._fitted()
        status_at = self._keys.index("job_status")
        gap = Segment(" " * _GAP, style)
        segments: list[Segment] = []
        for i, (text, width) in enumerate(zip(row, widths)):
            if i:
                segments.append(gap)
            cell = fit(text, width)
            if i == status_at and not selected:
                word = None if text == "—" else text
                segments.append(Segment(cell, style + self.get_component_rich_style(f"{self.PREFIX}--{job_category(word)}")))
            else:
                segments.append(Segment(cell, style))
        used = sum(widths) + _GAP * (len(widths) - 1)
        width = self._line_width()
        if used < width:
            segments.append(Segment(" " * (width - used), style))
        return segments
