"""What the wizard's jobs form means, without any widget: page plans, recipients and options
turned into a ``Batch``. Kept apart from Textual so it can be tested directly.

Three ways to lay out the PDF's pages (the Batch API mails a page range to every recipient of a job):
- ``same``: every recipient gets the same pages (one job, e.g. ``1-2``);
- ``each``: a mail merge, N pages per recipient in order (recipient k gets pages (k-1)N+1 .. kN);
- ``ranges``: explicit ranges, one per recipient in order (``1-2, 3-5, 6``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from c2m_tui.core.errors import InputError
from c2m_tui.core.models import Address, Batch, Job, PrintOptions, ReturnAddress

PAGE_MODES = (
    ("same", "Same pages to every recipient"),
    ("each", "N pages per recipient (mail merge)"),
    ("ranges", "One page range per recipient"),
)
def parse_range(text: str, pdf_pages: int | None, what: str = "page range") -> tuple[int, int]:
    """``"3"``, ``"1-2"`` or ``"3–4"`` → (first, last), by the one page-range parser (the core's,
    which build-xml uses), checked against the PDF's page count."""
    from c2m_tui.core.addresses import parse_page_range

    try:
        first, last = parse_page_range(text)
    except ValueError as err:
        raise InputError(f"{what}: {err}") from None
    if pdf_pages is not None and last > pdf_pages:
        raise InputError(f"{what}: page {last:,} is past the end of the PDF ({pdf_pages:,} pages)")
    return first, last


@dataclass
class BatchForm:
    """The form's values; ``to_batch`` builds the Batch or raises InputError naming the field."""

    filename: str
    pdf_pages: int | None
    options: PrintOptions = field(default_factory=PrintOptions)
    return_address: ReturnAddress | None = None
    recipients: list[Address] = field(default_factory=list)
    page_mode: str = "same"
    page_spec: str = ""
    # mail merge by the imported file's rows: each recipient's 0-based data row, and the file's row
    # count (skipped rows keep their pages in the PDF); None: the list's own order
    positions: list[int] | None = None
    list_rows: int | None = None

    def page_plan(self) -> list[tuple[int, int]]:
        """The page range of each job (``same``: one job for everybody; else one job per recipient)."""
        n = len(self.recipients)
        if self.page_mode == "same":
            spec = self.page_spec.strip() or (f"1-{self.pdf_pages}" if self.pdf_pages else "")
            return [parse_range(spec, self.pdf_pages, "pages")]
        if self.page_mode == "each":
            try:
                per = int(self.page_spec.strip())
            except ValueError:
                raise InputError(f"pages per recipient: {self.page_spec!r} is not a whole number") from None
            if per < 1:
                raise InputError("pages per recipient: must be at least 1")
            if self.positions is not None and self.list_rows is not None and len(self.positions) == n:
                from c2m_tui.core.addresses import merge_ranges

                return merge_ranges(self.positions, per, self.list_rows, self.pdf_pages)
            if self.pdf_pages is not None and per * n != self.pdf_pages:
                raise InputError(
                    f"pages per recipient: {n:,} recipient(s) × {per} page(s) = {per * n:,} pages, "
                    f"but the PDF has {self.pdf_pages:,}"
                )
            return [((k * per) + 1, (k + 1) * per) for k in range(n)]
        if self.page_mode == "ranges":
            parts = [p for p in self.page_spec.split(",") if p.strip()]
            if len(parts) != n:
                raise InputError(f"page ranges: {len(parts)} range(s) for {n} recipient(s); give one each")
            return [parse_range(p, self.pdf_pages, f"page range {i}") for i, p in enumerate(parts, 1)]
        raise InputError(f"unknown page layout {self.page_mode!r}")

    def plan_notes(self) -> list[str]:
        """Warnings about the plan in plain words (not errors): many pages to every recipient."""
        from c2m_tui.core.addresses import same_pages_warning

        if self.page_mode != "same" or not self.recipients:
            return []
        try:
            first, last = self.page_plan()[0]
        except InputError:
            return []
        warning = same_pages_warning(len(self.recipients), last - first + 1, self.pdf_pages)
        return [warning] if warning else []

    def to_batch(self) -> Batch:
        if not self.recipients:
            raise InputError("recipients: add at least one recipient (type one in, or import a CSV)")
        plan = self.page_plan()
        if self.page_mode == "same":
            jobs = [Job(plan[0][0], plan[0][1], self.options, list(self.recipients), self.return_address)]
        else:
            jobs = [
                Job(first, last, self.options, [recipient], self.return_address)
                for (first, last), recipient in zip(plan, self.recipients)
            ]
        return Batch(filename=self.filename, jobs=jobs)


def batch_counts(batch: Batch) -> tuple[int, int, int]:
    """(jobs, pieces, printed pages) of a batch whose recipients are lists."""
    jobs = list(batch.jobs)
    pieces = sum(len(list(j.recipients)) for j in jobs)
    pages = sum(j.page_count * len(list(j.recipients)) for j in jobs)
    return len(jobs), pieces, pages
