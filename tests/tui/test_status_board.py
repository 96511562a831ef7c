"""The status board against a real simulator: queued → received (processing) → mailed, in place."""

from __future__ import annotations

from c2m_tui.core.polling import Backoff
from c2m_tui.tui.screens.status import StatusScreen
from c2m_tui.tui.widgets.job_table import JobTable
from tests.tui.batch_harness import BatchScreensApp, client_for, screen_text, send_batch, wait_until

FAST = Backoff(first=0.05, ceiling=0.2, factor=1.5)


async def test_board_follows_a_batch_from_queued_to_mailed(sim_factory, tmp_path):
    sim = sim_factory("--queue-seconds", "2.0", "--job-seconds", "0.4", "--tracking", "simulated")
    client = client_for(sim)
    ahead = await send_batch(client, tmp_path, submit=False)  # a lone batch would be received at once
    batch_id = await send_batch(client, tmp_path, recipients=2, jobs=2, submit=False)
    phases: list[str] = []
    app = BatchScreensApp(client, lambda: StatusScreen(batch_id, backoff=FAST))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, StatusScreen)
        # submitted only once the board is up and polling (a slow start-up on a busy machine must
        # not miss the 2 s in the queue): the other batch holds the worker, ours waits behind it
        await wait_until(pilot, lambda: screen.polls >= 1, what="the board's first poll")
        await client.submit(ahead)
        await client.submit(batch_id)

        def seen() -> bool:
            if screen.status is not None and screen.status.submitted and (
                    not phases or phases[-1] != screen.status.phase):
                phases.append(screen.status.phase)
            return screen.status is not None and screen.status.done

        await wait_until(pilot, seen, timeout=30, what="the batch to be mailed")
        await pilot.pause(0.1)
        text = screen_text(app)
        table = screen.query_one(JobTable)
        # the job table was filled once and then changed cell by cell, never rebuilt
        assert table.row_count == 2
        assert table.updates > 0
        rows_status = [table.cell(job_id, "job_status") for job_id in table.job_ids]
        polls_at_end = screen.polls
        await pilot.pause(0.4)
        polls_after_wait = screen.polls
        notes = list(app.notifications_seen)

    assert phases[0] == "queued", phases
    assert "processing" in phases, phases
    assert phases[-1] == "mailed", phases
    assert "mailed: all 2 job(s) are in the mail" in text
    assert "Submitted      yes" in text and "Received       yes" in text and "Has errors     no" in text
    assert "none: the batch is mailed" in text  # no next poll once done
    assert rows_status == ["MAILED", "MAILED"]
    assert polls_after_wait == polls_at_end  # the poller stopped when the batch was done
    # a notification for each change of state, in words
    assert any(f"Batch {batch_id}: processing|" in n for n in notes), notes
    assert any(f"Batch {batch_id}: mailed|" in n and "in the mail" in n for n in notes), notes


async def test_queued_wording_and_refresh_key(sim_factory, tmp_path):
    sim = sim_factory("--queue-seconds", "30", "--job-seconds", "1")
    client = client_for(sim)
    await send_batch(client, tmp_path)  # holds the simulator's only worker for 30 s
    batch_id = await send_batch(client, tmp_path)
    slow = Backoff(first=60, ceiling=60)  # only the r key can cause a second poll
    app = BatchScreensApp(client, lambda: StatusScreen(batch_id, backoff=slow))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: screen.polls == 1, what="the first poll")
        text = screen_text(app)
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.polls == 2, what="the refresh")
        assert "status-poll" in {w.group for w in app.workers if w.node is screen}
        await pilot.press("c")
        await pilot.pause()
        copied = app.clipboard
        await pilot.press("escape")
        await pilot.pause()
        # the poller lived on the screen and died with it
        assert not [w for w in app.workers if w.group == "status-poll" and w.is_running]
    assert "queued: Click2Mail takes batches in the order they came (first in, first out)" in text
    assert "No jobs yet" in text
    assert copied == batch_id


async def test_unknown_batch_is_a_notification_not_a_crash(sim):
    client = client_for(sim)
    app = BatchScreensApp(client, lambda: StatusScreen("999999", backoff=FAST))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: screen.last_error is not None, what="the error")
        await pilot.pause(0.3)
        text = screen_text(app)
        polls = screen.polls
    assert "Last poll failed" in text and "999999" in text
    assert any("999999" in n for n in app.notifications_seen)
    assert polls == 0  # not found: the poller stops instead of hammering the server


async def test_unreachable_server_keeps_trying_politely(tmp_path):
    from c2m_tui.core.client import BatchClient

    client = BatchClient("http://127.0.0.1:9/v1", "demo", "demo", timeout=1, retries=0)
    backoff = Backoff(first=0.05, ceiling=0.1)
    app = BatchScreensApp(client, lambda: StatusScreen("1", backoff=backoff))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: screen.last_error is not None, what="the error")
        text = screen_text(app)
        assert screen.next_poll is not None  # a transport error is retried later
    assert "Last poll failed" in text


async def test_a_batch_the_server_rejects_shows_its_error(sim, tmp_path):
    from c2m_tui.core.batchxml import batch_xml_bytes
    from c2m_tui.core.models import Address, Batch, Job
    from tests.conftest import make_pdf

    client = client_for(sim)
    pdf = make_pdf(tmp_path / "one-page.pdf", 1)
    person = Address(name="A Person", address1="1 Main St", city="Baltimore", state="MD", postal_code="21201")
    batch = Batch(filename=pdf.name, jobs=[Job(1, 5, recipients=[person])])  # pages 2-5 do not exist
    created = await client.create_batch()
    await client.upload_pdf(created.id, pdf)
    await client.upload_xml(created.id, batch_xml_bytes(batch))
    app = BatchScreensApp(client, lambda: StatusScreen(created.id, backoff=FAST))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        # the board has seen the batch before its verdict (a verdict already there when the board
        # opens is shown, not announced), then it is submitted and the board sees it fail
        await wait_until(pilot, lambda: screen.status is not None, what="the first status")
        await client.submit(created.id)
        await wait_until(pilot, lambda: screen.status is not None and screen.status.done, what="the verdict")
        await wait_until(pilot, lambda: any(f"Batch {created.id}: failed|" in n for n in app.notifications_seen),
                         what="the notice of the verdict")
        text = screen_text(app)
        phase_classes = set(screen.query_one("#status-phase").classes)
    assert screen.status.phase == "failed"
    assert "failed: " in text and "Has errors     yes" in text
    assert screen.status.error_message and screen.status.error_message[:30] in text
    assert phase_classes == {"phase-failed"}
    assert any(f"Batch {created.id}: failed|failed: " in n for n in app.notifications_seen)
