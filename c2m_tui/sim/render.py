"""The server's XML answers, byte for byte as the Batch API's Java (JAXB) back end writes them.

The create example in Click2Mail's docs (reference §2.1, D1) fixes the form: the declaration with
``standalone="yes"``, a newline, children in alphabetical order indented by four spaces, and an
empty string written as a start and end tag (``<errorMessage></errorMessage>``), never
self-closing. Absent values (null in Java) are left out, as JAXB does.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from c2m_tui.sim.clock import iso_eastern
from c2m_tui.sim.store import MAILED_STEP, SimBatch

DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
INDENT = "    "


def _el(name: str, value: str | None, depth: int) -> str:
    if value is None:
        return ""
    return f"{INDENT * depth}<{name}>{escape(value)}</{name}>\n"


def _bool(value: bool) -> str:
    return "true" if value else "false"


def batchjob_xml(batch: SimBatch, now: float, job_seconds: float) -> bytes:
    """``<batchjob>`` of ``POST /batches`` (no jobs yet) and ``GET /batches/{id}``."""
    completed = batch.completed_at
    parts = [
        DECLARATION,
        "<batchjob>\n",
        _el("completedAt", iso_eastern(completed) if completed is not None else None, 1),
        _el("createdAt", iso_eastern(batch.created_at), 1),
        _el("errorMessage", batch.error_message, 1),
        _el("hasErrors", _bool(batch.has_errors), 1),
        _el("id", str(batch.id), 1),
    ]
    submitted_date = iso_eastern(batch.submitted_at) if batch.submitted_at is not None else None
    for job in batch.jobs:
        mailed = job.step(now, job_seconds) == MAILED_STEP
        parts += [
            f"{INDENT}<jobs>\n",
            _el("errorMessage", "", 2),
            _el("invoice", job.invoice, 2),
            _el("jobId", str(job.job_id), 2),
            _el("jobIndex", str(job.index), 2),
            _el("jobStatus", job.status(now, job_seconds), 2),
            _el("mailingDate", iso_eastern(job.mailed_at(job_seconds)) if mailed else None, 2),
            _el("submittedDate", submitted_date, 2),
            f"{INDENT}</jobs>\n",
        ]
    parts += [
        _el("received", _bool(batch.received), 1),
        _el("submitted", _bool(batch.submitted), 1),
        "</batchjob>\n",
    ]
    return "".join(parts).encode("utf-8")


def details_xml(batch: SimBatch, now: float, job_seconds: float) -> bytes:
    """``<batch>`` of ``GET /batches/{id}/details`` (fields as the official C# SDK reads them)."""
    parts = [
        DECLARATION,
        "<batch>\n",
        _el("batchNumber", str(batch.id), 1),
        _el("createdAt", iso_eastern(batch.created_at), 1),
        _el("documentName", batch.document_name or batch.upload_name, 1),
        _el("errorMessage", batch.error_message, 1),
        _el("noOfPieces", str(batch.pieces), 1),
        _el("status", batch.phase(now, job_seconds), 1),
        "</batch>\n",
    ]
    return "".join(parts).encode("utf-8")


def tracking_head() -> bytes:
    return (
        DECLARATION
        + "<tracking>\n"
        + _el("status", "0", 1)
        + _el("description", "Success", 1)
        + f"{INDENT}<trackingDetails>\n"
    ).encode("utf-8")


def tracking_detail(barcode: str, status: str, date_time: str, location: str) -> str:
    return (
        f"{INDENT * 2}<trackingDetail>\n"
        + _el("barCode", barcode, 3)
        + _el("status", status, 3)
        + _el("dateTime", date_time, 3)
        + _el("statusLocation", location, 3)
        + f"{INDENT * 2}</trackingDetail>\n"
    )


def tracking_tail() -> bytes:
    return f"{INDENT}</trackingDetails>\n</tracking>\n".encode("utf-8")
