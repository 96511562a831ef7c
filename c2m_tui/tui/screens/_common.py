"""Small helpers the batch screens (status, details, tracking) share."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from textual.dom import DOMNode

from c2m_tui.core.errors import describe


def local_clock() -> datetime:
    """Now, in the local time zone (what a person reads on the board)."""
    return datetime.now().astimezone()


def report_error(node: DOMNode, err: BaseException | None, what: str) -> None:
    """One readable notification: the app's own handler when it has one, else a plain notify."""
    if err is None:
        return
    show = getattr(node.app, "show_error", None)  # the batch screens also run in a bare test app
    if callable(show):
        show(err, what)
    else:
        node.app.notify(describe(err), title=what.capitalize(), severity="error", timeout=12)


def session_journal(node: DOMNode) -> Any | None:
    """The batch journal when it can be used (it caches status, details and tracking), else None."""
    from c2m_tui.tui.session import open_journal

    journal, _notice = open_journal()  # the notice is shown by the screens that send
    return journal


def journal_names(node: DOMNode, batch_id: str) -> dict:
    """Who each job of the batch went to, from the journal (blocking: call it in a thread); {} when
    the journal does not know the batch or cannot be used (the screens work without names)."""
    from c2m_tui.core.journal.views import recipients_by_job

    journal = session_journal(node)
    if journal is None:
        return {}
    try:
        return recipients_by_job(journal, batch_id, node.app.session.base_url)
    except Exception:  # noqa: BLE001 - names are a convenience here, never a failure
        return {}


def failure_text(err: BaseException, path: Any) -> str:
    """One line for a thread worker that failed on a file: our own message, the OS's, or (a bug)
    the exception named, so a screen never stays on "Reading…" forever."""
    return describe(err, path)
