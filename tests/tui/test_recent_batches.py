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
