"""The batch journal on a real SQLite file under C2M_TUI_HOME: states, the duplicate claim, caches."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from c2m_tui.config.paths import journal_file
from c2m_tui.core.journal import (
    AMBIGUOUS, DONE, FAILED, DuplicateBatchError, Journal, JournalError, open_journal,
)
from c2m_tui.core.journal.entry import now_utc
from c2m_tui.core.models import BatchStatus, JobStatus, Tracking, TrackingEvent

BASE = "http://127.0.0.1:8025/v1"


def add(journal: Journal, *, env="demo", base=BASE, pdf="aa" * 32, xml="bb" * 32, **kw) -> int:
    return journal.new_entry(
        profile=kw.get("profile", env), environment=env, base_url=base, pdf_path="/tmp/letters.pdf", pdf_size=1234,
        pdf_sha256=pdf, pdf_pages=3, xml=b"<batch/>", xml_sha256=xml, jobs=1, pieces=2,
    )


def walk(journal: Journal, key: int, batch_id: str, upto: str) -> None:
    """Answer every step up to and including ``upto`` with success."""
    for step in ("create", "pdf", "xml", "submit"):
        sid = journal.claim_submit(key) if step == "submit" else journal.begin_step(key, step)
        journal.end_step(sid, DONE, batch_id=batch_id if step == "create" else None)
        if step == upto:
            return


@pytest.fixture
def journal():
    j = open_journal(journal_file())
    yield j
    j.close()


def test_journal_lives_under_the_app_home_in_wal_mode(journal, app_home):
    assert journal.path == app_home / "data" / "journal.db"
    assert journal.notice is None
    conn = sqlite3.connect(journal.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_states_follow_the_steps(journal):
    key = add(journal)
    assert journal.get(key).state == "new"
    sid = journal.begin_step(key, "create")
    entry = journal.get(key)
    assert entry.state == "possibly created" and entry.unsettled.id == sid and entry.batch_id is None
    journal.end_step(sid, DONE, batch_id="41")
    assert journal.get(key).state == "created"
    expected = {"pdf": "pdf uploaded", "xml": "xml uploaded"}
    for step, state in expected.items():
        sid = journal.begin_step(key, step)
        journal.end_step(sid, DONE)
        assert journal.get(key).state == state
    sid = journal.claim_submit(key)
    assert journal.get(key).state == "ambiguous"  # asked, no answer yet
    journal.end_step(sid, DONE)
    entry = journal.get(key)
    assert entry.state == "submitted" and entry.submitted
    assert [s.step for s in entry.steps] == ["create", "pdf", "xml", "submit"]
    assert all(s.finished_at for s in entry.steps)


def test_a_failed_step_says_so_and_an_ambiguous_submit_is_not_submitted(journal):
    key = add(journal)
    walk(journal, key, "7", "xml")
    sid = journal.claim_submit(key)
    journal.end_step(sid, FAILED, "HTTP 400")
    assert journal.get(key).state == "submit failed"
    sid = journal.claim_submit(key)  # a refused submit may be tried again
    journal.end_step(sid, AMBIGUOUS, "timeout")
    entry = journal.get(key)
    assert entry.state == "ambiguous" and not entry.submitted
    assert "resume 7" in entry.explain()


def test_json_has_the_documented_keys(journal):
    key = add(journal)
    walk(journal, key, "12", "pdf")
    doc = journal.get(key).to_json()
    for k in ("id", "profile", "environment", "base_url", "created_at", "step", "state", "pdf", "pdf_sha256",
              "xml_sha256", "last_status"):
        assert k in doc
    assert doc["id"] == "12" and doc["step"] == "pdf" and doc["state"] == "pdf uploaded"
    assert doc["pdf"] == "/tmp/letters.pdf" and doc["pdf_sha256"] == "aa" * 32


def test_possibly_created_is_explained_never_silent(journal):
    key = add(journal)
    journal.begin_step(key, "create")
    entry = journal.get(key)
    assert entry.to_json()["state"] == "possibly created"
    assert "unknown" in entry.explain() and "never submitted" in entry.explain()


def test_duplicate_content_is_refused_in_the_same_environment_naming_the_earlier_batch(journal):
    first = add(journal)
    walk(journal, first, "100", "submit")
    second = add(journal)
    walk(journal, second, "101", "xml")
    with pytest.raises(DuplicateBatchError, match="batch 100") as info:
        journal.claim_submit(second)
    assert info.value.exit_code == 1 and "--allow-duplicate" in str(info.value)
    assert journal.get(second).latest("submit") is None  # refused: no intent recorded
    sid = journal.claim_submit(second, allow_duplicate=True)
    journal.end_step(sid, DONE)
    assert journal.get(second).submitted


def test_an_unanswered_submit_counts_as_possibly_submitted(journal):
    first = add(journal)
    walk(journal, first, "5", "xml")
    journal.claim_submit(first)  # no answer yet
    second = add(journal)
    walk(journal, second, "6", "xml")
    with pytest.raises(DuplicateBatchError, match="possibly submitted"):
        journal.claim_submit(second)


def test_other_environments_and_other_content_are_not_duplicates(journal):
    walk(journal, add(journal, env="staging", base="https://stage-batch.click2mail.com/v1"), "1", "submit")
    walk(journal, add(journal, pdf="cc" * 32), "2", "submit")
    walk(journal, add(journal, env="custom", base="https://a.example/v1"), "3", "submit")
    key = add(journal, env="custom", base="https://b.example/v1")  # custom: the server is what counts
    walk(journal, key, "4", "submit")
    assert journal.get(key).submitted
    dup = add(journal, env="custom", base="https://a.example/v1")
    walk(journal, dup, "5", "xml")
    with pytest.raises(DuplicateBatchError, match="batch 3"):
        journal.claim_submit(dup)


def test_a_submitted_batch_is_never_claimed_again(journal):
    key = add(journal)
    walk(journal, key, "9", "submit")
    with pytest.raises(JournalError, match="never submitted twice"):
        journal.claim_submit(key, allow_duplicate=True)


def test_a_pending_step_blocks_the_submit_claim(journal):
    key = add(journal)
    walk(journal, key, "9", "pdf")
    journal.begin_step(key, "xml")
    with pytest.raises(JournalError, match="no answer"):
        journal.claim_submit(key)


def test_ids_repeat_across_servers_so_lookups_take_the_server(journal):
    a = add(journal)
    walk(journal, a, "1", "create")
    b = add(journal, env="staging", base="https://stage-batch.click2mail.com/v1")
    walk(journal, b, "1", "create")
    assert journal.find("1", BASE).key == a
    assert journal.find("1", "https://stage-batch.click2mail.com/v1/").key == b
    assert journal.find("1").key == b  # newest without a server
    assert journal.servers_for("1") == ["http://127.0.0.1:8025/v1", "https://stage-batch.click2mail.com/v1"]
    assert journal.find("2") is None
    assert [e.key for e in journal.entries(base_url=BASE)] == [a]


def test_last_status_is_kept_and_read_back(journal):
    key = add(journal)
    walk(journal, key, "77", "submit")
    status = BatchStatus(id="77", submitted=True, received=True,
                         jobs=[JobStatus(job_id="5", job_status="MAILED", mailing_date="2026-01-02")])
    assert journal.record_status("77", status, base_url=BASE)
    entry = journal.get(key)
    assert entry.last_status == "mailed" and entry.to_json()["last_status"] == "mailed"
    assert entry.status == status
    assert not journal.record_status("78", status)  # unknown here: nothing to attach it to


def test_tracking_cache_respects_its_age(journal):
    key = add(journal)
    walk(journal, key, "8", "submit")
    tracking = Tracking(available=True, events=[
        TrackingEvent("0001", "Delivered", "2026-01-03T10:00:00", "SPRINGFIELD IL"),
        TrackingEvent("0001", "In transit", "2026-01-02T10:00:00", "CHICAGO IL"),
    ])
    assert journal.cached_tracking("8", 3600) is None  # nothing fetched yet
    fetched = now_utc() - timedelta(hours=5)
    journal.record_tracking("8", tracking, fetched_at=fetched)
    cached = journal.cached_tracking("8", timedelta(hours=6))
    assert cached is not None and cached.tracking == tracking
    assert abs((cached.fetched_at - fetched).total_seconds()) < 0.01
    assert journal.cached_tracking("8", timedelta(hours=4)) is None  # older than asked for
    none = Tracking(available=False, message="Tracking data not available for this batch.")
    journal.record_tracking("8", none)
    assert journal.cached_tracking("8", 60).tracking == none


def test_two_journal_objects_see_each_others_writes(journal):
    other = Journal.open(journal.path)
    key = add(other)
    sid = other.begin_step(key, "create")
    assert journal.get(key).unsettled.id == sid  # committed before the call it announces
    other.close()


def test_unsettled_entries_and_a_live_sender_shown_as_sending(journal):
    quiet = add(journal)
    walk(journal, quiet, "1", "submit")
    waiting = add(journal, pdf="dd" * 32)
    walk(journal, waiting, "2", "xml")
    journal.claim_submit(waiting)
    elsewhere = add(journal, base="https://stage-batch.click2mail.com/v1", env="staging")
    journal.begin_step(elsewhere, "create")
    assert [e.key for e in journal.unsettled_entries(base_url=BASE)] == [waiting]
    assert {e.key for e in journal.unsettled_entries()} == {waiting, elsewhere}

    assert {d["key"]: d["state"] for d in journal.listing()}[waiting] == "ambiguous"  # its sender is gone
    sender = journal.lock_for(waiting)  # a sender holding the entry (another open file: like another process)
    assert sender.try_acquire()
    try:
        doc = {d["key"]: d for d in journal.listing()}[waiting]
        assert doc["state"] == "sending" and "running" in doc["note"]
    finally:
        sender.release()


def test_the_xml_copy_is_kept_compressed_and_comes_back_exact(journal):
    xml = b'<?xml version="1.0"?>\n<batch>' + b"<job><recipients>" + b"<address><name>A</name></address>" * 5000 + b"</recipients></job></batch>"
    key = journal.new_entry(
        profile="demo", environment="demo", base_url=BASE, pdf_path="/x.pdf", pdf_size=1, pdf_sha256="a" * 64,
        pdf_pages=1, xml=xml, xml_sha256="b" * 64, jobs=1, pieces=5000,
    )
    assert journal.xml_copy(key) == xml
    stored = sqlite3.connect(journal.path).execute("SELECT length(xml_zlib) FROM batches").fetchone()[0]
    assert stored < len(xml) / 10


def test_update_content_records_facts_and_computes_the_xml_hash(journal):
    import hashlib

    key = add(journal)
    xml = b"<batch><filename>b.pdf</filename></batch>"
    journal.update_content(key, xml=xml, pdf_path="/tmp/b.pdf", pieces=7)
    entry = journal.get(key)
    assert entry.xml_sha256 == hashlib.sha256(xml).hexdigest() and journal.xml_copy(key) == xml
    assert entry.pdf_path == "/tmp/b.pdf" and entry.pieces == 7
    with pytest.raises(ValueError, match="batch_id"):
        journal.update_content(key, batch_id="9")  # not content: ids come only from the server's answer


def test_uploads_confirmed_before_the_content_was_known_are_kept(journal):
    key = journal.new_entry(profile="demo", environment="demo", base_url=BASE, pdf_path="", pdf_size=0,
                            pdf_sha256="", pdf_pages=0, xml=b"", xml_sha256="placeholder", jobs=0, pieces=0)
    walk(journal, key, "3", "xml")
    journal.update_content(key, pdf_sha256="c" * 64, xml=b"<batch/>")
    assert journal.get(key).state == "xml uploaded"  # first content recorded: the uploads stand
    journal.update_content(key, pdf_sha256="d" * 64)
    entry = journal.get(key)
    assert not entry.done("pdf") and entry.done("xml") and entry.state == "created"
