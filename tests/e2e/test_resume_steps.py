"""The one-step-at-a-time API (what the TUI wizard drives) against the simulator: the batch is created
before its files are known, content recorded later, and the submit keeps every guarantee of send."""

from __future__ import annotations

import hashlib

import pytest

from c2m_tui.config.paths import journal_file
from c2m_tui.core.client import BatchClient
from c2m_tui.core.journal import JournalError, open_journal
from c2m_tui.core.journal.locks import BatchBusyError
from c2m_tui.core.sending import (
    ChangedSinceReviewError, DuplicateBatchError, SendPlan, create_step, pdf_step, resume, review, submit_step,
    xml_step,
)
from tests.e2e.sendflow import make_batch_files, sim_batches


@pytest.fixture
def journal():
    j = open_journal(journal_file())
    yield j
    j.close()


def _blank_entry(journal, sim) -> int:
    return journal.new_entry(profile="demo", environment="demo", base_url=sim.base_url, pdf_path="", pdf_size=0,
                             pdf_sha256="", pdf_pages=0, xml=b"", xml_sha256="", jobs=0, pieces=0)


def _content(pdf, xml) -> dict:
    data = pdf.read_bytes()
    return dict(pdf_path=pdf, pdf_size=len(data), pdf_sha256=hashlib.sha256(data).hexdigest(), pdf_pages=2,
                xml=xml.read_bytes(), jobs=1, pieces=2)


async def test_the_wizard_order_end_to_end(sim, tmp_path, journal):
    pdf, xml = make_batch_files(tmp_path)
    key = _blank_entry(journal, sim)
    steps = []
    async with BatchClient(sim.base_url, "demo", "demo", timeout=30) as client:
        batch_id = await create_step(client, journal, key, on_step=lambda *a: steps.append(a))
        with pytest.raises(JournalError, match="choose its PDF first"):
            await pdf_step(client, journal, key)
        journal.update_content(key, **_content(pdf, xml))
        await pdf_step(client, journal, key, on_step=lambda *a: steps.append(a))
        with pytest.raises(JournalError, match="XML upload is not confirmed"):
            await submit_step(client, journal, key)
        await xml_step(client, journal, key, on_step=lambda *a: steps.append(a))
        record = review(SendPlan(pdf=pdf, xml=xml.read_bytes(), profile="demo", environment="demo",
                                 base_url=sim.base_url, jobs=1, pieces=2, pages=2))
        assert await submit_step(client, journal, key, reviewed=record, on_step=lambda *a: steps.append(a))
        assert not await submit_step(client, journal, key)  # a second call: nothing is sent
    assert steps[-1] == ("submit", "done") and ("create", "done") in steps
    server = sim_batches(sim)[batch_id]
    assert server["submit_count"] == 1 and server["pdf_bytes"] == pdf.stat().st_size
    assert server["xml_bytes"] > 0
    entry = journal.get(key)
    assert entry.state == "submitted" and entry.last_status in ("queued", "processing", "mailed")


async def test_changing_the_pdf_after_its_upload_means_uploading_it_again(sim, tmp_path, journal):
    pdf, xml = make_batch_files(tmp_path)
    other, _ = make_batch_files(tmp_path, name="other", pages=2)
    other.write_bytes(other.read_bytes() + b"%another letter\n")
    key = _blank_entry(journal, sim)
    async with BatchClient(sim.base_url, "demo", "demo", timeout=30) as client:
        await create_step(client, journal, key)
        journal.update_content(key, **_content(pdf, xml))
        await pdf_step(client, journal, key)
        await xml_step(client, journal, key)
        assert journal.get(key).state == "xml uploaded"
        journal.update_content(key, **{k: v for k, v in _content(other, xml).items() if k.startswith("pdf")})
        entry = journal.get(key)
        assert not entry.done("pdf") and entry.done("xml")  # the confirmed upload was of other bytes
        with pytest.raises(JournalError, match="PDF upload is not confirmed"):
            await submit_step(client, journal, key)
        await pdf_step(client, journal, key)
        assert await submit_step(client, journal, key)
        with pytest.raises(JournalError, match="cannot change once a submit was asked"):
            journal.update_content(key, pieces=3)
    assert sim_batches(sim)[journal.get(key).batch_id]["pdf_bytes"] == other.stat().st_size


async def test_the_submit_step_keeps_the_guards(sim, tmp_path, journal):
    pdf, xml = make_batch_files(tmp_path)
    async with BatchClient(sim.base_url, "demo", "demo", timeout=30) as client:
        keys = []
        for _ in range(2):
            key = _blank_entry(journal, sim)
            await create_step(client, journal, key)
            journal.update_content(key, **_content(pdf, xml))
            await pdf_step(client, journal, key)
            await xml_step(client, journal, key)
            keys.append(key)
        record = review(SendPlan(pdf=pdf, xml=xml.read_bytes(), profile="demo", environment="demo",
                                 base_url=sim.base_url, jobs=1, pieces=2, pages=2))
        sender = journal.lock_for(keys[0])  # someone else is working on this entry
        assert sender.try_acquire()
        with pytest.raises(BatchBusyError):
            await submit_step(client, journal, keys[0], lock_timeout=0.2)
        sender.release()
        assert await submit_step(client, journal, keys[0], reviewed=record)
        with pytest.raises(DuplicateBatchError, match=f"batch {journal.get(keys[0]).batch_id}"):
            await submit_step(client, journal, keys[1])
        pdf.write_bytes(pdf.read_bytes() + b"%edited\n")
        with pytest.raises(ChangedSinceReviewError):
            await submit_step(client, journal, keys[1], allow_duplicate=True)
        # and resume (the CLI's path) says the same about the second one
        with pytest.raises(ChangedSinceReviewError):
            await resume(client, journal, journal.get(keys[1]).batch_id, allow_duplicate=True)
    assert [b["submit_count"] for b in sim_batches(sim).values()] == [1, 0]
