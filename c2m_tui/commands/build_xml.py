"""c2m-tui build-xml --addresses FILE --pdf FILE.pdf (--pages-per-recipient N | --same-pages A-B) -o OUT.xml"""

from __future__ import annotations

import argparse

HELP = "turn an address list (CSV, TSV, XLSX) and a PDF into batch XML"
DESCRIPTION = (
    "Read an address list (CSV or TSV in any common delimiter and encoding, or an .xlsx sheet), map its "
    "columns (Outlook, Google Contacts, Apple and CRM exports are recognised; correct with --map, or "
    "reuse a saved --mapping), check every row, and write the batch XML for the PDF. Either every "
    "recipient gets the same pages (--same-pages A-B: one job, the cheap way) or the PDF is a mail merge "
    "with N pages per recipient in list order (--pages-per-recipient N: one job per recipient; the PDF's "
    "page count must be rows x N). Rows are numbered as a spreadsheet shows them: the header is row 1, "
    "the first data row is row 2. Problems are printed by row; a row with a problem whose kind is "
    "'skip' (the default for errors) is rejected, and then nothing is written and the exit code is 1, "
    "unless --skip-invalid writes the other rows. The output is written atomically."
)
EPILOG = (
    "Problem kinds (default action first): missing-name, missing-street, missing-city, missing-state, "
    "missing-postal-code, unknown-state, bad-zip, duplicate, duplicate-id, bad-pages (skip); state-typo (skip; "
    "--fix uses the one state whose name it misspells: 'Pensylvania' -> 'PA'); too-long, "
    "bad-character (skip; --fix truncates, or puts a space for a control character); state-name, "
    "zip-lost-zero (fix: certain corrections, 'Massachusetts' -> 'MA', '2134' -> '02134' where the state "
    "agrees; --skip turns them off); other-address (fix: the export's other address group when the mapped "
    "one is empty, e.g. Outlook's Home columns), po-box (fix: the PO Box column as the street when there is "
    "none); international, missing-id (keep). "
    "Fields for --map: name, organization, address1, address2, address3, city, state, postal_code, "
    "country, unique_id, pages; join columns with '+' (--map 'name=First Name+Last Name'), or leave the "
    "column empty to unmap (--map address2=). Saved mappings live in the app's data directory "
    "(C2M_TUI_HOME/data when set)."
)
_SHOWN_KEPT = 20  # "kept" notices printed per kind before a count; fixes and skips are always printed


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("--addresses", required=True, metavar="FILE",
                        help="the address list: .csv, .tsv, .txt or .xlsx")
    parser.add_argument("--sheet", metavar="NAME", help="the sheet of an .xlsx file (default: the first)")
    parser.add_argument("--mapping", metavar="NAME", help="use a mapping saved earlier with --save-mapping")
    parser.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                        help="correct the mapping: FIELD comes from COLUMN (repeatable)")
    parser.add_argument("--save-mapping", metavar="NAME", help="save the mapping used, under NAME, for next time")
    parser.add_argument("--pdf", required=True, metavar="FILE.pdf", help="the one PDF holding every page")
    pages = parser.add_mutually_exclusive_group()
    pages.add_argument("--pages-per-recipient", type=int, metavar="N",
                       help="mail merge: the PDF holds N pages per recipient, in list order")
    pages.add_argument("--same-pages", metavar="A-B", help="every recipient gets pages A to B (one job)")
    parser.add_argument("--page-column", metavar="COL",
                        help="a column naming each row's own page range ('3-4'); empty cells use the mode above")
    parser.add_argument("--id-column", metavar="COL",
                        help="a column of your own ids, written as <c2m_uniqueid> to match tracking back")
    parser.add_argument("--fix", action="append", default=[], metavar="KIND", help="fix problems of KIND (repeatable)")
    parser.add_argument("--keep", action="append", default=[], metavar="KIND",
                        help="keep rows with problems of KIND as they are (repeatable)")
    parser.add_argument("--skip", action="append", default=[], metavar="KIND",
                        help="skip rows with problems of KIND, e.g. international (repeatable)")
    parser.add_argument("--skip-invalid", action="store_true",
                        help="write the other rows when some are rejected (they are still listed), exit 0")
    opts = parser.add_argument_group("print options (defaults: a black-and-white First Class letter)")
    for flag, attr in _OPTION_FLAGS:
        opts.add_argument(flag, dest=attr, metavar="VALUE", help=f"<{_ELEMENT_OF[attr]}> (default: {_default(attr)})")
    ret = parser.add_argument_group(
        "return address",
        "Optional: printed as <returnAddress> on every job. Give --return-name (or --return-organization), "
        "--return-address1, --return-city, --return-state and --return-postal-code; --return-address2 is "
        "optional. Without these flags no <returnAddress> is written and Click2Mail uses your account's.",
    )
    for flag, attr in _RETURN_FLAGS:
        ret.add_argument(flag, dest=f"return_{attr}", metavar="TEXT", default="", help=_RETURN_HELP[attr])
    from c2m_tui.commands.validate import add_allow_unknown

    add_allow_unknown(opts)
    parser.add_argument("--filename", metavar="NAME", help="the <filename> in the XML (default: the PDF's name)")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.xml", help="where to write the batch XML")


_OPTION_FLAGS = (
    ("--document-class", "document_class"), ("--layout", "layout"), ("--envelope", "envelope"),
    ("--color", "color"), ("--paper-type", "paper_type"), ("--print-option", "print_option"),
    ("--mail-class", "mail_class"), ("--production-time", "production_time"),
)
_ELEMENT_OF = {
    "document_class": "documentClass", "layout": "layout", "envelope": "envelope", "color": "color",
    "paper_type": "paperType", "print_option": "printOption", "mail_class": "mailClass",
    "production_time": "productionTime",
}
_RETURN_FLAGS = (
    ("--return-name", "name"), ("--return-organization", "organization"), ("--return-address1", "address1"),
    ("--return-address2", "address2"), ("--return-city", "city"), ("--return-state", "state"),
    ("--return-postal-code", "postal_code"),
)
_RETURN_HELP = {
    "name": "sender's name", "organization": "sender's organization", "address1": "street address",
    "address2": "second address line (suite, unit)", "city": "city", "state": "two-letter state code",
    "postal_code": "ZIP or ZIP+4",
}


def _default(attr: str) -> str:
    # the defaults live in models.PrintOptions; importing it is cheap (stdlib dataclasses only)
    from c2m_tui.core.models import PrintOptions

    value = getattr(PrintOptions(), attr)
    return "none" if value is None else value


def run(args) -> int:
    from pathlib import Path

    from c2m_tui.commands._common import stderr
    from c2m_tui.core.addresses import PagePlan, build_batch_file, open_table
    from c2m_tui.core.errors import InputError, UsageError
    from c2m_tui.core.pdf import pdf_info

    if args.same_pages is None and args.pages_per_recipient is None and not args.page_column:
        raise UsageError("say which pages each recipient gets: --same-pages A-B or --pages-per-recipient N "
                         "(or --page-column COL)")
    same = _same_pages(args.same_pages)
    options, failed = _print_options(args, stderr)
    failed = _capacity(options, same, args.pages_per_recipient, stderr) or failed
    if failed:
        return 1
    return_address = _return_address(args)
    pdf = pdf_info(args.pdf)
    table = open_table(args.addresses, sheet=args.sheet)
    for note in table.info.notes:
        stderr(f"note: {note}")
    mapping, source = _mapping(args, table)
    stderr(f"mapping ({source}): " + "; ".join(f"{t} <- {' + '.join([c] if isinstance(c, str) else c)}"
                                               for t, c in mapping.items()))
    if args.save_mapping:
        from c2m_tui.config.paths import mappings_file
        from c2m_tui.core.addresses import save_mapping

        path = save_mapping(mappings_file(), args.save_mapping, {t: c for t, c in mapping.items() if t != "pages"})
        stderr(f"saved mapping {args.save_mapping!r} in {path}")
    plan = PagePlan(pdf_pages=pdf.pages, pdf_name=Path(args.pdf).name, same_pages=same,
                    per_recipient=args.pages_per_recipient, page_column="pages" in mapping)
    if same is not None and (same[0] > 1 or same[1] < pdf.pages) and not args.page_column:
        stderr(f"note: only pages {same[0]}-{same[1]} of {Path(args.pdf).name} ({pdf.pages:,} pages) are mailed")
    output = Path(args.output)
    if output.is_dir():
        raise InputError(f"{output}: is a directory; give a file name for the XML")
    from c2m_tui.core.addresses import CheckReport

    seen = CheckReport()
    try:
        result = build_batch_file(
            table, mapping, plan, output, pdf_filename=args.filename or Path(args.pdf).name,
            policy=_policy(args), options=options, return_address=return_address,
            allow_skipped=args.skip_invalid, report=seen,
        )
    except InputError:
        _print_problems(seen, stderr)  # what the rows had, before the error that stopped everything
        raise
    _print_problems(result.report, stderr)
    report = result.report
    counts = (f"{report.rows_read:,} row(s) read, {report.rows_accepted:,} recipient(s) accepted, "
              f"{report.rows_skipped} skipped")
    if not result.written:
        stderr(f"c2m-tui: {counts}")
        hint = ""
        if report.rows_skipped and result.pieces:
            hint = (f": correct the list, choose --fix/--keep for their kind, or --skip-invalid to write "
                    f"the other {result.pieces}")
        stderr(f"c2m-tui: {result.reason}{hint}")
        return 1
    if same is not None and not args.page_column:
        from c2m_tui.core.addresses import same_pages_warning

        warning = same_pages_warning(result.pieces, same[1] - same[0] + 1, pdf.pages)
        if warning:
            stderr(f"warning: {warning}")
    print(f"wrote {result.pieces:,} recipient(s) in {result.jobs:,} job(s), {result.pages:,} printed page(s), "
          f"to {output} ({counts})")
    return 0


def _same_pages(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    from c2m_tui.core.addresses import parse_page_range
    from c2m_tui.core.errors import UsageError

    try:
        return parse_page_range(text)
    except ValueError as err:
        raise UsageError(f"--same-pages: {err}") from None


def _print_options(args, say):
    from c2m_tui.core.catalog import option_problems
    from c2m_tui.core.models import PrintOptions

    values = {}
    for flag, attr in _OPTION_FLAGS:
        value = getattr(args, attr)
        if value is None:
            continue
        if attr == "envelope" and value.strip().casefold() in ("", "none"):
            values[attr] = None
        else:
            values[attr] = value
    options = PrintOptions(**values)
    flag_of = {_ELEMENT_OF[attr]: flag for flag, attr in _OPTION_FLAGS}
    failed = False
    for p in option_problems(options, allow_unknown=args.allow_unknown_options):
        hint = f' (try "{p.suggestion}")' if p.suggestion and "did you mean" not in p.message else ""
        if p.severity == "error":
            failed = True
            say(f"c2m-tui: {flag_of.get(p.field, p.field)}: {p.message}{hint}")
            if p.unknown:
                from c2m_tui.commands.validate import UNKNOWN_HINT

                say(f"note: {UNKNOWN_HINT}")
        else:
            say(f"warning: {flag_of.get(p.field, p.field)}: {p.message}")
    return options, failed


def _capacity(options, same, per_recipient, say) -> bool:
    """The page and envelope capacity rules (the validator's) for the pages each piece gets."""
    from c2m_tui.core.validate import capacity_problems

    pages = (same[1] - same[0] + 1) if same is not None else per_recipient
    if not pages:
        return False  # pages from a column: the XML's validation checks each job
    flag_of = {_ELEMENT_OF[attr]: flag for flag, attr in _OPTION_FLAGS}
    problems = capacity_problems(options, pages)
    for name, message, _suggestion in problems:
        say(f"c2m-tui: {flag_of.get(name, name)}: {message}")
    return bool(problems)


def _return_address(args):
    from c2m_tui.core.addresses.return_address import return_address_problems, tidy_return_address
    from c2m_tui.core.errors import InputError
    from c2m_tui.core.models import ReturnAddress

    values = {attr: getattr(args, f"return_{attr}") or "" for _, attr in _RETURN_FLAGS}
    if not any(v.strip() for v in values.values()):
        return None
    ra = tidy_return_address(ReturnAddress(**values))
    problems = return_address_problems(ra)
    if problems:
        flag = dict((attr, flag) for flag, attr in _RETURN_FLAGS)
        raise InputError("; ".join(f"{flag[f]}: {msg}" for f, msg in problems))
    return ra


def _mapping(args, table):
    from c2m_tui.config.paths import mappings_file
    from c2m_tui.core.addresses import check_mapping, guess_mapping, load_mapping, parse_map_option, preview

    headers = table.info.headers
    if args.mapping:
        mapping, source = dict(load_mapping(mappings_file(), args.mapping)), f"saved mapping {args.mapping!r}"
    else:
        sample = [row for _, row in preview(table.info.path, 50, sheet=args.sheet).rows]
        guess = guess_mapping(headers, sample)
        mapping, source = dict(guess.mapping), f"recognised as {guess.source}"
        from c2m_tui.commands._common import stderr

        for note in guess.notes:
            stderr(f"note: {note}")
    for text in args.map:
        target, cols = parse_map_option(text, headers)
        if cols:
            mapping[target] = cols[0] if len(cols) == 1 else cols
        else:
            mapping.pop(target, None)
    if args.page_column:
        mapping["pages"] = args.page_column
    if args.id_column:
        mapping["unique_id"] = args.id_column
    return check_mapping(mapping, headers), source


def _policy(args) -> dict[str, str]:
    from c2m_tui.core.addresses import resolve_policy
    from c2m_tui.core.errors import UsageError

    policy: dict[str, str] = {}
    for action, kinds in (("fix", args.fix), ("keep", args.keep), ("skip", args.skip)):
        for kind in kinds:
            if kind in policy and policy[kind] != action:
                raise UsageError(f"--{action} {kind}: already --{policy[kind]} {kind}; choose one")
            policy[kind] = action
    resolve_policy(policy)  # UsageError now, before any reading, for an unknown kind or action
    return policy


def _print_problems(report, say) -> None:
    kept_shown: dict[str, int] = {}
    for p in report.problems:
        if p.action == "kept":
            kept_shown[p.kind] = kept_shown.get(p.kind, 0) + 1
            if kept_shown[p.kind] > _SHOWN_KEPT:
                continue
        say(p.describe())
    for kind, n in kept_shown.items():
        if n > _SHOWN_KEPT:
            say(f"... and {n - _SHOWN_KEPT:,} more row(s) kept with {kind}")
    for line in report.summary():
        say(f"summary: {line}")
    fixable = sorted({p.kind for p in report.problems if p.action == "skipped" and "fix" in _actions(p.kind)})
    if fixable:
        say("hint: " + " ".join(f"--fix {k}" for k in fixable) + " would correct some of the rejected rows")


def _actions(kind: str) -> tuple[str, ...]:
    from c2m_tui.core.addresses import KINDS

    return KINDS[kind].actions
