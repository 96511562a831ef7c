"""The four remote calls, each journaled around itself: the intent is committed before the call,
the answer after it. ``submission.py`` strings them together (send, resume, the wizard's steps).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from c2m_tui.core.errors import APIError, C2MError, CredentialsError, InputError, UnreachableError
from c2m_tui.core.journal import AMBIGUOUS, DONE, FAILED, Journal

if TYPE_CHECKING:
    from c2m_tui.core.client import BatchClient

StepCallback = Callable[[str, str], None]  # (step, state) with state in start/done/failed/skipped
ProgressCallback = Callable[[int, int], None]  # (bytes sent, total bytes) of the PDF upload


class ChangedSinceReviewError(InputError):
    """A file changed on disk after it was reviewed (or recorded): what would be sent is not what was seen."""


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


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def changed_error(path: Path, before: str, after: str, what: str) -> ChangedSinceReviewError:
    return ChangedSinceReviewError(
        f"{path}: changed on disk since it was {what} (sha256 {before[:12]}… is now {after[:12]}…)",
        hint="nothing was submitted; review the files again and send",
    )


def client_base(client: "BatchClient", base_url: str | None) -> str:
    url = base_url or getattr(client, "base_url", None)
    if not url:
        raise ValueError("the client's base URL is needed to tell this server's batches from others'")
    return str(url).rstrip("/")


def failure_outcome(err: BaseException) -> str:
    """Did a failed create/submit certainly not take effect (FAILED), or may it have (AMBIGUOUS)?"""
    if isinstance(err, (UnreachableError, CredentialsError)):
        return FAILED  # nothing reached the server, or it refused us at the door
    if isinstance(err, APIError) and err.status_code is not None and 400 <= err.status_code < 500:
        return FAILED  # the server answered and said no
    return AMBIGUOUS  # a timeout, a 5xx, a garbled success: it may have happened


def noop_step(step: str, state: str) -> None:
    pass


async def journaled_create(client: "BatchClient", journal: Journal, key: int, step_cb: StepCallback) -> str:
    step_id = journal.begin_step(key, "create")
    step_cb("create", "start")
    try:
        created = await client.create_batch()
    except C2MError as err:
        journal.end_step(step_id, failure_outcome(err), str(err))
        step_cb("create", "failed")
        raise
    journal.end_step(step_id, DONE, f"batch {created.id}", batch_id=str(created.id))
    step_cb("create", "done")
    return str(created.id)


async def journaled_pdf(client, journal, key, batch_id, pdf: Path, expected_sha: str, step_cb, on_progress) -> None:
    now_sha = sha256_file(pdf)[0]
    if now_sha != expected_sha:
        raise changed_error(pdf, expected_sha, now_sha, "recorded")
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


async def journaled_xml(client, journal, key, batch_id, xml: bytes, step_cb) -> None:
    step_id = journal.begin_step(key, "xml", f"sha256 {sha256_bytes(xml)}")
    step_cb("xml", "start")
    try:
        await client.upload_xml(batch_id, xml)
    except C2MError as err:
        journal.end_step(step_id, FAILED, str(err))
        step_cb("xml", "failed")
        raise
    journal.end_step(step_id, DONE)
    step_cb("xml", "done")


async def journaled_submit(client, journal: Journal, key: int, batch_id: str, step_cb, allow_duplicate: bool) -> None:
    step_id = journal.claim_submit(key, allow_duplicate=allow_duplicate)  # atomic: the duplicate check and intent
    step_cb("submit", "start")
    try:
        await client.submit(batch_id)
    except C2MError as err:
        journal.end_step(step_id, failure_outcome(err), str(err))
        step_cb("submit", "failed")
        raise
    journal.end_step(step_id, DONE)
    step_cb("submit", "done")


async def note_status(client, journal: Journal, batch_id: str, base: str) -> None:
    """Remember the status right after submit, for ``batches``; a failure here changes nothing."""
    try:
        journal.record_status(batch_id, await client.status(batch_id), base_url=base)
    except C2MError:
        pass
