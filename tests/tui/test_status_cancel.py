"""Cancelling jobs from the status board, against the simulator's REST calls on loopback: a job
before production is cancelled, one in production is refused in the server's words, each named,
and the board asks again afterwards."""

from __future__ import annotations

import httpx
from textual.widgets import SelectionList, Static

from c2m_tui.core.polling import Backoff
from c2m_tui.tui.screens.cancel_jobs import CancelJobsScreen
from c2m_tui.tui.screens.status import StatusScreen
from c2m_tui.tui.widgets.job_table import JobTable
from tests.tui.batch_harness import BatchScreensApp, client_for, send_batch, wait_for_status
from tests.tui.shell_harness import wait_for

SLOW = Backoff(first=60, ceiling=60)  # only r and the cancel itself ask again


def job_word(screen: StatusScreen, index: str) -> str:
    return next((j.job_status or "") for j in screen.status.jobs if j.job_index == index)


async def test_cancel_before_production_and_refused_after(sim_factory, tmp_path):
    sim = sim_factory("--queue-seconds", "0", "--job-seconds", "60")  # jobs stay before production
    client = client_for(sim)
    batch_id = await send_batch(client, tmp_path, recipients=1, jobs=2)
    await wait_for_status(client, batch_id, lambda s: len(s.jobs) == 2)  # received: the jobs have ids
    app = BatchScreensApp(client, lambda: StatusScreen(batch_id, backoff=SLOW), sim=sim)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: screen.status is not None and len(screen.status.jobs) == 2, what="both jobs")
        assert {job_word(screen, "1"), job_word(screen, "2")} == {"ORDER_SUBMITTED"}
        first_id = next(j.job_id for j in screen.status.jobs if j.job_index == "1")

        await pilot.press("x")
        dialog = await wait_for(pilot, lambda: isinstance(app.screen, CancelJobsScreen) and app.screen,
                                  what="the cancel dialog")
        options = dialog.query_one(SelectionList)
        assert options.option_count == 2 and len(options.selected) == 2  # both before production: checked
        assert str(options.get_option_at_index(0).prompt) == f"job 1 (id {first_id}) · ORDER_SUBMITTED"
        options.deselect(options.get_option_at_index(1).value)  # only job 1
        await pilot.pause()
        assert str(dialog.query_one("#cancel-go").label) == "Cancel 1 job(s)"
        polls = screen.polls
        dialog.query_one("#cancel-go").press()
        await wait_for(pilot, lambda: screen.cancel_outcomes and screen.polls > polls, what="cancelled, then asked")
        assert any(n.startswith("1 job(s) cancelled|") for n in app.notifications_seen)
        assert [o.cancelled for o in screen.cancel_outcomes] == [True]
        shown = str(screen.query_one("#status-cancel", Static).render())
        assert f"job 1 (id {first_id}): cancelled (Job cancelled.)" in shown
        await wait_for(pilot, lambda: job_word(screen, "1") == "CANCELLED", what="the board to show it")
        assert "CANCELLED" in screen.query_one(JobTable).row_texts(first_id)

        # job 2 goes into production; the board is told, then asked to cancel it anyway
        batch = sim.state()["batches"][0]["id"]
        httpx.post(f"{sim.root}/__sim__/jobs", json={"batch": batch, "job": 2, "status": "IN_PRODUCTION"})
        await pilot.press("r")
        await wait_for(pilot, lambda: job_word(screen, "2") == "IN_PRODUCTION", what="job 2 in production")
        await pilot.press("x")
        dialog = await wait_for(pilot, lambda: isinstance(app.screen, CancelJobsScreen) and app.screen,
                                  what="the cancel dialog again")
        options = dialog.query_one(SelectionList)
        assert options.option_count == 1 and not options.selected  # job 1 is cancelled; job 2 not checked
        await pilot.press("space")  # check it anyway: the server decides
        await wait_for(pilot, lambda: len(options.selected) == 1, what="job 2 checked")
        dialog.query_one("#cancel-go").press()
        await wait_for(pilot, lambda: len(screen.cancel_outcomes) == 1 and not screen.cancel_outcomes[0].cancelled
                         and app.screen is screen, what="the refusal")
        shown = str(screen.query_one("#status-cancel", Static).render())
        assert "job 2 (id" in shown and "not cancelled: Job " in shown, shown
        assert "cannot be cancelled: it is IN_PRODUCTION (only before production)." in shown  # the server's words
        assert "HTTP 400" not in shown  # not the whole error: the CLI prints that
        await wait_for(pilot, lambda: any("0 job(s) cancelled, 1 not|" in n for n in app.notifications_seen),
                       what="the summary")


async def test_nothing_to_cancel_is_said(sim_factory, tmp_path):
    sim = sim_factory("--queue-seconds", "0", "--job-seconds", "0.05")
    client = client_for(sim)
    batch_id = await send_batch(client, tmp_path)
    app = BatchScreensApp(client, lambda: StatusScreen(batch_id, backoff=Backoff(first=0.05, ceiling=0.2)), sim=sim)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: screen.status is not None and screen.status.done, what="mailed")
        await pilot.press("x")
        await wait_for(pilot, lambda: any("can still be cancelled" in n for n in app.notifications_seen),
                         what="the notice")
        assert app.screen is screen  # no dialog for nothing
