"""c2m-tui resume ID [--pdf FILE] [--xml FILE] [--yes]"""

from __future__ import annotations

from c2m_tui.commands._common import add_network_arguments
from c2m_tui.commands.validate import ALLOW_UNKNOWN_HELP
from c2m_tui.commands._rest import add_rest_argument, quote_before_send

HELP = "finish an interrupted send on the same batch id (uploads only what is missing)"
DESCRIPTION = (
    "Continue a batch from the journal at the step where it stopped, on the same batch id: an upload "
    "that was not confirmed is sent again (an upload replaces the previous one), and before submitting "
    "the batch's status is read, so a batch already submitted is never submitted again. A submit that "
    "got no answer is settled by reading the status first. A batch left before its PDF or XML was "
    "recorded (in the app) says which one it needs: give it with --pdf / --xml. A file given is checked "
    "by its sha256 against what was recorded: the same file at a new path is simply used; a different "
    "one replaces what was recorded and is uploaded again before the submit. Without --yes it says what "
    "it will do and asks; with no terminal to ask on it refuses (exit 2). The profile and server default "
    "to the ones the batch was sent with. The batch id is the last line of stdout. "
    "Before asking it prints the estimated cost and the credit balance (REST API, --rest-url); it refuses "
    "(exit 1) when the estimate is above a balance that may not go negative."
)

STEP_WORDS = {"pdf": "upload the PDF", "xml": "upload the batch XML", "submit": "submit"}


def add_arguments(parser) -> None:
    parser.add_argument("id", metavar="ID", help="the batch id (see c2m-tui batches)")
    parser.add_argument("--pdf", metavar="FILE.pdf",
                        help="the batch's PDF, when the journal has none or its file moved (checked by sha256)")
    parser.add_argument("--xml", metavar="BATCH.xml",
                        help="the batch XML, when the journal has none (validated against the PDF first)")
    parser.add_argument("--yes", action="store_true", help="do not ask; say what is done and do it")
    parser.add_argument("--allow-unknown-options", action="store_true", help=ALLOW_UNKNOWN_HELP)
    parser.add_argument(
        "--allow-duplicate", action="store_true",
        help="submit even though the same PDF and XML were already submitted to this environment",
    )
    add_network_arguments(parser)
    add_rest_argument(parser)


def _pick_server(args, journal, batch_id: str) -> None:
    """With neither --profile nor --base-url, resume where the batch was sent, with the same profile."""
    from c2m_tui.commands._common import journal_server
    from c2m_tui.config.profiles import get_profile

    if getattr(args, "profile", None) or getattr(args, "base_url", None):
        return
    entry = journal.find(batch_id, journal_server(journal, batch_id))
    args.profile = entry.profile
    if get_profile(entry.profile).base_url.rstrip("/") != entry.base_url:  # e.g. demo on a test simulator
        args.base_url = entry.base_url


def _confirm(entry, *, assume_yes: bool, quote=None) -> bool:
    import sys

    from c2m_tui.commands._common import stderr
    from c2m_tui.core.errors import UsageError

    if assume_yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError("no terminal to confirm on: re-run with --yes to resume without asking")
    if entry.environment == "production":
        from c2m_tui.commands.confirm import price_words

        prompt = (f"This is PRODUCTION: real letters, real money{price_words(quote)}. Type the number of mail "
                  f"pieces ({entry.pieces}) to continue: ")
    else:
        prompt = "Continue? [y/N] "
    sys.stderr.write(prompt)
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        raise UsageError("no answer on standard input; nothing done")
    answer = line.strip()
    if entry.environment == "production":
        return answer == str(entry.pieces)
    if answer.lower() not in ("y", "yes"):
        stderr("c2m-tui: nothing done")
        return False
    return True


def _given_content(args, journal, entry):
    """The files given with --pdf/--xml, validated together (a given XML against the PDF that will be
    used; a given PDF against the journal's XML). None when neither was given."""
    from pathlib import Path

    from c2m_tui.commands._common import report_problems
    from c2m_tui.core.errors import InputError
    from c2m_tui.core.pdf import pdf_info
    from c2m_tui.core.preflight import prepare, prepare_bytes
    from c2m_tui.core.sending import Content

    if not args.pdf and not args.xml:
        return None
    pdf = Path(args.pdf) if args.pdf else (Path(entry.pdf_path) if entry.has_pdf else None)
    content = Content(pdf=Path(args.pdf) if args.pdf else None)
    if args.pdf:
        content.pdf_pages = pdf_info(content.pdf).pages
    if pdf is None or not pdf.is_file():
        if args.xml:  # the XML can only be checked against its PDF
            raise InputError(f"batch {entry.batch_id}: give its PDF too (--pdf FILE), so the XML can be checked "
                             "against it")
        return content
    if args.xml:
        prepared = prepare(pdf, args.xml, allow_unknown_options=args.allow_unknown_options)
        where = str(args.xml)
    elif entry.has_xml:
        prepared = prepare_bytes(pdf, journal.xml_copy(entry.key), Path(f"batch-{entry.batch_id}.xml"),
                                 allow_unknown_options=args.allow_unknown_options)
        where = f"the journal's XML of batch {entry.batch_id}"
    else:
        return content
    if not report_problems(prepared, where):
        raise InputError(f"not resumed: {len(prepared.report.errors)} error(s) in {where}")
    if args.xml:
        content.xml, content.jobs, content.pieces = prepared.xml, prepared.jobs, prepared.pieces
    return content


def _replaced(entry, content) -> dict[str, bool]:
    """Which recorded file a given one replaces (a different sha256 than the one recorded)."""
    from c2m_tui.core.sending import sha256_bytes, sha256_file

    if content is None:
        return {}
    return {
        "pdf": content.pdf is not None and entry.has_pdf and sha256_file(content.pdf)[0] != entry.pdf_sha256,
        "xml": content.xml is not None and entry.has_xml and sha256_bytes(content.xml) != entry.xml_sha256,
    }


def run(args) -> int:
    import asyncio
    import sys

    from c2m_tui.commands._common import app_journal, batch_id_of, client_from_args, stderr
    from c2m_tui.commands.progress import StepPrinter
    from c2m_tui.core.errors import UsageError
    from c2m_tui.core.journal import JournalError
    from c2m_tui.core.sending import missing_inputs, remaining_steps, resume

    batch_id = batch_id_of(args.id)
    journal = app_journal()
    try:
        _pick_server(args, journal, batch_id)
        client = client_from_args(args)
        entry = journal.find(batch_id, client.base_url)
        if entry is None:
            known = ", ".join(journal.servers_for(batch_id)) or "no server"
            raise JournalError(f"batch {batch_id} was not sent to {client.base_url} from this machine "
                               f"(the journal knows it on: {known})")
        pdf_word = entry.pdf_path if entry.has_pdf else "not recorded yet"
        xml_word = f"{entry.jobs:,} job(s), {entry.pieces:,} mail piece(s)" if entry.has_xml else "XML not recorded yet"
        stderr(f"batch {batch_id} on {entry.environment.upper()} ({entry.base_url}, profile {entry.profile}): "
               f"{entry.state}; PDF {pdf_word}; {xml_word}")
        if entry.submitted:
            stderr(f"batch {batch_id} was already submitted; nothing to do")
            print(batch_id, flush=True)
            return 0
        if entry.abandoned:
            raise JournalError(f"batch {batch_id} was abandoned (c2m-tui forget); it is never sent")
        content = _given_content(args, journal, entry)
        needs = missing_inputs(entry, content)
        if needs:
            for what, why in needs.items():
                stderr(f"c2m-tui: batch {batch_id} needs its {what.upper()}: {why}")
            flags = " ".join(f"--{what} FILE" for what in needs)
            raise UsageError(f"give it with: c2m-tui resume {batch_id} {flags} (or drop the batch: "
                             f"c2m-tui forget {batch_id})")
        todo = set(remaining_steps(entry))
        for what, differs in _replaced(entry, content).items():
            if differs:
                stderr(f"the {what.upper()} given is not the one recorded for batch {batch_id}: it is uploaded "
                       "again, replacing it, before the submit")
                todo.add(what)
        todo = [s for s in STEP_WORDS if s in todo]
        pending = entry.unsettled
        if pending is not None and pending.step == "submit":
            stderr("its submit got no answer: the status is read first, and it is submitted only if it was not")
        stderr("still to do: " + ", ".join(STEP_WORDS[s] for s in todo))
        xml = content.xml if content is not None and content.xml is not None else (
            journal.xml_copy(entry.key) if entry.has_xml else None)
        quote = quote_before_send(args, xml) if "submit" in todo else None  # refuses what cannot be paid
        if not _confirm(entry, assume_yes=args.yes, quote=quote):
            return 1
        printer = StepPrinter(sys.stderr)

        async def main() -> str:
            async with client:
                return await resume(
                    client, journal, batch_id, on_step=printer.step, on_progress=printer.progress,
                    allow_duplicate=args.allow_duplicate, content=content,
                    on_settle=lambda r: stderr(f"settled: {r.message}"),
                )

        result = asyncio.run(main())
    finally:
        journal.close()
    print(result, flush=True)
    return 0
