"""The simulator's starlette app: the /v1 Batch API plus test hooks under /__sim__ (no auth).

``GET /__sim__/state`` shows what the server holds: ``connections_opened`` counts the distinct
TCP connections that carried a /v1 request, and per batch ``queue_position`` is the number of
batches waiting ahead of it (0: it is next; null before submit and once received), ``processed``
whether intake has finished with it (jobs or hasErrors are known) and ``processed_seq`` its place in
processing order (1, 2, ...). ``POST /__sim__/faults`` arms a
targeted fault (see faults.py); ``GET`` lists the armed ones, ``DELETE`` clears them.

``POST /__sim__/jobs`` forces a job's state: ``{"batch": "ID", "job": 3, "status": "ERROR",
"errorMessage": "..."}`` (ON_HOLD, CANCELLED or any word; ``"status": null`` lets the clock rule
again). ``POST /__sim__/tracking`` changes one piece's trip: ``{"batch": "ID", "piece": 2,
"scans": 1, "last": "Forwarded"}`` keeps its first ``scans`` scans and then, if given, one
``last`` scan (a return, a forward) a day later; the piece number counts the batch's recipients
from 1 in XML order. ``{"batch": "ID", "answer": {"status": 404, "contentType": "application/xml",
"body": "..."}}`` makes every tracking call of that batch get exactly that answer
(``"answer": null`` ends it): shapes a client must read, or refuse, without a real server.

The REST ("molpro") calls on a batch's jobs are served under ``/molpro`` (molpro.py, with its
price table); ``POST /__sim__/molpro`` arms a canned answer for one of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from email.utils import formatdate
from typing import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from c2m_tui.sim import handlers, molpro
from c2m_tui.sim.context import SimContext
from c2m_tui.sim.faults import ArmedFault
from c2m_tui.sim.layers import FaultLayer, GateLayer
from c2m_tui.sim.options import SimOptions
from c2m_tui.sim.persist import PersistLayer
from c2m_tui.sim.store import SimBatch


async def sim_state(request: Request) -> Response:
    sim: SimContext = request.app.state.sim
    return JSONResponse({"connections_opened": sim.connections.v1_connections, "batches": sim.store.snapshot(),
                         "molpro_calls": sim.molpro_calls})


async def sim_faults(request: Request) -> Response:
    sim: SimContext = request.app.state.sim
    if request.method == "POST":
        try:
            fault = ArmedFault.from_json(json.loads(await request.body() or b"null"))
        except (ValueError, UnicodeDecodeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        sim.faults.arm(fault)
    elif request.method == "DELETE":
        sim.faults.clear()
    return JSONResponse({"armed": [f.to_json() for f in sim.faults.armed]})


async def _hook_request(request: Request) -> tuple[dict, SimBatch | None, str]:
    """A test hook's JSON object, the batch it names, and what is wrong with them ("" if nothing)."""
    sim: SimContext = request.app.state.sim
    try:
        data = json.loads(await request.body() or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        return {}, None, str(exc)
    if not isinstance(data, dict):
        return {}, None, "expected a JSON object"
    batch = sim.store.batches.get(int(data["batch"])) if str(data.get("batch", "")).isdigit() else None
    return data, batch, "" if batch is not None else f"no batch {data.get('batch')!r}"


def _positive(data: dict, key: str) -> int | None:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


async def sim_jobs(request: Request) -> Response:
    data, batch, problem = await _hook_request(request)
    index = _positive(data, "job")
    if batch is None or not index:
        return JSONResponse({"error": problem or "'job' must be a job index (1, 2, ...)"}, status_code=400)
    status = data.get("status")
    if status is None:
        batch.job_overrides.pop(index, None)
    elif isinstance(status, str) and status.strip():
        batch.job_overrides[index] = (status.strip(), str(data.get("errorMessage") or ""))
    else:
        return JSONResponse({"error": "'status' must be a job status word or null"}, status_code=400)
    return JSONResponse({"batch": str(batch.id), "jobs": {str(k): v[0] for k, v in batch.job_overrides.items()}})


async def sim_tracking(request: Request) -> Response:
    data, batch, problem = await _hook_request(request)
    if batch is not None and "answer" in data:
        answer = data["answer"]
        if answer is None:
            batch.tracking_answer = None
        elif isinstance(answer, dict) and isinstance(answer.get("body"), str) and isinstance(answer.get("status", 200), int):
            batch.tracking_answer = (answer.get("status", 200), str(answer.get("contentType") or "application/xml"),
                                     answer["body"].encode("utf-8"))
        else:
            return JSONResponse({"error": "'answer' needs a 'body' string (and an int 'status')"}, status_code=400)
        return JSONResponse({"batch": str(batch.id), "answer": answer})
    piece = _positive(data, "piece")
    scans = _positive(data, "scans")
    if batch is None or not piece or scans is None:
        return JSONResponse({"error": problem or "'piece' (1, 2, ...) and 'scans' (0, 1, ...) are needed"},
                            status_code=400)
    last = data.get("last") or ""
    if not isinstance(last, str):
        return JSONResponse({"error": "'last' must be a scan word"}, status_code=400)
    batch.piece_overrides[piece] = (scans, last.strip())
    return JSONResponse({"batch": str(batch.id), "pieces": {str(k): list(v) for k, v in batch.piece_overrides.items()}})


class DateLayer:
    """A Date header on every answer that has none (uvicorn's own is off, because tracking
    answers carry the simulated USPS calendar instead)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_dated(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                if not any(k.lower() == b"date" for k, _ in headers):
                    headers.append((b"date", formatdate(usegmt=True).encode()))
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_dated)


def create_app(options: SimOptions) -> Starlette:
    """A fresh simulator: its own users, batches, queue worker and upload directory."""
    sim = SimContext.create(options)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        worker = asyncio.create_task(sim.worker.run(), name="c2m-sim-intake")
        try:
            yield
        finally:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
            sim.remove_files()

    routes = [
        Route("/v1/batches", handlers.create_batch, methods=["POST"]),
        Route("/v1/batches/{batch_id}", handlers.batch_resource, methods=["GET", "PUT", "POST"]),
        Route("/v1/batches/{batch_id}/details", handlers.batch_details, methods=["GET"]),
        Route("/v1/batches/{batch_id}/tracking", handlers.batch_tracking, methods=["GET"]),
        Route("/__sim__/state", sim_state, methods=["GET"]),
        Route("/__sim__/faults", sim_faults, methods=["GET", "POST", "DELETE"]),
        Route("/__sim__/jobs", sim_jobs, methods=["POST"]),
        Route("/__sim__/tracking", sim_tracking, methods=["POST"]),
        Route("/__sim__/molpro", molpro.sim_molpro, methods=["POST", "DELETE"]),
        *(Route(path, endpoint, methods=methods) for path, endpoint, methods in molpro.ROUTES),
    ]
    middleware = [Middleware(DateLayer), Middleware(FaultLayer, sim=sim), Middleware(GateLayer, sim=sim),
                  Middleware(molpro.CannedLayer, sim=sim)]
    if options.state_dir:  # innermost: saves once the handler has changed the store
        middleware.append(Middleware(PersistLayer, sim=sim))
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.sim = sim
    return app
