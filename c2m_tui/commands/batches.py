"""c2m-tui batches [--json]"""

from __future__ import annotations

HELP = "list the batches this machine sent (the journal), with where each one stopped"
DESCRIPTION = (
    "List the journal: every batch sent from this machine, newest first, with its profile, environment, "
    "the last step and its state (created, pdf uploaded, xml uploaded, submitted, ambiguous, possibly "
    "created, sending, abandoned, ... failed) and the last status read. Unfinished batches can be continued with "
    "`c2m-tui resume ID`. \"possibly created\" means a create request got no answer: a batch may exist on "
    "the server with an id nobody knows (the API has no list of batches); it is never submitted. "
    "Reads only the local journal; makes no network call."
)


def add_arguments(parser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON list (keys: id, profile, environment, "
                        "base_url, created_at, step, state, pdf, pdf_sha256, xml_sha256, last_status, note)")


def rows(journal) -> list[dict]:
    return journal.listing()


def _table(docs: list[dict]) -> str:
    head = ("ID", "STATE", "ENVIRONMENT", "PROFILE", "CREATED (UTC)", "LAST STATUS", "PDF")
    lines = [head]
    for d in docs:
        created = (d["created_at"] or "")[:19].replace("T", " ")
        lines.append((d["id"] or "-", d["state"], d["environment"], d["profile"], created,
                      d["last_status"] or "-", d["pdf"] or "-"))
    widths = [max(len(str(row[i])) for row in lines) for i in range(len(head) - 1)]
    return "\n".join(
        "  ".join(str(c).ljust(w) for c, w in zip(row[:-1], widths)) + "  " + str(row[-1]) for row in lines
    )


def run(args) -> int:
    import sys

    from c2m_tui.commands._common import app_journal, print_json

    journal = app_journal()
    try:
        docs = rows(journal)
    finally:
        journal.close()
    if args.json:
        print_json(docs)
        return 0
    if not docs:
        print(f"no batches in the journal ({journal.path or 'memory'})")
        return 0
    print(_table(docs))
    notes = [d for d in docs if d["note"] and d["state"] != "submitted"]
    if notes:
        print()
    for d in notes:
        who = f"batch {d['id']}" if d["id"] else f"entry #{d['key']} (no batch id)"
        print(f"{who}: {d['note']}")
    sys.stdout.flush()
    return 0
