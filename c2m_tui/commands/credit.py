"""c2m-tui credit [--json]"""

from __future__ import annotations

from c2m_tui.commands._common import add_network_arguments
from c2m_tui.commands._rest import add_rest_argument

HELP = "the account's credit balance (REST GET /credit)"
DESCRIPTION = (
    "Read the account's credit balance and whether it may go negative from Click2Mail's REST API. "
    "--json: keys balance, allowNegative (and description). Exit 0; 1 an answer that cannot be read; "
    "2 usage; 3 credentials; 4 unreachable."
)


def add_arguments(parser) -> None:
    parser.add_argument("--json", action="store_true", help="print the balance as JSON")
    add_network_arguments(parser)
    add_rest_argument(parser)


def run(args) -> int:
    import asyncio

    from c2m_tui.commands._common import print_json
    from c2m_tui.commands._rest import rest_client_from_args
    from c2m_tui.core.pricing import money

    rest = rest_client_from_args(args)

    async def main():
        async with rest:
            return await rest.credit()

    credit = asyncio.run(main())
    if args.json:
        print_json(credit.to_json())
    else:
        negative = "may go negative" if credit.allow_negative else "may not go negative"
        print(f"credit balance: {money(credit.balance)} ({negative})")
    return 0
