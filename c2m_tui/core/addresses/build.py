"""From an address list to a batch XML file, in one streaming pass, written atomically.

This is what ``c2m-tui build-xml`` and the TUI's address screens call: read rows, check them
under the person's policy, plan the jobs, and stream it all through ``write_batch`` into a
temporary file that is renamed only when everything went right.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Mapping as MappingABC

from c2m_tui.core.atomic import atomic_write
from c2m_tui.core.errors import InputError
from c2m_tui.core.models import Address, PrintOptions, ReturnAddress

from .checks import AddressChecker, CheckedRow, CheckReport, RowProblem
from .mapping import Mapping, check_mapping, guess_mapping
from .pages import PagePlan, PlanTally, plan_batch
from .reader import AddressTable, TableInfo, open_table, preview


@dataclass(slots=True)
class BuildResult:
    """What happened. ``written`` is False when rows were rejected and skipping was not allowed,
    or when nothing was left to mail; then ``dest`` was not touched."""

    report: CheckReport
    tally: PlanTally
    jobs: int = 0
    pieces: int = 0
    pages: int = 0
    written: bool = False
    reason: str = ""  # why nothing was written
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ImportResult:
    """A whole (small) list in memory: the accepted recipients, and what happened to the rest."""

    info: TableInfo
    mapping: Mapping
    source: str  # which export the headers looked like, or "given"
    addresses: list[Address]
    report: CheckReport
    notes: list[str] = field(default_factory=list)  # encoding fallback, mapping notes
    # each accepted address's 0-based data row, counting skipped rows too (a mail merge PDF was
    # made from the whole list: see pages.merge_ranges)
    positions: list[int] = field(default_factory=list)

    @property
    def problems(self) -> list[RowProblem]:
        return self.report.problems


def import_addresses(path: str | Path, *, mapping: MappingABC[str, object] | None = None,
                     policy: MappingABC[str, str] | None = None, sheet: str | None = None,
                     max_rows: int = 10_000, edits: MappingABC[int, MappingABC[str, str]] | None = None,
                     ) -> ImportResult:
    """Read, map (guessed when ``mapping`` is None) and check a list, keeping the accepted
    Addresses in a list: for forms that show every recipient. Longer lists raise InputError
    pointing to the streaming way (``build_batch_file``), which has no such limit. ``edits``
    are hand edits of rows (row number -> {field: value}, see edits.py)."""
    table = open_table(path, sheet=sheet)
    notes = list(table.info.notes)
    if mapping is None:
        guess = guess_mapping(table.info.headers, [row for _, row in preview(path, 50, sheet=sheet).rows])
        mapping, source = guess.mapping, guess.source
        notes.extend(guess.notes)
    else:
        source = "given"
    checked_mapping = check_mapping(mapping, table.info.headers)
    checker = AddressChecker(checked_mapping, policy, edits=edits)
    addresses: list[Address] = []
    positions: list[int] = []
    for position, checked in enumerate(checker.check_rows(table.rows())):
        if checker.report.rows_read > max_rows:
            raise InputError(f"{table.info.path.name} has more than {max_rows:,} rows: build its batch with "
                             "c2m-tui build-xml (it streams any length)")
        if not checked.skipped:
            addresses.append(checked.address)
            positions.append(position)
    checker.report.notes.extend(notes)
    return ImportResult(table.info, checked_mapping, source, addresses, checker.report, notes, positions)


def scan_rows(table: AddressTable, mapping: MappingABC[str, object], policy: MappingABC[str, str] | None = None,
              *, progress: Callable[[int], None] | None = None, every: int = 1000,
              edits: MappingABC[int, MappingABC[str, str]] | None = None) -> CheckReport:
    """Check every row without writing anything (the TUI's "problems" view); streams."""
    checker = AddressChecker(check_mapping(mapping, table.info.headers), policy, edits=edits)
    for n, _ in enumerate(checker.check_rows(table.rows()), 1):
        if progress is not None and n % every == 0:
            progress(n)
    checker.report.notes.extend(table.info.notes)
    return checker.report


def build_batch_file(
    table: AddressTable,
    mapping: MappingABC[str, object],
    plan: PagePlan,
    dest: str | Path,
    *,
    pdf_filename: str,
    policy: MappingABC[str, str] | None = None,
    options: PrintOptions | None = None,
    return_address: ReturnAddress | None = None,
    allow_skipped: bool = False,
    progress: Callable[[int], None] | None = None,
    report: CheckReport | None = None,
) -> BuildResult:
    """Write the batch XML for ``table`` to ``dest`` atomically (temp file + rename).

    With ``allow_skipped=False`` (the default) a single rejected row means nothing is written:
    the person sees every problem first. InputError (bad PDF/list mismatch, unreadable file)
    propagates, and also leaves ``dest`` untouched; pass ``report`` to keep the rows' problems
    found before it. ``progress(rows_done)`` is called every 1000 rows (raise in it to cancel).
    """
    from c2m_tui.core.batchxml import write_batch  # lxml: only when writing

    checker = AddressChecker(check_mapping(mapping, table.info.headers), policy, report)
    tally = PlanTally()
    result = BuildResult(report=checker.report, tally=tally, notes=list(table.info.notes))
    checker.report.notes.extend(table.info.notes)
    rows: Iterator[CheckedRow] = checker.check_rows(table.rows())
    if progress is not None:
        rows = _with_progress(rows, progress)
    batch = plan_batch(rows, checker, plan, filename=pdf_filename, options=options,
                       return_address=return_address, tally=tally)
    with atomic_write(dest) as out:
        try:
            stats = write_batch(batch, out.file)
        except OSError as err:
            raise InputError(f"{dest}: cannot write ({err.strerror or err})") from None
        result.jobs, result.pieces, result.pages = stats.jobs, stats.pieces, stats.pages
        report = checker.report
        if report.rows_read == 0:
            result.reason = f"{table.info.path.name} has no data rows under its header"
        elif stats.pieces == 0:
            result.reason = "no recipients left to mail: every row was skipped"
        elif report.rows_skipped and not allow_skipped:
            result.reason = f"{report.rows_skipped:,} row(s) rejected; nothing written"
        else:
            result.written = True
        if not result.written:
            out.discard()
    return result


def _with_progress(rows: Iterator[CheckedRow], progress: Callable[[int], None], every: int = 1000):
    for n, row in enumerate(rows, 1):
        if n % every == 0:
            progress(n)
        yield row
