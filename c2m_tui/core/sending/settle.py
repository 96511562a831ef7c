"""Settling what a crash left unanswered, by asking the server before anything else happens:
a submit by reading the batch's status, an upload by marking it for sending again, a create by
admitting that a batch with an unknown id may exist (the API has no list of batches).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from c2m_tui.core.journal import DONE, FAILED, NOT_TAKEN, ORPHAN, UNCONFIRMED, Journal, JournalEntry
from c2m_tui.core.sending.steps import client_base

if TYPE_CHECKING:
    from c2m_tui.core.client import BatchClient


@dataclass(frozen=True, slots=True)
class SettleResult:
    key: int
    batch_id: str | None
    step: str
    outcome: str  # "submitted", "not submitted", "possibly created", "upload unconfirmed", "unknown batch"
    message: str


SettleCallback = Callable[[SettleResult], None]  # told of each unanswered step settled before going on


async def settle(
    client: "BatchClient", journal: Journal, *, base_url: str | None = None, on_settle: SettleCallback | None = None
) -> list[SettleResult]:
    """Settle every unanswered step on this server; entries a live process is working on are left alone.
    Raises (e.g. UnreachableError) when a submit cannot be settled: nothing else may go ahead then."""
    base = client_base(client, base_url)
    results: list[SettleResult] = []
    for entry in journal.unsettled_entries(base_url=base):
        lock = journal.lock_for(entry.key)
        if not lock.try_acquire():
            continue  # its sender is alive and still waiting for the answer
        try:
            entry = journal.get(entry.key)  # re-read: it may have been answered meanwhile
            if entry.unsettled is not None:
                results.append(await settle_one(client, journal, entry, base))
                if on_settle is not None:
                    on_settle(results[-1])
        finally:
            lock.release()
    return results


async def settle_one(client: "BatchClient", journal: Journal, entry: JournalEntry, base: str) -> SettleResult:
    """Settle the one unanswered step of ``entry`` (the caller holds its lock)."""
    from c2m_tui.core.errors import NotFoundError

    pending = entry.unsettled
    assert pending is not None
    if pending.step == "create":
        msg = (
            "a create request got no answer: a batch may exist on the server with an unknown id "
            "(there is no list endpoint); it is never submitted"
        )
        journal.end_step(pending.id, ORPHAN, msg)
        return SettleResult(entry.key, None, "create", "possibly created", msg)
    if pending.step in ("pdf", "xml"):
        msg = f"{pending.step.upper()} upload not confirmed; resume sends it again (an upload replaces, so that is safe)"
        journal.end_step(pending.id, UNCONFIRMED, msg)
        return SettleResult(entry.key, entry.batch_id, pending.step, "upload unconfirmed", msg)
    try:
        status = await client.status(entry.batch_id or "")
    except NotFoundError:
        msg = f"batch {entry.batch_id} is unknown to {base}: its submit cannot have taken effect there"
        journal.end_step(pending.id, FAILED, msg)
        return SettleResult(entry.key, entry.batch_id, "submit", "unknown batch", msg)
    journal.record_status(entry.batch_id or "", status, base_url=base)
    if status.submitted:
        msg = f"batch {entry.batch_id}: submit had no answer; the server's status says it was submitted"
        journal.end_step(pending.id, DONE, msg)
        return SettleResult(entry.key, entry.batch_id, "submit", "submitted", msg)
    msg = f"batch {entry.batch_id}: submit had no answer; the server's status says it was not submitted"
    journal.end_step(pending.id, NOT_TAKEN, msg)
    return SettleResult(entry.key, entry.batch_id, "submit", "not submitted", msg)
