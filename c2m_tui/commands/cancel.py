"""c2m-tui cancel ID [--job N] [--yes]"""

from __future__ import annotations

from c2m_tui.commands._common import add_network_arguments
from c2m_tui.commands._rest import add_rest_argument

HELP = "cancel a batch's jobs that have not gone into production (REST POST /jobs/JOB/cancel)"
DESCRIPTION = (
    "Cancel job N of batch ID, or every job of it that can still be cancelled (before production). "
    "Names the jobs and asks first unless --yes (no terminal to ask on: exit 2). Each job's outcome is "
    "printed. Exit 0 every job asked for was cancelled; 1 any was refused (in production, mailed, "
    "already cancelled) or none can be; 2 usage; 3 credentials; 4 unreachable."
)


def add_arguments(parser) -> None:
    parser.add_argument("id", metavar="ID", help="the batch id")
    parser.add_argument("--job", type=int, metavar="N", help="only job N (default: every job that can be)")
    parser.add_argument("--yes", action="store_true", help="do not ask")
    add_network_arguments(parser)
    add_rest_argument(parser)


def run(args) -> int:
    import asyncio
    import sys

    from c2m_tui.commands._common import stderr
    from c2m_tui.commands._rest import rest_client_from_args
    from c2m_tui.commands.jobs_rest import batch_jobs, pick_job
    from c2m_tui.core.errors import UsageError
    from c2m_tui.core.rest import cancel_jobs, cancellable

    rest = rest_client_from_args(args)
    jobs = batch_jobs(args, args.id)
    if args.job is not None:
        chosen = [pick_job(jobs, args.job)]  # asked for by number: the server says whether it can be
    else:
        chosen = [j for j in jobs if cancellable(j.job_status)]
        if not chosen:
            stderr(f"c2m-tui: no job of batch {args.id} can still be cancelled (all are in production or later)")
            return 1
    names = ", ".join(f"{j.label()} (id {j.job_id}, {j.job_status or '?'})" for j in chosen)
    stderr(f"to cancel in batch {args.id}: {names}")
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError("no terminal to confirm on: re-run with --yes to cancel without asking")
        sys.stderr.write(f"Cancel {len(chosen):,} job(s)? [y/N] ")
        sys.stderr.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            stderr("c2m-tui: nothing cancelled")
            return 1

    async def main() -> int:
        async with rest:  # credentials, unreachable: raised (the rest would fail the same way)
            outcomes = await cancel_jobs(rest, chosen, on_job=lambda outcome: print(outcome.text(), flush=True))
        return 0 if all(o.cancelled for o in outcomes) else 1

    return asyncio.run(main())
