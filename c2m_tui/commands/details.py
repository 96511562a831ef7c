"""c2m-tui details ID [--json]"""

from __future__ import annotations

from c2m_tui.commands._common import add_network_arguments

HELP = "show a batch's details (GET /batches/ID/details)"


def add_arguments(parser) -> None:
    parser.add_argument("batch_id", metavar="ID", help="the batch id (a number)")
    parser.add_argument("--json", action="store_true", help="print the details as JSON (the server's element names)")
    add_network_arguments(parser)


def run(args) -> int:
    import asyncio

    from c2m_tui.commands._common import client_from_args, print_json

    async def main():
        async with client_from_args(args) as client:
            return await client.details(args.batch_id)

    details = asyncio.run(main())
    if args.json:
        print_json(details.to_json())
        return 0
    for key, value in details.to_json().items():
        if key == "recipients":
            continue
        print(f"{key}: {'' if value is None else value}")
    if details.recipients:
        from c2m_tui.core.models import recipients_summary

        print("recipients:")
        for line in recipients_summary(details.recipients):
            print(f"  {line}")
    return 0
