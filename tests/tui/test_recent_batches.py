"""The home screen's recent batches show the last known state from the journal (e.g. "mailed"),
not only the step this session saw last."""

from __future__ import annotations

from c2m_tui.core.journal import DONE
from c2m_tui.core.models import BatchStatus, JobStatus
from c2m_tui.tui.screens.home import recent_batches
from c2m_tui.tui.session import open_journal
from tests.tui.shell_harness import FIXED_URL, session_on


def test_journal_state_wins_over_the_sessions_step_word():
    session = session_on(FIXED_URL)
    journal, notice = open_journal()
    assert journal is not None and notice is None
    key = journal.new_entry(
        profile="demo", environment="demo", base_url=FIXED_URL, pdf_path="/x.pdf", pdf_size=1,
        pdf_sha256="a" * 64, pdf_pages=1, xml=b"<batch/>", xml_sha256="b" * 64, jobs=1, pieces=1,
    )
    step = journal.begin_step(key, "create")
    journal.end_step(step, DONE, batch_id="4242")
    for name in ("pdf", "xml", "submit"):
        journal.record_step(key, name, DONE)
    session.remember("4242", "submitted", "")
    session.remember("77", "created", "")  # a batch only this session knows

    mailed = BatchStatus(id="4242", submitted=True, received=True, jobs=[JobStatus("1", job_status="MAILED")])
    assert journal.record_status("4242", mailed, base_url=FIXED_URL)

    rows = {r.batch_id: r for r in recent_batches(session)}
    assert rows["4242"].state == "mailed"
    assert rows["77"].state == "created"
    assert len(rows) == 2


async def test_a_batch_last_seen_queued_shows_its_state_now(sim, tmp_path):
    """The journal said "queued" (nobody looked since); the home asks the server and shows "mailed"."""
    from textual.widgets import DataTable

    from c2m_tui.tui.screens.home import HomeScreen
    from tests.tui.batch_harness import client_for, send_batch, wait_for_status
    from tests.tui.shell_harness import app_on, wait_for

    client = client_for(sim)
    batch_id = await send_batch(client, tmp_path)
    await wait_for_status(client, batch_id, lambda s: s.phase == "mailed", timeout=30)
    await client.aclose()
    journal, _ = open_journal()
    key = journal.new_entry(
        profile="demo", environment="demo", base_url=sim.base_url, pdf_path="/x.pdf", pdf_size=1,
        pdf_sha256="c" * 64, pdf_pages=1, xml=b"<batch/>", xml_sha256="d" * 64, jobs=1, pieces=1,
    )
    step = journal.begin_step(key, "create")
    journal.end_step(step, DONE, batch_id=batch_id)
    for name in ("pdf", "xml", "submit"):
        journal.record_step(key, name, DONE)
    journal.record_status(batch_id, BatchStatus(id=batch_id, submitted=True, received=False), base_url=sim.base_url)
    app = app_on(sim.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        home = await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen)
        await wait_for(pilot, lambda: home.query("#recent"), what="recent table")
        table = home.query_one("#recent", DataTable)
        await wait_for(pilot, lambda: batch_id in [k.value for k in table.rows]
                       and table.get_row(batch_id)[1] == "mailed", what="mailed, asked of the server")
    assert {r.batch_id: r.state for r in recent_batches(app.session)}[batch_id] == "mailed"
