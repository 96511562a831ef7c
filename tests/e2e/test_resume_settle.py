"""settle() against the simulator: what it does with each kind of unanswered step, and what it
leaves alone (a live sender's batch, other servers' batches, an unreachable server)."""

from __future__ import annotations

import pytest

from c2m_tui.config.paths import journal_file
from c2m_tui.core.client import BatchClient
from c2m_tui.core.errors import UnreachableError
from c2m_tui.core.journal import DONE, open_journal
from c2m_tui.core.sending import SendPlan, send, settle
from tests.e2e.sendflow import make_batch_files, sim_batches


@pytest.fixture
def journal():
    j = open_journal(journal_file())
    yield j
    j.close()


def _entry(journal, base_url: str, upto: str | None, batch_id: str = "", pdf_sha: str = "a" * 64) -> int:
    key = journal.new_entry(
        profile="demo", environment="demo", base_url=base_url, pdf_path="/x.pdf", pdf_size=1, pdf_sha256=pdf_sha,
        pdf_pages=1, xml=b"<batch/>", xml_sha256="b" * 64, jobs=1, pieces=1,
    )
    for step in ("create", "pdf", "xml"):
        if upto is None:
            break
        journal.end_step(journal.begin_step(key, step), DONE, batch_id=batch_id if step == "create" else None)
        if step == upto:
            break
    return key


async def test_each_kind_of_unanswered_step_is_settled(sim, journal):
    async with BatchClient(sim.base_url, "demo", "demo", timeout=30) as client:
        real = await client.create_batch()  # a batch the server knows, never submitted
        orphan = _entry(journal, sim.base_url, None)
        journal.begin_step(orphan, "create")
        upload = _entry(journal, sim.base_url, "pdf", real.id, pdf_sha="c" * 64)
        journal.begin_step(upload, "xml")
        not_taken = _entry(journal, sim.base_url, "xml", real.id, pdf_sha="d" * 64)
        journal.claim_submit(not_taken)
        unknown = _entry(journal, sim.base_url, "xml", "999999", pdf_sha="e" * 64)
        journal.claim_submit(unknown)
        other_server = _entry(journal, "https://stage-batch.click2mail.com/v1", "xml", "5", pdf_sha="f" * 64)
        journal.claim_submit(other_server)

        seen = []
        results = await settle(client, journal, on_settle=seen.append)
    assert seen == results
    by_key = {r.key: r for r in results}
    assert set(by_key) == {orphan, upload, not_taken, unknown}  # never another server's batch
    assert by_key[orphan].outcome == "possibly created" and by_key[orphan].batch_id is None
    assert by_key[upload].outcome == "upload unconfirmed"
    assert by_key[not_taken].outcome == "not submitted"
    assert by_key[unknown].outcome == "unknown batch"
    assert journal.get(orphan).state == "possibly created"  # said, never silently dropped
    assert journal.get(upload).state == "xml unconfirmed"  # the XML will be sent again
    assert journal.get(not_taken).state == "xml uploaded" and journal.get(not_taken).unsettled is None
    assert journal.get(other_server).state == "ambiguous"
    assert sim_batches(sim)[real.id]["submit_count"] == 0  # settling never submits


async def test_a_live_senders_batch_is_left_alone(sim, journal):
    key = _entry(journal, sim.base_url, "xml", "1")
    journal.claim_submit(key)
    sender = journal.lock_for(key)
    assert sender.try_acquire()
    try:
        async with BatchClient(sim.base_url, "demo", "demo", timeout=30) as client:
            assert await settle(client, journal) == []
        assert journal.get(key).state == "ambiguous"
    finally:
        sender.release()


async def test_nothing_goes_ahead_while_a_submit_cannot_be_settled(sim, tmp_path, journal):
    key = _entry(journal, sim.base_url, "xml", "1")
    journal.claim_submit(key)
    pdf, xml = make_batch_files(tmp_path)
    sim.stop()
    plan = SendPlan(pdf=pdf, xml=xml.read_bytes(), profile="demo", environment="demo", base_url=sim.base_url,
                    jobs=1, pieces=2, pages=2)
    async with BatchClient(sim.base_url, "demo", "demo", timeout=5, retries=0) as client:
        with pytest.raises(UnreachableError):
            await send(client, plan, journal)
    assert journal.get(key).state == "ambiguous"
    assert len(journal.entries()) == 1  # the new send did not even start


async def test_a_send_settles_an_earlier_lost_submit_first(sim, tmp_path, journal):
    pdf, xml = make_batch_files(tmp_path)
    plan = SendPlan(pdf=pdf, xml=xml.read_bytes(), profile="demo", environment="demo", base_url=sim.base_url,
                    jobs=1, pieces=2, pages=2)
    async with BatchClient(sim.base_url, "demo", "demo", timeout=30) as client:
        first = await send(client, plan, journal)
        # make the first look like its submit answer was lost
        entry = journal.find(first, sim.base_url)
        journal._conn.execute("UPDATE steps SET outcome=NULL WHERE id=?", (entry.latest("submit").id,))
        assert journal.get(entry.key).state == "ambiguous"
        other = make_batch_files(tmp_path, name="second")
        plan2 = SendPlan(pdf=other[0], xml=other[1].read_bytes().replace(b"Ada", b"Grace"), profile="demo",
                         environment="demo", base_url=sim.base_url, jobs=1, pieces=2, pages=2)
        seen = []
        second = await send(client, plan2, journal, on_settle=seen.append)
    assert [(r.batch_id, r.outcome) for r in seen] == [(first, "submitted")]
    assert journal.get(entry.key).state == "submitted"
    server = sim_batches(sim)
    assert server[first]["submit_count"] == 1 and server[second]["submit_count"] == 1
