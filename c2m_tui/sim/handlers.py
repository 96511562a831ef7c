"""The /v1 calls of the Batch API (reference §2): create, upload PDF or XML, submit, status,
details and tracking. Auth and faults are handled in front (layers.py); here the user is known.

Uploads are streamed to a file as they arrive and swapped in only when complete, so a 200 MB PDF
never sits in memory and a broken upload leaves the previous one in place.
"""

from __future__ import annotations

import os
import time
import uuid

from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from c2m_tui.sim.context import SimContext
from c2m_tui.sim.layers import USER_KEY
from c2m_tui.sim.render import batchjob_xml, details_xml
from c2m_tui.sim.store import SimBatch
from c2m_tui.sim.tracking import NOT_AVAILABLE, UspsCalendar, iter_tracking_xml, normalize_type, tracked_jobs

XML = "application/xml"
UPLOAD_KINDS = {"application/pdf": "pdf", "application/xml": "xml"}


def _sim(request: Request) -> SimContext:
    return request.app.state.sim


def _text(status: int, text: str) -> Response:
    return PlainTextResponse(text, status_code=status)


async def _discard_body(request: Request) -> None:
    try:
        async for _ in request.stream():
            pass
    except ClientDisconnect:
        pass


def _find(request: Request) -> tuple[SimBatch | None, Response | None]:
    """The caller's batch named in the path, or a 404 (someone else's batch is not shown either)."""
    batch_id = request.path_params["batch_id"]
    batch = _sim(request).store.get(request.scope[USER_KEY], batch_id)
    if batch is None:
        return None, _text(404, f"Batch {batch_id} not found.")
    return batch, None


async def create_batch(request: Request) -> Response:
    """``POST /v1/batches`` → 201 + an empty ``<batchjob>``."""
    sim = _sim(request)
    await _discard_body(request)  # some SDKs send an empty text/plain body
    now = time.time()
    batch = sim.store.create(request.scope[USER_KEY], now)
    sim.worker.warm_up()
    return Response(batchjob_xml(batch, now, sim.options.job_seconds), status_code=201, media_type=XML)


async def batch_resource(request: Request) -> Response:
    """``/v1/batches/{id}``: GET status (201), PUT upload (200), POST submit (200)."""
    batch, missing = _find(request)
    if missing is not None:
        await _discard_body(request)
        return missing
    assert batch is not None
    if request.method == "PUT":
        return await _upload(request, batch)
    if request.method == "POST":
        return await _submit(request, batch)
    sim = _sim(request)
    return Response(batchjob_xml(batch, time.time(), sim.options.job_seconds), status_code=201, media_type=XML)


def _already_submitted(batch: SimBatch) -> Response:
    return _text(400, f"Batch {batch.id} has already been submitted; it cannot be changed or submitted again.")


async def _upload(request: Request, batch: SimBatch) -> Response:
    sim = _sim(request)
    content_type = request.headers.get("content-type", "")
    kind = UPLOAD_KINDS.get(content_type.split(";", 1)[0].strip().lower())
    if batch.submitted:
        await _discard_body(request)
        return _already_submitted(batch)
    if kind is None:
        await _discard_body(request)
        shown = repr(content_type) if content_type else "none"
        return _text(
            415,
            f"Unsupported Content-Type {shown}: upload the PDF as application/pdf (raw bytes) "
            "or the batch XML as application/xml.",
        )
    final = sim.store.path_for(batch, kind)
    part = final.with_name(f"{final.name}.{uuid.uuid4().hex}.part")
    size = 0
    try:
        with open(part, "wb") as fh:
            async for chunk in request.stream():
                fh.write(chunk)
                size += len(chunk)
    except ClientDisconnect:
        part.unlink(missing_ok=True)
        return Response(status_code=400)  # nobody is left to read it
    if batch.submitted:  # submitted while this upload was still arriving
        part.unlink(missing_ok=True)
        return _already_submitted(batch)
    os.replace(part, final)
    if kind == "pdf":
        batch.pdf_path, batch.pdf_bytes = final, size
        batch.upload_name = _disposition_filename(request.headers.get("content-disposition", ""))
    else:
        batch.xml_path, batch.xml_bytes = final, size
    return Response(status_code=200)


def _disposition_filename(value: str) -> str:
    for part in value.split(";"):
        name, _, raw = part.strip().partition("=")
        if name.lower() == "filename" and raw:
            return os.path.basename(raw.strip().strip('"'))[:255]
    return ""


async def _submit(request: Request, batch: SimBatch) -> Response:
    sim = _sim(request)
    await _discard_body(request)
    batch.submit_count += 1
    if batch.submitted:  # never enqueue twice
        return _already_submitted(batch)
    sim.store.enqueue(batch, time.time())
    sim.worker.notify()
    return Response(status_code=200)


async def batch_details(request: Request) -> Response:
    """``GET /v1/batches/{id}/details`` → 201 + ``<batch>``."""
    batch, missing = _find(request)
    if missing is not None:
        return missing
    assert batch is not None
    sim = _sim(request)
    return Response(details_xml(batch, time.time(), sim.options.job_seconds), status_code=201, media_type=XML)


async def batch_tracking(request: Request) -> Response:
    """``GET /v1/batches/{id}/tracking?trackingType=IMB|IMPB`` → 200 + tracking XML, or the
    plain "not available" answer (always, under ``--tracking none``, as on staging). Its Date
    header is the simulated USPS calendar's time (see tracking.py)."""
    batch, missing = _find(request)
    if missing is not None:
        return missing
    assert batch is not None
    raw_type = request.query_params.get("trackingType")
    tracking_type = normalize_type(raw_type)
    if tracking_type is None:
        shown = f"{raw_type!r}" if raw_type is not None else "missing"
        return _text(400, f"trackingType must be IMB or IMPB (got {shown}).")
    sim = _sim(request)
    now = time.time()
    calendar = UspsCalendar(sim.started_at, sim.options.day_seconds)
    date = {"date": calendar.http_date(now)}
    if batch.tracking_answer is not None:  # a test's canned answer (POST /__sim__/tracking)
        code, content_type, body = batch.tracking_answer
        return Response(body, status_code=code, media_type=content_type, headers=date)
    if sim.options.tracking == "none":
        return PlainTextResponse(NOT_AVAILABLE, status_code=200, headers=date)
    jobs = tracked_jobs(batch, tracking_type, now, sim.options.job_seconds)
    if not jobs:
        return PlainTextResponse(NOT_AVAILABLE, status_code=200, headers=date)
    chunks = iter_tracking_xml(batch, jobs, tracking_type, now, sim.options.job_seconds, calendar,
                               sim.options.tracking_shape)
    return StreamingResponse(chunks, status_code=200, media_type=XML, headers=date)
