"""A journal entry as read back: one batch, its step rows, and what they add up to (its state).

The state is derived, never stored, so it can't disagree with the step rows it comes from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from c2m_tui.core.journal.codec import status_from_json
from c2m_tui.core.models import BatchStatus, Tracking

STEPS = ("create", "pdf", "xml", "submit", "abandon")  # "abandon": c2m-tui forget, never a call
ABANDONED = "abandoned"  # the state of an entry given up on (c2m-tui forget): never resumed or submitted
# Outcomes of a step row. NULL (None) = intent recorded, no answer yet (in flight, or the
# process died). "ambiguous" = an answer came that leaves open whether it took effect.
DONE, FAILED, AMBIGUOUS = "done", "failed", "ambiguous"
ORPHAN = "orphan"  # a create settled as "possibly created, unknown id" (there is no list endpoint)
UNCONFIRMED = "unconfirmed"  # an upload settled as "maybe not received": resume sends it again
SUPERSEDED = "superseded"  # a confirmed upload whose content was replaced before submit (update_content)
NOT_TAKEN = "not-taken"  # a submit settled by reading status: it did not take effect
UNSETTLED = (None, AMBIGUOUS)

def is_sha256(value: str) -> bool:
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def _iso(t: datetime | None = None) -> str:
    return (t or now_utc()).isoformat(timespec="milliseconds")


@dataclass(slots=True)
class StepRecord:
    id: int
    step: str
    outcome: str | None
    detail: str
    pid: int
    started_at: str
    finished_at: str | None

    @property
    def settled(self) -> bool:
        return self.outcome not in UNSETTLED


@dataclass(slots=True)
class CachedTracking:
    tracking: Tracking
    fetched_at: datetime

    def age(self, now: datetime | None = None) -> timedelta:
        return (now or now_utc()) - self.fetched_at


@dataclass(slots=True)
class JournalEntry:
    """One batch as the journal knows it. ``state`` and ``step`` are derived from the step rows."""

    key: int
    batch_id: str | None
    profile: str
    environment: str
    base_url: str
    created_at: str
    updated_at: str
    pdf_path: str
    pdf_size: int
    pdf_sha256: str
    pdf_pages: int
    xml_sha256: str
    jobs: int
    pieces: int
    reviewed_at: str | None
    allow_duplicate: bool
    last_status: str | None
    status_at: str | None
    status_json: str | None = None
    details_json: str | None = None
    steps: list[StepRecord] = field(default_factory=list)

    def done(self, step: str) -> bool:
        return any(s.step == step and s.outcome == DONE for s in self.steps)

    def latest(self, step: str) -> StepRecord | None:
        rows = [s for s in self.steps if s.step == step]
        return rows[-1] if rows else None

    @property
    def last_step(self) -> StepRecord | None:
        return self.steps[-1] if self.steps else None

    @property
    def unsettled(self) -> StepRecord | None:
        """The step asked of the server with no clear answer (at most one: steps run in order)."""
        for s in reversed(self.steps):
            if s.outcome in UNSETTLED:
                return s
        return None

    @property
    def submitted(self) -> bool:
        return self.done("submit")

    @property
    def abandoned(self) -> bool:
        return self.done("abandon") and not self.submitted

    @property
    def has_pdf(self) -> bool:
        """Its PDF is recorded (an entry the wizard started has none until the PDF is uploaded)."""
        return bool(self.pdf_path) and is_sha256(self.pdf_sha256)

    @property
    def has_xml(self) -> bool:
        return is_sha256(self.xml_sha256)

    @property
    def possibly_created(self) -> bool:
        """A create was asked and never answered: a batch may exist on the server, id unknown."""
        return self.batch_id is None and any(s.step == "create" and s.outcome in (None, AMBIGUOUS, ORPHAN) for s in self.steps)

    @property
    def state(self) -> str:
        if self.submitted:
            return "submitted"
        if self.abandoned:
            return ABANDONED
        if self.possibly_created:
            return "possibly created"
        pending = self.unsettled
        if pending is not None and pending.step == "submit":
            return "ambiguous"
        last = self.last_step
        if last is not None and last.outcome == FAILED:
            return f"{last.step} failed"
        if last is not None and last.outcome == UNCONFIRMED:
            return f"{last.step} unconfirmed"
        if self.batch_id is None:
            return "new"
        if self.done("xml") and self.done("pdf"):
            return "xml uploaded"
        if self.done("pdf"):
            return "pdf uploaded"
        return "created"

    @property
    def status(self) -> BatchStatus | None:
        return status_from_json(json.loads(self.status_json)) if self.status_json else None

    def explain(self) -> str:
        """A sentence for a person about anything that needs their attention, else ''."""
        if self.possibly_created:
            return (
                "a create request got no answer: a batch may exist on the server but its id is unknown "
                "(the API has no list of batches); it is never submitted, so nothing is mailed from it"
            )
        if self.state == "ambiguous":
            return f"submit sent with no answer: c2m-tui resume {self.batch_id} reads its status and settles it"
        if self.abandoned:
            return "abandoned (c2m-tui forget): never submitted, nothing is mailed from it"
        if self.batch_id and not self.submitted:
            lacking = [what for what, has in (("--pdf FILE", self.has_pdf), ("--xml FILE", self.has_xml)) if not has]
            if lacking:
                return (f"unfinished: c2m-tui resume {self.batch_id} {' '.join(lacking)} continues it "
                        f"(or c2m-tui forget {self.batch_id})")
            return f"unfinished: c2m-tui resume {self.batch_id} continues it"
        if self.batch_id is None:
            return "no batch was created on the server (nothing to resume; send again)"
        return ""

    def to_json(self) -> dict[str, Any]:
        last = self.last_step
        return {
            "id": self.batch_id,
            "key": self.key,
            "profile": self.profile,
            "environment": self.environment,
            "base_url": self.base_url,
            "created_at": self.created_at,
            "step": last.step if last else None,
            "state": self.state,
            "pdf": self.pdf_path or None,
            "pdf_sha256": self.pdf_sha256,
            "xml_sha256": self.xml_sha256,
            "last_status": self.last_status,
            "note": self.explain(),
        }
