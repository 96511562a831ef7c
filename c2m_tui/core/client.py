"""The Batch API client: one ``httpx.AsyncClient`` (so one TCP connection) per session.

Safety rules, because every batch costs real money:
- GET and PUT are idempotent and are retried with backoff on transport errors and 5xx.
- ``POST /batches`` (create) and ``POST /batches/{id}`` (submit) are never retried blindly. Create is
  retried only when the connection could not be opened (nothing was sent). Submit is POSTed at most
  twice in a run (see ``submit``): after a failure the status is read, and a second POST goes only
  after a 429/5xx *answer* and a status that says "not submitted" twice, some seconds apart. No
  answer at all (a timeout, a dropped connection) is never followed by a second POST: it is an
  AmbiguousSubmitError, "possibly submitted", for ``resume`` to settle.
- Every request is bounded: connect (10 s), each read (105 s), and an overall deadline for the
  whole request (130 s, plus the body's size at a floor rate for uploads); an answer bigger than
  ``MAX_ANSWER_BYTES`` is refused while it streams in, never held whole.
- Plain-http base URLs (loopback only) never go through a proxy from the environment: the Basic
  credentials would reach the proxy in clear. HTTPS honours HTTPS_PROXY/ALL_PROXY/NO_PROXY (the
  credentials travel inside the TLS tunnel).
- HTTP Basic credentials go only in the Authorization header; nothing here logs them.
"""


from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import AsyncIterator, Awaitable, Callable, TypeVar

from c2m_tui.core import errors as E
from c2m_tui.core.http import (  # noqa: F401 - re-exported: callers and tests import them from here
    CONNECT_TIMEOUT,
    DEFAULT_DEADLINE,
    DEFAULT_TIMEOUT,
    MAX_ANSWER_BYTES,
    RETRYABLE_STATUS,
    UPLOAD_FLOOR_BYTES_PER_S,
    Answer,
    BoundedClient,
    _reason,
    _server_message,
    check_base_url,
)
from c2m_tui.core.inputfile import open_regular, regular_size
from c2m_tui.core.models import BatchDetails, BatchStatus, Tracking

ProgressCallback = Callable[[int, int], None]
T = TypeVar("T")

# Submit: the gap between the two status reads that must both say "not submitted" before a second
# POST (a status that lags behind the submit it reports on must not bring a second one).
SUBMIT_RECHECK_SECONDS = 5.0
# Upload chunk: 1 MiB costs the least client CPU per byte (measured, benchmarks/bench_upload.py).
# Smaller chunks pay httpx/httpcore/anyio overhead per chunk more often; larger ones overflow the
# socket buffer, so asyncio copies the unsent rest into its own buffer, and a 4 MiB read no longer
# stays in the CPU cache until the socket send copies it out again.
CHUNK_SIZE = 1024 * 1024
TRACKING_TYPES = ("IMB", "IMPB")

log = logging.getLogger("c2m_tui.http")


class BatchClient(BoundedClient):
    """Async client of Click2Mail's Batch API (``/v1/batches``)."""

    API_NAME = "Batch API"

    def __init__(self, base_url: str, username: str, password: str, *,
                 submit_recheck: float = SUBMIT_RECHECK_SECONDS, **bounds) -> None:
        super().__init__(base_url, username, password, **bounds)
        self.submit_recheck = submit_recheck

    async def __aenter__(self) -> "BatchClient":
        return self

    # ------------------------------------------------------------------ the calls

    async def check_credentials(self) -> None:
        """Ask for a batch that cannot exist: 401 means rejected; 404 (or any 2xx) means accepted."""
        try:
            await self._send("GET", "batches/0", what="check credentials", retry=True)
        except E.NotFoundError:
            return
        except E.BadRequestError:
            return  # the server knew who we are and refused the id: credentials are fine

    async def create_batch(self) -> BatchStatus:
        """``POST /batches``: a new empty batch. Retried only if nothing reached the server."""
        from c2m_tui.core.responses import parse_create

        try:
            response = await self._send("POST", "batches", what="create a batch", retry="connect")
        except (E.RequestTimeoutError, E.ServerError, E.AnswerTooLargeError) as err:
            raise E.AmbiguousSubmitError(
                f"creating a batch got no clear answer ({err}); a batch may exist on the server with an "
                "unknown id. It holds nothing and costs nothing until it is submitted.",
            ) from err
        except E.TransportError as err:
            if isinstance(err, E.UnreachableError):
                raise
            raise E.AmbiguousSubmitError(
                f"creating a batch got no clear answer ({err}); a batch may exist with an unknown id"
            ) from err
        return parse_create(response.content)

    async def upload_pdf(self, batch_id: str, path: Path, progress: ProgressCallback | None = None) -> str:
        """``PUT /batches/{id}`` with the raw PDF, streamed from disk (never read whole). Returns the
        SHA-256 (hex) of exactly the bytes the server accepted, hashed while they were sent, so a
        caller can compare it with the reviewed hash instead of reading the file once more."""
        path = Path(path)
        size = regular_size(path, "the PDF")  # a FIFO or a device is refused here, before any byte is sent
        digests: list[str] = []  # one per attempt that streamed the whole file; the last one was accepted

        def body() -> AsyncIterator[bytes]:
            return self._stream_file(path, size, progress, digests)

        await self._send(
            "PUT",
            f"batches/{_bid(batch_id)}",
            what=f"upload the PDF to batch {batch_id}",
            retry=True,
            content=body,
            headers={"Content-Type": "application/pdf", "Content-Length": str(size)},
        )
        if not digests:  # the server answered before reading the whole body: nothing to vouch for
            raise E.InputError(f"{path}: the upload ended before the whole file was sent")
        return digests[-1]

    async def upload_xml(self, batch_id: str, xml: bytes) -> None:
        """``PUT /batches/{id}`` with the batch XML, exactly the bytes given when they start with their
        XML declaration (``xml_bytes.normalise_batch_xml`` makes sure of it; never a declaration put
        in front of a byte-order mark or UTF-16)."""
        if not xml.startswith(b"<?xml"):
            from c2m_tui.core.xml_bytes import normalise_batch_xml

            xml = normalise_batch_xml(xml)
        await self._send(
            "PUT",
            f"batches/{_bid(batch_id)}",
            what=f"upload the batch XML to batch {batch_id}",
            retry=True,
            content=lambda: xml,
            headers={"Content-Type": "application/xml"},
        )

    async def submit(self, batch_id: str) -> None:
        """``POST /batches/{id}``: submit, POSTed at most twice in a run, and twice only when it is
        safe. After a failed POST the status is read: ``submitted=true`` means it took effect. A
        second POST goes only when the server *answered* 429 or 5xx and the status says "not
        submitted" on two reads ``submit_recheck`` seconds apart. A refusal (other 4xx) is raised
        as it is; no answer (timeout, dropped connection, garbled answer) is an
        AmbiguousSubmitError: possibly submitted, for ``resume`` to settle. A 401 or a connection
        that never opened is raised at once (nothing reached the server)."""
        bid = _bid(batch_id)
        for attempt in (1, 2):
            try:
                await self._send("POST", f"batches/{bid}", what=f"submit batch {bid}", retry="connect")
                return
            except (E.UnreachableError, E.CredentialsError, E.NotFoundError):
                raise  # nothing was sent, or the server refused us at the door / has no such batch
            except (E.ServerError, E.BadRequestError) as err:
                failure: E.C2MError = err
                answered = err.status_code is not None
            except E.C2MError as err:  # timeout, a broken connection, an answer too big to read
                failure, answered = err, False
            self._log.info("submit of %s failed (%s); reading its status first", bid, failure)
            if await self._shows_submitted(bid, failure):
                return
            retryable = isinstance(failure, E.APIError) and failure.status_code in RETRYABLE_STATUS
            if not answered:
                raise E.AmbiguousSubmitError(
                    f"batch {bid} is possibly submitted: the submit got no answer ({failure}) and its status "
                    f"does not show it yet. It is not submitted again in this run; `c2m-tui resume {bid}` "
                    "settles it from the status later"
                ) from failure
            if not retryable:
                raise failure  # the server answered and refused (400, 404, ...): not submitted
            if attempt == 2:
                raise E.ServerError(
                    f"submitting batch {bid} failed twice ({failure}); its status still says not submitted",
                    status_code=failure.status_code,  # type: ignore[union-attr]
                ) from failure
            await asyncio.sleep(self.submit_recheck)
            if await self._shows_submitted(bid, failure):
                return  # the first read lagged behind the submit
            self._log.info("batch %s is not submitted on two reads %.1f s apart: submitting again",
                           bid, self.submit_recheck)

    async def _shows_submitted(self, bid: str, failure: E.C2MError) -> bool:
        try:
            state = await self.status(bid)
        except E.C2MError as status_err:
            raise E.AmbiguousSubmitError(
                f"batch {bid} is possibly submitted: the submit failed ({failure}) and its status could not "
                f"be read ({status_err}). Do not submit again: check it with `c2m-tui status {bid}`"
            ) from failure
        if state.submitted:
            self._log.info("batch %s shows submitted=true: the submit took effect", bid)
        return state.submitted

    async def status(self, batch_id: str) -> BatchStatus:
        """``GET /batches/{id}`` (answers 201, sic)."""
        from c2m_tui.core.responses import ResponseFormatError, parse_status

        bid = _bid(batch_id)
        response = await self._send("GET", f"batches/{bid}", what=f"read the status of batch {bid}", retry=True)
        state = await _parse(parse_status, response.content)
        if state.id != bid:
            raise ResponseFormatError(
                f"unexpected answer to read the status of batch {bid}: it is the status of batch "
                f"{state.id[:24]}; refused", body=response.text[:500])
        return state

    async def details(self, batch_id: str) -> BatchDetails:
        from c2m_tui.core.responses import parse_details

        bid = _bid(batch_id)
        response = await self._send(
            "GET", f"batches/{bid}/details", what=f"read the details of batch {bid}", retry=True
        )
        return await _parse(parse_details, response.content)

    async def tracking(self, batch_id: str, tracking_type: str = "IMB", *, keep_unreadable_in: Path | None = None) -> Tracking:
        """The tracking answer in any shape we know. "Not available" may come with a 4xx status
        too. An answer we cannot read raises TrackingUnreadableError; with ``keep_unreadable_in``
        (a data directory) its raw body is saved there first and the message says where."""
        from c2m_tui.core.responses import TrackingUnreadableError, not_available_answer, parse_tracking

        bid = _bid(batch_id)
        kind = tracking_type.upper()
        if kind not in TRACKING_TYPES:
            raise E.UsageError(f"tracking type must be IMB or IMPB, not {tracking_type!r}")
        try:
            response = await self._send(
                "GET",
                f"batches/{bid}/tracking",
                what=f"read the tracking of batch {bid}",
                retry=True,
                params={"trackingType": kind},
            )
        except (E.NotFoundError, E.BadRequestError) as err:
            unavailable = not_available_answer(err.body.encode("utf-8", "replace"), kind)
            if unavailable is None:
                raise
            return unavailable
        try:
            tracking = await _parse(parse_tracking, response.content, kind)
        except TrackingUnreadableError as err:
            if keep_unreadable_in is not None:
                err.keep_raw(keep_unreadable_in, bid)
            raise
        tracking.as_of = _server_time(response)
        return tracking

    # ------------------------------------------------------------------ plumbing

    async def _stream_file(self, path: Path, size: int, progress: ProgressCallback | None,
                           digests: list[str]) -> AsyncIterator[bytes]:
        sent = 0
        hasher = hashlib.sha256()
        if progress:
            progress(0, size)
        fd = open_regular(path, "the PDF")
        # Each chunk is hashed in a thread of its own while the event loop sends it: hashlib lets go
        # of the GIL, so the ~1 ms per MiB of hashing overlaps the socket writes instead of adding
        # to them (a third of the upload's time when it was inline). Chunks are hashed in order, one
        # at a time, the next only after the last is done: at most two chunks are held.
        loop = asyncio.get_running_loop()
        hashing = ThreadPoolExecutor(1, thread_name_prefix="c2m-upload-hash")
        pending: asyncio.Future | None = None
        try:
            # Read inline: a 1 MiB read from the page cache takes well under a millisecond, and a
            # thread hop per chunk cost ~25% more CPU for no gain in throughput (measured).
            # Each chunk is a fresh bytes object: h11 passes exact bytes through untouched but
            # copies a memoryview, so reading into a reused buffer would add a copy, not save one.
            while sent < size:
                chunk = os.read(fd, min(CHUNK_SIZE, size - sent))
                if not chunk:
                    break
                if sent + len(chunk) == size and os.read(fd, 1):
                    # it grew: stop before the last chunk, so the server never gets a complete body
                    grown = os.fstat(fd).st_size
                    raise E.InputError(f"{path}: the file changed size during the upload ({size} -> {grown} bytes)")
                sent += len(chunk)
                if pending is not None:
                    await pending
                pending = loop.run_in_executor(hashing, hasher.update, chunk)
                yield chunk
                if progress:
                    progress(sent, size)
            if pending is not None:
                await pending
        finally:
            os.close(fd)
            hashing.shutdown(wait=False)
        if sent != size:
            raise E.InputError(f"{path}: the file changed size during the upload ({size} -> {sent} bytes)")
        digests.append(hasher.hexdigest())


# Answers bigger than this are parsed in a thread, so a 100k-scan tracking answer does not freeze
# a TUI's event loop; small ones are parsed in place (a thread hop costs more than they do).
PARSE_IN_THREAD_BYTES = 256 * 1024


async def _parse(parser: Callable[..., T], data: bytes, *args) -> T:
    if len(data) > PARSE_IN_THREAD_BYTES:
        return await asyncio.to_thread(_parse_in_bulk, parser, data, *args)
    return parser(data, *args)


def _parse_in_bulk(parser: Callable[..., T], data: bytes, *args) -> T:
    """A big answer's hundreds of thousands of objects made with the garbage collector held off
    (its full collections, run in this thread with the GIL held, stalled the app's event loop for
    up to a quarter of a second each): see ``c2m_tui.core.gcquiet``."""
    from c2m_tui.core.gcquiet import bulk_objects

    with bulk_objects():
        return parser(data, *args)


def _server_time(response: Answer) -> str | None:
    """The server's clock from its Date header (ISO-8601), or None when absent or garbled."""
    from email.utils import parsedate_to_datetime

    value = response.headers.get("date")
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).isoformat(timespec="seconds")
    except (TypeError, ValueError, IndexError):
        return None


def _bid(batch_id: str | int) -> str:
    """Batch ids are plain integers: refuse anything else before it reaches a URL."""
    from c2m_tui.core.responses import is_batch_id

    text = str(batch_id).strip()
    if not is_batch_id(text):
        raise E.UsageError(f"a batch id is a number of at most 20 digits, not {str(batch_id)[:40]!r}")
    return text


async def run_with_client(client: BatchClient, func: Callable[[BatchClient], Awaitable[T]]) -> T:
    async with client:
        return await func(client)
