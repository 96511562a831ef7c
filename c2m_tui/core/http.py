"""Bounded HTTP calls shared by the Batch API client (client.py) and the REST client (rest.py).

One ``httpx.AsyncClient`` (so one TCP connection) per client. Every request is bounded: connect
(10 s), each read (105 s), and an overall deadline for the whole request (130 s, plus the body's
size at a floor rate for uploads); an answer bigger than ``max_answer_bytes`` is refused while it
streams in, never held whole. Plain-http base URLs (loopback only) never go through a proxy from
the environment (the Basic credentials would reach it in clear); HTTPS honours
HTTPS_PROXY/ALL_PROXY/NO_PROXY. Credentials go only in the Authorization header; nothing here logs
them. Failures become the typed errors of ``errors.py``, each naming the call (``what``).
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable
from urllib.parse import urlsplit


def _import_httpx():
    """``import httpx`` without its command-line client: httpx's ``__init__`` imports ``httpx._main``
    (rich, click, pygments: about 40 ms of every command's start) only to offer ``httpx.main``. A
    stand-in whose ``main`` loads the real module is given for the import and removed after it, so
    ``httpx.main()`` and a later ``import httpx._main`` still get the real thing."""
    if "httpx" in sys.modules or "httpx._main" in sys.modules:
        import httpx

        return httpx
    import types

    stub = types.ModuleType("httpx._main")

    def main(*args, **kwargs):  # pragma: no cover - httpx's own CLI, never used by c2m-tui
        import importlib

        sys.modules.pop("httpx._main", None)
        return importlib.import_module("httpx._main").main(*args, **kwargs)

    stub.main = main
    sys.modules["httpx._main"] = stub
    try:
        import httpx
    finally:
        if sys.modules.get("httpx._main") is stub:
            del sys.modules["httpx._main"]
    return httpx


httpx = _import_httpx()

from c2m_tui import __version__
from c2m_tui.core import errors as E

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
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504, 520, 521, 522, 523, 524})

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
    headers: dict[str, str] = field(default_factory=dict, compare=False)

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



class BoundedClient:
    """The bounded-request machinery of one API (``API_NAME`` names it in messages)."""

    API_NAME = "API"

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
    ) -> None:
        self.base_url = check_base_url(base_url)
        self.host = urlsplit(self.base_url).netloc
        self.retries = retries
        self.backoff = backoff
        self.deadline = deadline
        self.upload_floor_rate = upload_floor_rate
        self.max_answer_bytes = max_answer_bytes
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
            verify=_tls_context(urlsplit(self.base_url).scheme == "https"),
        )

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> "BoundedClient":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def closed(self) -> bool:
        return self._http.is_closed


    # ------------------------------------------------------------------ plumbing

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
                    f"cannot reach {self.host} to {what}: {_reason(err)}",
                    hint=self._unreachable_hint(),
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
        parts = urlsplit(self.base_url)
        host = parts.hostname or ""
        if host == "localhost" or host.startswith("127.") or host == "::1":
            flag = f" --port {parts.port}" if parts.port and parts.port != 8025 else ""
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
        return Answer(response.status_code, b"".join(parts), str(request.url), dict(response.headers))

    def _too_large(self, what: str, size: int | None) -> E.AnswerTooLargeError:
        limit = self.max_answer_bytes >> 20
        told = f" ({size >> 20} MiB)" if size else ""
        return E.AnswerTooLargeError(
            f"the answer from {self.host} to {what} is over {limit} MiB{told}: refused, not read "
            f"(no {self.API_NAME} answer is that big)"
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




@lru_cache(maxsize=2)
def _tls_context(https: bool):
    """The TLS context of a client, made once per process: loading the CA bundle costs ~20 ms, which
    every client (the Batch API's and the REST API's) paid again. https: httpx's own default (certifi,
    or SSL_CERT_FILE/SSL_CERT_DIR). Plain http (loopback only) never uses TLS, so it gets a context
    with no CA at all: should a request ever go over TLS with it, verification fails closed."""
    import ssl

    if https:
        return httpx.create_ssl_context(trust_env=True)
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies (CERT_REQUIRED, check_hostname), trusts no CA


def _reason(err: Exception) -> str:
    text = str(err) or type(err).__name__
    return text.splitlines()[0][:200]

