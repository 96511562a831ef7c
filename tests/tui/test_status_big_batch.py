"""The status board with a 2,000-job batch on the simulator at 80x24 (a new user's run froze it for
~40 s when every job turned MAILED: a DataTable re-measured its columns once per changed cell).
Speed is the benchmark's (benchmarks/bench_status_board.py); this holds what a person sees, the
keys at 80 columns, and that the job table's memory stays flat poll after poll."""

from __future__ import annotations

import gc
import tracemalloc

from textual.widgets._footer import FooterKey

from c2m_tui.core.models import JobStatus, Recipient
from c2m_tui.core.polling import Backoff
from c2m_tui.tui.screens.status import StatusScreen
from c2m_tui.tui.widgets.job_table import JobTable
from tests.tui.batch_harness import BatchScreensApp, client_for, screen_text, send_batch, wait_until
from tests.tui.shell_harness import app_on
from tests.tui.test_status_job_table import TableApp

JOBS = 2000
FAST = Backoff(first=0.1, ceiling=0.3)


def footer_keys(screen) -> list[tuple[str, str]]:
    """The footer's keys and their words (^p, docked on the right, apart)."""
    return [(key.key_display, key.description) for key in screen.query(FooterKey) if key.key_display != "^p"]


async def test_a_2000_job_batch_is_followed_to_mailed_at_80x24(sim_factory, tmp_path):
    sim = sim_factory("--queue-seconds", "0.2", "--job-seconds", "1.0", "--credit", "100000")
    client = client_for(sim)
    batch_id = await send_batch(client, tmp_path, recipients=1, jobs=JOBS)
    await client.aclose()
    app = app_on(sim.base_url, password=sim.password)  # the real app: its footer has ^q, f1 and ^p too
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = StatusScreen(batch_id, backoff=FAST)
        await app.push_screen(screen)
        await wait_until(pilot, lambda: app.screen is screen and screen.is_mounted, what="the board")
        table = screen.query_one(JobTable)
        await wait_until(pilot, lambda: table.row_count == JOBS and screen.status.phase == "processing",
                         what="the jobs in production")
        await pilot.pause()
        processing = screen_text(app)
        keys_processing = footer_keys(screen)
        await pilot.press("down", "down")
        await wait_until(pilot, lambda: table.cursor == 2, what="the cursor on job 3")
        await wait_until(pilot, lambda: screen.status.done, timeout=60, what="the batch to be mailed")
        await pilot.pause()
        mailed = screen_text(app)
        keys_mailed = footer_keys(screen)
        await pilot.press("end")
        await wait_until(pilot, lambda: table.cursor == JOBS - 1, what="the last job")
        last = table.cursor_job
        await pilot.pause()
        at_end = screen_text(app)  # the board scrolled so that the cursor's line is in sight
    assert f"processing: {JOBS:,} " in processing
    assert "v proof of the highlighted job · x cancel jobs" in processing  # the jobs' keys, by the jobs
    assert f"mailed: all {JOBS:,} job(s) are in the mail" in mailed
    assert "v proof of the highlighted job" in mailed and "x cancel" not in mailed  # nothing left to cancel
    assert table.cell(table.job_ids[0], "job_status") == "MAILED" and last.job_index == str(JOBS)
    assert any(line.startswith(f" {JOBS}  ") and "MAILED" in line for line in at_end.splitlines()), at_end
    for keys in (keys_processing, keys_mailed):  # every key in the footer says what it does
        assert [k for k, _words in keys] == ["esc", "^q", "f1", "r", "d", "t", "c"], keys
        assert all(words for _key, words in keys), keys


async def test_a_batch_that_does_not_exist_says_so_and_offers_nothing_that_needs_it(sim):
    client = client_for(sim)
    app = BatchScreensApp(client, lambda: StatusScreen("999999", backoff=FAST))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: screen.last_error is not None, what="the answer")
        await pilot.pause()
        text = screen_text(app)
        offered = {b.action for _n, b, enabled, _t in screen.active_bindings.values() if enabled}
        footer = [key for key, _words in footer_keys(screen)]
        await pilot.press("d", "t", "v", "x")
        await pilot.pause()
        still_here = app.screen is screen
    assert "not found: this server has no batch 999999" in text
    assert "asking the server" not in text
    assert "none: there is no such batch here (r asks again)" in text
    assert "No jobs yet" not in text and "Jobs" not in text  # nothing suggests jobs will come
    assert "above" not in text
    assert {"details", "tracking", "view_proof", "cancel_jobs"}.isdisjoint(offered)
    assert {"refresh", "copy_id"} <= offered
    assert footer == ["esc", "r", "c"], footer
    assert still_here  # d and t did not open screens for a batch that is not there




async def test_the_job_table_holds_20000_jobs_in_flat_memory_poll_after_poll():
    def answer(word: str, mailed: bool = False) -> list[JobStatus]:
        return [JobStatus(str(1_000_000 + i), str(i), word, submitted_date="2026-12-01T10:00:00-05:00",
                          mailing_date="2026-12-03T10:00:00-05:00" if mailed else None,
                          recipients=(Recipient(name=f"Person {i}", city="Baltimore", postal_code="21201"),))
                for i in range(1, 20_001)]

    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(JobTable)
        table.focus()
        tracemalloc.start()
        try:
            table.show_jobs(answer("ORDER_SUBMITTED"))
            await pilot.pause()
            gc.collect()
            first, _ = tracemalloc.get_traced_memory()
            for word in ("AWAITING_PRODUCTION", "IN_PRODUCTION", "MAILED", "MAILED"):
                table.show_jobs(answer(word, mailed=word == "MAILED"))  # every row changes (or none)
                await pilot.press("pagedown")
                await pilot.pause()
            gc.collect()
            after, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    # the rows' texts of 20,000 jobs (the answers themselves are the caller's, dropped each poll)
    assert first < 40 * 2**20, first
    assert after - first < 4 * 2**20, (first, after)  # flat: nothing kept per poll
    assert table.row_count == 20_000 and table.cell("1000001", "job_status") == "MAILED"
