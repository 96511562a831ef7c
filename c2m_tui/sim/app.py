"""The simulator's starlette app: the /v1 Batch API plus test hooks under /__sim__ (no auth).

``GET /__sim__/state`` shows what the server holds: ``connections_opened`` counts the distinct
TCP connections that carried a /v1 request, and per batch ``queue_position`` is the number of
batches waiting ahead of it (0: it is next; null before submit and once received), ``processed``
whether intake has finished with it (jobs or hasErrors are known) and ``processed_seq`` its place in
processing order (1, 2, ...). ``POST /__sim__/faults`` arms a
targeted fault (see faults.py); ``GET`` lists the armed ones, ``DELETE`` clears them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from c2m_tui.sim import handlers
from c2m_tui.sim.context import SimContext
from c2m_tui.sim.faults import ArmedFault
from c2m_tui.sim.layers import FaultLayer, GateLayer
from c2m_tui.sim.options import SimOptions


async def sim_state(request: Request) -> Response:
    sim: SimContext = request.app.state.sim
    return JSONResponse({"connections_opened": sim.connections.v1_connections, "batches": sim.store.snapshot()})


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
    ]
    middleware = [Middleware(FaultLayer, sim=sim), Middleware(GateLayer, sim=sim)]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.sim = sim
    return app
