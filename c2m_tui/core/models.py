"""Typed models of a batch (what we upload) and of the server's answers (what we read back).

Field names are Pythonic; ``ELEMENTS`` maps them to the Batch API's XML element names, in the
order the reference (and the server's XSD) expects them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Iterable, Iterator


@dataclass(slots=True)
class Address:
    """A recipient: ``<recipients><address>``."""

    name: str = ""
    organization: str = ""
    address1: str = ""
    address2: str = ""
    address3: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""
    unique_id: str = ""  # <c2m_uniqueid>, optional; written only when set

    ELEMENTS = (
        ("name", "name"),
        ("organization", "organization"),
        ("address1", "address1"),
        ("address2", "address2"),
        ("address3", "address3"),
        ("city", "city"),
        ("state", "state"),
        ("postal_code", "postalCode"),
        ("country", "country"),
    )


@dataclass(slots=True)
class ReturnAddress:
    """``<returnAddress>``: no address3 and no country, as in every official sample."""

    name: str = ""
    organization: str = ""
    address1: str = ""
    address2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""

    ELEMENTS = (
        ("name", "name"),
        ("organization", "organization"),
        ("address1", "address1"),
        ("address2", "address2"),
        ("city", "city"),
        ("state", "state"),
        ("postal_code", "postalCode"),
    )


@dataclass(slots=True)
class PrintOptions:
    """``<printProductionOptions>``. ``envelope=None`` means the element is absent (postcards)."""

    document_class: str = "Letter 8.5 x 11"
    layout: str = "Address on Separate Page"
    production_time: str = "Next Day"
    envelope: str | None = "#10 Double Window"
    color: str = "Black and White"
    paper_type: str = "White 24#"
    print_option: str = "Printing One side"
    mail_class: str = "First Class"

    ELEMENTS = (
        ("document_class", "documentClass"),
        ("layout", "layout"),
        ("production_time", "productionTime"),
        ("envelope", "envelope"),
        ("color", "color"),
        ("paper_type", "paperType"),
        ("print_option", "printOption"),
        ("mail_class", "mailClass"),
    )


@dataclass(slots=True)
class Job:
    """A ``<job>``: a 1-based inclusive page range of the batch's one PDF, mailed to every recipient.

    ``recipients`` may be any iterable (a generator streams a million addresses through the writer).
    ``extras`` holds optional per-job elements such as ``confirmationOfMailing``, in insertion order.
    """

    starting_page: int
    ending_page: int
    options: PrintOptions = field(default_factory=PrintOptions)
    recipients: Iterable[Address] = field(default_factory=list)
    return_address: ReturnAddress | None = None
    extras: dict[str, str] = field(default_factory=dict)

    @property
    def page_count(self) -> int:
        return self.ending_page - self.starting_page + 1


@dataclass(slots=True)
class Batch:
    """A ``<batch>``: the filename of the PDF, an optional app signature, and its jobs.

    Credentials are never part of the model: HTTP Basic auth is what counts.
    """

    filename: str
    jobs: Iterable[Job] = field(default_factory=list)
    app_signature: str | None = "c2m-tui"


# --------------------------------------------------------------------------- server answers


_JSON_KEYS: dict[type, tuple[tuple[str, str], ...]] = {}


def _to_json(obj: Any) -> dict[str, Any]:
    """Serialise an answer model with the server's element names as keys."""
    pairs = _JSON_KEYS.get(obj.__class__)
    if pairs is None:  # (attribute, key) per field, worked out once per class: 100,000 jobs share it
        names = dict(getattr(obj, "ELEMENTS", ()))
        pairs = _JSON_KEYS[obj.__class__] = tuple((f.name, names.get(f.name, f.name)) for f in fields(obj))
    out: dict[str, Any] = {}
    for attr, key in pairs:
        value = getattr(obj, attr)
        if isinstance(value, list):
            value = [_to_json(v) if hasattr(v, "__dataclass_fields__") else v for v in value]
        out[key] = value
    return out


@dataclass(slots=True)
class Recipient:
    """Who a piece went to, as far as we know it: from the tracking answer's ``uniqueId`` and
    ``address`` (Click2Mail's own shape), or from the journal. Every field may be empty."""

    name: str = ""
    city: str = ""
    postal_code: str = ""
    list_id: str = ""  # the list's own id: c2m_uniqueid when given, else the row
    address: str = ""  # the whole address as one line, when that is all we have

    ELEMENTS = (
        ("name", "name"),
        ("city", "city"),
        ("postal_code", "postalCode"),
        ("list_id", "listId"),
        ("address", "address"),
    )

    def __bool__(self) -> bool:
        return bool(self.name or self.city or self.postal_code or self.list_id or self.address)

    def label(self) -> str:
        """``Anna Kowalski, Chicago 60601`` (what is known of it)."""
        place = " ".join(p for p in (self.city, self.postal_code) if p)
        return ", ".join(p for p in (self.name, place) if p) or self.address or self.list_id

    def matches(self, needle: str) -> bool:
        """``needle`` (already lower case) in the name, city, ZIP, list id or address."""
        return any(needle in v.lower() for v in (self.name, self.city, self.postal_code, self.list_id, self.address) if v)

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in _to_json(self).items() if v}


def recipients_summary(recipients: list[Recipient], limit: int = 5) -> list[str]:
    """One line per recipient (name, city, ZIP and list id), at most ``limit``, then how many more."""
    lines = [r.label() + (f" (id {r.list_id})" if r.list_id and r.list_id != r.label() else "")
             for r in recipients[:limit]]
    if len(recipients) > limit:
        lines.append(f"and {len(recipients) - limit} more")
    return lines


# Job statuses (reference §4, §9.3) grouped into what they mean for the person waiting.
IN_PROGRESS_STATUSES = frozenset({
    "", "EDITING", "PROOF_ACCEPTED", "ORDER_SUBMITTED", "SUBMITTED", "QUEUED", "PENDING",
    "AWAITING_PRODUCTION", "IN_PRODUCTION", "PRODUCTION", "PRINTING", "PRINTED", "PROCESSING",
})
FAILED_STATUSES = frozenset({"ERROR", "FAILED", "REJECTED"})
ON_HOLD_STATUSES = frozenset({"ON_HOLD", "HOLD", "ONHOLD"})
CANCELLED_STATUSES = frozenset({"CANCELLED", "CANCELED"})


def job_state(job_status: str | None) -> str:
    """``mailed``, ``failed``, ``on-hold``, ``cancelled``, ``processing`` or ``unknown`` (a word
    we have never seen: treated as final, so nobody waits for ever on it)."""
    word = (job_status or "").strip().upper().replace(" ", "_")
    if word == "MAILED":
        return "mailed"
    if word in FAILED_STATUSES:
        return "failed"
    if word in ON_HOLD_STATUSES:
        return "on-hold"
    if word in CANCELLED_STATUSES:
        return "cancelled"
    if word in IN_PROGRESS_STATUSES:
        return "processing"
    return "unknown"


_STATE_WORDS = {"mailed": "mailed", "failed": "failed", "on-hold": "on hold", "cancelled": "cancelled",
                "unknown": "in an unknown state", "processing": "still in progress"}


@dataclass(slots=True)
class JobStatus:
    """One ``<jobs>`` element of a batch status. Every field but ``job_id`` may be absent (None).
    ``recipients`` is ours, not the server's: who the job's pieces go to, when known."""

    job_id: str
    job_index: str | None = None
    job_status: str | None = None
    error_message: str | None = None
    invoice: str | None = None
    mailing_date: str | None = None
    submitted_date: str | None = None
    recipients: tuple[Recipient, ...] = ()

    ELEMENTS = (
        ("job_id", "jobId"),
        ("job_index", "jobIndex"),
        ("job_status", "jobStatus"),
        ("error_message", "errorMessage"),
        ("invoice", "invoice"),
        ("mailing_date", "mailingDate"),
        ("submitted_date", "submittedDate"),
    )

    @property
    def state(self) -> str:
        return job_state(self.job_status)

    def label(self) -> str:
        """``job 3`` (its index in the XML), or ``job id 123`` when the index is missing."""
        return f"job {self.job_index}" if self.job_index else f"job id {self.job_id}"

    def recipient_text(self) -> str:
        """``Anna Kowalski, Chicago 60601`` or ``Anna Kowalski, Chicago 60601 and 2 more``."""
        known = [r for r in self.recipients if r]
        if not known:
            return ""
        more = f" and {len(known) - 1} more" if len(known) > 1 else ""
        return known[0].label() + more

    def to_json(self) -> dict[str, Any]:
        out = _to_json(self)
        recipients = out.pop("recipients")
        if recipients:
            out["recipients"] = [r.to_json() for r in self.recipients]
        return out


@dataclass(slots=True)
class BatchStatus:
    """``GET /batches/{id}`` → ``<batchjob>``."""

    id: str
    created_at: str | None = None
    error_message: str = ""
    has_errors: bool = False
    received: bool = False
    submitted: bool = False
    completed_at: str | None = None
    status: str | None = None
    jobs: list[JobStatus] = field(default_factory=list)

    ELEMENTS = (
        ("id", "id"),
        ("created_at", "createdAt"),
        ("error_message", "errorMessage"),
        ("has_errors", "hasErrors"),
        ("received", "received"),
        ("submitted", "submitted"),
        ("completed_at", "completedAt"),
        ("status", "status"),
        ("jobs", "jobs"),
    )

    def job_counts(self) -> dict[str, int]:
        """Jobs per state (``job_state``), in a fixed order, only states that occur."""
        counts = dict.fromkeys(("mailed", "failed", "on-hold", "cancelled", "unknown", "processing"), 0)
        for job in self.jobs:
            counts[job.state] += 1
        return {k: v for k, v in counts.items() if v}

    @property
    def phase(self) -> str:
        """One word for where the batch stands: created, queued, processing, mailed, failed,
        partly-failed, on-hold, cancelled or unknown. Mailed only when every job is."""
        if self.has_errors:
            return "failed"
        if not self.submitted:
            return "created"
        if not self.received:
            return "queued"
        if not self.jobs:
            return "processing"
        counts = self.job_counts()
        if counts.get("processing"):
            return "processing"
        if set(counts) == {"mailed"}:
            return "mailed"
        if counts.get("on-hold"):
            return "on-hold"
        if counts.get("unknown"):
            return "unknown"
        if set(counts) == {"cancelled"}:
            return "cancelled"
        if counts.get("mailed"):
            return "partly-failed"
        return "failed"

    @property
    def done(self) -> bool:
        """A final state: nothing will change without someone acting (``--watch`` stops here)."""
        return self.phase not in ("created", "queued", "processing")

    @property
    def ok(self) -> bool:
        """Every job mailed, or still on its way (exit 0); anything else is exit 1."""
        return self.phase in ("created", "queued", "processing", "mailed")

    def problem_jobs(self) -> list[JobStatus]:
        """Jobs that will not be mailed as things stand (failed, on hold, cancelled, unknown)."""
        return [j for j in self.jobs if j.state not in ("mailed", "processing")]

    def describe(self) -> str:
        """The state in plain words, for a person."""
        phase = self.phase
        if self.has_errors:
            return f"failed: {self.error_message or 'Click2Mail reported an error for the batch'}"
        if phase == "created":
            return "created: not submitted yet"
        if phase == "queued":
            return "queued: Click2Mail takes batches in the order they came (first in, first out)"
        if not self.jobs:
            return "received: Click2Mail is processing the batch"
        total = len(self.jobs)
        if phase == "mailed":
            return f"mailed: all {total:,} job(s) are in the mail"
        if phase == "processing":
            counts: dict[str, int] = {}
            for j in self.jobs:
                counts[j.job_status or "?"] = counts.get(j.job_status or "?", 0) + 1
            summary = ", ".join(f"{n:,} {s}" for s, n in sorted(counts.items()))
            problems = self.problem_jobs()
            if problems:
                summary += f"; {len(problems):,} will not be mailed ({_problem_list(problems)})"
            return f"processing: {summary}"
        counts = self.job_counts()
        mailed = counts.get("mailed", 0)
        parts = [f"{n:,} {_STATE_WORDS[s]}" for s, n in counts.items() if s != "mailed"]
        detail = f"{mailed:,} of {total:,} jobs mailed, " + ", ".join(parts) + f" ({_problem_list(self.problem_jobs())})"
        lead = {
            "partly-failed": "partly failed" if counts.get("failed") else "partly mailed",
            "on-hold": "on hold (Click2Mail needs something from you)",
            "cancelled": "cancelled",
            "unknown": "unknown status (ask Click2Mail)",
            "failed": "failed",
        }[phase]
        return f"{lead}: {detail}"

    def to_json(self) -> dict[str, Any]:
        out = _to_json(self)
        out["jobs"] = [j.to_json() for j in self.jobs]
        return out


def _problem_list(jobs: list[JobStatus], limit: int = 3) -> str:
    """``job 3: Address not mailable: 1 of 1 recipients; job 4: ON_HOLD``."""
    shown = []
    for job in jobs[:limit]:
        why = job.error_message or job.job_status or "no status"
        if job.state == "unknown" and job.error_message:
            why = f"{job.job_status}: {job.error_message}"
        shown.append(f"{job.label()}: {why}")
    if len(jobs) > limit:
        shown.append(f"and {len(jobs) - limit:,} more")
    return "; ".join(shown)


@dataclass(slots=True)
class BatchDetails:
    """``GET /batches/{id}/details`` → ``<batch>``."""

    batch_number: str
    created_at: str | None = None
    document_name: str | None = None
    error_message: str | None = None
    no_of_pieces: str | None = None
    status: str | None = None
    extra: dict[str, str] = field(default_factory=dict)  # any further elements, by name
    recipients: list[Recipient] = field(default_factory=list)  # ours (the journal's), when known

    ELEMENTS = (
        ("batch_number", "batchNumber"),
        ("created_at", "createdAt"),
        ("document_name", "documentName"),
        ("error_message", "errorMessage"),
        ("no_of_pieces", "noOfPieces"),
        ("status", "status"),
    )

    def to_json(self) -> dict[str, Any]:
        out = _to_json(self)
        out.pop("extra", None)
        out.pop("recipients", None)
        out.update(self.extra)
        if self.recipients:
            out["recipients"] = [r.to_json() for r in self.recipients]
        return out


@dataclass(slots=True)
class TrackingEvent:
    """One USPS scan of one piece: a ``<mailPiece>`` (Click2Mail's own shape) or a
    ``<trackingDetail>`` (the third-party guess). ``extra`` keeps children we do not know."""

    barcode: str
    status: str = ""
    date_time: str = ""
    location: str = ""
    unique_id: str = ""  # the c2m_uniqueid sent with the address, when the answer carries it
    address: str = ""  # the recipient's address as one line, when the answer carries it
    mail_piece_id: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    ELEMENTS = (
        ("barcode", "barCode"),
        ("status", "status"),
        ("date_time", "dateTime"),
        ("location", "statusLocation"),
        ("unique_id", "uniqueId"),
        ("address", "address"),
        ("mail_piece_id", "mailPieceId"),
    )

    def to_json(self) -> dict[str, Any]:
        # written out (not _to_json): 100,000 scans are a tenth of a second less
        out = {"barCode": self.barcode, "status": self.status, "dateTime": self.date_time,
               "statusLocation": self.location}
        if self.unique_id:  # these three only when the answer had them
            out["uniqueId"] = self.unique_id
        if self.address:
            out["address"] = self.address
        if self.mail_piece_id:
            out["mailPieceId"] = self.mail_piece_id
        for key, value in self.extra.items():
            out.setdefault(key, value)
        return out


@dataclass(slots=True)
class Tracking:
    """``GET /batches/{id}/tracking``: events, or ``available=False`` with the server's message.

    ``shape`` says which piece element the answer used (``mailPiece`` or ``trackingDetail``);
    ``as_of`` is the server's clock when it answered (its HTTP Date header), when known."""

    available: bool
    message: str = ""
    tracking_type: str = "IMB"
    events: list[TrackingEvent] = field(default_factory=list)
    shape: str = ""
    as_of: str | None = None

    def pieces(self) -> dict[str, list[TrackingEvent]]:
        """Events grouped by barcode, oldest first, in first-seen order of barcodes."""
        grouped: dict[str, list[TrackingEvent]] = {}
        for e in self.events:
            grouped.setdefault(e.barcode, []).append(e)
        for evs in grouped.values():
            evs.sort(key=lambda e: e.date_time)
        return grouped

    def iter_latest(self) -> Iterator[TrackingEvent]:
        for evs in self.pieces().values():
            yield evs[-1]

    def to_json(self) -> dict[str, Any]:
        out = {
            "available": self.available,
            "message": self.message,
            "trackingType": self.tracking_type,
            "trackingDetails": [e.to_json() for e in self.events],
        }
        if self.shape:
            out["shape"] = self.shape
        if self.as_of:
            out["asOf"] = self.as_of
        return out
