"""Parsers for the Batch API's answers: ``<batchjob>`` (create and status), ``<batch>`` (details)
and ``<tracking>`` (in each shape we know). All use the hardened settings of ``safexml`` (no DTD, no entities, no network,
libxml2's size limits on); anything hostile or garbled raises ResponseFormatError, one clear line.

``parse_status`` streams with iterparse so an answer with 100,000 ``<jobs>`` stays fast and small.
"""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

from lxml import etree

from c2m_tui.core.atomic import atomic_write
from c2m_tui.core.errors import APIError, InputError
from c2m_tui.core.models import BatchDetails, BatchStatus, JobStatus, Tracking, TrackingEvent
from c2m_tui.core.safexml import XMLRejected, iterparse_safe, parse_bytes, reject_doctype, syntax_message

NOT_AVAILABLE = "Tracking data not available for this batch."
MAX_ID_DIGITS = 20  # a 64-bit id has at most 20 digits
_BATCH_ID = re.compile(rf"[0-9]{{1,{MAX_ID_DIGITS}}}")


def is_batch_id(text: str) -> bool:
    """A batch id as the server hands them out: ASCII digits, at most ``MAX_ID_DIGITS``."""
    return _BATCH_ID.fullmatch(text) is not None
_NOT_AVAILABLE_RE = re.compile(r"not\s+available", re.IGNORECASE)


class ResponseFormatError(APIError):
    """The server's answer is not the XML we expected (malformed, truncated, hostile, wrong root)."""


def _body_excerpt(data: bytes) -> str:
    return data[:500].decode("utf-8", "replace")


def _fail(what: str, problem: str, data: bytes) -> ResponseFormatError:
    return ResponseFormatError(f"unexpected answer to {what}: {problem}", body=_body_excerpt(data))


def _bool(text: str | None, name: str, what: str, data: bytes) -> bool:
    value = (text or "").strip().lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0", ""):
        return False
    raise _fail(what, f'<{name}> is "{value[:40]}", expected true or false', data)


def _strip(text: str | None) -> str | None:
    return None if text is None else text.strip()


def _root(data: bytes, what: str) -> etree._Element:
    try:
        return parse_bytes(bytes(data))
    except XMLRejected as err:
        raise _fail(what, err.message, data) from None


def _job_from(el: etree._Element) -> JobStatus | None:
    # The hot path of a 100,000-job answer: one dict of child texts, one constructor call.
    values: dict = {}
    for child in el:
        if child.tag not in values:  # the first occurrence wins; comments have a non-str tag, never looked up
            values[child.tag] = (child.text or "").strip()
    job_id = values.get("jobId")
    if job_id is None:
        return None
    get = values.get
    return JobStatus(job_id, get("jobIndex"), get("jobStatus"), get("errorMessage"), get("invoice"),
                     get("mailingDate"), get("submittedDate"))


def _status_from(root: etree._Element, jobs: list[JobStatus], what: str, data: bytes) -> BatchStatus:
    if root.tag != "batchjob":
        raise _fail(what, f"root element is <{root.tag}>, expected <batchjob>", data)
    values: dict[str, str] = {}
    for child in root:
        if isinstance(child.tag, str) and child.tag != "jobs" and child.tag not in values:
            values[child.tag] = child.text or ""
    batch_id = (values.get("id") or "").strip()
    if not batch_id:
        raise _fail(what, "no batch <id> in the answer", data)
    if not is_batch_id(batch_id):  # it goes into URLs, file names and the journal: digits only
        raise _fail(what, f"the batch <id> {batch_id[:24]!r}{'...' if len(batch_id) > 24 else ''} is not "
                    f"a number of at most {MAX_ID_DIGITS} digits", data)
    return BatchStatus(
        id=batch_id,
        created_at=_strip(values.get("createdAt")),
        error_message=(values.get("errorMessage") or "").strip(),
        has_errors=_bool(values.get("hasErrors"), "hasErrors", what, data),
        received=_bool(values.get("received"), "received", what, data),
        submitted=_bool(values.get("submitted"), "submitted", what, data),
        completed_at=_strip(values.get("completedAt")) or None,
        status=_strip(values.get("status")),
        jobs=jobs,
    )


def parse_status(data: bytes, what: str = "batch status") -> BatchStatus:
    """``GET /batches/{id}`` (and the create answer): ``<batchjob>`` with any number of ``<jobs>``."""
    data = bytes(data)
    if not data.strip():
        raise _fail(what, "empty answer, expected <batchjob> XML", data)
    try:
        reject_doctype(data)
    except XMLRejected as err:
        raise _fail(what, err.message, data) from None
    jobs: list[JobStatus] = []
    context = iterparse_safe(io.BytesIO(data), events=("end",), tag="jobs")
    try:
        for _, el in context:
            parent = el.getparent()
            if parent is None or parent.getparent() is not None:
                continue  # a <jobs> nested deeper than the root's children is not one of ours
            job = _job_from(el)
            if job is None:
                line = el.sourceline
                raise _fail(what, f"line {line}: a <jobs> element without <jobId>", data)
            jobs.append(job)
            el.clear()
            prev = el.getprevious()
            while prev is not None and prev.tag == "jobs":  # drop read jobs, keep the batch's own fields
                parent.remove(prev)
                prev = el.getprevious()
        root = context.root
    except etree.XMLSyntaxError as err:
        text, line = syntax_message(err)
        where = f"line {line}: " if line else ""
        raise _fail(what, f"{where}not well-formed XML ({text})", data) from None
    if root is None:
        raise _fail(what, "no XML element in the answer", data)
    for _ in root.iter(etree.Entity):  # only possible if a DTD slipped past the byte scan
        raise _fail(what, "entity references are refused", data)
    return _status_from(root, jobs, what, data)


def parse_create(data: bytes) -> BatchStatus:
    """``POST /batches`` → the new batch's ``<batchjob>``."""
    return parse_status(data, what="create batch")


def parse_details(data: bytes) -> BatchDetails:
    """``GET /batches/{id}/details`` → ``<batch>``; unknown leaf elements land in ``extra``."""
    what = "batch details"
    root = _root(data, what)
    if root.tag != "batch":
        raise _fail(what, f"root element is <{root.tag}>, expected <batch>", data)
    values: dict[str, str] = {}
    for child in root:
        if isinstance(child.tag, str) and child.tag not in values and len(child) == 0:
            values[child.tag] = (child.text or "").strip()
    number = values.pop("batchNumber", "")
    if not number:
        raise _fail(what, "no <batchNumber> in the answer", data)
    known = {tag: attr for attr, tag in BatchDetails.ELEMENTS}
    details = BatchDetails(batch_number=number)
    for tag, value in values.items():
        if tag in known:
            setattr(details, known[tag], value)
        else:
            details.extra[tag] = value
    return details


class TrackingUnreadableError(ResponseFormatError):
    """A tracking answer in none of the shapes we know. ``raw`` is the whole body, so it can be
    kept for a person (or a bug report) to read; ``saved_to`` is where, once it is saved."""

    def __init__(self, problem: str, raw: bytes) -> None:
        super().__init__(f"could not read the tracking answer: {problem}", body=_body_excerpt(raw))
        self.problem = problem
        self.raw = raw
        self.saved_to: Path | None = None

    def keep_raw(self, directory: Path, batch_id: str) -> Path:
        """Save the raw body as ``DIRECTORY/tracking-answers/tracking-ID-TIME.txt``; the message
        then says where. Returns the path."""
        folder = Path(directory) / "tracking-answers"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise InputError(f"{folder}: cannot keep the unreadable answer here: {err.strerror or err}") from None
        stamp = time.strftime("%Y%m%dT%H%M%S")
        path = folder / f"tracking-{batch_id}-{stamp}-{os.getpid()}.txt"
        with atomic_write(path, mode=0o600) as out:  # it may hold addresses
            out.file.write(self.raw)
        self.saved_to = path
        self.message = f"{self.message}; the answer was saved to {path}"
        return path


# children of <tracking> that carry no pieces but are part of the shapes we know
_TRACKING_HEAD = frozenset({"status", "description", "trackingType", "trackingDetails", "statusUrl", "id"})
_PIECE_TAGS = ("mailPiece", "trackingDetail")
_LEADING_SPACE = re.compile(rb"[ \t\n\r\x0b\x0c]*")  # what bytes.strip() removes
_STARTS_WITH_MARKUP = re.compile(rb"[ \t\n\r\x0b\x0c]*<")  # data.strip().startswith(b"<"), without a copy
_EVENT_FIELDS = {tag: attr for attr, tag in TrackingEvent.ELEMENTS}


def not_available_answer(data: bytes, tracking_type: str = "IMB") -> Tracking | None:
    """The "not available" answer, as plain text or as XML (``<tracking><status>1</status>
    <description>...``, ``<string>...``, ``<job>...``), or None when ``data`` is something else.
    Click2Mail may send it with a 2xx or a 4xx status; both are read the same way."""
    data = bytes(data)
    if len(data) > 20_000 and _stripped_length(data) > 20_000:  # a whole tracking list: not copied to strip it
        return None
    text = data.strip()
    if not text or len(text) > 20_000:
        return None
    if not text.startswith(b"<"):
        message = text.decode("utf-8", "replace")
        if _NOT_AVAILABLE_RE.search(message) and len(message) < 1000:
            return Tracking(available=False, message=" ".join(message.split()), tracking_type=tracking_type)
        return None
    try:
        root = parse_bytes(text)
    except XMLRejected:
        return None
    if any(True for _ in root.iter(*_PIECE_TAGS)):
        return None
    words = " ".join(" ".join(root.itertext()).split())
    if not _NOT_AVAILABLE_RE.search(words):
        return None
    description = (root.findtext(".//description") or "").strip()
    found = _NOT_AVAILABLE_RE.search(description) and description
    return Tracking(available=False, message=found or words[:300], tracking_type=tracking_type)


def _stripped_length(data: bytes) -> int:
    """``len(data.strip())`` without copying ``data`` (when its trailing space is short)."""
    lead = _LEADING_SPACE.match(data).end()
    tail = data[-1024:]
    trail = len(tail) - len(tail.rstrip())
    if trail == len(tail):  # a kilobyte of trailing space or more: count it the plain way
        return len(data.strip())
    return max(0, len(data) - lead - trail)


def _tracking_element(root: etree._Element) -> etree._Element | None:
    if root.tag == "tracking":
        return root
    if root.tag == "job":  # REST job answers carry it inside <job> (reference §9.1)
        return root.find("tracking")
    return None


def _event_from(el: etree._Element) -> TrackingEvent:
    values: dict[str, str] = {}
    extra: dict[str, str] = {}
    fields = _EVENT_FIELDS
    for child in el:
        tag = child.tag
        if tag.__class__ is not str:  # a comment or a processing instruction
            continue
        if len(child):  # markup inside: all its text, as one line
            text = " ".join(" ".join(child.itertext()).split())
        else:  # the usual leaf: its text alone (what itertext would give), spaces folded
            text = child.text
            text = " ".join(text.split()) if text else ""
        attr = fields.get(tag)
        if attr is not None:
            if attr not in values:
                values[attr] = text
        elif tag not in extra:
            extra[tag] = text  # unknown children are kept, never dropped
    get = values.get
    return TrackingEvent(get("barcode", ""), get("status", ""), get("date_time", ""), get("location", ""),
                         get("unique_id", ""), get("address", ""), get("mail_piece_id", ""), extra)


def parse_tracking(data: bytes, tracking_type: str = "IMB") -> Tracking:
    """``GET /batches/{id}/tracking``, in every shape we know (reference §9.1): ``<tracking>`` or
    ``<job><tracking>`` at the root, pieces as ``<mailPiece>`` or ``<trackingDetail>``; or the
    "not available" answer (text or XML) as ``Tracking(available=False, message=...)``.

    Anything else raises TrackingUnreadableError with the raw body: an answer we cannot read is
    never shown as "0 scans"."""
    data = bytes(data)  # the same object when it is bytes already: a 30 MB answer is not copied
    if not data or data.isspace():  # (what ``not data.strip()`` says, without a copy)
        raise TrackingUnreadableError("the answer was empty", data)
    unavailable = not_available_answer(data, tracking_type)
    if unavailable is not None:
        return unavailable
    if not _STARTS_WITH_MARKUP.match(data):
        raise TrackingUnreadableError("expected tracking XML or a 'not available' message", data)
    try:
        root = parse_bytes(data)
    except XMLRejected as err:
        raise TrackingUnreadableError(err.message, data) from None
    tracking = _tracking_element(root)
    if tracking is None:
        where = "<job> without <tracking>" if root.tag == "job" else f"root element <{root.tag}>"
        raise TrackingUnreadableError(f"{where}, expected <tracking> or <job><tracking>", data)
    description = (tracking.findtext("description") or "").strip()
    rows = [el for el in tracking.iter(*_PIECE_TAGS)]
    if not rows:
        unknown = sorted({c.tag for c in tracking if isinstance(c.tag, str) and c.tag not in _TRACKING_HEAD})
        if unknown:
            shown = ", ".join(f"<{t}>" for t in unknown[:5])
            raise TrackingUnreadableError(f"<tracking> holds {shown}, not <mailPiece> or <trackingDetail>", data)
        status = (tracking.findtext("status") or "0").strip()
        if status not in ("", "0"):
            return Tracking(available=False, message=description or f"tracking status {status}",
                            tracking_type=tracking_type)
        return Tracking(available=True, message=description, tracking_type=tracking_type)
    events = [_event_from(row) for row in rows]
    shape = rows[0].tag
    return Tracking(available=True, message=description, tracking_type=tracking_type, events=events, shape=shape)
