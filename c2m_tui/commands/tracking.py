"""c2m-tui tracking ID [--type IMB|IMPB] [--json|--csv] [--stuck [--days N]]"""

from __future__ import annotations

from c2m_tui.commands._common import add_network_arguments

HELP = "show USPS tracking of a batch's pieces (GET /batches/ID/tracking)"
DESCRIPTION = (
    "Read the USPS scans of a batch's mail pieces, in either shape Click2Mail is known to answer "
    "(<tracking><mailPiece> or <trackingDetails><trackingDetail>). Staging never has tracking, and "
    "production data arrives once a day after USPS scans a piece: until then the server answers "
    "'Tracking data not available for this batch.' (exit 0, and said on stderr). An answer in no "
    "known shape is exit 1, its raw body saved under the data directory (the path is printed). "
    "--stuck lists pieces with no scan for --days days (default 7) or whose last scan is a return "
    "or a forward, with the recipient and the last place. --csv columns: "
    "barCode,status,dateTime,statusLocation,latest,name,city,postalCode,listId (the app's export too)."
)


def add_arguments(parser) -> None:
    from c2m_tui.core.tracking_rows import DEFAULT_STUCK_DAYS

    parser.add_argument("batch_id", metavar="ID", help="the batch id (a number)")
    parser.add_argument(
        "--type", dest="tracking_type", default="IMB", type=str.upper, choices=("IMB", "IMPB"),
        help="IMB (letters, postcards; the default) or IMPB (Priority, Certified)",
    )
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON")
    fmt.add_argument("--csv", action="store_true",
                     help="print CSV, one line per scan: barCode,status,dateTime,statusLocation,latest,name,city,postalCode,listId")
    parser.add_argument("--stuck", action="store_true",
                        help="only pieces with no scan for --days days, or whose last scan is a return or a forward")
    parser.add_argument("--days", type=_days, default=DEFAULT_STUCK_DAYS, metavar="N",
                        help=f"with --stuck: days without a scan (default {DEFAULT_STUCK_DAYS})")
    add_network_arguments(parser)


def _days(value: str) -> int:
    import argparse

    try:
        days = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--days takes a whole number of days, not {value!r}") from None
    if days < 1:
        raise argparse.ArgumentTypeError("--days must be at least 1")
    return days


def run(args) -> int:
    import sys

    from c2m_tui.commands._common import client_from_args, journal_recipients, print_json, run_async, stderr
    from c2m_tui.core.journal.views import name_pieces
    from c2m_tui.config.paths import data_dir
    from c2m_tui.core.tracking_rows import (
        build_piece_rows,
        filter_rows,
        reference_time,
        refresh_note,
        stuck_pieces,
        write_tracking_csv,
    )

    async def main():
        async with client_from_args(args) as client:
            tracking = await client.tracking(args.batch_id, args.tracking_type, keep_unreadable_in=data_dir())
            mailed_at = None
            if args.stuck and tracking.available:
                mailed_at = _first_mailing(await client.status(args.batch_id))
            return tracking, mailed_at, journal_recipients(args.batch_id, client.base_url)

    tracking, mailed_at, names = run_async(main())
    if args.json and not args.stuck and not any(e.address or e.unique_id for e in tracking.events):
        # no scan names its recipient (the journal's names are matched by list id): nothing to add
        print_json(tracking.to_json())
        return 0
    rows, history = build_piece_rows(tracking)
    name_pieces(rows, names)
    now = reference_time(tracking)
    stuck = stuck_pieces(rows, now, args.days, mailed_at) if args.stuck else None
    shown = filter_rows(rows, stuck=stuck)
    if args.json:
        out = tracking.to_json()
        named = {r.barcode: r.recipient for r in rows if r.recipient}
        for event in out.get("trackingDetails", []):  # who it went to, from the answer or the journal
            who = named.get(event.get("barCode"))
            if who:
                event["recipient"] = who.to_json()
        if stuck is not None:
            out["stuck"] = [_stuck_json(r, stuck[r.barcode]) for r in shown]
            out["stuckDays"] = args.days
        print_json(out)
        return 0
    if not tracking.available:
        stderr(
            f"{tracking.message or 'Tracking data not available for this batch.'} "
            "(staging never has tracking; USPS data arrives once a day after the first scan)"
        )
        if args.csv:
            write_tracking_csv(sys.stdout, [], {})
        return 0
    if args.csv:
        write_tracking_csv(sys.stdout, shown, history)
        return 0
    scans = sum(r.events for r in rows)
    print(f"{len(rows):,} piece(s), {scans:,} scan(s) ({tracking.tracking_type})")
    if stuck is not None:
        print(f"{len(shown)} stuck: no scan for {args.days} day(s), or returned or forwarded"
              + (f" (as of {now:%Y-%m-%d %H:%M})" if tracking.as_of else ""))
    for row in shown:
        who = row.recipient.label() if row.recipient else ""
        why = f"  [{stuck[row.barcode]}]" if stuck is not None else ""
        line = f"{row.barcode}  {row.status}  {row.date_time}  {row.location}"
        print(line + (f"  {who}" if who else "") + why)
    print(refresh_note(rows, now))
    return 0


def _first_mailing(status):
    """The earliest mailingDate of the batch's jobs (for pieces listed without any scan)."""
    from c2m_tui.core.tracking_rows import parse_scan_time

    dates = [d for d in (parse_scan_time(j.mailing_date or "") for j in status.jobs) if d is not None]
    return min(dates) if dates else None


def _stuck_json(row, reason: str) -> dict:
    out = {"barCode": row.barcode, "status": row.status, "dateTime": row.date_time,
           "statusLocation": row.location, "reason": reason}
    if row.recipient:
        out["recipient"] = row.recipient.to_json()
    return out
