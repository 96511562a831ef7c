"""`status --watch` prints every job once, then only the jobs that changed (issue 15)."""

from __future__ import annotations

from c2m_tui.commands.status import format_changes, format_status, _job_blocks
from c2m_tui.core.models import BatchStatus, JobStatus


def _status(*words: str) -> BatchStatus:
    jobs = [JobStatus(str(100 + i), job_index=str(i + 1), job_status=w) for i, w in enumerate(words)]
    return BatchStatus(id="42", submitted=True, received=True, jobs=jobs)


def test_only_changed_jobs_are_reprinted():
    first = _status(*["IN_PRODUCTION"] * 50)
    assert format_status(first).count("  job ") == 50
    later = _status("MAILED", *["IN_PRODUCTION"] * 49)
    text = format_changes(later, _job_blocks(first))
    assert text.startswith("batch 42: ")
    assert text.count("  job ") == 1 and "job 1 (id 100): MAILED" in text
    assert "(49 other job(s) unchanged)" in text


def test_many_jobs_moving_together_are_one_line_a_status():
    """A new user's 50-letter batch printed all 50 jobs at each of four stages (~260 lines)."""
    first = _status(*["AWAITING_PRODUCTION"] * 50)
    later = _status(*["IN_PRODUCTION"] * 47, "MAILED", "IN_PRODUCTION", "ON_HOLD")
    later.jobs[-1].error_message = "address undeliverable"
    text = format_changes(later, _job_blocks(first))
    assert text.splitlines()[2:] == [
        "  48 job(s) now IN_PRODUCTION: jobs 1-47, 49",
        "  1 job(s) now MAILED: jobs 48",
        "  job 50 (id 149): ON_HOLD",  # a job that will not be mailed keeps its own lines
        "    errorMessage: address undeliverable",
    ]


def test_a_few_jobs_moving_are_listed_each():
    first = _status(*["IN_PRODUCTION"] * 20)
    later = _status(*["MAILED"] * 10, *["IN_PRODUCTION"] * 10)
    text = format_changes(later, _job_blocks(first))
    assert text.count("  job ") == 10 and "(10 other job(s) unchanged)" in text
