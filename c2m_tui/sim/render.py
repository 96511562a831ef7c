"""The server's XML answers, byte for byte as the Batch API's Java (JAXB) back end writes them.

The create example in Click2Mail's docs (reference §2.1, D1) fixes the form: the declaration with
``standalone="yes"``, a newline, children in alphabetical order indented by four spaces, and an
empty string written as a start and end tag (``<errorMessage></errorMessage>``), never
self-closing. Absent values (null in Java) are left out, as JAXB does.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from c2m_tui.sim.clock import iso_eastern
from c2m_tui.sim.store import JOB_STEPS, MAILED_STEP, SimBatch

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
        job_status, job_error = batch.job_state(job, now, job_seconds)
        mailed = job_status == JOB_STEPS[MAILED_STEP]
        parts += [
            f"{INDENT}<jobs>\n",
            _el("errorMessage", job_error, 2),
            _el("invoice", job.invoice, 2),
            _el("jobId", str(job.job_id), 2),
            _el("jobIndex", str(job.index), 2),
            _el("jobStatus", job_status, 2),
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


# Tracking in two shapes (reference §9.1): Click2Mail's own model (``<tracking>`` holding repeated
# ``<mailPiece>``, children in the JAXB propOrder of its Java example, null fields left out), and
# the third-party guess (``<tracking><status/><description/><trackingDetails><trackingDetail>``).
_MAIL_PIECE = ("uniqueId", "barCode", "address", "status", "dateTime", "statusLocation", "mailPieceId")


def tracking_head(shape: str = "official") -> bytes:
    if shape == "official":
        return (DECLARATION + "<tracking>\n").encode("utf-8")
    return (
        DECLARATION
        + "<tracking>\n"
        + _el("status", "0", 1)
        + _el("description", "Success", 1)
        + f"{INDENT}<trackingDetails>\n"
    ).encode("utf-8")


def tracking_scan(shape: str, fields: dict[str, str | None]) -> str:
    """One scan of one piece; ``fields`` by element name (None or missing: left out)."""
    if shape == "official":
        inner = "".join(_el(name, fields.get(name), 2) for name in _MAIL_PIECE)
        return f"{INDENT}<mailPiece>\n{inner}{INDENT}</mailPiece>\n"
    inner = "".join(_el(name, fields.get(name), 3) for name in ("barCode", "status", "dateTime", "statusLocation"))
    return f"{INDENT * 2}<trackingDetail>\n{inner}{INDENT * 2}</trackingDetail>\n"


def tracking_tail(shape: str = "official") -> bytes:
    if shape == "official":
        return b"</tracking>\n"
    return f"{INDENT}</trackingDetails>\n</tracking>\n".encode("utf-8")
