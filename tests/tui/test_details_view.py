"""The details view against a real simulator, and its errors as notifications."""

from __future__ import annotations

from c2m_tui.tui.screens.details import DetailsScreen
from c2m_tui.tui.screens.tracking import TrackingScreen
from tests.tui.batch_harness import BatchScreensApp, client_for, screen_text, send_batch, wait_for_status, wait_until


async def test_details_of_a_mailed_batch(sim, tmp_path):
    client = client_for(sim)
    batch_id = await send_batch(client, tmp_path, recipients=3)
    await wait_for_status(client, batch_id, lambda s: s.done)
    app = BatchScreensApp(client, lambda: DetailsScreen(batch_id))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: screen.details is not None, what="details")
        await pilot.pause()
        text = screen_text(app)
        await pilot.press("t")
        await pilot.pause()
        pushed = app.screen
        await pilot.press("escape")
        await pilot.pause()
        back_on_details = app.screen is screen
    assert f"Batch number   {batch_id}" in text
    assert "Document       letters.pdf" in text
    assert "Pieces         3" in text
    assert "Status         MAILED" in text
    assert "Error message  none" in text
    assert isinstance(pushed, TrackingScreen) and pushed.batch_id == batch_id
    assert back_on_details


async def test_details_of_an_unknown_batch_is_explained(sim):
    client = client_for(sim)
    app = BatchScreensApp(client, lambda: DetailsScreen("777777"))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: any("777777" in n for n in app.notifications_seen), what="the error")
        await pilot.pause()
        text = screen_text(app)
    assert "Could not read the details" in text and "777777" in text
