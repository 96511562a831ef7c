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
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import AsyncIterator, Awaitable, Callable, TypeVar
from urllib.parse import urlsplit

import httpx

from c2m_tui import __version__
from c2m_tui.core import errors as E
from c2m_tui.core.inputfile import open_regular, regular_size
from c2m_tui.core.models import BatchDetails, BatchStatus, Tracking

ProgressCallback = Callable[[int, int], None]
T = TypeVar("T")

# Cloudflare answers 524 after 100 s of origin silence: wait a little longer than that for an answer.
DEFAULT_TIMEOUT = 105.0
CONNECT_TIMEOUT = 10.0
# The whole of one request (connect, send, every read) ends within this: a server that drips one
# byte every few seconds never trips the per-read timeout above, but it trips this.
DEFAULT_DEADLINE = DEFAULT_TIMEOUT + CONNECT_TIMEOUT + 15.0
# An upload's deadline grows with its body at this floor rate (50 KiB/s, a poor mobile uplink):
# a 200 MB PDF may take 130 s + 68 min; a link slower than that is treated as broken.
UPLOAD_FLOOR_BYTES_PER_S = 50 * 1024
# No Batch API answer is near this (a 100,000-job status is about 25 MB): a bigger one is refused
# while it streams in, so memory stays bounded whatever the server sends.
MAX_ANSWER_BYTES = 64 * 1024 * 1024
# Submit: the gap between the two status reads that must both say "not submitted" before a second
# POST (a status that lags behind the submit it reports on must not bring a second one).
SUBMIT_RECHECK_SECONDS = 5.0
# Upload chunk: 1 MiB costs the least client CPU per byte (measured, benchmarks/bench_upload.py).
# Smaller chunks pay httpx/httpcore/anyio overhead per chunk more often; larger ones overflow the
# socket buffer, so asyncio copies the unsent rest into its own buffer, and a 4 MiB read no longer
# stays in the CPU cache until the socket send copies it out again.
CHUNK_SIZE = 1024 * 1024
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504, 520, 521, 522, 523, 524})
TRACKING_TYPES = ("IMB", "IMPB")
_LOOPBACK = ("127.", "localhost", "::1", "[::1]")

log = logging.getLogger("c2m_tui.http")


def check_base_url(base_url: str) -> str:
    """A base URL must be http(s); plain http only to loopback (Basic auth would travel in clear)."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise E.UsageError(f"not a usable API base URL: {base_url!r} (expected https://HOST/v1)")
    host = parts.hostname
    if parts.scheme == "http" and not (host == "localhost" or host.startswith("127.") or host == "::1"):
        raise E.UsageError(
            f"refusing plain http to {host}: the password would travel unencrypted (use https)"
        )
    return base_url.rstrip("/")


@dataclass(frozen=True)
class Answer:
    """One HTTP answer, read whole but never past ``MAX_ANSWER_BYTES``."""

    status_code: int
    content: bytes
    url: str
    headers: httpx.Headers = field(default_factory=httpx.Headers)  # e.g. Date, read by tracking

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300


def _server_message(response: Answer) -> str:
    """The server's own words from an error body: XML text content or plain text, one line, short."""
    text = response.text or ""
    text = re.sub(r"<\?xml[^>]*\?>", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text[:300]


class BatchClient:
    """Async client of Click2Mail's Batch API (``/v1/batches``)."""

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = 3,
        backoff: float = 0.5,
        debug_log: logging.Logger | None = None,
        deadline: float = DEFAULT_DEADLINE,
        upload_floor_rate: float = UPLOAD_FLOOR_BYTES_PER_S,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
        submit_recheck: float = SUBMIT_RECHECK_SECONDS,
    ) -> None:
        self.base_url = check_base_url(base_url)
        self.host = urlsplit(self.base_url).netloc
        self.retries = retries
        self.backoff = backoff
        self.deadline = deadline
        self.upload_floor_rate = upload_floor_rate
        self.max_answer_bytes = max_answer_bytes
        self.submit_recheck = submit_recheck
        self._log = debug_log or log
        self._http = httpx.AsyncClient(
            base_url=self.base_url + "/",
            auth=httpx.BasicAuth(username, password),
            timeout=httpx.Timeout(timeout, connect=CONNECT_TIMEOUT),
            headers={"User-Agent": f"c2m-tui/{__version__}", "Accept": "application/xml"},
            follow_redirects=False,
            # Environment proxies only for https: through a plain-http proxy the Authorization
            # header (the password, base64) would reach the proxy in clear. Plain http is loopback
            # only (check_base_url), which never needs a proxy.
            trust_env=urlsplit(self.base_url).scheme == "https",
        )

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> "BatchClient":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def closed(self) -> bool:
        return self._http.is_closed

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

    async def upload_pdf(self, batch_id: str, path: Path, progress: ProgressCallback | None = None) -> None:
        """``PUT /batches/{id}`` with the raw PDF, streamed from disk (never read whole)."""
        path = Path(path)
        size = regular_size(path, "the PDF")  # a FIFO or a device is refused here, before any byte is sent

        def body() -> AsyncIterator[bytes]:
            return self._stream_file(path, size, progress)

        await self._send(
            "PUT",
            f"batches/{_bid(batch_id)}",
            what=f"upload the PDF to batch {batch_id}",
            retry=True,
            content=body,
            headers={"Content-Type": "application/pdf", "Content-Length": str(size)},
        )

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

    async def _stream_file(self, path: Path, size: int, progress: ProgressCallback | None) -> AsyncIterator[bytes]:
        sent = 0
        if progress:
            progress(0, size)
        fd = open_regular(path, "the PDF")
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
                yield chunk
                if progress:
                    progress(sent, size)
        finally:
            os.close(fd)
        if sent != size:
            raise E.InputError(f"{path}: the file changed size during the upload ({size} -> {sent} bytes)")

    async def _send(
        self,
        method: str,
        url: str,
        *,
        what: str,
        retry: bool | str,
        content: Callable[[], object] | None = None,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> Answer:
        """Send one call. ``retry=True``: retry transport errors and 5xx; ``"connect"``: only when
        the connection could not be opened; ``False``: never. Each attempt is bounded by
        ``_deadline`` and its answer by ``max_answer_bytes``."""
        attempt = 0
        while True:
            attempt += 1
            body = content() if content else None
            deadline = self._deadline(body, headers)
            try:
                async with asyncio.timeout(deadline):
                    response = await self._request(method, url, what, body, headers, params)
            except httpx.ConnectError as err:
                failure: E.C2MError = E.UnreachableError(
                    f"cannot reach {self.host} to {what}: {_reason(err)}", hint=self._unreachable_hint(),
                )
            except httpx.TimeoutException as err:
                if isinstance(err, (httpx.ConnectTimeout, httpx.PoolTimeout)):
                    failure = E.UnreachableError(f"cannot reach {self.host} to {what}: connection timed out")
                else:
                    failure = E.RequestTimeoutError(f"no answer from {self.host} in time to {what}")
            except TimeoutError:
                failure = E.RequestTimeoutError(
                    f"no complete answer from {self.host} within {deadline:.0f} s to {what}"
                    " (the call's deadline)"
                )
            except httpx.TransportError as err:
                # the connection broke after the request may have been (partly) sent
                failure = E.TransportError(f"the connection to {self.host} broke while trying to {what}: {_reason(err)}")
            else:
                self._log.debug("%s %s -> %s", method, response.url, response.status_code)
                if response.is_success:
                    return response
                failure = self._status_error(response, what)
                if not (isinstance(failure, E.ServerError) and response.status_code in RETRYABLE_STATUS):
                    raise failure
            self._log.debug("%s %s failed: %s", method, url, failure)
            connect_only = isinstance(failure, E.UnreachableError)
            may_retry = retry is True or (retry == "connect" and connect_only)
            if not may_retry or attempt > self.retries:
                raise failure
            await asyncio.sleep(self.backoff * 2 ** (attempt - 1))

    def _unreachable_hint(self) -> str:
        """What to do about a refused connection: on this machine it is the simulator not running."""
        host = urlsplit(self.base_url).hostname or ""
        if host == "localhost" or host.startswith("127.") or host == "::1":
            port = urlsplit(self.base_url).port
            flag = f" --port {port}" if port and port != 8025 else ""
            return (f"nothing listens there: start the simulator with `c2m-tui sim{flag}` in another terminal, "
                    "or put --demo before the command to run it on the built-in one")
        return "is the server running and the base URL right?"

    def _deadline(self, body: object, headers: dict[str, str] | None) -> float:
        """The whole request's time limit: the base deadline, plus the body at the floor rate."""
        size = len(body) if isinstance(body, (bytes, bytearray)) else 0
        if not size and headers and headers.get("Content-Length", "").isdigit():
            size = int(headers["Content-Length"])
        return self.deadline + size / self.upload_floor_rate

    async def _request(self, method: str, url: str, what: str, body: object,
                       headers: dict[str, str] | None, params: dict[str, str] | None) -> Answer:
        """One request, its answer streamed in and refused past ``max_answer_bytes``."""
        request = self._http.build_request(method, url, content=body, headers=headers, params=params)
        response = await self._http.send(request, stream=True)
        try:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.max_answer_bytes:
                raise self._too_large(what, int(declared))
            parts: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self.max_answer_bytes:
                    raise self._too_large(what, None)
                parts.append(chunk)
        finally:
            await response.aclose()
        return Answer(response.status_code, b"".join(parts), str(request.url), response.headers)

    def _too_large(self, what: str, size: int | None) -> E.AnswerTooLargeError:
        limit = self.max_answer_bytes >> 20
        told = f" ({size >> 20} MiB)" if size else ""
        return E.AnswerTooLargeError(
            f"the answer from {self.host} to {what} is over {limit} MiB{told}: refused, not read "
            "(no Batch API answer is that big)"
        )

    def _status_error(self, response: Answer, what: str) -> E.C2MError:
        code = response.status_code
        message = _server_message(response)
        if code == 401:
            return E.CredentialsError(
                f"{self.host} rejected the username or password (HTTP 401) when trying to {what}",
                hint="staging and production have separate logins",
            )
        if code == 404:
            return E.NotFoundError(
                f"not found on {self.host} (HTTP 404) when trying to {what}" + (f": {message}" if message else ""),
                status_code=code,
                body=response.text,
            )
        if 400 <= code < 500:
            hint = "Cloudflare refused the request" if code == 403 else None
            return E.BadRequestError(
                f"{self.host} refused to {what} (HTTP {code})" + (f": {message}" if message else ""),
                status_code=code,
                body=response.text,
                hint=hint,
            )
        if code == 524:
            return E.ServerError(
                f"{self.host} timed out upstream (HTTP 524) when trying to {what}; usually transient",
                status_code=code,
            )
        return E.ServerError(
            f"{self.host} failed (HTTP {code}) when trying to {what}" + (f": {message}" if message else ""),
            status_code=code,
            body=response.text,
        )


# Answers bigger than this are parsed in a thread, so a 100k-scan tracking answer does not freeze
# a TUI's event loop; small ones are parsed in place (a thread hop costs more than they do).
PARSE_IN_THREAD_BYTES = 256 * 1024


async def _parse(parser: Callable[..., T], data: bytes, *args) -> T:
    if len(data) > PARSE_IN_THREAD_BYTES:
        return await asyncio.to_thread(parser, data, *args)
    return parser(data, *args)


def _server_time(response: "Answer") -> str | None:
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


def _reason(err: Exception) -> str:
    text = str(err) or type(err).__name__
    return text.splitlines()[0][:200]


async def run_with_client(client: BatchClient, func: Callable[[BatchClient], Awaitable[T]]) -> T:
    async with client:
        return await func(client)
