"""``c2m-tui sim``: run the local Batch API simulator in the foreground."""

from __future__ import annotations

import argparse

HELP = "run a local simulator of Click2Mail's Batch API (for the demo and for tests)"
DESCRIPTION = (
    "Serve a faithful simulator of Click2Mail's Batch API (/v1/batches) on this machine. "
    "Submitted batches go to one worker, first in, first out: a batch with nothing ahead is received "
    "at once (received=true on the next status read); one submitted while another is being processed "
    "waits with submitted=true, received=false. Each is checked (XML, the PDF's %PDF- header and page "
    "ranges, product options; problems show as hasErrors and errorMessage), then gets completedAt and "
    "one job per <job>, which walk through ORDER_SUBMITTED, AWAITING_PRODUCTION, IN_PRODUCTION and "
    "MAILED. As Click2Mail's Cloudflare front does, a PUT whose body is a multipart form gets a 403 "
    "block page, whatever its Content-Type says. "
    "Under /molpro it serves the REST calls on a batch's jobs (cost estimate from its own price table, "
    "job cost, credit, address correction, proofs, cancel, job status); each received batch's price is "
    "taken from the account's --credit. "
    "Prints 'listening on URL' first; Ctrl-C stops it. Test hooks: GET /__sim__/state, "
    "POST /__sim__/faults, POST /__sim__/molpro."
)


def _user(value: str) -> tuple[str, str]:
    name, sep, password = value.partition(":")
    if not sep or not name or not password:
        raise argparse.ArgumentTypeError(f"expected NAME:PASSWORD, got {value!r}")
    return name, password


def _non_negative(kind: type):
    def parse(value: str):
        try:
            number = kind(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
        if number < 0:
            raise argparse.ArgumentTypeError(f"must not be negative: {value!r}")
        return number

    return parse


def _fraction(value: str) -> float:
    number = _non_negative(float)(value)
    if number > 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1: {value!r}")
    return number


def _port(value: str) -> int:
    number = _non_negative(int)(value)
    if number > 65535:
        raise argparse.ArgumentTypeError(f"not a TCP port: {value!r}")
    return number


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=_port, default=8025, help="TCP port (default 8025; 0 picks a free one)")
    parser.add_argument(
        "--user",
        type=_user,
        action="append",
        metavar="NAME:PASSWORD",
        help="an account the simulator accepts (repeatable; default demo:demo). The password shows in "
        "the process list: for anything but test accounts use C2M_SIM_USERS (one NAME:PASSWORD a line)",
    )
    parser.add_argument("--queue-seconds", type=_non_negative(float), default=3.0, metavar="S",
                        help="time the single FIFO worker spends processing each received batch before "
                        "its jobs appear, and so what each batch ahead in the queue adds to the wait of "
                        "the ones behind it (default 3). A batch with nothing ahead is received at once")
    parser.add_argument("--job-seconds", type=_non_negative(float), default=2.0, metavar="S",
                        help="time between job status steps (default 2)")
    parser.add_argument("--tracking", choices=("none", "simulated"), default="simulated",
                        help="'none' answers like staging (no tracking data ever); 'simulated' (default) "
                        "gives USPS scan events for mailed pieces")
    parser.add_argument("--tracking-shape", choices=("official", "details"), default="official",
                        help="tracking answers as Click2Mail's own <tracking><mailPiece> (default) or the "
                        "third-party <trackingDetails><trackingDetail> shape")
    parser.add_argument("--day-seconds", type=_non_negative(float), default=5.0, metavar="S",
                        help="length of one simulated day of tracking scans (default 5)")
    parser.add_argument("--fault-rate", type=_fraction, default=0.0, metavar="F",
                        help="fraction of /v1 requests that fail with a 500 or a dropped connection (default 0)")
    parser.add_argument("--latency-ms", type=_non_negative(int), default=0, metavar="N",
                        help="delay added to every /v1 request (default 0)")
    parser.add_argument("--credit", type=_non_negative(float), default=10000.0, metavar="AMOUNT",
                        help="each account's starting balance in dollars for the REST calls under /molpro "
                        "(default 10000); a received batch's price is taken from it")
    parser.add_argument("--allow-negative", action="store_true",
                        help="the balance may go below zero (otherwise a batch it cannot pay for fails "
                        "with hasErrors)")
    parser.add_argument("--seed", type=int, default=None, help="seed for ids and random faults (repeatable runs)")
    parser.add_argument("--state-dir", metavar="DIR", default=None,
                        help="keep batches, jobs and uploads in DIR across restarts (default: forget them at exit); "
                        "the demo keeps its own in the data directory's demo-sim")
    parser.add_argument("--quiet", action="store_true", help="no access log lines")


def _users(args: argparse.Namespace) -> dict[str, str]:
    """--user accounts plus C2M_SIM_USERS (kept out of the process list); demo:demo if neither."""
    import os

    from c2m_tui.core.errors import UsageError

    users = dict(args.user or ())
    for number, line in enumerate(os.environ.get("C2M_SIM_USERS", "").splitlines(), 1):
        if not line.strip():
            continue
        try:
            name, password = _user(line.strip())
        except argparse.ArgumentTypeError:
            raise UsageError(f"C2M_SIM_USERS line {number}: expected NAME:PASSWORD") from None
        users[name] = password
    return users or {"demo": "demo"}


def run(args: argparse.Namespace) -> int:
    from c2m_tui.sim.options import SimOptions
    from c2m_tui.sim.runner import serve

    options = SimOptions(
        users=_users(args),
        queue_seconds=args.queue_seconds,
        job_seconds=args.job_seconds,
        tracking=args.tracking,
        day_seconds=args.day_seconds,
        tracking_shape=args.tracking_shape,
        fault_rate=args.fault_rate,
        latency_ms=args.latency_ms,
        seed=args.seed,
        credit=args.credit,
        allow_negative=args.allow_negative,
        host=args.host,
        port=args.port,
        access_log=not args.quiet,
        state_dir=args.state_dir,
    )
    return serve(options)
