"""What the simulator remembers: batches per user, their uploads, the FIFO queue, and jobs.

Job statuses are not pushed by a timer: each job knows when it entered ORDER_SUBMITTED and its
status at any moment follows from the clock (one step every ``job_seconds``). That keeps the
answers consistent between calls and costs nothing while nobody asks.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

# REST job vocabulary (reference §4); a batch's jobs walk through these, one step per job_seconds.
JOB_STEPS = ("ORDER_SUBMITTED", "AWAITING_PRODUCTION", "IN_PRODUCTION", "MAILED")
MAILED_STEP = len(JOB_STEPS) - 1


@dataclass(slots=True)
class SimJob:
    """One job the worker created from a ``<job>`` of the uploaded XML."""

    job_id: int
    index: int  # 1-based position of the <job> in the uploaded XML
    pieces: int  # recipients: one printed piece each
    mail_class: str
    invoice: str
    started_at: float  # when it entered ORDER_SUBMITTED
    first_serial: int  # IMb serial of its first piece; the others follow
    # for the REST calls (molpro.py): its price, print options, pages and first recipient
    cost: str = "0.00"
    international: int = 0
    options: dict = field(default_factory=dict)
    start_page: int = 1
    end_page: int = 1
    first_address: list = field(default_factory=list)

    @property
    def pages(self) -> int:
        return self.end_page - self.start_page + 1

    def step(self, now: float, job_seconds: float) -> int:
        if job_seconds <= 0:
            return MAILED_STEP
        return max(0, min(MAILED_STEP, int((now - self.started_at) / job_seconds)))

    def status(self, now: float, job_seconds: float) -> str:
        return JOB_STEPS[self.step(now, job_seconds)]

    def mailed_at(self, job_seconds: float) -> float:
        return self.started_at + MAILED_STEP * max(job_seconds, 0.0)


@dataclass(slots=True)
class SimBatch:
    id: int
    owner: str
    created_at: float
    pdf_path: Path | None = None
    pdf_bytes: int = 0
    xml_path: Path | None = None
    xml_bytes: int = 0
    upload_name: str = ""  # filename from a Content-Disposition header on the PDF upload, if any
    document_name: str = ""  # <filename> of the batch XML, known once the worker has read it
    submit_count: int = 0  # every submit call, including refused repeats
    submitted_at: float | None = None
    received_at: float | None = None  # the intake worker took it (at once if nothing was ahead)
    processed_at: float | None = None  # intake finished: jobs created, or hasErrors set
    has_errors: bool = False
    error_message: str = ""
    pieces: int = 0
    jobs: list[SimJob] = field(default_factory=list)
    processed_seq: int | None = None  # 1 for the first batch the worker took, 2 for the next...
    # test hooks (POST /__sim__/jobs, /__sim__/tracking): a job index -> (forced jobStatus, its
    # errorMessage); a piece number in the batch (1-based) -> (scans it gets, a last scan word or "")
    job_overrides: dict[int, tuple[str, str]] = field(default_factory=dict)
    piece_overrides: dict[int, tuple[int, str]] = field(default_factory=dict)
    tracking_answer: tuple[int, str, bytes] | None = None  # (status, content type, body) served as is

    def job_state(self, job: SimJob, now: float, job_seconds: float) -> tuple[str, str]:
        """(jobStatus, errorMessage) of a job: its place on the clock unless a test forced one."""
        forced = self.job_overrides.get(job.index)
        return forced if forced is not None else (job.status(now, job_seconds), "")

    def job_mailed(self, job: SimJob, now: float, job_seconds: float) -> bool:
        return self.job_state(job, now, job_seconds)[0] == JOB_STEPS[MAILED_STEP]

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def received(self) -> bool:
        return self.received_at is not None

    @property
    def completed_at(self) -> float | None:
        """``completedAt``: when Click2Mail finished processing the batch (read it, split it into
        jobs, or found it in error), not when the mail went out: that is each job's MAILED status
        and ``mailingDate``. [INFERRED] yourcelf/btb polls every 20 s until completedAt appears,
        then prints "Done" and deletes its merged PDF; a script a person runs by hand would not
        poll for the days production and mailing take. It pairs with createdAt, a batch-level
        moment, while the mailing moments are per job. Whether an errored batch carries it is
        unknown; it does here (btb stops on hasErrors before it looks)."""
        return self.processed_at

    def phase(self, now: float, job_seconds: float) -> str:
        """The batch in the REST job vocabulary (used by ``/details``): EDITING before submit,
        ORDER_SUBMITTED while queued, then the least advanced job's status, or ERROR."""
        if self.has_errors:
            return "ERROR"
        if not self.submitted:
            return "EDITING"
        if not self.received or not self.jobs:
            return "ORDER_SUBMITTED"
        forced = [self.job_overrides[j.index][0] for j in self.jobs if j.index in self.job_overrides]
        if forced and forced[0] != JOB_STEPS[MAILED_STEP]:
            return forced[0]
        return JOB_STEPS[min(j.step(now, job_seconds) for j in self.jobs)]


class BatchStore:
    """All batches of every user, and the queue in front of the single intake worker.

    A submitted batch is received the moment the worker is free: at once when nothing is ahead
    (the customerlobby RSpec suite and Click2Mail's Postman collection read received=true on the
    status call right after submit). Otherwise it waits, submitted=true and received=false, until
    the batches ahead are processed. Touched only from the server's event loop: no locks.
    """

    def __init__(self, workdir: Path, rng: random.Random) -> None:
        self.workdir = workdir
        self.batches: dict[int, SimBatch] = {}
        # submitted batches waiting behind the one in intake, oldest first (none of them received)
        self.pending: deque[SimBatch] = deque()
        self.in_intake: SimBatch | None = None  # received, being processed by the worker
        self.processed = 0
        # staging ids were ~9x,xxx and production ~3,1xx,xxx: plain integers, ours start at random
        self._next_id = rng.randrange(100_000, 900_000)
        self._next_job_id = rng.randrange(1_000_000, 9_000_000)
        self._next_invoice = rng.randrange(100_000, 900_000)
        self._next_serial = rng.randrange(1, 100_000_000)

    def create(self, owner: str, now: float) -> SimBatch:
        batch = SimBatch(id=self._next_id, owner=owner, created_at=now)
        self._next_id += 1
        self.batches[batch.id] = batch
        return batch

    def get(self, owner: str, batch_id: str) -> SimBatch | None:
        """The batch, if it exists and belongs to ``owner`` (someone else's is as good as absent)."""
        if not batch_id.isascii() or not batch_id.isdigit() or len(batch_id) > 18:
            return None
        batch = self.batches.get(int(batch_id))
        return batch if batch is not None and batch.owner == owner else None

    def path_for(self, batch: SimBatch, kind: str) -> Path:
        return self.workdir / f"{batch.id}.{kind}"

    def enqueue(self, batch: SimBatch, now: float) -> None:
        """Submit: the batch joins the queue, and is received at once if the worker is free."""
        batch.submitted_at = now
        self.pending.append(batch)
        self._admit(now)

    def _admit(self, now: float) -> None:
        """Give the free worker the oldest waiting batch: from now on it is received."""
        if self.in_intake is None and self.pending:
            batch = self.in_intake = self.pending.popleft()
            batch.received_at = now
            self.processed += 1
            batch.processed_seq = self.processed

    def queue_position(self, batch: SimBatch) -> int | None:
        """Waiting batches ahead of this one (0: it is next); None before submit and once received."""
        for position, queued in enumerate(self.pending):
            if queued is batch:
                return position
        return None

    def new_job(self, *, index: int, pieces: int, mail_class: str, now: float, **rest) -> SimJob:
        job = SimJob(**rest,
            job_id=self._next_job_id,
            index=index,
            pieces=pieces,
            mail_class=mail_class,
            invoice=str(self._next_invoice),
            started_at=now,
            first_serial=self._next_serial,
        )
        self._next_job_id += 1
        self._next_invoice += 1
        self._next_serial += pieces
        return job

    def finish_intake(self, batch: SimBatch, now: float) -> None:
        """The worker is done with ``batch``; the next waiting batch is received now."""
        batch.processed_at = now
        if self.in_intake is batch:
            self.in_intake = None
        self._admit(now)

    def snapshot(self) -> list[dict]:
        """The batches as ``GET /__sim__/state`` shows them."""
        return [
            {
                "id": str(b.id),
                "pdf_bytes": b.pdf_bytes,
                "xml_bytes": b.xml_bytes,
                "submit_count": b.submit_count,
                "submitted": b.submitted,
                "received": b.received,
                "processed": b.processed_at is not None,
                "hasErrors": b.has_errors,
                "errorMessage": b.error_message,
                "job_count": len(b.jobs),
                "queue_position": self.queue_position(b),
                "processed_seq": b.processed_seq,
            }
            for b in self.batches.values()
        ]
