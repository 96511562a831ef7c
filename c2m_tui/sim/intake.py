"""What the intake worker checks before a submitted batch becomes jobs.

Click2Mail reports problems found after submit on the batch (``hasErrors=true`` plus an
``errorMessage``), not on the HTTP call (reference §4, §7.5). This module finds those problems:
missing uploads, XML that is not a batch, page ranges outside the PDF's real page count, and
product options the catalog rejects. It runs in a worker thread: it reads files, never the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from c2m_tui.sim.batchparse import BatchXmlError, JobSpec, read_batch_spec

MAX_REPORTED = 5  # problems spelled out in errorMessage; the rest are counted


@dataclass(slots=True)
class IntakeJob:
    index: int
    pieces: int
    mail_class: str
    international: int = 0
    options: dict = field(default_factory=dict)
    start_page: int = 1
    end_page: int = 1
    first_address: list = field(default_factory=list)
    cost: str = "0.00"  # the price table's subtotal for this job (molpro.py)


@dataclass(slots=True)
class IntakeResult:
    errors: list[str] = field(default_factory=list)
    document_name: str = ""
    jobs: list[IntakeJob] = field(default_factory=list)

    @property
    def error_message(self) -> str:
        shown = self.errors[:MAX_REPORTED]
        more = len(self.errors) - len(shown)
        text = " ".join(shown)
        return f"{text} ({more} more problem(s) not shown.)" if more > 0 else text


PDF_MAGIC = b"%PDF-"


def pdf_page_count(path: Path) -> int:
    """The PDF's real page count, read from the stored file without loading it whole.

    Raises ValueError with a readable reason when it is not a readable PDF. The body must start
    with ``%PDF-``: pypdf (like most readers) also finds a PDF wrapped in something else, such as a
    multipart form under a Content-Type: application/pdf label (Click2Mail's Python SDK before
    commit 941defa), and Click2Mail would not print that file as sent [INFERRED].
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if path.stat().st_size == 0:
        raise ValueError("the uploaded PDF is empty")
    with open(path, "rb") as fh:
        start = fh.read(64)
    if not start.startswith(PDF_MAGIC):
        shown = start[:16].decode("latin-1").encode("unicode_escape").decode("ascii")
        raise ValueError(
            f'the uploaded file does not start with "%PDF-" (it starts with "{shown}"): upload the PDF '
            "itself as the raw request body, not wrapped in a form or another format"
        )
    try:
        with open(path, "rb") as fh:  # a file object: pypdf seeks instead of reading it all in
            reader = PdfReader(fh)
            if reader.is_encrypted and not reader.decrypt(""):
                raise ValueError("the uploaded PDF is encrypted and cannot be opened without a password")
            return len(reader.pages)
    except ValueError:
        raise
    except (PdfReadError, OSError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise ValueError(f"the uploaded PDF cannot be read ({exc or type(exc).__name__})") from None


def check_batch(xml_path: Path | None, pdf_path: Path | None) -> IntakeResult:
    """Everything wrong with a submitted batch, or its jobs if nothing is."""
    result = IntakeResult()
    if xml_path is None:
        result.errors.append("No batch XML was uploaded for this batch.")
    if pdf_path is None:
        result.errors.append("No PDF was uploaded for this batch.")
    if result.errors:
        return result

    pages: int | None = None
    try:
        pages = pdf_page_count(pdf_path)
        if pages == 0:
            result.errors.append("The uploaded PDF has no pages.")
    except ValueError as exc:
        result.errors.append(f"PDF error: {str(exc)[:1].upper()}{str(exc)[1:]}.")
    try:
        spec = read_batch_spec(xml_path)
    except BatchXmlError as exc:
        result.errors.append(str(exc))
        return result
    result.document_name = spec.filename
    if not spec.jobs:
        result.errors.append("Batch XML contains no <job> elements.")
    for job in spec.jobs:
        result.errors.extend(_job_problems(job, pages))
        result.jobs.append(_intake_job(job))
    if result.errors:
        result.jobs = []
    return result


def _intake_job(job: JobSpec) -> IntakeJob:
    from c2m_tui.sim.molpro import group_price

    options = job.options or {}
    start, end = _page_number(job.starting_page) or 1, _page_number(job.ending_page) or 1
    pages = max(1, end - start + 1)
    cost = group_price(options, pages, job.pieces - job.international, job.international)
    return IntakeJob(index=job.index, pieces=job.pieces, mail_class=options.get("mailClass") or "",
                     international=job.international, options=dict(options), start_page=start, end_page=end,
                     first_address=list(job.first_address), cost=str(cost))


def _page_number(text: str | None) -> int | None:
    if text is None or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def _job_problems(job: JobSpec, pages: int | None) -> list[str]:
    where = f"Job {job.index} (line {job.line})"
    problems: list[str] = []
    start, end = _page_number(job.starting_page), _page_number(job.ending_page)
    for element, text, value in (("startingPage", job.starting_page, start), ("endingPage", job.ending_page, end)):
        if text is None:
            problems.append(f"{where}: <{element}> is missing.")
        elif value is None or value < 1:
            problems.append(f"{where}: <{element}> must be a page number of 1 or more, not {text!r}.")
    if start is not None and end is not None and start >= 1 and end >= 1:
        if start > end:
            problems.append(f"{where}: startingPage {start} is after endingPage {end}.")
        elif pages and end > pages:
            problems.append(f"{where}: pages {start}-{end} are outside the PDF, which has {pages} page(s).")
    if job.options is None:
        problems.append(f"{where}: <printProductionOptions> is missing.")
    else:
        problems.extend(f"{where}: {p}" for p in _option_problems(job.options))
    if job.pieces == 0:
        problems.append(f"{where}: no recipients (<recipients> needs at least one <address>).")
    return problems


def _option_problems(options: dict[str, str | None]) -> list[str]:
    """Product options checked against the shared catalog (the "invalid SKU settings" class of error)."""
    missing = [name for name, value in options.items() if value is None and name != "envelope"]
    if missing:
        return [f"<printProductionOptions> lacks {', '.join(f'<{m}>' for m in missing)}."]
    from c2m_tui.core.catalog import option_problems

    from c2m_tui.core.models import PrintOptions

    names = {element: attr for attr, element in PrintOptions.ELEMENTS}
    values = {names[element]: (value or None) if element == "envelope" else value for element, value in options.items()}
    found = []
    # the simulator plays the server, which takes values the catalog lacks (reference §9.5)
    for problem in option_problems(PrintOptions(**values), allow_unknown=True):
        if problem.severity != "error":
            continue
        hint = ""
        if problem.suggestion and "did you mean" not in problem.message.lower():
            hint = f' (did you mean "{problem.suggestion}"?)'
        found.append(f"invalid product option <{problem.field}>: {problem.message}{hint}.")
    return found
