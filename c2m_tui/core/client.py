"""The Batch API client: one ``httpx.AsyncClient`` (so one TCP connection) per session.

Safety rules, because every batch costs real money:
- GET and PUT are idempotent and are retried with backoff on transport errors and 5xx.
- ``POST /batches`` (create) and ``POST /batches/{id}`` (submit) are never retried blindly. Create is
  retried only when the connection could not be opened (nothing was sent). After any other failure of
  submit the client reads the batch status first: ``submitted=true`` means the submit took effect;
  ``submitted=false`` means it did not, and only then is it sent again.
- HTTP Basic credentials go only in the Authorization header; nothing here logs them.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
from pathlib import Path
from typing import AsyncIterator, Awaitable, Callable, TypeVar
from urllib.parse import urlsplit

import httpx

from c2m_tui import __version__
from c2m_tui.core import errors as E
from c2m_tui.core.models import BatchDetails, BatchStatus, Tracking

ProgressCallback = Callable[[int, int], None]
T = TypeVar("T")

# Cloudflare answers 524 after 100 s of origin silence: wait a little longer than that for an answer.
DEFAULT_TIMEOUT = 105.0
CONNECT_TIMEOUT = 10.0
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


def _server_message(response: httpx.Response) -> str:
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
    ) -> None:
        self.base_url = check_base_url(base_url)
        self.host = urlsplit(self.base_url).netloc
        self.retries = retries
        self.backoff = backoff
        self._log = debug_log or log
        self._http = httpx.AsyncClient(
            base_url=self.base_url + "/",
            auth=httpx.BasicAuth(username, password),
            timeout=httpx.Timeout(timeout, connect=CONNECT_TIMEOUT),
            headers={"User-Agent": f"c2m-tui/{__version__}", "Accept": "application/xml"},
            follow_redirects=False,
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
        except (E.RequestTimeoutError, E.ServerError) as err:
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
        try:
            size = path.stat().st_size
        except OSError as err:
            raise E.InputError(f"{path}: cannot read the PDF ({err.strerror or err})") from err
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
        """``PUT /batches/{id}`` with the batch XML (which must carry its XML declaration)."""
        if not xml.lstrip().startswith(b"<?xml"):
            xml = b'<?xml version="1.0" encoding="UTF-8"?>\n' + xml
        await self._send(
            "PUT",
            f"batches/{_bid(batch_id)}",
            what=f"upload the batch XML to batch {batch_id}",
            retry=True,
            content=lambda: xml,
            headers={"Content-Type": "application/xml"},
        )

    async def submit(self, batch_id: str) -> None:
        """``POST /batches/{id}``: submit. Never sent twice unless the status proves the first did not land."""
        bid = _bid(batch_id)
        attempts = 0
        while True:
            attempts += 1
            try:
                await self._send("POST", f"batches/{bid}", what=f"submit batch {bid}", retry="connect")
                return
            except (E.ServerError, E.RequestTimeoutError, E.TransportError) as err:
                if isinstance(err, E.UnreachableError):
                    raise  # the connection never opened: nothing was sent
                self._log.info("submit of %s failed ambiguously (%s); reading its status first", bid, err)
                try:
                    state = await self.status(bid)
                except E.C2MError as status_err:
                    raise E.AmbiguousSubmitError(
                        f"submitting batch {bid} got no clear answer ({err}), and its status could not be "
                        f"read ({status_err}). Do not submit again: check it with `c2m-tui status {bid}`."
                    ) from err
                if state.submitted:
                    self._log.info("batch %s shows submitted=true: the submit took effect", bid)
                    return
                if attempts > self.retries:
                    raise E.ServerError(
                        f"submitting batch {bid} failed {attempts} times ({err}); the batch is not submitted"
                    ) from err
                await asyncio.sleep(self.backoff * 2 ** (attempts - 1))

    async def status(self, batch_id: str) -> BatchStatus:
        """``GET /batches/{id}`` (answers 201, sic)."""
        from c2m_tui.core.responses import parse_status

        bid = _bid(batch_id)
        response = await self._send("GET", f"batches/{bid}", what=f"read the status of batch {bid}", retry=True)
        return await _parse(parse_status, response.content)

    async def details(self, batch_id: str) -> BatchDetails:
        from c2m_tui.core.responses import parse_details

        bid = _bid(batch_id)
        response = await self._send(
            "GET", f"batches/{bid}/details", what=f"read the details of batch {bid}", retry=True
        )
        return await _parse(parse_details, response.content)

    async def tracking(self, batch_id: str, tracking_type: str = "IMB") -> Tracking:
        from c2m_tui.core.responses import parse_tracking

        bid = _bid(batch_id)
        kind = tracking_type.upper()
        if kind not in TRACKING_TYPES:
            raise E.UsageError(f"tracking type must be IMB or IMPB, not {tracking_type!r}")
        response = await self._send(
            "GET",
            f"batches/{bid}/tracking",
            what=f"read the tracking of batch {bid}",
            retry=True,
            params={"trackingType": kind},
        )
        return await _parse(parse_tracking, response.content, kind)

    # ------------------------------------------------------------------ plumbing

    async def _stream_file(self, path: Path, size: int, progress: ProgressCallback | None,
                           digests: list[str]) -> AsyncIterator[bytes]:
        sent = 0
        hasher = hashlib.sha256()
        if progress:
            progress(0, size)
        fd = os.open(path, os.O_RDONLY)
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
                hasher.update(chunk)  # hashlib drops the GIL for big buffers; ~1 ms per MiB
                yield chunk
                if progress:
                    progress(sent, size)
        finally:
            os.close(fd)
        if sent != size:
            raise E.InputError(f"{path}: the file changed size during the upload ({size} -> {sent} bytes)")
        digests.append(hasher.hexdigest())

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
    ) -> httpx.Response:
        """Send one call. ``retry=True``: retry transport errors and 5xx; ``"connect"``: only when
        the connection could not be opened; ``False``: never."""
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self._http.request(
                    method,
                    url,
                    content=content() if content else None,
                    headers=headers,
                    params=params,
                )
            except httpx.ConnectError as err:
                failure: E.C2MError = E.UnreachableError(
                    f"cannot reach {self.host} to {what}: {_reason(err)}",
                    hint="is the server running and the base URL right?",
                )
            except httpx.TimeoutException as err:
                if isinstance(err, (httpx.ConnectTimeout, httpx.PoolTimeout)):
                    failure = E.UnreachableError(f"cannot reach {self.host} to {what}: connection timed out")
                else:
                    failure = E.RequestTimeoutError(f"no answer from {self.host} in time to {what}")
            except httpx.TransportError as err:
                # the connection broke after the request may have been (partly) sent
                failure = E.TransportError(f"the connection to {self.host} broke while trying to {what}: {_reason(err)}")
            else:
                self._log.debug("%s %s -> %s", method, response.request.url, response.status_code)
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

    def _status_error(self, response: httpx.Response, what: str) -> E.C2MError:
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


def _bid(batch_id: str | int) -> str:
    """Batch ids are plain integers: refuse anything else before it reaches a URL."""
    text = str(batch_id).strip()
    if not text.isdigit():
        raise E.UsageError(f"a batch id is a number, not {batch_id!r}")
    return text


def _reason(err: Exception) -> str:
    text = str(err) or type(err).__name__
    return text.splitlines()[0][:200]


async def run_with_client(client: BatchClient, func: Callable[[BatchClient], Awaitable[T]]) -> T:
    async with client:
        return await func(client)
