"""c2m-tui forget ID [--yes]"""

from __future__ import annotations

HELP = "give up on a batch that was never submitted: the journal marks it abandoned"
DESCRIPTION = (
    "Mark a batch of this machine's journal abandoned: it is never resumed or submitted from here, and "
    "the home screen and `batches` stop offering to finish it. Only for a batch that was never "
    "submitted: a submitted one is being mailed (refused), and one whose submit got no answer must be "
    "settled first with `c2m-tui resume ID`. Nothing is sent to the server (the Batch API has no call to "
    "delete a batch; an unsubmitted batch is never printed or charged). Without --yes it says what it "
    "does and asks; with no terminal to ask on it refuses (exit 2). Reads and writes only the local journal."
)


def add_arguments(parser) -> None:
    parser.add_argument("id", metavar="ID", help="the batch id (see c2m-tui batches)")
    parser.add_argument("--yes", action="store_true", help="do not ask")
    parser.add_argument("--base-url", metavar="URL", default=None,
                        help="the server the batch was sent to, when the id is known on more than one")


def run(args) -> int:
    import sys

    from c2m_tui.commands._common import app_journal, batch_id_of, journal_server, stderr
    from c2m_tui.core.errors import UsageError
    from c2m_tui.core.journal import JournalError
    from c2m_tui.core.sending import forget, refuse_forget

    batch_id = batch_id_of(args.id)
    journal = app_journal()
    try:
        servers = [args.base_url.rstrip("/") if args.base_url else journal_server(journal, batch_id)]
        entry = journal.find(batch_id, servers[0])
        if entry is None:
            raise JournalError(f"batch {batch_id} is not in this machine's journal for {servers[0]}")
        if entry.abandoned:
            stderr(f"batch {batch_id} was already abandoned")
            return 0
        refuse_forget(entry)  # a submitted batch is refused before it is offered
        stderr(f"batch {batch_id} on {entry.environment.upper()} ({entry.base_url}): {entry.state}. Forgetting it "
               "marks it abandoned: it is never resumed or submitted from this machine.")
        if not args.yes:
            if not sys.stdin.isatty():
                raise UsageError("no terminal to confirm on: re-run with --yes to forget it without asking")
            sys.stderr.write("Forget it? [y/N] ")
            sys.stderr.flush()
            if sys.stdin.readline().strip().lower() not in ("y", "yes"):
                stderr("c2m-tui: nothing done")
                return 1
        forget(journal, batch_id, servers[0])
    finally:
        journal.close()
    stderr(f"batch {batch_id} abandoned: it will not be sent")
    return 0
