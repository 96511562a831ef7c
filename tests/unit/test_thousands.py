"""Counts a person reads carry thousands separators (a new user's 2,000-letter run found '2000'
on the submit confirmation, the status board and the CLI)."""

from __future__ import annotations

from c2m_tui.core.addresses import mail_merge_mismatch
from c2m_tui.core.models import BatchStatus, JobStatus


def _status(state: str, n: int) -> BatchStatus:
    return BatchStatus(id="1", received=True, submitted=True,
                       jobs=[JobStatus(job_id=str(i), job_status=state) for i in range(n)])


def test_status_words_have_separators():
    assert "2,000 IN_PRODUCTION" in _status("IN_PRODUCTION", 2000).describe()
    assert _status("MAILED", 2000).describe() == "mailed: all 2,000 job(s) are in the mail"


def test_mail_merge_words_have_separators():
    text = mail_merge_mismatch(2001, 1, 2000, "letters.pdf", first_row=2, last_row=2002)
    assert "2,001 row(s) (rows 2-2002) x 1 page(s) each = 2,001 pages, but letters.pdf has 2,000 pages" in text
    assert "the PDF has pages for 2,000 recipient(s) only" in text
