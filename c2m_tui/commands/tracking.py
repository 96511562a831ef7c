"""c2m-tui tracking ID [--type IMB|IMPB] [--json|--csv]"""

from __future__ import annotations

from c2m_tui.commands._common import add_network_arguments

HELP = "show USPS tracking of a batch's pieces (GET /batches/ID/tracking)"
DESCRIPTION = (
    "Read the USPS scans of a batch's mail pieces. Staging never has tracking, and production data "
    "arrives once a day after USPS scans a piece: until then the server answers "
    "'Tracking data not available for this batch.' (exit 0, and said on stderr)."
)
CSV_COLUMNS = ("barCode", "status", "dateTime", "statusLocation")


def add_arguments(parser) -> None:
    parser.add_argument("batch_id", metavar="ID", help="the batch id (a number)")
    parser.add_argument(
        "--type", dest="tracking_type", default="IMB", type=str.upper, choices=("IMB", "IMPB"),
        help="IMB (letters, postcards; the default) or IMPB (Priority, Certified)",
    )
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON")
    fmt.add_argument("--csv", action="store_true", help="print CSV: barCode,status,dateTime,statusLocation")
    add_network_arguments(parser)


def run(args) -> int:
    import csv
    import sys

    from c2m_tui.commands._common import client_from_args, print_json, run_async, stderr

    async def main():
        async with client_from_args(args) as client:
            return await client.tracking(args.batch_id, args.tracking_type)

    tracking = run_async(main())
    if args.json:
        print_json(tracking.to_json())
        return 0
    if not tracking.available:
        stderr(
            f"{tracking.message or 'Tracking data not available for this batch.'} "
            "(staging never has tracking; USPS data arrives once a day after the first scan)"
        )
        if args.csv:
            csv.writer(sys.stdout).writerow(CSV_COLUMNS)
        return 0
    if args.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(CSV_COLUMNS)
        for e in tracking.events:
            writer.writerow((e.barcode, e.status, e.date_time, e.location))
        return 0
    pieces = tracking.pieces()
    print(f"{len(pieces)} piece(s), {len(tracking.events)} scan(s) ({tracking.tracking_type})")
    for barcode, events in pieces.items():
        latest = events[-1]
        print(f"{barcode}  {latest.status}  {latest.date_time}  {latest.location}")
    return 0
