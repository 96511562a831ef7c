"""The four remote calls, each journaled around itself: the intent is committed before the call,
its outcome after it, by the one rule of ``outcome_of`` (the table in ``c2m_tui.core.sending``).

Journal writes are SQLite commits with ``synchronous=FULL`` (an fsync each): they run in a thread
so the event loop (the app) never waits on the disk, and they are awaited, so the intent is on
disk before the call is made. When a call is cancelled (the person left, or pressed cancel), the
outcome is written at once, in the cancelled task itself.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from c2m_tui.core.errors import APIError, C2MError, CredentialsError, UnreachableError
from c2m_tui.core.journal import AMBIGUOUS, DONE, FAILED, UNCONFIRMED, Journal
from c2m_tui.core.sending.plan import changed_error, sha256_bytes

if TYPE_CHECKING:
    from c2m_tui.core.client import BatchClient

StepCallback = Callable[[str, str], None]  # (step, state) with state in start/done/failed/skipped/cancelled
ProgressCallback = Callable[[int, int], None]  # (bytes sent, total bytes) of the PDF upload


def noop_step(step: str, state: str) -> None:
    pass


def outcome_of(step: str, err: BaseException) -> str:
    """How a failed call is journaled: FAILED when it certainly did not take effect, AMBIGUOUS when
    a create or submit may have (settled later by the status, or admitted as "possibly created"),
    UNCONFIRMED when an upload may or may not have arrived (sent again: an upload replaces)."""
    certain = (
        isinstance(err, (UnreachableError, CredentialsError))  # nothing reached the server / refused at the door
        or (isinstance(err, APIError) and err.status_code is not None and 400 <= err.status_code < 500)
    )
    if certain:
        return FAILED
    if step in ("pdf", "xml"):
        return UNCONFIRMED
    return AMBIGUOUS  # a timeout, a 5xx, a garbled success, a cancel while waiting: it may have happened


def _describe(err: BaseException) -> str:
    if isinstance(err, asyncio.CancelledError):
        return "cancelled while waiting for the answer"
    return str(err) or type(err).__name__


async def _write(fn, *args, **kwargs):
    return await asyncio.to_thread(fn, *args, **kwargs)


async def _journaled(journal: Journal, key: int, step: str, detail: str, step_cb: StepCallback, call,
                     *, step_id: int | None = None):
    """Run ``call()`` between its intent (already committed when ``step_id`` is given) and its outcome."""
    if step_id is None:
        step_id = await _write(journal.begin_step, key, step, detail)
    step_cb(step, "start")
    try:
        result = await call()
    except asyncio.CancelledError as err:
        journal.end_step(step_id, outcome_of(step, err), _describe(err))  # no await: we are being cancelled
        step_cb(step, "cancelled")
        raise
    except C2MError as err:
        await _write(journal.end_step, step_id, outcome_of(step, err), _describe(err))
        step_cb(step, "failed")
        raise
    except BaseException as err:  # a bug: still never leave the row open as "no answer" when we know
        journal.end_step(step_id, outcome_of(step, err), _describe(err))
        step_cb(step, "failed")
        raise
    return step_id, result


async def journaled_create(client: "BatchClient", journal: Journal, key: int, step_cb: StepCallback) -> str:
    step_id, created = await _journaled(journal, key, "create", "", step_cb, client.create_batch)
    batch_id = str(created.id)
    await _write(journal.end_step, step_id, DONE, f"batch {batch_id}", batch_id=batch_id)
    step_cb("create", "done")
    return batch_id


async def journaled_pdf(client, journal: Journal, key: int, batch_id: str, pdf: Path, expected_sha: str,
                        step_cb: StepCallback, on_progress: ProgressCallback | None, seen: str = "recorded") -> None:
    """Upload the PDF; the upload hashes what it sends, and bytes that are not the recorded ones (the
    file changed since) fail the step: the batch is never submitted with them, a resume sends it again."""
    step_id, sent_sha = await _journaled(
        journal, key, "pdf", f"{pdf} sha256 {expected_sha}", step_cb,
        lambda: client.upload_pdf(batch_id, pdf, progress=on_progress),
    )
    if sent_sha != expected_sha:
        err = changed_error(pdf, expected_sha, sent_sha, seen)
        await _write(journal.end_step, step_id, FAILED, str(err))
        step_cb("pdf", "failed")
        raise err
    await _write(journal.end_step, step_id, DONE)
    step_cb("pdf", "done")


async def journaled_xml(client, journal: Journal, key: int, batch_id: str, xml: bytes, step_cb: StepCallback) -> None:
    sha = await asyncio.to_thread(sha256_bytes, xml)  # 30 MB for 100,000 letters: off the event loop
    step_id, _ = await _journaled(
        journal, key, "xml", f"sha256 {sha}", step_cb, lambda: client.upload_xml(batch_id, xml)
    )
    await _write(journal.end_step, step_id, DONE)
    step_cb("xml", "done")


async def journaled_submit(client, journal: Journal, key: int, batch_id: str, step_cb: StepCallback,
                           allow_duplicate: bool) -> None:
    # atomic: the duplicate check and the intent in one transaction
    step_id = await _write(journal.claim_submit, key, allow_duplicate=allow_duplicate)
    step_id, _ = await _journaled(journal, key, "submit", "", step_cb, lambda: client.submit(batch_id),
                                  step_id=step_id)
    await _write(journal.end_step, step_id, DONE)
    step_cb("submit", "done")


async def note_status(client, journal: Journal, batch_id: str, base: str) -> None:
    """Remember the status right after submit, for ``batches``; a failure here changes nothing."""
    try:
        status = await client.status(batch_id)
    except C2MError:
        return
    await _write(journal.record_status, batch_id, status, base_url=base)


def client_base(client: "BatchClient", base_url: str | None) -> str:
    url = base_url or getattr(client, "base_url", None)
    if not url:
        raise ValueError("the client's base URL is needed to tell this server's batches from others'")
    return str(url).rstrip("/")
