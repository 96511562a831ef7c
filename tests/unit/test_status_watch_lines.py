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
