"""c2m-tui send --pdf FILE.pdf --xml BATCH.xml [--yes]"""

from __future__ import annotations

from c2m_tui.commands._common import add_network_arguments
from c2m_tui.commands._rest import add_rest_argument, quote_before_send

HELP = "validate, then create, upload the PDF and the XML, and submit a batch"
DESCRIPTION = (
    "Validate the batch XML against the PDF, then make the four submission calls in order (create, "
    "PDF, XML, submit) with progress on stderr. The batch id alone is the last line of stdout. Without "
    "--yes it states what it will send and asks (production: type the number of mail pieces); with no "
    "terminal to ask on it refuses (exit 2). Every step is recorded in the journal first, so an "
    "interrupted send can be finished with `c2m-tui resume ID`, and the same PDF+XML is never "
    "submitted twice to one environment unless --allow-duplicate. "
    "Before asking it prints the estimated cost and the credit balance (REST API, --rest-url); it refuses "
    "(exit 1) when the estimate is above a balance that may not go negative."
)


def add_arguments(parser) -> None:
    parser.add_argument("--pdf", required=True, metavar="FILE.pdf", help="the one PDF holding every page")
    parser.add_argument("--xml", required=True, metavar="BATCH.xml", help="the batch XML (jobs, options, recipients)")
    parser.add_argument("--yes", action="store_true", help="do not ask; state what is sent and send it")
    parser.add_argument(
        "--allow-duplicate", action="store_true",
        help="send even though the same PDF and XML were already submitted to this environment",
    )
    from c2m_tui.commands.validate import add_allow_unknown

    add_allow_unknown(parser)
    add_network_arguments(parser)
    add_rest_argument(parser)


def run(args) -> int:
    from c2m_tui.core.filehash import PdfHash

    # hashed in a thread from the start: it overlaps the imports, the validation and the price's calls
    pdf_hash = PdfHash(args.pdf)
    try:
        return _run(args, pdf_hash)
    finally:
        pdf_hash.cancel()  # refused before it was needed: stop reading


def _run(args, pdf_hash) -> int:
    import asyncio
    import sys

    from c2m_tui.commands._common import client_from_args, report_problems, resolve_target, stderr
    from c2m_tui.commands.confirm import confirm_send
    from c2m_tui.commands.progress import StepPrinter
    from c2m_tui.core.preflight import prepare

    prepared = prepare(args.pdf, args.xml, allow_unknown_options=args.allow_unknown_options)
    report = prepared.report
    if not report_problems(prepared, str(args.xml)):
        stderr(f"c2m-tui: not sent: {len(report.errors)} error(s) in {args.xml}")
        return 1

    profile, base_url, _ = resolve_target(args)

    from pathlib import Path

    from c2m_tui.commands._common import app_journal
    from c2m_tui.core.journal.views import earlier_submit
    from c2m_tui.core.sending import SendPlan, review, send

    plan = SendPlan(
        pdf=prepared.pdf,
        xml=prepared.xml,
        profile=profile.name,
        environment=profile.environment,
        base_url=base_url,
        jobs=report.jobs,
        pieces=report.pieces,
        pages=prepared.pdf_pages,
        xml_path=Path(args.xml),
    )
    # no journal, no send: it is opened (or refused) before anything is asked or sent
    journal = app_journal()
    try:
        quote = quote_before_send(args, prepared.xml)  # estimate and balance; refuses what the account cannot pay
        # the hashes of what the person is shown (submit insists on them), hashed meanwhile
        reviewed = review(plan, pdf_hash)
        # the same letters sent before are said before the question, with the real submit time
        earlier = earlier_submit(journal, plan.environment, base_url.rstrip("/"), reviewed.pdf_sha256,
                                 reviewed.xml_sha256)
        if not confirm_send(prepared, profile, base_url, assume_yes=args.yes, quote=quote, earlier=earlier,
                            allow_duplicate=args.allow_duplicate):
            stderr("c2m-tui: not sent")
            return 1
        printer = StepPrinter(sys.stderr)

        async def main() -> str:
            async with client_from_args(args) as client:
                return await send(
                    client, plan, journal,
                    on_step=printer.step, on_progress=printer.progress,
                    allow_duplicate=args.allow_duplicate, reviewed=reviewed,
                    on_settle=lambda result: stderr(f"settled: {result.message}"),
                )

        batch_id = asyncio.run(main())
    finally:
        journal.close()
    print(batch_id, flush=True)
    return 0
