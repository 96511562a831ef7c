"""c2m-tui cost ID [--json]"""

from __future__ import annotations

from c2m_tui.commands._common import add_network_arguments
from c2m_tui.commands._rest import add_rest_argument

HELP = "what a sent batch cost: each job's cost and the total (REST GET /jobs/JOB/cost)"
DESCRIPTION = (
    "Read the batch's jobs from its status, then each job's cost from Click2Mail's REST API, one call at a "
    "time and at most five a second (--pace), so a batch of thousands of jobs does not hammer the server. "
    "--json: keys batch, jobs (each: job, id, cost, totalTax), total. Exit 0; 1 no jobs yet or an "
    "unreadable answer; 2 usage; 3 credentials; 4 unreachable."
)


def add_arguments(parser) -> None:
    parser.add_argument("id", metavar="ID", help="the batch id")
    parser.add_argument("--json", action="store_true", help="print the costs as JSON")
    parser.add_argument("--pace", type=float, default=0.2, metavar="S",
                        help="at least S seconds between two calls (default 0.2)")
    add_network_arguments(parser)
    add_rest_argument(parser)


def run(args) -> int:
    import asyncio
    import sys
    from decimal import Decimal

    from c2m_tui.commands._common import print_json
    from c2m_tui.commands._rest import rest_client_from_args
    from c2m_tui.commands.jobs_rest import batch_jobs
    from c2m_tui.core.pricing import money

    rest = rest_client_from_args(args)
    jobs = batch_jobs(args, args.id)
    index_of = {j.job_id: j.job_index or "?" for j in jobs}

    def shown(cost) -> None:
        if not args.json:
            print(f"job {index_of.get(cost.job_id, '?')} (id {cost.job_id}): {money(cost.cost)}"
                  + (f" + tax {money(cost.total_tax)}" if cost.total_tax else ""), flush=True)

    async def main():
        async with rest:
            return await rest.job_costs([j.job_id for j in jobs], pace=max(0.0, args.pace), on_job=shown)

    costs = asyncio.run(main())
    total = sum((c.cost + c.total_tax for c in costs), Decimal("0"))
    if args.json:
        print_json({"batch": args.id, "total": float(total), "jobs": [
            {"job": index_of.get(c.job_id), "id": c.job_id, "cost": float(c.cost), "totalTax": float(c.total_tax)}
            for c in costs]})
    else:
        print(f"batch {args.id}: {len(costs):,} job(s), total {money(total)}")
    sys.stdout.flush()
    return 0
