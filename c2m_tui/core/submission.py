"""Sending a batch so that a crash anywhere never mails it twice and never loses track of it.

The four calls run in the API's order (create, pdf, xml, submit). Each is journaled before it
is made and answered after (see journal.py). Before anything else, every unanswered step on
this server is settled: a submit by reading the batch's status, an upload by sending it again,
a create by admitting that a batch with an unknown id may exist. ``resume`` continues a batch
on the same id; a per-batch file lock plus an atomic journal claim make sure only one process
ever submits it, and the status is read before a resumed submit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from c2m_tui.core.errors import APIError, C2MError, CredentialsError, InputError, UnreachableError
from c2m_tui.core.journal import (
    AMBIGUOUS, DONE, FAILED, NOT_TAKEN, ORPHAN, UNCONFIRMED, DuplicateBatchError, Journal, JournalEntry,
    JournalError, _iso, duplicate_error,
)
from c2m_tui.core.locks import BatchBusyError

if TYPE_CHECKING:
    from c2m_tui.core.client import BatchClient

__all__ = [
    "SendPlan", "ReviewRecord", "SettleResult", "ChangedSinceReviewError", "DuplicateBatchError",
    "BatchBusyError", "review", "send", "resume", "settle", "sha256_file",
]

StepCallback = Callable[[str, str], None]  # (step, state) with state in start/done/failed/skipped
ProgressCallback = Callable[[int, int], None]  # (bytes sent, total bytes) of the PDF upload
SettleCallback = Callable[["SettleResult"], None]  # told of each unanswered step settled before going on


class ChangedSinceReviewError(InputError):
    """A file changed on disk after it was reviewed (or recorded): what would be sent is not what was seen."""


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


@dataclass(frozen=True, slots=True)
class SettleResult:
    key: int
    batch_id: str | None
    step: str
    outcome: str  # "submitted", "not submitted", "possibly created", "upload unconfirmed", "unknown batch"
    message: str


def sha256_file(path: Path) -> tuple[str, int]:
    """(hex digest, size) of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
                size += len(chunk)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from None
    return h.hexdigest(), size


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def review(plan: SendPlan) -> ReviewRecord:
    """Record the hashes of what the person is shown; ``send(..., reviewed=...)`` insists on them."""
    pdf_sha, pdf_size = sha256_file(plan.pdf)
    file_sha = sha256_file(plan.xml_path)[0] if plan.xml_path is not None else None
    return ReviewRecord(plan.pdf, pdf_sha, pdf_size, _sha256(plan.xml), plan.xml_path, file_sha, _iso())


def _changed(path: Path, before: str, after: str, what: str) -> ChangedSinceReviewError:
    return ChangedSinceReviewError(
        f"{path}: changed on disk since it was {what} (sha256 {before[:12]}… is now {after[:12]}…)",
        hint="nothing was submitted; review the files again and send",
    )


def _base(client: "BatchClient", base_url: str | None) -> str:
    url = base_url or getattr(client, "base_url", None)
    if not url:
        raise ValueError("the client's base URL is needed to tell this server's batches from others'")
    return str(url).rstrip("/")


def _failure_outcome(err: BaseException) -> str:
    """Did a failed create/submit certainly not take effect (FAILED), or may it have (AMBIGUOUS)?"""
    if isinstance(err, (UnreachableError, CredentialsError)):
        return FAILED  # nothing reached the server, or it refused us at the door
    if isinstance(err, APIError) and err.status_code is not None and 400 <= err.status_code < 500:
        return FAILED  # the server answered and said no
    return AMBIGUOUS  # a timeout, a 5xx, a garbled success: it may have happened


def _noop_step(step: str, state: str) -> None:
    pass


# ---------------------------------------------------------------------------------- settle


async def settle(
    client: "BatchClient", journal: Journal, *, base_url: str | None = None, on_settle: SettleCallback | None = None
) -> list[SettleResult]:
    """Settle every unanswered step on this server; entries a live process is working on are left alone.
    Raises (e.g. UnreachableError) when a submit cannot be settled: nothing else may go ahead then."""
    base = _base(client, base_url)
    results: list[SettleResult] = []
    for entry in journal.unsettled_entries(base_url=base):
        lock = journal.lock_for(entry.key)
        if not lock.try_acquire():
            continue  # its sender is alive and still waiting for the answer
        try:
            entry = journal.get(entry.key)  # re-read: it may have been answered meanwhile
            if entry.unsettled is not None:
                results.append(await _settle_one(client, journal, entry, base))
                if on_settle is not None:
                    on_settle(results[-1])
        finally:
            lock.release()
    return results


async def _settle_one(client: "BatchClient", journal: Journal, entry: JournalEntry, base: str) -> SettleResult:
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


# ---------------------------------------------------------------------------------- send


async def send(
    client: "BatchClient", plan: SendPlan, journal: Journal, *, on_step: StepCallback | None = None,
    on_progress: ProgressCallback | None = None, allow_duplicate: bool = False, reviewed: ReviewRecord | None = None,
    on_settle: SettleCallback | None = None,
) -> str:
    """Create, upload and submit a new batch; returns its id. Raises a C2MError subclass on failure
    (the journal then says where it stopped, and ``resume`` continues from there)."""
    step_cb = on_step or _noop_step
    base = _base(client, plan.base_url)
    await settle(client, journal, base_url=base, on_settle=on_settle)

    pdf_sha, pdf_size = sha256_file(plan.pdf)
    xml_sha = _sha256(plan.xml)
    if reviewed is not None:
        if reviewed.pdf_sha256 != pdf_sha:
            raise _changed(plan.pdf, reviewed.pdf_sha256, pdf_sha, "reviewed")
        if reviewed.xml_sha256 != xml_sha:
            raise ChangedSinceReviewError("the batch XML changed since it was reviewed", hint="nothing was sent")
        _check_xml_file(plan, reviewed)
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
        batch_id = await _create(client, journal, key, step_cb)
        await _upload_pdf(client, journal, key, batch_id, plan.pdf, pdf_sha, step_cb, on_progress)
        await _upload_xml(client, journal, key, batch_id, plan.xml, step_cb)
        # what was reviewed is what is sent: the PDF was read from disk during the upload
        now_sha = sha256_file(plan.pdf)[0]
        if now_sha != pdf_sha:
            raise _changed(plan.pdf, pdf_sha, now_sha, "reviewed and uploaded")
        if reviewed is not None:
            _check_xml_file(plan, reviewed)
        await _submit(client, journal, key, batch_id, step_cb, allow_duplicate)
    finally:
        lock.release()
    await _note_status(client, journal, batch_id, base)
    return batch_id


def _check_xml_file(plan: SendPlan, reviewed: ReviewRecord) -> None:
    if reviewed.xml_path is not None and reviewed.xml_file_sha256 is not None:
        now = sha256_file(reviewed.xml_path)[0]
        if now != reviewed.xml_file_sha256:
            raise _changed(reviewed.xml_path, reviewed.xml_file_sha256, now, "reviewed")


async def _create(client: "BatchClient", journal: Journal, key: int, step_cb: StepCallback) -> str:
    step_id = journal.begin_step(key, "create")
    step_cb("create", "start")
    try:
        created = await client.create_batch()
    except C2MError as err:
        journal.end_step(step_id, _failure_outcome(err), str(err))
        step_cb("create", "failed")
        raise
    journal.end_step(step_id, DONE, f"batch {created.id}", batch_id=str(created.id))
    step_cb("create", "done")
    return str(created.id)


async def _upload_pdf(client, journal, key, batch_id, pdf: Path, expected_sha: str, step_cb, on_progress) -> None:
    now_sha = sha256_file(pdf)[0]
    if now_sha != expected_sha:
        raise _changed(pdf, expected_sha, now_sha, "recorded")
    step_id = journal.begin_step(key, "pdf", f"{pdf} sha256 {expected_sha}")
    step_cb("pdf", "start")
    try:
        await client.upload_pdf(batch_id, pdf, progress=on_progress)
    except C2MError as err:
        journal.end_step(step_id, FAILED, str(err))  # an upload replaces: sending it again is safe
        step_cb("pdf", "failed")
        raise
    journal.end_step(step_id, DONE)
    step_cb("pdf", "done")


async def _upload_xml(client, journal, key, batch_id, xml: bytes, step_cb) -> None:
    step_id = journal.begin_step(key, "xml", f"sha256 {_sha256(xml)}")
    step_cb("xml", "start")
    try:
        await client.upload_xml(batch_id, xml)
    except C2MError as err:
        journal.end_step(step_id, FAILED, str(err))
        step_cb("xml", "failed")
        raise
    journal.end_step(step_id, DONE)
    step_cb("xml", "done")


async def _submit(client, journal: Journal, key: int, batch_id: str, step_cb, allow_duplicate: bool) -> None:
    step_id = journal.claim_submit(key, allow_duplicate=allow_duplicate)  # atomic: the duplicate check and intent
    step_cb("submit", "start")
    try:
        await client.submit(batch_id)
    except C2MError as err:
        journal.end_step(step_id, _failure_outcome(err), str(err))
        step_cb("submit", "failed")
        raise
    journal.end_step(step_id, DONE)
    step_cb("submit", "done")


async def _note_status(client, journal: Journal, batch_id: str, base: str) -> None:
    """Remember the status right after submit, for ``batches``; a failure here changes nothing."""
    try:
        journal.record_status(batch_id, await client.status(batch_id), base_url=base)
    except C2MError:
        pass


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
    step_cb = on_step or _noop_step
    base = _base(client, base_url)
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
        pdf = Path(entry.pdf_path)
        if entry.done("pdf"):
            step_cb("pdf", "skipped")
        else:
            await _upload_pdf(client, journal, entry.key, batch_id, pdf, entry.pdf_sha256, step_cb, on_progress)
        if entry.done("xml"):
            step_cb("xml", "skipped")
        else:
            xml = journal.xml_copy(entry.key)
            if _sha256(xml) != entry.xml_sha256:
                raise JournalError(f"the journal's copy of batch {batch_id}'s XML is damaged; nothing was submitted")
            await _upload_xml(client, journal, entry.key, batch_id, xml, step_cb)
        now_sha = sha256_file(pdf)[0]
        if now_sha != entry.pdf_sha256:
            raise _changed(pdf, entry.pdf_sha256, now_sha, "recorded for this batch")
        status = await client.status(batch_id)
        journal.record_status(batch_id, status, base_url=base)
        if status.submitted:  # submitted by a run whose answer was lost: record it, never submit again
            journal.record_step(entry.key, "submit", DONE, "already submitted (the server's status says so)")
            step_cb("submit", "skipped")
            return batch_id
        await _submit(client, journal, entry.key, batch_id, step_cb, allow_duplicate or entry.allow_duplicate)
    finally:
        lock.release()
    await _note_status(client, journal, batch_id, base)
    return batch_id
