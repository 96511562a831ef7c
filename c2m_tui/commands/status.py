"""c2m-tui status ID [--json] [--watch]"""

from __future__ import annotations

from c2m_tui.commands._common import add_network_arguments

HELP = "show where a batch stands (submitted, received, errors, jobs)"
DESCRIPTION = (
    "Read GET /batches/ID and say where the batch stands, each job's status and every failed job's "
    "errorMessage. A batch is mailed only when every job is MAILED. --watch polls (2 s, backing off "
    "to 30 s), printing the whole status first and last and only the jobs that changed in between, until a final state: mailed, failed, partly failed (some jobs mailed, some not), on "
    "hold, cancelled, or a job status c2m-tui does not know. Exit 0: every job mailed, or still on "
    "its way; 1: a job failed, is on hold, cancelled or unknown, or the batch failed or was not "
    "found; 3 credentials; 4 unreachable."
)


def add_arguments(parser) -> None:
    parser.add_argument("batch_id", metavar="ID", help="the batch id (a number)")
    parser.add_argument("--json", action="store_true", help="print the status as JSON (the server's element names)")
    parser.add_argument("--watch", action="store_true", help="keep polling until a final state (mailed, failed, partly failed, on hold, cancelled, unknown)")
    add_network_arguments(parser)


def _head(status) -> list[str]:
    lines = [
        f"batch {status.id}: {status.describe()}",
        f"  submitted={str(status.submitted).lower()} received={str(status.received).lower()} "
        f"hasErrors={str(status.has_errors).lower()}" + (f" createdAt={status.created_at}" if status.created_at else ""),
    ]
    if status.error_message:
        lines.append(f"  errorMessage: {status.error_message}")
    return lines


def _job_blocks(status) -> dict[str, list[str]]:
    """Each job's lines, by job id (in the server's order)."""
    blocks: dict[str, list[str]] = {}
    for number, job in enumerate(status.jobs):
        extra = " ".join(
            f"{k}={v}" for k, v in (("mailingDate", job.mailing_date), ("invoice", job.invoice)) if v
        )
        line = f"  job {job.job_index or '?'} (id {job.job_id}): {job.job_status or '?'} {extra}".rstrip()
        who = job.recipient_text()
        if who:
            line += f"  to {who}"
        lines = [line]
        if job.error_message and job.state != "mailed":
            lines.append(f"    errorMessage: {job.error_message}")
        blocks[str(job.job_id or f"#{number}")] = lines
    return blocks


def format_status(status) -> str:
    return "\n".join(_head(status) + [line for block in _job_blocks(status).values() for line in block])


GROUPED_OVER = 10  # more jobs than this moving at once are said a line per new status


def format_changes(status, before: dict[str, list[str]]) -> str:
    """--watch after the first answer: the batch's lines, then only the jobs whose lines changed
    (a batch of 500 jobs does not reprint 500 lines when one moves), and how many stayed. When more
    than GROUPED_OVER jobs moved, those that moved on as planned are one line per new status
    ("50 job(s) now IN_PRODUCTION: jobs 1-50"); a job that will not be mailed keeps its own lines."""
    blocks = _job_blocks(status)
    keys = list(blocks)
    moved = [(key, job) for key, job in zip(keys, status.jobs) if before.get(key) != blocks[key]]
    same = len(keys) - len(moved)
    lines: list[str] = []
    if len(moved) > GROUPED_OVER:
        groups: dict[str, list[str]] = {}
        for key, job in moved:
            if job.state in ("mailed", "processing") and not job.error_message:
                groups.setdefault(job.job_status or "?", []).append(job.job_index or "?")
            else:
                lines += blocks[key]
        lines[:0] = [f"  {len(ids):,} job(s) now {word}: jobs {_ranges(ids)}" for word, ids in groups.items()]
    else:
        lines = [line for key, _job in moved for line in blocks[key]]
    tail = [f"  ({same:,} other job(s) unchanged)"] if same and moved else []
    return "\n".join(_head(status) + lines + tail)


def _ranges(ids: list[str], most: int = 6) -> str:
    """"1-48, 50" for job numbers; names as they are; past ``most`` runs, how many more."""
    runs: list[list] = []
    for text in ids:
        n = int(text) if text.isdigit() else None
        if n is not None and runs and runs[-1][1] is not None and runs[-1][1] == n - 1:
            runs[-1][1] = n
        else:
            runs.append([text, n])
    words = [r[0] if r[1] is None or str(r[1]) == r[0] else f"{r[0]}-{r[1]}" for r in runs]
    return ", ".join(words[:most]) + (f" and {len(words) - most:,} more run(s)" if len(words) > most else "")


def run(args) -> int:
    import asyncio

    from c2m_tui.commands._common import client_from_args, journal_recipients, journal_remembers_status, print_json
    from c2m_tui.core.journal.views import name_jobs
    from c2m_tui.core.polling import Backoff

    async def main() -> int:
        async with client_from_args(args) as client:
            names = journal_recipients(args.batch_id, client.base_url)
            backoff = Backoff()
            last_seen = None
            jobs_seen: dict[str, list[str]] | None = None
            while True:
                status = name_jobs(await client.status(args.batch_id), names)
                text = format_status(status)
                changed = text != last_seen
                last_seen = text
                if args.json:
                    if not args.watch or status.done:
                        print_json(status.to_json())
                elif changed:
                    # the first answer and the final one in full; in between only what moved
                    full = jobs_seen is None or status.done
                    print(text if full else format_changes(status, jobs_seen), flush=True)
                    jobs_seen = _job_blocks(status)
                if not args.watch or status.done:
                    journal_remembers_status(args.batch_id, client.base_url, status)
                    return 0 if status.ok else 1
                await asyncio.sleep(backoff.next(changed=changed))

    return asyncio.run(main())
