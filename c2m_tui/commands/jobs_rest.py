"""Helpers of the per-job REST commands (proof, cancel, cost): a batch's jobs from its status."""

from __future__ import annotations


def batch_jobs(args, batch_id: str):
    """The batch's jobs from ``GET /batches/ID`` (its REST job ids); a clear error when it has none yet."""
    import asyncio

    from c2m_tui.commands._common import client_from_args
    from c2m_tui.core.errors import C2MError

    async def main():
        async with client_from_args(args) as client:
            return await client.status(batch_id)

    status = asyncio.run(main())
    if not status.jobs:
        raise C2MError(f"batch {batch_id} has no jobs yet ({status.describe()}): they appear once Click2Mail "
                       "has received and processed it")
    return status.jobs


def pick_job(jobs, number: int):
    from c2m_tui.core.errors import UsageError

    for job in jobs:
        if str(job.job_index or "") == str(number):
            return job
    known = ", ".join(str(j.job_index) for j in jobs if j.job_index) or "none"
    raise UsageError(f"no job {number} in this batch (its jobs: {known})")
