"""c2m-tui estimate --pdf FILE --xml FILE [--json]"""

from __future__ import annotations

from c2m_tui.commands._common import add_network_arguments
from c2m_tui.commands._rest import add_rest_argument

HELP = "what a batch will cost: one REST cost estimate per group of identical print options"
DESCRIPTION = (
    "Validate the batch XML against the PDF, group its jobs by their eight print options and page count "
    "(domestic and international pieces counted apart) and ask Click2Mail's REST API (GET /costEstimate) "
    "for each group's price. Prints each group and the total. --json: keys total, groups (each: the eight "
    "option names, quantity, internationalQuantity, pages, subtotal) and pieces. Nothing is created or "
    "charged. Exit 0; 1 invalid batch or an answer that cannot be read; 2 usage (no REST host known); "
    "3 credentials; 4 unreachable."
)


def add_arguments(parser) -> None:
    parser.add_argument("--pdf", required=True, metavar="FILE.pdf", help="the one PDF holding every page")
    parser.add_argument("--xml", required=True, metavar="BATCH.xml", help="the batch XML")
    parser.add_argument("--json", action="store_true", help="print the estimate as JSON")
    add_network_arguments(parser)
    add_rest_argument(parser)


def run(args) -> int:
    import asyncio

    from c2m_tui.commands._common import print_json, report_problems, stderr
    from c2m_tui.commands._rest import rest_client_from_args
    from c2m_tui.core.pricing import Quote, estimate
    from c2m_tui.core.preflight import prepare

    prepared = prepare(args.pdf, args.xml)
    if not report_problems(prepared, str(args.xml)):
        stderr(f"c2m-tui: no estimate: {len(prepared.report.errors)} error(s) in {args.xml}")
        return 1
    rest = rest_client_from_args(args)

    async def main():
        async with rest:
            return await estimate(rest, prepared.xml)

    result = asyncio.run(main())
    if args.json:
        print_json(result.to_json())
    else:
        print("\n".join(Quote(estimate=result, credit_problem="not asked").lines()[:-1]))
    return 0
