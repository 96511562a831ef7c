"""Address lists: import (CSV/TSV/XLSX, streaming), column mapping, per-row checks, page planning.

Row numbers everywhere are spreadsheet rows: the header is row 1, the first data row is row 2.

Typical use (what ``c2m-tui build-xml`` does)::

    table = open_table("contacts.csv")            # info.headers, info.notes (encoding fallback...)
    guess = guess_mapping(table.info.headers, [r for _, r in preview("contacts.csv", 20).rows])
    plan = PagePlan(pdf_pages=pdf_info(pdf).pages, same_pages=(1, 2))
    result = build_batch_file(table, guess.mapping, plan, "out.xml", pdf_filename="letters.pdf",
                              policy={"state-name": "fix"})

Hand edits of single rows (edits.py: row 8's missing city, typed) go to the checker as ``edits``;
the choices of the last import of the same columns are kept by remembered.py.
"""

from .build import BuildResult, ImportResult, build_batch_file, import_addresses, scan_rows
from .checks import KINDS, AddressChecker, CheckedRow, CheckReport, KindInfo, RowProblem, resolve_policy
from .edits import EDITABLE_FIELDS, check_edited_row, edit_from, find_row, row_as_read
from .mapping import (
    TARGET_LABELS,
    TARGETS,
    Mapping,
    MappingGuess,
    check_mapping,
    delete_mapping,
    guess_mapping,
    list_mappings,
    load_mapping,
    parse_map_option,
    save_mapping,
)
from .pages import (
    PageJobs,
    PagePlan,
    PlanProposal,
    PlanTally,
    mail_merge_mismatch,
    job_beside_page,
    jobs_of_page,
    merge_ranges,
    parse_page_range,
    plan_batch,
    plan_jobs,
    propose_plan,
    same_pages_warning,
)
from .reader import AddressTable, Preview, Row, TableInfo, iter_rows, open_table, preview
from .remembered import USING_REMEMBERED, Remembered, recall_choices, remember_choices

__all__ = [
    "AddressChecker", "AddressTable", "BuildResult", "CheckReport", "CheckedRow", "ImportResult", "KINDS",
    "KindInfo", "Mapping", "MappingGuess", "PagePlan", "PlanTally", "Preview", "Row", "RowProblem", "TARGETS",
    "TARGET_LABELS", "TableInfo", "build_batch_file", "check_mapping", "delete_mapping", "guess_mapping",
    "import_addresses", "iter_rows", "list_mappings", "load_mapping", "mail_merge_mismatch", "open_table",
    "parse_map_option", "parse_page_range", "plan_batch", "plan_jobs", "preview", "resolve_policy",
    "save_mapping", "scan_rows", "PlanProposal", "merge_ranges", "propose_plan", "same_pages_warning",
    "PageJobs", "jobs_of_page", "job_beside_page",
    "EDITABLE_FIELDS", "check_edited_row", "edit_from", "find_row", "row_as_read",
    "USING_REMEMBERED", "Remembered", "recall_choices", "remember_choices",
]
