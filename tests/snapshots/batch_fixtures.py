"""Batches in known states on seeded simulators, for deterministic snapshots of the batch screens.

Ids and barcodes come from the simulator's seed; times are frozen by FrozenTimesClient and the
screens' injected clock, so the pictures do not change from run to run."""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from textual.screen import Screen

from c2m_tui.core.polling import Backoff
from c2m_tui.tui.capture import FrozenTimesClient, frozen_clock
from c2m_tui.tui.screens.details import DetailsScreen
from c2m_tui.tui.screens.status import StatusScreen
from c2m_tui.tui.screens.tracking import TrackingScreen
from tests.conftest import start_sim
from tests.tui.batch_harness import (
    BatchScreensApp,
    client_for,
    send_batch,
    wait_for_status,
    wait_for_tracking,
    wait_until,
)

SIZE = (100, 30)


@dataclass
class Prepared:
    mailed_sim: object
    mailed_id: str
    queued_sim: object
    queued_id: str


async def _prepare(folder: Path) -> Prepared:
    mailed_sim = start_sim("--queue-seconds", "0.1", "--job-seconds", "0.1", "--tracking", "simulated",
                           "--day-seconds", "0.2", "--seed", "7")
    queued_sim = start_sim("--queue-seconds", "600", "--job-seconds", "1", "--seed", "8")
    client = client_for(mailed_sim)
    try:
        mailed_id = await send_batch(client, folder, recipients=6)
        await wait_for_status(client, mailed_id, lambda s: s.done)
        await wait_for_tracking(client, mailed_id, lambda t: t.available and all(
            evs[-1].status == "Delivered" for evs in t.pieces().values()))
    finally:
        await client.aclose()
    client = client_for(queued_sim)
    try:
        # the batch to show is created first, so its seeded id stays the same; another batch
        # submitted before it holds the only worker, so it waits in the queue (received=false)
        queued_id = await send_batch(client, folder, recipients=1, submit=False)
        await send_batch(client, folder, recipients=1)
        await client.submit(queued_id)
    finally:
        await client.aclose()
    return Prepared(mailed_sim, mailed_id, queued_sim, queued_id)


@pytest.fixture(scope="module")
def prepared():
    folder = Path(tempfile.mkdtemp(prefix="c2m-snap-"))
    ready = asyncio.run(_prepare(folder))
    yield ready
    ready.mailed_sim.stop()
    ready.queued_sim.stop()


def screen_app(sim, make: Callable[[], Screen], **kw) -> BatchScreensApp:
    return BatchScreensApp(FrozenTimesClient(client_for(sim)), make, **kw)


def status_screen(batch_id: str) -> Callable[[], Screen]:
    return lambda: StatusScreen(batch_id, backoff=Backoff(first=2.0), clock=frozen_clock)


def details_screen(batch_id: str) -> Callable[[], Screen]:
    return lambda: DetailsScreen(batch_id, clock=frozen_clock)


def tracking_screen(batch_id: str, kind: str = "IMB") -> Callable[[], Screen]:
    return lambda: TrackingScreen(batch_id, kind, clock=frozen_clock)


async def until_polled(pilot) -> None:
    await wait_until(pilot, lambda: pilot.app.screen.polls >= 1, what="the first poll")
    await pilot.pause()


async def until_details(pilot) -> None:
    await wait_until(pilot, lambda: pilot.app.screen.details is not None, what="details")
    await pilot.pause()


async def until_tracking(pilot) -> None:
    await wait_until(pilot, lambda: pilot.app.screen.loaded is not None, what="tracking")
    await pilot.pause()
