"""``c2m-tui validate BATCH.xml [--pdf FILE.pdf] [--json] [--allow-unknown-options]``: pre-flight
checks, offline."""

from __future__ import annotations

import argparse
import json
import sys

HELP = "check a batch XML (and its PDF) offline, before any money is spent"
DESCRIPTION = (
    "Check a batch XML before sending it: structure (the batch schema), product options against "
    "Click2Mail's catalog, page ranges (against the real PDF with --pdf), gaps and overlaps between "
    "jobs, page and envelope capacity, and every address (required fields, US states, ZIP codes, "
    "lengths). Each problem names the XML line, the job and the recipient. A product option outside "
    "the catalog is an error with the nearest catalog value; --allow-unknown-options makes it a "
    "warning, for values Click2Mail accepts but the catalog lacks. Exit 0 when valid (warnings "
    "allowed), 1 when invalid or unreadable."
)

ALLOW_UNKNOWN_HELP = ("accept product option values the catalog does not know (Click2Mail accepts some the "
                      "catalog lacks): they are warnings instead of errors")
UNKNOWN_HINT = ("a value Click2Mail accepts but the catalog lacks can be let through with "
                "--allow-unknown-options")


def add_allow_unknown(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--allow-unknown-options", action="store_true", help=ALLOW_UNKNOWN_HELP)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("xml", metavar="BATCH.xml", help="the batch XML file to check")
    parser.add_argument("--pdf", metavar="FILE.pdf", help="the batch's PDF: check page ranges against its pages")
    parser.add_argument("--json", action="store_true",
                        help='print {"valid", "errors", "warnings"} as JSON instead of text')
    add_allow_unknown(parser)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from c2m_tui.core.errors import InputError
    from c2m_tui.core.validate import validate_batch

    try:
        report = validate_batch(Path(args.xml), Path(args.pdf) if args.pdf else None,
                                allow_unknown_options=args.allow_unknown_options)
    except InputError as err:
        if not args.json:
            raise  # the dispatcher prints it as one line, exit 1
        # machines get the same shape for "cannot read" as for "invalid", with the line when known
        problem = {"line": getattr(err, "line", None), "job": None, "recipient": None, "field": None,
                   "message": str(err), "suggestion": None}
        print(json.dumps({"valid": False, "errors": [problem], "warnings": []}, indent=2))
        return 1
    if args.json:
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        out = sys.stdout
        for problem in report.problems():
            out.write(f"{problem.format(args.xml)} [{problem.severity}]\n")
        if any(p.unknown_option for p in report.errors):
            out.write(f"note: {UNKNOWN_HINT}\n")
        out.write(report.summary() + "\n")
    return 0 if report.valid else 1
