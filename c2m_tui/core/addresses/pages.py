"""Which pages of the PDF each recipient gets: the jobs of the batch, planned as a stream.

Two ways, as the Batch API allows:

* **same pages**: one job, pages A-B mailed to every recipient (the cheap Batch API way). The
  job's recipients are a generator, so 100,000 rows pass through ``write_batch`` in flat memory.
* **mail merge**: the PDF holds k pages per recipient in list order; data row i (counting every
  data row, skipped or not, because the PDF was made from the whole list) gets pages
  k*i+1 .. k*(i+1). The PDF's real page count must equal rows x k; if not, the error says which
  side is short. Consecutive recipients with the same range share one job.

Optionally a page column names a row's own range ("3-4", "5"); a row whose cell is empty falls
back to the chosen way. A bad or out-of-range cell rejects that row as ``bad-pages``.

The other way round, ``jobs_of_page`` says which job (and so which recipient) a page of the PDF
is mailed in: none, one, or several (two jobs that share pages), for the viewer and ``preview``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import groupby
from typing import Iterable, Iterator, Protocol, Sequence

from c2m_tui.core.errors import InputError, UsageError
from c2m_tui.core.models import Address, Batch, Job, PrintOptions, ReturnAddress

from .checks import AddressChecker, CheckedRow

_RANGE = re.compile(r"^\s*(\d+)\s*(?:[-\u2013\u2014:]|to)?\s*(\d+)?\s*$")


def parse_page_range(text: str) -> tuple[int, int]:
    """``"3-4"`` -> (3, 4); ``"5"`` -> (5, 5). Accepts an en dash and spaces. ValueError otherwise."""
    m = _RANGE.match(text or "")
    if not m:
        raise ValueError(f"{text!r} is not a page range like 3-4")
    start = int(m.group(1))
    end = int(m.group(2)) if m.group(2) else start
    if start < 1 or end < start:
        raise ValueError(f"{text!r} is not a page range like 3-4 (first page 1, end >= start)")
    return start, end


def mail_merge_mismatch(data_rows: int, per_recipient: int, pdf_pages: int, pdf_name: str = "the PDF",
                        first_row: int = 2, last_row: int | None = None,
                        first_without_pages: int | None = None) -> str | None:
    """None when ``data_rows * per_recipient == pdf_pages``; else a message saying which side is off.
    ``first_row``/``last_row`` are spreadsheet row numbers, for the message; ``first_without_pages``
    the spreadsheet row of the first data row with no pages (else counted from ``first_row``, which is
    wrong when blank lines come before it)."""
    need = data_rows * per_recipient
    if need == pdf_pages:
        return None
    rows_label = f"{data_rows:,} row(s)" + (f" (rows {first_row}-{last_row})" if last_row and data_rows else "")
    head = (f"mail merge: {rows_label} x {per_recipient} page(s) each = {need:,} pages, "
            f"but {pdf_name} has {pdf_pages:,} pages")
    if pdf_pages % per_recipient:
        return (f"{head}; {pdf_pages} is not a multiple of {per_recipient}: "
                "check --pages-per-recipient, or the PDF")
    fits = pdf_pages // per_recipient
    if need > pdf_pages:
        missing = data_rows - fits
        row = first_without_pages or (first_row + fits if first_row else None)
        which = f" (from data row {fits + 1:,}" + (f", spreadsheet row {row:,}" if row else "") + ")"
        return (f"{head}: the PDF has pages for {fits:,} recipient(s) only; the last {missing:,} row(s) "
                f"have no pages{which}")
    extra = fits - data_rows
    return (f"{head}: the PDF has pages for {extra:,} more recipient(s) than the list "
            f"(pages {need + 1}-{pdf_pages} would not be mailed)")


def merge_ranges(positions: list[int], per_recipient: int, data_rows: int, pdf_pages: int | None,
                 pdf_name: str = "the PDF") -> list[tuple[int, int]]:
    """Mail merge for a list already in memory (the app's): the recipient at data-row ``positions[i]``
    (0-based, counting every row of the imported file, skipped or not: the PDF was made from the
    whole list) gets pages k*p+1 .. k*(p+1), exactly as ``build-xml --pages-per-recipient`` does.
    InputError (``mail_merge_mismatch``'s words) when ``data_rows`` x k is not the PDF's page count."""
    if per_recipient < 1:
        raise InputError("pages per recipient: must be at least 1")
    if pdf_pages is not None:
        # (no spreadsheet row numbers here: the app's list does not keep them, and counting them
        # from row 2 named the wrong row when the file had blank lines)
        problem = mail_merge_mismatch(data_rows, per_recipient, pdf_pages, pdf_name, first_row=0)
        if problem:
            raise InputError(problem)
    return [(p * per_recipient + 1, (p + 1) * per_recipient) for p in positions]


@dataclass(slots=True, frozen=True)
class PlanProposal:
    mode: str  # "same" | "each"
    spec: str  # "1-2" | "2"
    why: str


def propose_plan(pdf_pages: int | None, data_rows: int) -> PlanProposal | None:
    """The page plan that fits the PDF and the list: a PDF of rows x k pages (two rows or more) is a
    mail merge of k pages per recipient; otherwise every recipient gets the whole PDF."""
    if not pdf_pages:
        return None
    if data_rows >= 2 and pdf_pages % data_rows == 0:
        k = pdf_pages // data_rows
        return PlanProposal("each", str(k), f"the PDF's {pdf_pages} pages are {data_rows} rows x {k}: "
                            f"{k} page(s) per recipient, in list order")
    return PlanProposal("same", f"1-{pdf_pages}", f"every recipient gets all {pdf_pages:,} page(s) of the PDF")


SAME_PAGES_WARN_ABOVE = 5


def same_pages_warning(pieces: int, pages: int, pdf_pages: int | None = None) -> str | None:
    """Plain words when every recipient gets many pages: the overspend a mail merge PDF sent whole
    to everyone would be ("each of the 18 letters has 50 pages")."""
    if pages <= SAME_PAGES_WARN_ABOVE or pieces < 1:
        return None
    text = (f"each of the {pieces} letter(s) has {pages} pages ({pieces * pages:,} printed pages in all)")
    if pdf_pages and pieces >= 2 and pdf_pages % pieces == 0 and pages == pdf_pages:
        text += (f"; if the PDF is a mail merge of {pdf_pages // pieces} page(s) per recipient, choose "
                 "\"N pages per recipient\"")
    return text


@dataclass(slots=True)
class PagePlan:
    """How to give pages to rows. Exactly one of ``same_pages`` / ``per_recipient`` is set, unless
    ``page_column`` alone names every row's range."""

    pdf_pages: int
    pdf_name: str = "the PDF"
    same_pages: tuple[int, int] | None = None
    per_recipient: int | None = None
    page_column: bool = False  # the mapping has a "pages" column

    def __post_init__(self) -> None:
        if self.same_pages is not None and self.per_recipient is not None:
            raise UsageError("choose either the same pages for everyone or k pages per recipient, not both")
        if self.same_pages is None and self.per_recipient is None and not self.page_column:
            raise UsageError("say which pages each recipient gets: same pages (A-B), pages per recipient, "
                             "or a page column")
        if self.pdf_pages < 1:
            raise InputError(f"{self.pdf_name} has no pages")
        if self.same_pages is not None:
            start, end = self.same_pages
            if start < 1 or end < start:
                raise UsageError(f"pages {start}-{end}: not a page range (first page 1, end >= start)")
            if end > self.pdf_pages:
                raise InputError(f"pages {start}-{end}: {self.pdf_name} has only {self.pdf_pages:,} page(s)")
        if self.per_recipient is not None and self.per_recipient < 1:
            raise UsageError(f"pages per recipient must be 1 or more, not {self.per_recipient}")


@dataclass(slots=True)
class PlanTally:
    """Filled in while the jobs stream out: how many data rows were seen, first and last row."""

    data_rows: int = 0
    first_row: int | None = None
    last_row: int | None = None
    first_without_pages: int | None = None  # mail merge: the spreadsheet row of the first data row beyond the PDF
    jobs: int = 0
    notes: list[str] = field(default_factory=list)


def plan_jobs(
    checked: Iterable[CheckedRow],
    checker: AddressChecker,
    plan: PagePlan,
    *,
    options: PrintOptions | None = None,
    return_address: ReturnAddress | None = None,
    tally: PlanTally | None = None,
) -> Iterator[Job]:
    """The jobs, lazily. Skipped rows are consumed (their pages are not mailed) but not written.

    In mail-merge mode without a page column the row count is checked against the PDF once the
    list is exhausted; a mismatch raises InputError from inside the stream, so ``write_batch``
    stops and the caller throws its temporary file away.
    """
    options = options or PrintOptions()
    tally = tally if tally is not None else PlanTally()
    if plan.same_pages is not None and not plan.page_column:
        start, end = plan.same_pages
        tally.jobs = 1
        yield Job(start, end, options, _accepted(checked, tally), return_address)
        return
    ranged = _ranged(checked, checker, plan, tally)
    for (start, end), group in groupby(ranged, key=_range_key):
        tally.jobs += 1
        yield Job(start, end, options, (addr for _, addr in group), return_address)
    if plan.per_recipient is not None and not plan.page_column:
        problem = mail_merge_mismatch(tally.data_rows, plan.per_recipient, plan.pdf_pages, plan.pdf_name,
                                      tally.first_row or 2, tally.last_row, tally.first_without_pages)
        if problem:
            raise InputError(problem)


def _range_key(item: tuple[tuple[int, int], Address]) -> tuple[int, int]:
    return item[0]


def _accepted(checked: Iterable[CheckedRow], tally: PlanTally) -> Iterator[Address]:
    for c in checked:
        _count(tally, c)
        if not c.skipped:
            yield c.address


def _count(tally: PlanTally, c: CheckedRow) -> None:
    if tally.first_row is None:
        tally.first_row = c.row
    tally.last_row = c.row
    tally.data_rows += 1


def _ranged(checked: Iterable[CheckedRow], checker: AddressChecker, plan: PagePlan,
            tally: PlanTally) -> Iterator[tuple[tuple[int, int], Address]]:
    k = plan.per_recipient
    for c in checked:
        position = tally.data_rows
        _count(tally, c)
        if (k is not None and not plan.page_column and tally.first_without_pages is None and plan.pdf_pages
                and (position + 1) * k > plan.pdf_pages):
            tally.first_without_pages = c.row
        if c.skipped:
            continue
        if plan.page_column and c.pages:
            try:
                pages = parse_page_range(c.pages)
            except ValueError as err:
                checker.reject(c, "bad-pages", "pages", c.pages, str(err))
                continue
        elif k is not None:
            pages = (position * k + 1, position * k + k)
            if pages[1] > plan.pdf_pages:
                if plan.page_column:  # with a page column there is no whole-list check: say it here
                    checker.reject(c, "bad-pages", "pages", f"{pages[0]}-{pages[1]}",
                                   f"pages {pages[0]}-{pages[1]} are beyond the end of {plan.pdf_name} "
                                   f"({plan.pdf_pages:,} pages)")
                continue  # without one, the whole-list check at the end reports it
        elif plan.same_pages is not None:
            pages = plan.same_pages
        else:
            checker.reject(c, "bad-pages", "pages", "", "the page column is empty for this row")
            continue
        if pages[1] > plan.pdf_pages:
            checker.reject(c, "bad-pages", "pages", c.pages,
                           f"pages {pages[0]}-{pages[1]} are beyond the end of {plan.pdf_name} "
                           f"({plan.pdf_pages:,} pages)")
            continue
        yield pages, c.address


def plan_batch(
    checked: Iterable[CheckedRow],
    checker: AddressChecker,
    plan: PagePlan,
    *,
    filename: str,
    options: PrintOptions | None = None,
    return_address: ReturnAddress | None = None,
    tally: PlanTally | None = None,
    app_signature: str | None = "c2m-tui",
) -> Batch:
    """A Batch whose jobs (and their recipients) are generators: hand it straight to write_batch."""
    jobs = plan_jobs(checked, checker, plan, options=options, return_address=return_address, tally=tally)
    return Batch(filename=filename, jobs=jobs, app_signature=app_signature)


class PagedJob(Protocol):
    """What ``jobs_of_page`` needs of a job (core.zone_check's JobFacts is one)."""

    index: int
    start: int
    end: int

    def who(self) -> str: ...


@dataclass(slots=True, frozen=True)
class PageJobs:
    """The jobs that mail one page of the PDF: ``job`` is the one the page is shown as (None: no
    job mails the page), ``more`` how many other jobs mail it too, ``jobs`` the batch's job count."""

    page: int
    job: PagedJob | None
    more: int
    jobs: int

    def words(self, of_jobs: bool = True) -> str:
        """"job 3 of 50 (pages 3-3) to Carlos Rivera" ("job 3 (pages ..." without ``of_jobs``),
        "... to Ada Lovelace, + 2 more jobs", or "in no job: not mailed"."""
        if self.job is None:
            return "in no job: not mailed"
        job = self.job
        of = f" of {self.jobs:,}" if of_jobs else ""
        text = f"job {job.index}{of} (pages {job.start}-{job.end}) to {job.who()}"
        if self.more:
            text += f", + {self.more:,} more job{'s' if self.more != 1 else ''}"
        return text


def jobs_of_page(jobs: Sequence[PagedJob], page: int, prefer: int | None = None) -> PageJobs:
    """The jobs whose pages hold ``page``. Of several, the page is shown as job ``prefer`` when that
    job holds it (the job the user stepped to), else as the first in batch order. One pass over
    the jobs (a 100,000-job merge: milliseconds, in the viewer's drawing thread)."""
    shown: PagedJob | None = None
    holding = 0
    for job in jobs:
        if job.start <= page <= job.end:
            holding += 1
            if shown is None or (job.index == prefer and shown.index != prefer):
                shown = job
    return PageJobs(page, shown, max(0, holding - 1), len(jobs))


def job_beside_page(jobs: Sequence[PagedJob], page: int, delta: int) -> int | None:
    """From a page in no job, the job ``n``/``p`` go to: the last job that ends before the page
    (delta < 0) or the first that starts after it (delta > 0); None where there is none. (Stepping
    from the job shown last skipped one: from page 7, in no job after job 5 on page 6, p went to 4.)"""
    best: PagedJob | None = None
    for job in jobs:
        if delta < 0 and job.end < page and (best is None or job.end > best.end):
            best = job
        elif delta > 0 and job.start > page and (best is None or job.start < best.start):
            best = job
    return best.index if best is not None else None
