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
CANCELLABLE = frozenset({"", "EDITING", "ORDER_SUBMITTED", "SUBMITTED", "QUEUED", "PENDING", "AWAITING_PRODUCTION"})


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
    from c2m_tui.core.errors import C2MError, UsageError

    rest = rest_client_from_args(args)
    jobs = batch_jobs(args, args.id)
    if args.job is not None:
        chosen = [pick_job(jobs, args.job)]  # asked for by number: the server says whether it can be
    else:
        chosen = [j for j in jobs if (j.job_status or "").strip().upper() in CANCELLABLE]
        if not chosen:
            stderr(f"c2m-tui: no job of batch {args.id} can still be cancelled (all are in production or later)")
            return 1
    names = ", ".join(f"{j.label()} (id {j.job_id}, {j.job_status or '?'})" for j in chosen)
    stderr(f"to cancel in batch {args.id}: {names}")
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError("no terminal to confirm on: re-run with --yes to cancel without asking")
        sys.stderr.write(f"Cancel {len(chosen)} job(s)? [y/N] ")
        sys.stderr.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            stderr("c2m-tui: nothing cancelled")
            return 1

    async def main() -> int:
        refused = 0
        async with rest:
            for job in chosen:
                try:
                    answer = await rest.cancel(job.job_id)
                    print(f"{job.label()} (id {job.job_id}): cancelled" +
                          (f" ({answer.description})" if answer.description else ""), flush=True)
                except C2MError as err:
                    if err.exit_code != 1:
                        raise  # credentials, unreachable: the rest would fail the same way
                    refused += 1
                    print(f"{job.label()} (id {job.job_id}): not cancelled: {err}", flush=True)
        return 1 if refused else 0

    return asyncio.run(main())
