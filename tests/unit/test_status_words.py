"""Every final state of a batch in plain words (reference §4, §9.3): mailed only when every job
is; one failed job among mailed ones is a partial failure; on hold, cancelled and unknown words
end a watch too, and only "all mailed or still going" is a success."""

from __future__ import annotations

import pytest

from c2m_tui.core.models import BatchStatus, JobStatus, Recipient, job_state


def batch(*jobs: tuple[str, str] | tuple[str, str, str]) -> BatchStatus:
    return BatchStatus(id="91802", submitted=True, received=True, jobs=[
        JobStatus(str(100 + i), str(i), j[0], j[1] if len(j) > 1 else "") for i, j in enumerate(jobs, 1)])


def test_one_failed_job_among_mailed_is_partly_failed_with_its_message():
    s = batch(("MAILED",), ("MAILED",), ("ERROR", "Address not mailable: 1 of 1 recipients"))
    assert s.phase == "partly-failed" and s.done and not s.ok
    assert s.describe() == "partly failed: 2 of 3 jobs mailed, 1 failed (job 3: Address not mailable: 1 of 1 recipients)"


@pytest.mark.parametrize("word, phase, words", [
    ("ON_HOLD", "on-hold", "on hold (Click2Mail needs something from you): 1 of 2 jobs mailed, 1 on hold (job 2: ON_HOLD)"),
    ("CANCELLED", "partly-failed", "partly mailed: 1 of 2 jobs mailed, 1 cancelled (job 2: CANCELLED)"),
    ("SHREDDED", "unknown", "unknown status (ask Click2Mail): 1 of 2 jobs mailed, 1 in an unknown state (job 2: SHREDDED)"),
    ("ERROR", "partly-failed", "partly failed: 1 of 2 jobs mailed, 1 failed (job 2: ERROR)"),
])
def test_every_final_state_ends_and_is_not_a_success(word, phase, words):
    s = batch(("MAILED",), (word,))
    assert (s.phase, s.done, s.ok) == (phase, True, False)
    assert s.describe() == words


def test_all_cancelled_and_all_failed():
    assert batch(("CANCELLED",), ("CANCELED",)).phase == "cancelled"
    failed = batch(("ERROR", "bad PDF"),)
    assert failed.phase == "failed" and failed.describe() == "failed: 0 of 1 jobs mailed, 1 failed (job 1: bad PDF)"


def test_mailed_only_when_every_job_is_and_a_failure_so_far_is_said_while_others_run():
    assert batch(("MAILED",), ("MAILED",)).phase == "mailed"
    s = batch(("MAILED",), ("IN_PRODUCTION",), ("ERROR", "Address not mailable"))
    assert (s.phase, s.done, s.ok) == ("processing", False, True)
    assert "1 will not be mailed (job 3: Address not mailable)" in s.describe()


def test_batch_level_errors_and_early_phases():
    assert BatchStatus(id="1", has_errors=True, error_message="invalid SKU").describe() == "failed: invalid SKU"
    assert BatchStatus(id="1").phase == "created" and BatchStatus(id="1", submitted=True).phase == "queued"
    assert BatchStatus(id="1", submitted=True, received=True).ok


def test_job_state_words():
    assert [job_state(w) for w in ("MAILED", "error", "On Hold", "CANCELED", "IN_PRODUCTION", None, "XYZ")] == [
        "mailed", "failed", "on-hold", "cancelled", "processing", "processing", "unknown"]


def test_recipients_on_a_job_are_ours_and_only_in_json_when_known():
    job = JobStatus("7", "1", "MAILED")
    assert "recipients" not in job.to_json()
    job.recipients = (Recipient(name="Anna Kowalski", city="Chicago", postal_code="60601", list_id="CRM-1"),
                      Recipient(name="Jan Nowak"))
    assert job.recipient_text() == "Anna Kowalski, Chicago 60601 and 1 more"
    assert job.to_json()["recipients"][0] == {"name": "Anna Kowalski", "city": "Chicago", "postalCode": "60601",
                                              "listId": "CRM-1"}
