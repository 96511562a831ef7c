"""The tracking viewer shows the journal's saved tracking at once, then the fresh answer (and saves it)."""

from __future__ import annotations

import asyncio
import hashlib

from c2m_tui.core.models import Tracking, TrackingEvent
from c2m_tui.tui.session import open_journal
from c2m_tui.tui.screens.tracking import TrackingScreen
from tests.tui.batch_harness import BatchScreensApp, client_for, screen_text, send_batch, wait_for_tracking, wait_until


class HeldTracking:
    """The real client, except that tracking answers wait for ``release`` (the test decides when the
    fresh answer may arrive: after it has seen the saved copy, however busy the machine is)."""

    def __init__(self, client) -> None:
        self._client = client
        self.release = asyncio.Event()

    def __getattr__(self, name):
        return getattr(self._client, name)

    async def tracking(self, *args, **kwargs):
        await self.release.wait()
        return await self._client.tracking(*args, **kwargs)


def remember_batch(journal, base_url: str, batch_id: str) -> None:
    xml = b"<batch/>"
    key = journal.new_entry(profile="demo", environment="demo", base_url=base_url, pdf_path="letters.pdf",
                            pdf_size=1, pdf_sha256="0" * 64, pdf_pages=1, xml=xml,
                            xml_sha256=hashlib.sha256(xml).hexdigest(), jobs=1, pieces=1)
    step = journal.begin_step(key, "create")
    journal.end_step(step, "done", batch_id=batch_id)


async def test_saved_copy_first_then_the_fresh_answer(sim_factory, tmp_path):
    sim = sim_factory("--queue-seconds", "0.1", "--job-seconds", "0.1", "--tracking", "simulated",
                      "--day-seconds", "0.2")
    client = client_for(sim)
    batch_id = await send_batch(client, tmp_path, recipients=2)
    await wait_for_tracking(client, batch_id, lambda t: t.available and len(t.pieces()) == 2, timeout=30)
    journal, _ = open_journal()
    assert journal is not None
    remember_batch(journal, client.base_url, batch_id)
    saved = Tracking(True, "", "IMB", [TrackingEvent("SAVED-PIECE", "Accepted", "2026-11-01T08:00:00", "OLDTOWN ME")])
    assert journal.record_tracking(batch_id, saved, base_url=client.base_url)

    held = HeldTracking(client)
    app = BatchScreensApp(held, lambda: TrackingScreen(batch_id))
    async with app.run_test(size=(110, 30)) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: screen.loaded is not None, what="the saved copy")
        await pilot.pause()
        first = screen_text(app)
        was_cached = screen.from_cache
        held.release.set()  # now the fresh answer may come
        await wait_until(pilot, lambda: not screen.from_cache, what="the fresh answer")
        await pilot.pause()
        fresh = screen_text(app)
    assert was_cached
    assert "SAVED-PIECE" in first and "saved copy; refreshing" in first
    assert "SAVED-PIECE" not in fresh and "2 piece(s)" in fresh
    cached = journal.cached_tracking(batch_id, 3600, base_url=client.base_url)
    assert cached is not None and len(cached.tracking.pieces()) == 2  # the fresh answer was saved
