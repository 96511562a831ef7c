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
class JobStatus:
    """One ``<jobs>`` element of a batch status. Every field but ``job_id`` may be absent (None)."""

    job_id: str
    job_index: str | None = None
    job_status: str | None = None
    error_message: str | None = None
    invoice: str | None = None
    mailing_date: str | None = None
    submitted_date: str | None = None

    ELEMENTS = (
        ("job_id", "jobId"),
        ("job_index", "jobIndex"),
        ("job_status", "jobStatus"),
        ("error_message", "errorMessage"),
        ("invoice", "invoice"),
        ("mailing_date", "mailingDate"),
        ("submitted_date", "submittedDate"),
    )

    def to_json(self) -> dict[str, Any]:
        return _to_json(self)


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

    @property
    def phase(self) -> str:
        """One word for where the batch stands: created, queued, processing, mailed, failed."""
        if self.has_errors:
            return "failed"
        if not self.submitted:
            return "created"
        if not self.received:
            return "queued"
        if self.jobs and all((j.job_status or "").upper() == "MAILED" for j in self.jobs):
            return "mailed"
        if self.jobs and any((j.job_status or "").upper() == "ERROR" for j in self.jobs):
            return "failed"
        return "processing"

    @property
    def done(self) -> bool:
        return self.phase in ("mailed", "failed")

    def describe(self) -> str:
        """The state in plain words, for a person."""
        phase = self.phase
        if phase == "failed":
            return f"failed: {self.error_message or 'a job reported an error'}"
        if phase == "created":
            return "created: not submitted yet"
        if phase == "queued":
            return "queued: batches ahead of yours are being processed"
        if phase == "mailed":
            return f"mailed: all {len(self.jobs)} job(s) are in the mail"
        if not self.jobs:
            return "received: Click2Mail is processing the batch"
        counts: dict[str, int] = {}
        for j in self.jobs:
            counts[j.job_status or "?"] = counts.get(j.job_status or "?", 0) + 1
        summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        return f"processing: {summary}"

    def to_json(self) -> dict[str, Any]:
        return _to_json(self)


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
        out.update(self.extra)
        return out


@dataclass(slots=True)
class TrackingEvent:
    """One ``<trackingDetail>``: a USPS scan of one piece."""

    barcode: str
    status: str = ""
    date_time: str = ""
    location: str = ""

    ELEMENTS = (
        ("barcode", "barCode"),
        ("status", "status"),
        ("date_time", "dateTime"),
        ("location", "statusLocation"),
    )

    def to_json(self) -> dict[str, Any]:
        return _to_json(self)


@dataclass(slots=True)
class Tracking:
    """``GET /batches/{id}/tracking``: events, or ``available=False`` with the server's message."""

    available: bool
    message: str = ""
    tracking_type: str = "IMB"
    events: list[TrackingEvent] = field(default_factory=list)

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
        return {
            "available": self.available,
            "message": self.message,
            "trackingType": self.tracking_type,
            "trackingDetails": [e.to_json() for e in self.events],
        }
