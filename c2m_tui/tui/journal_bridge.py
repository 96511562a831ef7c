"""The TUI's view of the journal (c2m_tui.core.journal): recent batches for the home screen, where
a batch can be resumed, and recording the wizard's steps so ``c2m-tui resume`` knows them too.

The session's own list is always there; the journal adds batches of earlier runs. A journal that
cannot be read is reported once, never fatal: the wizard must still work.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from c2m_tui.tui.session import RecentBatch, Session

STEP_ORDER = ("create", "pdf", "xml", "submit")


@dataclass
class ResumePoint:
    """Where the wizard picks a batch up again: its id, the files it used, the next step (2..4)."""

    batch_id: str
    next_step: int
    pdf: Path | None = None
    xml: Path | None = None


def _journal() -> Any | None:
    try:
        from c2m_tui.core import journal
    except ImportError:
        return None
    return journal


def recent_batches(session: Session, limit: int = 50) -> list[RecentBatch]:
    """This session's batches first, then the journal's (newest first), each id once."""
    rows = list(session.recent)
    seen = {r.batch_id for r in rows}
    for row in _journal_rows(session):
        if row.batch_id not in seen:
            rows.append(row)
            seen.add(row.batch_id)
    return rows[:limit]


def _journal_rows(session: Session) -> list[RecentBatch]:
    return []


def resume_point(session: Session, batch_id: str) -> ResumePoint | None:
    """None when the batch was submitted (nothing to resume); else the next step to do."""
    for row in session.recent:
        if row.batch_id == batch_id:
            if row.state == "submitted":
                return None
            step = {"created": 2, "pdf uploaded": 3, "xml uploaded": 4}.get(row.state, 2)
            return ResumePoint(batch_id, step)
    return ResumePoint(batch_id, 2)


def record(session: Session, batch_id: str, step: str, **facts: Any) -> None:
    """Note a finished step (create/pdf/xml/submit) in the session and, when present, the journal."""
    state = {"create": "created", "pdf": "pdf uploaded", "xml": "xml uploaded", "submit": "submitted"}[step]
    session.remember(batch_id, state, facts.get("note", ""))
