"""Sending a batch so that a crash anywhere never mails it twice and never loses track of it.

The four calls run in the API's order (create, pdf, xml, submit). Each is journaled before it
is made and answered after (journaled_calls.py). Before anything else, every unanswered step on
this server is settled (settlement.py). ``resume`` continues a batch on the same id; a per-batch
file lock plus an atomic journal claim make sure only one process ever submits it, and the
status is read before a resumed submit. The ``*_step`` functions give a step-by-step front end
(the TUI wizard) the same guarantees one step at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from c2m_tui.core.journal import (
    DONE, DuplicateBatchError, Journal, JournalEntry, JournalError, _iso, duplicate_error,
)
from c2m_tui.core.journaled_calls import (
    ChangedSinceReviewError, ProgressCallback, StepCallback, changed_error, client_base, journaled_create,
    journaled_pdf, journaled_submit, journaled_xml, noop_step, note_status, sha256_bytes, sha256_file,
)
from c2m_tui.core.locks import BatchBusyError
from c2m_tui.core.settlement import SettleCallback, SettleResult, settle

if TYPE_CHECKING:
    from c2m_tui.core.client import BatchClient

__all__ = [
    "SendPlan", "ReviewRecord", "SettleResult", "ChangedSinceReviewError", "DuplicateBatchError",
    "BatchBusyError", "review", "send", "resume", "settle", "sha256_file", "remaining_steps",
    "create_step", "pdf_step", "xml_step", "submit_step",
]


@dataclass(slots=True)
class SendPlan:
    pdf: Path
    xml: bytes  # the batch XML to upload, exactly these bytes
    profile: str
    environment: str
    base_url: str
    jobs: int
    pieces: int
    pages: int
    xml_path: Path | None = None  # the file the XML came from, if any: re-hashed before submit too


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """What the person looked at: the hashes the send must still match right before submit."""

    pdf: Path
    pdf_sha256: str
    pdf_size: int
    xml_sha256: str
    xml_path: Path | None
    xml_file_sha256: str | None
    reviewed_at: str


def review(plan: SendPlan) -> ReviewRecord:
    """Record the hashes of what the person is shown; ``send(..., reviewed=...)`` insists on them."""
    pdf_sha, pdf_size = sha256_file(plan.pdf)
    file_sha = sha256_file(plan.xml_path)[0] if plan.xml_path is not None else None
    return ReviewRecord(plan.pdf, pdf_sha, pdf_size, sha256_bytes(plan.xml), plan.xml_path, file_sha, _iso())


def _check_xml_file(reviewed: ReviewRecord) -> None:
    if reviewed.xml_path is not None and reviewed.xml_file_sha256 is not None:
        now = sha256_file(reviewed.xml_path)[0]
        if now != reviewed.xml_file_sha256:
            raise changed_error(reviewed.xml_path, reviewed.xml_file_sha256, now, "reviewed")


# ---------------------------------------------------------------------------------- send


async def send(
    client: "BatchClient", plan: SendPlan, journal: Journal, *, on_step: StepCallback | None = None,
    on_progress: ProgressCallback | None = None, allow_duplicate: bool = False, reviewed: ReviewRecord | None = None,
    on_settle: SettleCallback | None = None,
) -> str:
    """Create, upload and submit a new batch; returns its id. Raises a C2MError subclass on failure
    (the journal then says where it stopped, and ``resume`` continues from there)."""
    step_cb = on_step or noop_step
    base = client_base(client, plan.base_url)
    await settle(client, journal, base_url=base, on_settle=on_settle)

    pdf_sha, pdf_size = sha256_file(plan.pdf)
    xml_sha = sha256_bytes(plan.xml)
    if reviewed is not None:
        if reviewed.pdf_sha256 != pdf_sha:
            raise changed_error(plan.pdf, reviewed.pdf_sha256, pdf_sha, "reviewed")
        if reviewed.xml_sha256 != xml_sha:
            raise ChangedSinceReviewError("the batch XML changed since it was reviewed", hint="nothing was sent")
        _check_xml_file(reviewed)
    if not allow_duplicate:  # before create: a refused duplicate leaves no stray batch on the server
        earlier = journal.find_duplicate(plan.environment, base, pdf_sha, xml_sha)
        if earlier is not None:
            raise duplicate_error(earlier)

    key = journal.new_entry(
        profile=plan.profile, environment=plan.environment, base_url=base, pdf_path=plan.pdf.resolve(),
        pdf_size=pdf_size, pdf_sha256=pdf_sha, pdf_pages=plan.pages, xml=plan.xml, xml_sha256=xml_sha,
        jobs=plan.jobs, pieces=plan.pieces, reviewed_at=reviewed.reviewed_at if reviewed else None,
        allow_duplicate=allow_duplicate,
    )
    lock = journal.lock_for(key)
    await lock.acquire(5.0, what=f"journal entry {key}")
    try:
        batch_id = await journaled_create(client, journal, key, step_cb)
        await journaled_pdf(client, journal, key, batch_id, plan.pdf, pdf_sha, step_cb, on_progress)
        await journaled_xml(client, journal, key, batch_id, plan.xml, step_cb)
        # what was reviewed is what is sent: the PDF was read from disk during the upload
        now_sha = sha256_file(plan.pdf)[0]
        if now_sha != pdf_sha:
            raise changed_error(plan.pdf, pdf_sha, now_sha, "reviewed and uploaded")
        if reviewed is not None:
            _check_xml_file(reviewed)
        await journaled_submit(client, journal, key, batch_id, step_cb, allow_duplicate)
    finally:
        lock.release()
    await note_status(client, journal, batch_id, base)
    return batch_id


# ---------------------------------------------------------------------------------- resume


def remaining_steps(entry: JournalEntry) -> list[str]:
    """The steps ``resume`` would still run for this entry, in order."""
    if entry.submitted:
        return []
    return [s for s in ("pdf", "xml", "submit") if not entry.done(s)]


async def resume(
    client: "BatchClient", journal: Journal, batch_id: str, *, on_step: StepCallback | None = None,
    on_progress: ProgressCallback | None = None, allow_duplicate: bool = False, base_url: str | None = None,
    lock_timeout: float = 30.0, on_settle: SettleCallback | None = None,
) -> str:
    """Continue an unfinished batch at the step where it stopped, on the same id. Uploads only what
    is not confirmed; reads the status before submitting and never submits a submitted batch."""
    step_cb = on_step or noop_step
    base = client_base(client, base_url)
    batch_id = str(batch_id)
    await settle(client, journal, base_url=base, on_settle=on_settle)
    entry = journal.find(batch_id, base_url=base)
    if entry is None:
        raise JournalError(
            f"batch {batch_id} is not in this machine's journal for {base}", hint="c2m-tui batches lists what it knows"
        )
    lock = journal.lock_for(entry.key)
    await lock.acquire(lock_timeout, what=f"batch {batch_id}")
    try:
        entry = journal.get(entry.key)  # re-read under the lock: another process may have finished it
        step_cb("create", "skipped")
        if entry.submitted:
            for step in ("pdf", "xml", "submit"):
                step_cb(step, "skipped")
            return batch_id
        if entry.done("pdf"):
            step_cb("pdf", "skipped")
        else:
            await journaled_pdf(client, journal, entry.key, batch_id, Path(entry.pdf_path), entry.pdf_sha256,
                                step_cb, on_progress)
        if entry.done("xml"):
            step_cb("xml", "skipped")
        else:
            await journaled_xml(client, journal, entry.key, batch_id, _xml_copy(journal, entry), step_cb)
        submitted = await _checked_submit(client, journal, entry, base, step_cb, allow_duplicate, None)
    finally:
        lock.release()
    if submitted:
        await note_status(client, journal, batch_id, base)
    return batch_id


def _xml_copy(journal: Journal, entry: JournalEntry) -> bytes:
    xml = journal.xml_copy(entry.key)
    if sha256_bytes(xml) != entry.xml_sha256:
        raise JournalError(f"the journal's copy of batch {entry.batch_id}'s XML does not match its hash; nothing was sent")
    return xml


async def _checked_submit(
    client, journal: Journal, entry: JournalEntry, base: str, step_cb, allow_duplicate: bool,
    reviewed: ReviewRecord | None,
) -> bool:
    """Submit an entry whose uploads are done, under its lock: the files must still be what was
    recorded (and reviewed), and the server's status is read first. True if it was submitted now."""
    pdf = Path(entry.pdf_path)
    now_sha = sha256_file(pdf)[0]
    if now_sha != entry.pdf_sha256:
        raise changed_error(pdf, entry.pdf_sha256, now_sha, "recorded for this batch")
    if reviewed is not None:
        if reviewed.pdf_sha256 != entry.pdf_sha256:
            raise changed_error(pdf, reviewed.pdf_sha256, entry.pdf_sha256, "reviewed")
        if reviewed.xml_sha256 != entry.xml_sha256:
            raise ChangedSinceReviewError("the batch XML uploaded is not the one reviewed", hint="nothing was submitted")
        _check_xml_file(reviewed)
    batch_id = entry.batch_id or ""
    status = await client.status(batch_id)
    journal.record_status(batch_id, status, base_url=base)
    if status.submitted:  # submitted by a run whose answer was lost: record it, never submit again
        journal.record_step(entry.key, "submit", DONE, "already submitted (the server's status says so)")
        step_cb("submit", "skipped")
        return False
    await journaled_submit(client, journal, entry.key, batch_id, step_cb, allow_duplicate or entry.allow_duplicate)
    return True


# ---------------------------------------------------------------------------------- one step at a time


async def _entry_step(journal: Journal, key: int, lock_timeout: float, run) -> None:
    lock = journal.lock_for(key)
    await lock.acquire(lock_timeout, what=f"journal entry {key}")
    try:
        await run(journal.get(key))
    finally:
        lock.release()


async def create_step(client: "BatchClient", journal: Journal, key: int, *, on_step: StepCallback | None = None,
                      lock_timeout: float = 5.0) -> str:
    """Create the batch of an entry made with ``journal.new_entry`` (its content may follow later,
    through ``journal.update_content``); returns the new batch id."""
    result: list[str] = []

    async def run(entry: JournalEntry) -> None:
        if entry.batch_id is not None:
            raise JournalError(f"journal entry {key} already has batch {entry.batch_id}")
        result.append(await journaled_create(client, journal, key, on_step or noop_step))

    await _entry_step(journal, key, lock_timeout, run)
    return result[0]


async def pdf_step(client: "BatchClient", journal: Journal, key: int, *, on_step: StepCallback | None = None,
                   on_progress: ProgressCallback | None = None, lock_timeout: float = 5.0) -> None:
    """Upload the entry's PDF (its recorded path; refused if the file no longer has the recorded hash)."""

    async def run(entry: JournalEntry) -> None:
        _need(entry, "pdf")
        await journaled_pdf(client, journal, key, entry.batch_id, Path(entry.pdf_path), entry.pdf_sha256,
                            on_step or noop_step, on_progress)

    await _entry_step(journal, key, lock_timeout, run)


async def xml_step(client: "BatchClient", journal: Journal, key: int, *, on_step: StepCallback | None = None,
                   lock_timeout: float = 5.0) -> None:
    """Upload the entry's XML (the journal's copy, exactly the bytes recorded)."""

    async def run(entry: JournalEntry) -> None:
        _need(entry, "xml")
        await journaled_xml(client, journal, key, entry.batch_id, _xml_copy(journal, entry), on_step or noop_step)

    await _entry_step(journal, key, lock_timeout, run)


async def submit_step(client: "BatchClient", journal: Journal, key: int, *, on_step: StepCallback | None = None,
                      allow_duplicate: bool = False, reviewed: ReviewRecord | None = None,
                      lock_timeout: float = 5.0) -> bool:
    """Submit the entry: under its lock, with the duplicate guard, the files re-hashed against what
    was recorded (and ``reviewed``), and the status read first. True if submitted now, False if
    the server already had it submitted."""
    step_cb = on_step or noop_step
    outcome: list[bool] = []

    async def run(entry: JournalEntry) -> None:
        if entry.submitted:
            step_cb("submit", "skipped")
            outcome.append(False)
            return
        _need(entry, "submit")
        for step in ("pdf", "xml"):
            if not entry.done(step):
                raise JournalError(f"batch {entry.batch_id}: its {step.upper()} upload is not confirmed; upload it first")
        outcome.append(await _checked_submit(client, journal, entry, entry.base_url, step_cb, allow_duplicate, reviewed))

    await _entry_step(journal, key, lock_timeout, run)
    if outcome[0]:
        await note_status(client, journal, journal.get(key).batch_id or "", journal.get(key).base_url)
    return outcome[0]


def _need(entry: JournalEntry, step: str) -> None:
    if entry.batch_id is None:
        raise JournalError(f"journal entry {entry.key} has no batch yet: create it first")
    if entry.submitted:
        raise JournalError(f"batch {entry.batch_id} was already submitted; nothing more is uploaded to it")
    if step in ("pdf", "submit") and not entry.pdf_sha256:
        raise JournalError(f"batch {entry.batch_id}: its PDF is not recorded yet (journal.update_content)")
    if step in ("xml", "submit") and not entry.xml_sha256:
        raise JournalError(f"batch {entry.batch_id}: its XML is not recorded yet (journal.update_content)")
