"""The TUI's view of the journal (c2m_tui.core.journal): recent batches for the home screen, where
a batch can be resumed, and recording the wizard's steps so ``c2m-tui resume`` knows them too.

The session's own list is always there; the journal adds batches of earlier runs. A journal that
cannot be read is reported once, never fatal: the wizard must still work.
"""

from __future__ import annotations

import threading
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
    key: int | None = None  # the journal entry, when there is one
    xml_bytes: bytes | None = None  # the XML uploaded before, to review it again
    blocked: str | None = None  # why the wizard must not pick it up (a step with no clear answer)


def _journal_module() -> Any | None:
    try:
        from c2m_tui.core import journal
    except ImportError:
        return None
    return journal


_OPENED: dict[str, Any] = {}
_OPEN_LOCK = threading.Lock()  # the home screen's reader thread and the wizard may both open it first


def open_journal() -> tuple[Any | None, str | None]:
    """The journal (opened once per process) and a notice to show, if any."""
    module = _journal_module()
    if module is None:
        return None, None
    try:
        from c2m_tui.config.paths import data_dir

        key = str(data_dir())
        with _OPEN_LOCK:
            if key not in _OPENED:
                _OPENED[key] = module.Journal.open()
            journal = _OPENED[key]
    except Exception as err:  # the wizard works without a journal; say so once
        return None, f"the batch journal cannot be used ({err}); this session's batches are not recorded"
    return journal, getattr(journal, "notice", None)


def recent_batches(session: Session, limit: int = 50) -> list[RecentBatch]:
    """Newest first, each id once. The journal knows more than the session's own list (the last
    status a board or a CLI read, e.g. "mailed"), so its row wins; the session's list covers
    batches the journal could not record."""
    rows = {r.batch_id: r for r in session.recent}
    rows.update({r.batch_id: r for r in _journal_rows(session)})
    return sorted(rows.values(), key=lambda r: r.when, reverse=True)[:limit]


def _journal_rows(session: Session) -> list[RecentBatch]:
    journal, _notice = open_journal()
    if journal is None:
        return []
    try:
        entries = journal.entries(base_url=session.base_url)
    except Exception:  # a journal problem never hides the home screen
        return []
    rows = []
    for e in sorted(entries, key=lambda e: e.updated_at, reverse=True):
        if not e.batch_id:
            continue
        # once submitted, the last status read (queued, processing, mailed, failed) says more
        state = e.last_status if e.submitted and e.last_status else e.state
        rows.append(RecentBatch(e.batch_id, state, e.explain(), _stamp(e.updated_at)))
    return rows


def _stamp(iso: str) -> float:
    from datetime import datetime

    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
    except (ValueError, AttributeError):
        return 0.0


_NEXT_STEP = {"created": 2, "pdf uploaded": 3, "xml uploaded": 4, "pdf failed": 2, "xml failed": 3,
              "submit failed": 4}


def resume_point(session: Session, batch_id: str) -> ResumePoint | None:
    """None when the batch was submitted (nothing to resume); else the next step to do."""
    journal, _ = open_journal()
    if journal is not None:
        try:
            entry = journal.find(batch_id, session.base_url)
        except Exception:
            entry = None
        if entry is not None:
            if entry.submitted:
                return None
            if entry.unsettled is not None:  # e.g. a submit with no answer: settle it, never redo it
                return ResumePoint(batch_id, 0, key=entry.key, blocked=entry.explain() or entry.state)
            pdf = Path(entry.pdf_path) if entry.pdf_path else None
            try:
                xml = journal.xml_copy(entry.key) or None
            except Exception:
                xml = None
            return ResumePoint(batch_id, _NEXT_STEP.get(entry.state, 2), pdf=pdf, key=entry.key, xml_bytes=xml)
    for row in session.recent:
        if row.batch_id == batch_id:
            if row.state == "submitted":
                return None
            return ResumePoint(batch_id, _NEXT_STEP.get(row.state, 2))
    return ResumePoint(batch_id, 2)


class WizardJournal:
    """Records the wizard's steps: intent before a create or submit call, the answer after it.

    The journal wants a batch's PDF and XML when its entry is made, but the wizard creates the
    batch first (the API's order), so the entry starts with placeholders; a unique placeholder
    digest keeps the duplicate-submit guard from matching two unrelated wizard batches.
    """

    def __init__(self, session: Session, resume: ResumePoint | None = None) -> None:
        self.session = session
        self.journal, self.notice = open_journal()
        self.key: int | None = resume.key if resume else None

    def _entry(self) -> int | None:
        if self.journal is None:
            return None
        if self.key is None:
            import uuid

            s = self.session
            self.key = self.journal.new_entry(
                profile=s.profile_name, environment=s.environment if not s.demo else "demo", base_url=s.base_url,
                pdf_path="", pdf_size=0, pdf_sha256="", pdf_pages=0, xml=b"",
                xml_sha256=f"wizard-pending-{uuid.uuid4().hex}", jobs=0, pieces=0,
            )
        return self.key

    async def run(self, step: str, batch_id: str | None, call):
        """Run ``call`` (create_batch) between the journal's intent and answer rows. Submit goes
        through ``submit`` below, never through here."""
        import asyncio

        from c2m_tui.core.errors import AmbiguousSubmitError, TransportError

        # SQLite with synchronous=FULL: each write is an fsync, so it runs off the event loop.
        # Awaiting it keeps the order: the intent is on disk before the call is made.
        write = asyncio.to_thread
        module = _journal_module()
        key = await write(self._entry)
        step_id = None
        if key is not None:
            step_id = await write(self.journal.begin_step, key, step)
        try:
            result = await call()
        except (AmbiguousSubmitError, TransportError, asyncio.CancelledError) as err:
            # no clear answer (or we stopped listening): it may have taken effect
            if step_id is not None:
                self.journal.end_step(step_id, module.AMBIGUOUS, str(err) or "cancelled while waiting")
            raise
        except BaseException as err:
            if step_id is not None:
                await write(self.journal.end_step, step_id, module.FAILED, str(err) or type(err).__name__)
            raise
        new_id = getattr(result, "id", None) if step == "create" else None
        if step_id is not None:
            await write(self.journal.end_step, step_id, module.DONE, "", batch_id=new_id)
        record(self.session, new_id or batch_id, step)
        return result

    def note_done(self, step: str, batch_id: str | None, detail: str) -> None:
        """An upload finished (uploads are idempotent PUTs: recorded after the fact)."""
        if batch_id is None:
            return
        key = self._entry()
        if key is not None:
            try:
                self.journal.record_step(key, step, _journal_module().DONE, detail)
            except Exception:  # recording must not undo an upload that worked
                pass
        record(self.session, batch_id, step)

    def prepare_review(self, pdf: Any, check: Any):
        """Record the entry's real PDF and XML (hashed from disk, streaming) and return the
        ReviewRecord the submit must match: what the person reviews is what is sent. Blocking
        (hashes a file): call it from a thread worker. Raises C2MError subclasses."""
        from c2m_tui.core.submission import SendPlan, review, sha256_file

        s = self.session
        plan = SendPlan(
            pdf=Path(pdf.path), xml=check.xml, profile=s.profile_name,
            environment=s.environment if not s.demo else "demo", base_url=s.base_url,
            jobs=check.counts[0], pieces=check.counts[1], pages=pdf.pages,
        )
        reviewed = review(plan)
        key = self._entry()
        if key is not None:
            pdf_sha, pdf_size = sha256_file(plan.pdf)
            self.journal.update_content(
                key, pdf_path=str(plan.pdf), pdf_size=pdf_size, pdf_sha256=pdf_sha, pdf_pages=pdf.pages,
                xml=check.xml, xml_sha256=reviewed.xml_sha256, jobs=plan.jobs, pieces=plan.pieces,
            )
        return reviewed

    async def submit(self, batch_id: str, reviewed: Any, *, allow_duplicate: bool = False) -> bool:
        """Submit through the journal's guarded path: the batch lock, the duplicate guard, the files
        re-hashed against ``reviewed``, and the status read first. True if submitted now, False if
        the server already had it submitted."""
        key = self._entry()
        client = self.session.client
        if key is None:  # no journal could be opened: the bare call, still never retried blindly
            await client.submit(batch_id)
            record(self.session, batch_id, "submit")
            return True
        from c2m_tui.core.submission import submit_step

        submitted_now = await submit_step(
            client, self.journal, key, reviewed=reviewed, allow_duplicate=allow_duplicate
        )
        record(self.session, batch_id, "submit")
        return submitted_now


def record(session: Session, batch_id: str, step: str, **facts: Any) -> None:
    """Note a finished step (create/pdf/xml/submit) in the session's list."""
    state = {"create": "created", "pdf": "pdf uploaded", "xml": "xml uploaded", "submit": "submitted"}[step]
    session.remember(batch_id, state, facts.get("note", ""))
