"""c2m-tui proof ID --job N -o FILE.pdf"""

from __future__ import annotations

from c2m_tui.commands._common import add_network_arguments
from c2m_tui.commands._rest import add_rest_argument

HELP = "download the printer's proof of one job of a batch as a PDF"
DESCRIPTION = (
    "Ask Click2Mail's REST API for a proof of job N of batch ID (POST /jobs/JOB/proof, then GET the "
    "proof): the PDF as it will be printed, with the recipient block. Written atomically to FILE.pdf; "
    "prints the path and the page count. Exit 0; 1 no such job, not a PDF, an unreadable answer; "
    "2 usage; 3 credentials; 4 unreachable."
)


def add_arguments(parser) -> None:
    parser.add_argument("id", metavar="ID", help="the batch id")
    parser.add_argument("--job", type=int, required=True, metavar="N", help="the job's number in the batch (1, 2, ...)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help="where to save the proof")
    add_network_arguments(parser)
    add_rest_argument(parser)


def run(args) -> int:
    import asyncio
    import io
    from pathlib import Path

    from c2m_tui.commands._rest import rest_client_from_args
    from c2m_tui.commands.jobs_rest import batch_jobs, pick_job
    from c2m_tui.core.atomic import atomic_write
    from c2m_tui.core.errors import InputError

    output = Path(args.output)
    if output.is_dir():
        raise InputError(f"{output}: is a directory; give a file name for the proof")
    rest = rest_client_from_args(args)
    job = pick_job(batch_jobs(args, args.id), args.job)

    async def main() -> bytes:
        async with rest:
            return await rest.proof(job.job_id)

    pdf = asyncio.run(main())
    pages = "?"
    try:
        from pypdf import PdfReader

        pages = f"{len(PdfReader(io.BytesIO(pdf)).pages):,}"
    except Exception:  # noqa: BLE001 - the page count is a courtesy; the bytes are saved as sent
        pass
    with atomic_write(output, mode=0o600) as out:  # it shows a recipient's address
        out.file.write(pdf)
    print(f"proof of job {args.job} (id {job.job_id}) of batch {args.id}: {output} ({pages} page(s))")
    return 0
