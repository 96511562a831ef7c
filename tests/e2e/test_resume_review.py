"""What was reviewed is what is sent: a file changed on disk after review (or after upload) stops
the send before submit, against the simulator, and resume refuses it as well."""

from __future__ import annotations

import pytest

from c2m_tui.config.paths import journal_file
from c2m_tui.core.client import BatchClient
from c2m_tui.core.journal import open_journal
from c2m_tui.core.sending import ChangedSinceReviewError, SendPlan, resume, review, send
from tests.e2e.sendflow import cli, make_batch_files, sim_batches


def _plan(sim, pdf, xml, **kw) -> SendPlan:
    return SendPlan(pdf=pdf, xml=xml.read_bytes(), profile="demo", environment="demo", base_url=sim.base_url,
                    jobs=1, pieces=2, pages=2, **kw)


def _client(sim) -> BatchClient:
    return BatchClient(sim.base_url, "demo", "demo", timeout=30)


@pytest.fixture
def journal():
    j = open_journal(journal_file())
    yield j
    j.close()


async def test_a_reviewed_send_goes_through_and_remembers_the_review(sim, tmp_path, journal):
    pdf, xml = make_batch_files(tmp_path)
    plan = _plan(sim, pdf, xml, xml_path=xml)
    record = review(plan)
    steps = []
    async with _client(sim) as client:
        batch_id = await send(client, plan, journal, reviewed=record, on_step=lambda s, st: steps.append((s, st)))
    assert sim_batches(sim)[batch_id]["submit_count"] == 1
    entry = journal.find(batch_id, sim.base_url)
    assert entry.reviewed_at == record.reviewed_at and entry.pdf_sha256 == record.pdf_sha256
    assert entry.last_status in ("queued", "processing", "mailed")  # read right after submit
    assert steps == [(s, st) for s in ("create", "pdf", "xml", "submit") for st in ("start", "done")]


async def test_a_pdf_changed_after_review_is_refused_before_anything_is_sent(sim, tmp_path, journal):
    pdf, xml = make_batch_files(tmp_path)
    plan = _plan(sim, pdf, xml)
    record = review(plan)
    pdf.write_bytes(pdf.read_bytes() + b"%changed after review\n")
    async with _client(sim) as client:
        with pytest.raises(ChangedSinceReviewError, match="letters.pdf: changed on disk since it was reviewed"):
            await send(client, plan, journal, reviewed=record)
    assert sim_batches(sim) == {} and journal.entries() == []


async def test_an_xml_different_from_the_reviewed_one_is_refused(sim, tmp_path, journal):
    pdf, xml = make_batch_files(tmp_path)
    record = review(_plan(sim, pdf, xml))
    other = _plan(sim, pdf, xml)
    other.xml = other.xml.replace(b"Ada Lovelace", b"Ada Byron")
    async with _client(sim) as client:
        with pytest.raises(ChangedSinceReviewError, match="XML changed since it was reviewed"):
            await send(client, other, journal, reviewed=record)
    assert sim_batches(sim) == {}


async def test_a_pdf_changed_during_the_send_is_caught_by_the_upload_and_never_submitted(sim, tmp_path, journal,
                                                                                          app_home):
    pdf, xml = make_batch_files(tmp_path)
    plan = _plan(sim, pdf, xml)
    record = review(plan)

    def tamper(step: str, state: str) -> None:
        if (step, state) == ("pdf", "start"):  # reviewed, then changed just as its upload begins
            pdf.write_bytes(pdf.read_bytes().replace(b"%%EOF", b"%changed during the send\n%%EOF"))

    async with _client(sim) as client:
        with pytest.raises(ChangedSinceReviewError, match="changed on disk since it was reviewed"):
            await send(client, plan, journal, reviewed=record, on_step=tamper)
        [entry] = journal.entries()
        assert entry.state == "pdf failed"  # the bytes the upload hashed were not the reviewed ones
        assert sim_batches(sim)[entry.batch_id]["submit_count"] == 0
    out = cli(app_home, "resume", entry.batch_id, "--yes")
    assert out.returncode == 1 and "letters.pdf: changed on disk" in out.stderr
    assert sim_batches(sim)[entry.batch_id]["submit_count"] == 0


async def test_a_pdf_changed_after_its_checked_upload_does_not_change_what_is_mailed(sim, tmp_path, journal):
    pdf, xml = make_batch_files(tmp_path)
    size = pdf.stat().st_size
    plan = _plan(sim, pdf, xml)
    record = review(plan)

    def tamper(step: str, state: str) -> None:
        if (step, state) == ("xml", "done"):  # after the PDF upload vouched for its bytes
            pdf.write_bytes(pdf.read_bytes() + b"%changed after the upload\n")

    async with _client(sim) as client:
        batch_id = await send(client, plan, journal, reviewed=record, on_step=tamper)
    server = sim_batches(sim)[batch_id]
    assert server["submit_count"] == 1 and server["pdf_bytes"] == size  # the reviewed bytes, not the new ones


async def test_an_xml_file_changed_after_review_stops_the_submit(sim, tmp_path, journal):
    pdf, xml = make_batch_files(tmp_path)
    plan = _plan(sim, pdf, xml, xml_path=xml)
    record = review(plan)

    def tamper(step: str, state: str) -> None:
        if (step, state) == ("pdf", "done"):
            xml.write_bytes(xml.read_bytes().replace(b"Alan Turing", b"Alan M. Turing"))

    async with _client(sim) as client:
        with pytest.raises(ChangedSinceReviewError, match="letters.xml: changed on disk since it was reviewed"):
            await send(client, plan, journal, reviewed=record, on_step=tamper)
    assert all(b["submit_count"] == 0 for b in sim_batches(sim).values())
