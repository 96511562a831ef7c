"""c2m-tui check-addresses FILE [--json] [-o CORRECTED.csv]"""

from __future__ import annotations

from c2m_tui.commands._common import add_network_arguments
from c2m_tui.commands._rest import add_rest_argument

HELP = "check and correct addresses with Click2Mail (REST POST /addressCorrection)"
DESCRIPTION = (
    "Send the addresses of an address list (CSV, TSV or XLSX, its columns mapped as build-xml maps them: "
    "--mapping, --map) or of a batch XML to Click2Mail's address correction, in calls of at most 100. "
    "Prints every address that was changed or is not standard (as given -> as corrected, with "
    "standard/international/nonMailable) and the counts. -o writes a CSV with the corrected fields "
    "(international and non-mailable ones as given) and each address's kind. --json: keys addresses "
    "(each: where, original, corrected, kind, standard, international, nonMailable, changed, messages), "
    "counts, calls. Exit 0 every address mailable; 1 any non-mailable (or an unreadable answer); 2 usage; "
    "3 credentials; 4 unreachable."
)


def add_arguments(parser) -> None:
    parser.add_argument("file", metavar="FILE", help="an address list (.csv, .tsv, .txt, .xlsx) or a batch XML (.xml)")
    parser.add_argument("--json", action="store_true", help="print every address and the counts as JSON")
    parser.add_argument("-o", "--output", metavar="CORRECTED.csv", help="write the corrected addresses as CSV")
    parser.add_argument("--sheet", metavar="NAME", help="the sheet of an .xlsx file (default: the first)")
    parser.add_argument("--mapping", metavar="NAME", help="use a mapping saved with build-xml --save-mapping")
    parser.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                        help="correct the mapping: FIELD comes from COLUMN (repeatable), as in build-xml")
    add_network_arguments(parser)
    add_rest_argument(parser)


def _sources(args):
    from pathlib import Path

    from c2m_tui.commands._common import stderr
    from c2m_tui.core import addresscheck

    path = Path(args.file)
    if path.suffix.lower() == ".xml":
        return addresscheck.addresses_of_batch(path)
    from c2m_tui.commands.build_xml import _mapping
    from c2m_tui.core.addresses import AddressChecker, open_table

    table = open_table(path, sheet=args.sheet)
    for note in table.info.notes:
        stderr(f"note: {note}")
    args.page_column = args.id_column = None
    mapping, source = _mapping(args, table)
    stderr(f"mapping ({source}): " + "; ".join(f"{t} <- {' + '.join([c] if isinstance(c, str) else c)}"
                                               for t, c in mapping.items()))
    checker = AddressChecker(mapping)
    return [(f"row {number}", addresscheck.from_mapped(checker.extract(row))) for number, row in table.rows()]


def run(args) -> int:
    import asyncio
    import csv
    from pathlib import Path

    from c2m_tui.commands._common import print_json, stderr
    from c2m_tui.commands._rest import rest_client_from_args
    from c2m_tui.core import addresscheck
    from c2m_tui.core.atomic import atomic_write
    from c2m_tui.core.errors import InputError

    if args.output and Path(args.output).is_dir():
        raise InputError(f"{args.output}: is a directory; give a file name for the CSV")
    sources = _sources(args)
    if not sources:
        raise InputError(f"{args.file}: no addresses in it")
    rest = rest_client_from_args(args)

    async def main():
        async with rest:
            return await addresscheck.check(rest, sources, on_call=lambda n, of: stderr(f"checked call {n}/{of}"))

    result = asyncio.run(main())
    counts = result.counts()
    if args.json:
        print_json({"addresses": [i.to_json() for i in result.items], "counts": counts, "calls": result.calls})
    else:
        for item in result.items:
            if item.kind == "standard" and not item.changed:
                continue
            was = ", ".join(f"{k} {item.original.get(k, '')!r} -> {item.corrected.fields.get(k, '')!r}"
                            for k in item.changed) if item.kind == "standard" else ""
            message = item.corrected.fine_message or item.corrected.coarse_message
            print(f"{item.where} ({item.original.get('name') or '?'}): {item.kind}"
                  + (f": {was}" if was else "") + (f" [{message}]" if message else ""))
        print(", ".join(f"{n} {k}" for k, n in counts.items()) + f" ({len(result.items)} address(es), "
              f"{result.calls} call(s))")
    if args.output:
        with atomic_write(args.output, text=True, newline="", mode=0o600) as out:  # it holds addresses
            csv.writer(out.file).writerows(addresscheck.corrected_rows(result))
        stderr(f"wrote {len(result.items)} address(es) to {args.output}")
    return 1 if counts.get("nonMailable") else 0
