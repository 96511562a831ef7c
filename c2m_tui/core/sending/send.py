"""Sending a batch so that a crash anywhere never mails it twice and never loses track of it.

``send`` runs the four calls in the API's order for the command line; ``resume`` finishes a batch
from wherever it stopped, on the same id; the ``*_step`` functions let a step-by-step front end (the
app's wizard) walk the very same journaled steps one at a time. A per-batch file lock plus an atomic
journal claim make sure only one process ever submits a batch, and the status is read before a
resumed submit.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from c2m_tui.core.journal import (
    DONE, DuplicateBatchError, Journal, JournalEntry, JournalError, duplicate_error,
)
from c2m_tui.core.journal.locks import BatchBusyError
from c2m_tui.core.sending.plan import (
    ChangedSinceReviewError, ReviewRecord, SendPlan, Target, changed_error, check_xml_file, now_iso, review,
    sha256_bytes, sha256_file,
)
from c2m_tui.core.sending.settle import SettleCallback, SettleResult, settle, settle_one
from c2m_tui.core.sending.steps import (
    ProgressCallback, StepCallback, client_base, journaled_create, journaled_pdf, journaled_submit, journaled_xml,
    noop_step, note_status,
)

if TYPE_CHECKING:
    from c2m_tui.core.client import BatchClient

__all__ = [
    "SendPlan", "ReviewRecord", "SettleResult", "ChangedSinceReviewError", "DuplicateBatchError",
    "BatchBusyError", "Content", "review", "send", "resume", "settle", "sha256_file", "remaining_steps",
    "missing_inputs", "start_entry", "create_step", "pdf_step", "xml_step", "review_entry", "submit_step",
    "forget",
]


async def _thread(fn, *args, **kwargs):
    return await asyncio.to_thread(fn, *args, **kwargs)


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

    # a file changed since its review is refused before any batch exists (hashed again unless it is
    # the very file hashed at review, untouched since); the upload hashes what it sends and must match
    if reviewed is not None and reviewed.pdf == plan.pdf and reviewed.pdf_unchanged():
        pdf_sha, pdf_size = reviewed.pdf_sha256, reviewed.pdf_size
    else:
        pdf_sha, pdf_size = await _thread(sha256_file, plan.pdf)
    xml_sha = sha256_bytes(plan.xml)
    if reviewed is not None:
        if reviewed.pdf_sha256 != pdf_sha:
            raise changed_error(plan.pdf, reviewed.pdf_sha256, pdf_sha, "reviewed")
        if reviewed.xml_sha256 != xml_sha:
            raise ChangedSinceReviewError("the batch XML changed since it was reviewed", hint="nothing was sent")
        check_xml_file(reviewed)
    if not allow_duplicate:  # before create: a refused duplicate leaves no stray batch on the server
        earlier = journal.find_duplicate(plan.environment, base, pdf_sha, xml_sha)
        if earlier is not None:
            raise duplicate_error(earlier, journal.busy(earlier.key))

    key = await _thread(
        journal.new_entry,
        profile=plan.profile, environment=plan.environment, base_url=base, pdf_path=plan.pdf.resolve(),
        pdf_size=pdf_size, pdf_sha256=pdf_sha, pdf_pages=plan.pages, xml=plan.xml, xml_sha256=xml_sha,
        jobs=plan.jobs, pieces=plan.pieces, reviewed_at=reviewed.reviewed_at if reviewed else None,
        allow_duplicate=allow_duplicate,
    )
    lock = journal.lock_for(key)
    await lock.acquire(5.0, what=f"journal entry {key}")
    try:
        batch_id = await journaled_create(client, journal, key, step_cb)
        await journaled_pdf(client, journal, key, batch_id, plan.pdf, pdf_sha, step_cb, on_progress,
                            "reviewed" if reviewed is not None else "recorded")
        await journaled_xml(client, journal, key, batch_id, plan.xml, step_cb)
        # what was reviewed is what is sent: the PDF upload vouched for its bytes (hashed as sent)
        if reviewed is not None:
            check_xml_file(reviewed)
        await journaled_submit(client, journal, key, batch_id, step_cb, allow_duplicate)
    finally:
        lock.release()
    await note_status(client, journal, batch_id, base)
    return batch_id


# ---------------------------------------------------------------------------------- resume


@dataclass(slots=True)
class Content:
    """Files given for a batch that lacks them (or whose files moved): ``resume --pdf/--xml``."""

    pdf: Path | None = None
    pdf_pages: int | None = None
    xml: bytes | None = None  # the XML to upload, exactly these bytes (validated by the caller)
    jobs: int | None = None
    pieces: int | None = None


def remaining_steps(entry: JournalEntry) -> list[str]:
    """The steps ``resume`` would still run for this entry, in order."""
    if entry.submitted or entry.abandoned:
        return []
    return [s for s in ("pdf", "xml", "submit") if not entry.done(s)]


def missing_inputs(entry: JournalEntry, given: Content | None = None) -> dict[str, str]:
    """What must be given before this entry can be finished: {"pdf"|"xml": why}. Empty when the
    journal has all it needs (the PDF's file on disk, the XML's copy in the journal)."""
    given = given or Content()
    needs: dict[str, str] = {}
    if given.pdf is None:
        if not entry.has_pdf:
            needs["pdf"] = "no PDF was recorded for it (it was left before the PDF was uploaded)"
        else:
            path = Path(entry.pdf_path)
            if not path.is_file():
                what = "uploaded" if entry.done("pdf") else "recorded"
                needs["pdf"] = (f"the PDF it {what}, {path}, is not there any more "
                                f"(give the same file, sha256 {entry.pdf_sha256[:12]}…, or another to upload instead)")
    if given.xml is None and not entry.has_xml:
        needs["xml"] = "no batch XML was recorded for it (it was left before the XML existed)"
    return needs


def _apply_content(journal: Journal, entry: JournalEntry, content: Content) -> JournalEntry:
    """Record files given for an entry (blocking: hashes the PDF). The same PDF at a new path only
    moves the path; a different one replaces the recorded content, so it is uploaded again."""
    fields: dict = {}
    if content.pdf is not None:
        sha, size = sha256_file(content.pdf)
        fields["pdf_path"] = str(content.pdf.resolve())
        if sha != entry.pdf_sha256:
            fields.update(pdf_sha256=sha, pdf_size=size)
        if content.pdf_pages is not None:
            fields["pdf_pages"] = content.pdf_pages
    xml = None
    if content.xml is not None and sha256_bytes(content.xml) != entry.xml_sha256:
        xml = content.xml
    if content.jobs is not None:
        fields["jobs"] = content.jobs
    if content.pieces is not None:
        fields["pieces"] = content.pieces
    if fields or xml is not None:
        journal.update_content(entry.key, xml=xml, **fields)
    return journal.get(entry.key)


async def resume(
    client: "BatchClient", journal: Journal, batch_id: str, *, on_step: StepCallback | None = None,
    on_progress: ProgressCallback | None = None, allow_duplicate: bool = False, base_url: str | None = None,
    lock_timeout: float = 30.0, on_settle: SettleCallback | None = None, content: Content | None = None,
) -> str:
    """Continue an unfinished batch at the step where it stopped, on the same id. Uploads only what
    is not confirmed; reads the status before submitting and never submits a submitted batch.
    ``content`` gives files the journal lacks (``missing_inputs``)."""
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
        if entry.abandoned:
            raise JournalError(f"batch {batch_id} was abandoned (c2m-tui forget); it is never sent")
        if content is not None:
            entry = await _thread(_apply_content, journal, entry, content)
        needs = missing_inputs(entry)
        if needs:
            raise JournalError(f"batch {batch_id} cannot be finished yet: " + "; ".join(
                f"{what.upper()}: {why}" for what, why in needs.items()),
                hint="give them with " + " ".join(f"--{what} FILE" for what in needs))
        if entry.done("pdf"):
            step_cb("pdf", "skipped")
        else:
            await journaled_pdf(client, journal, entry.key, batch_id, Path(entry.pdf_path), entry.pdf_sha256,
                                step_cb, on_progress)
        if entry.done("xml"):
            step_cb("xml", "skipped")
        else:
            await journaled_xml(client, journal, entry.key, batch_id, await _thread(_xml_copy, journal, entry),
                                step_cb)
        submitted = await _checked_submit(client, journal, journal.get(entry.key), base, step_cb, allow_duplicate,
                                          None)
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
    now_sha = (await _thread(sha256_file, pdf))[0]
    if now_sha != entry.pdf_sha256:
        raise changed_error(pdf, entry.pdf_sha256, now_sha, "recorded for this batch")
    if reviewed is not None:
        if reviewed.pdf_sha256 != entry.pdf_sha256:
            raise changed_error(pdf, reviewed.pdf_sha256, entry.pdf_sha256, "reviewed")
        if reviewed.xml_sha256 != entry.xml_sha256:
            raise ChangedSinceReviewError("the batch XML uploaded is not the one reviewed", hint="nothing was submitted")
        check_xml_file(reviewed)
    batch_id = entry.batch_id or ""
    status = await client.status(batch_id)
    await _thread(journal.record_status, batch_id, status, base_url=base)
    if status.submitted:  # submitted by a run whose answer was lost: record it, never submit again
        await _thread(journal.record_step, entry.key, "submit", DONE, "already submitted (the server's status says so)")
        step_cb("submit", "skipped")
        return False
    await journaled_submit(client, journal, entry.key, batch_id, step_cb, allow_duplicate or entry.allow_duplicate)
    return True


# ---------------------------------------------------------------------------------- one step at a time


def start_entry(journal: Journal, target: Target) -> int:
    """Journal a batch about to be created before its files are chosen (the wizard creates first, as
    the API orders); ``pdf_step`` and ``xml_step`` record the files as they are uploaded."""
    return journal.new_entry(
        profile=target.profile, environment=target.environment, base_url=target.base_url.rstrip("/"),
        pdf_path="", pdf_size=0, pdf_sha256="", pdf_pages=0, xml=b"", xml_sha256="", jobs=0, pieces=0,
    )


async def _entry_step(client, journal: Journal, key: int, lock_timeout: float, run) -> None:
    """Run one step of an entry under its lock, after settling what a dead run left unanswered on it
    (an app killed during an upload or a submit): the step then starts from what the server says."""
    lock = journal.lock_for(key)
    await lock.acquire(lock_timeout, what=f"journal entry {key}")
    try:
        entry = journal.get(key)
        if entry.unsettled is not None:
            await settle_one(client, journal, entry, entry.base_url)
            entry = journal.get(key)
        await run(entry)
    finally:
        lock.release()


async def create_step(client: "BatchClient", journal: Journal, key: int, *, on_step: StepCallback | None = None,
                      lock_timeout: float = 5.0) -> str:
    """Create the batch of an entry made with ``start_entry``; returns the new batch id."""
    result: list[str] = []

    async def run(entry: JournalEntry) -> None:
        if entry.batch_id is not None:
            raise JournalError(f"journal entry {key} already has batch {entry.batch_id}")
        result.append(await journaled_create(client, journal, key, on_step or noop_step))

    await _entry_step(client, journal, key, lock_timeout, run)
    return result[0]


async def pdf_step(client: "BatchClient", journal: Journal, key: int, *, pdf: Path | None = None,
                   pages: int | None = None, on_step: StepCallback | None = None,
                   on_progress: ProgressCallback | None = None, lock_timeout: float = 5.0) -> None:
    """Upload the entry's PDF: ``pdf`` (recorded first: journaled before the call, like every input)
    or the one recorded before (refused if the file no longer has the recorded hash)."""

    async def run(entry: JournalEntry) -> None:
        _need(entry)
        if pdf is not None:
            entry = await _thread(_apply_content, journal, entry, Content(pdf=pdf, pdf_pages=pages))
        if not entry.has_pdf:
            raise JournalError(f"batch {entry.batch_id}: choose its PDF first")
        await journaled_pdf(client, journal, key, entry.batch_id, Path(entry.pdf_path), entry.pdf_sha256,
                            on_step or noop_step, on_progress)

    await _entry_step(client, journal, key, lock_timeout, run)


async def xml_step(client: "BatchClient", journal: Journal, key: int, *, xml: bytes | None = None,
                   jobs: int | None = None, pieces: int | None = None, on_step: StepCallback | None = None,
                   lock_timeout: float = 5.0) -> None:
    """Upload the entry's XML: ``xml`` (recorded first) or the journal's copy, exactly the bytes recorded."""

    async def run(entry: JournalEntry) -> None:
        _need(entry)
        if xml is not None:
            entry = await _thread(_apply_content, journal, entry, Content(xml=xml, jobs=jobs, pieces=pieces))
        if not entry.has_xml:
            raise JournalError(f"batch {entry.batch_id}: its XML is not recorded yet")
        # read and checked in a thread: a 100,000-letter XML is 30 MB (the app's event loop runs this)
        await journaled_xml(client, journal, key, entry.batch_id, await _thread(_xml_copy, journal, entry),
                            on_step or noop_step)

    await _entry_step(client, journal, key, lock_timeout, run)


def review_entry(journal: Journal, key: int) -> ReviewRecord:
    """The hashes of what the person reviews for an entry (blocking: hashes the PDF): its recorded
    PDF as it is on disk now and the journal's copy of its XML. ``submit_step`` insists on them."""
    entry = journal.get(key)
    if not entry.has_pdf or not entry.has_xml:
        raise JournalError(f"batch {entry.batch_id}: its PDF and XML must be uploaded before review")
    pdf = Path(entry.pdf_path)
    sha, size = sha256_file(pdf)
    if sha != entry.pdf_sha256:
        raise changed_error(pdf, entry.pdf_sha256, sha, "uploaded")
    _xml_copy(journal, entry)
    return ReviewRecord(pdf, sha, size, entry.xml_sha256, None, None, now_iso())


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
        _need(entry)
        for step in ("pdf", "xml"):
            if not entry.done(step):
                raise JournalError(f"batch {entry.batch_id}: its {step.upper()} upload is not confirmed; upload it first")
        outcome.append(await _checked_submit(client, journal, entry, entry.base_url, step_cb, allow_duplicate, reviewed))

    await _entry_step(client, journal, key, lock_timeout, run)
    if outcome[0]:
        entry = journal.get(key)
        await note_status(client, journal, entry.batch_id or "", entry.base_url)
    return outcome[0]


def _need(entry: JournalEntry) -> None:
    if entry.batch_id is None:
        raise JournalError(f"journal entry {entry.key} has no batch yet: create it first")
    if entry.submitted:
        raise JournalError(f"batch {entry.batch_id} was already submitted; nothing more is uploaded to it")
    if entry.abandoned:
        raise JournalError(f"batch {entry.batch_id} was abandoned (c2m-tui forget); nothing more is sent to it")


# ---------------------------------------------------------------------------------- giving up on a batch


def refuse_forget(entry: JournalEntry) -> None:
    """Raise JournalError when ``entry`` must not be forgotten (submitted, or its submit unanswered):
    said before anything is asked, and checked again under the batch's lock."""
    batch_id = entry.batch_id
    if entry.submitted:
        raise JournalError(f"batch {batch_id} was submitted; it is being mailed and cannot be forgotten",
                           hint="a job can be cancelled before production with Click2Mail")
    pending = entry.unsettled
    if pending is not None and pending.step == "submit":
        raise JournalError(f"batch {batch_id}: its submit got no answer, so it may have been submitted",
                           hint=f"c2m-tui resume {batch_id} reads its status and settles it first")


def forget(journal: Journal, batch_id: str, base_url: str | None = None) -> JournalEntry:
    """Mark a never-submitted batch abandoned: it is never resumed or submitted from this machine.
    Refused for a submitted batch and for one whose submit got no answer (resume settles that)."""
    entry = journal.find(str(batch_id), base_url)
    if entry is None:
        raise JournalError(f"batch {batch_id} is not in this machine's journal",
                           hint="c2m-tui batches lists what it knows")
    lock = journal.lock_for(entry.key)
    if not lock.try_acquire():
        holder = lock.holder()
        raise BatchBusyError(f"batch {batch_id} is being sent by another c2m-tui" + (f" (pid {holder})" if holder else ""))
    try:
        entry = journal.get(entry.key)
        refuse_forget(entry)
        if entry.abandoned:
            return entry
        journal.record_step(entry.key, "abandon", DONE, "abandoned by the person (c2m-tui forget): never submitted")
        return journal.get(entry.key)
    finally:
        lock.release()
