"""ASGI layers in front of the /v1 routes, outermost first.

``FaultLayer`` plays the network and an unreliable origin: it counts connections, adds latency,
injects faults and writes the access log. ``GateLayer`` plays Cloudflare and the login: a PUT whose
body is a multipart form is refused with Cloudflare's 403 block page (reference §1.4), whatever its
Content-Type header says, then HTTP Basic auth is required on every call.

Why the body and not only the header: Click2Mail's Python SDK before commit 941defa sent the PDF
with requests' ``files=`` (a multipart/form-data body) under an explicit ``Content-Type:
application/pdf``, and the commit says that drew "a Cloudflare 403". Which Cloudflare rule fired is
not known [INFERRED]; the simulator recognises the form by its first bytes (a ``--boundary`` line
followed by a ``Content-Disposition: form-data`` part header), as a body-inspecting rule would.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import re
import secrets
import sys
import time
from typing import Any, Callable

from c2m_tui.sim.context import SimContext
from c2m_tui.sim.faults import ArmedFault, operation

REALM = "Click2Mail Batch API"
USER_KEY = "c2m.user"  # scope key under which GateLayer leaves the authenticated user name

Scope = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[dict], Any]


def is_v1(scope: Scope) -> bool:
    if scope["type"] != "http":
        return False
    path = scope["path"]
    return path == "/v1" or path.startswith("/v1/")


def header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return ""


async def send_text(send: Send, status: int, text: str, extra: list[tuple[bytes, bytes]] = ()) -> None:
    body = text.encode("utf-8")
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + list(extra)})
    await send({"type": "http.response.body", "body": body})


async def drain(receive: Receive, stop_after: int | None = None) -> None:
    """Read (and forget) the request body: all of it, or at least ``stop_after`` bytes."""
    got = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return
        got += len(message.get("body", b""))
        if not message.get("more_body") or (stop_after is not None and got >= stop_after):
            return


class FaultLayer:
    def __init__(self, app: Any, sim: SimContext) -> None:
        self.app = app
        self.sim = sim

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_v1(scope):
            await self.app(scope, receive, send)
            return
        sim = self.sim
        sim.connections.note_v1_request(scope.get("client"))
        if sim.options.latency_ms:
            await asyncio.sleep(sim.options.latency_ms / 1000)
        status: list[int] = []

        async def send_logged(message: dict) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        op = operation(scope["method"], scope["path"], header(scope, b"content-type"))
        fault = sim.faults.pick(scope["method"], op)
        try:
            if fault is None:
                await self.app(scope, receive, send_logged)
            else:
                await self._inject(fault, scope, receive, send_logged)
        finally:
            if sim.options.access_log:
                self._log(scope, status, fault)

    async def _inject(self, fault: ArmedFault, scope: Scope, receive: Receive, send: Send) -> None:
        kind = fault.kind
        if kind == "delay":
            await asyncio.sleep(fault.delay_ms / 1000)
            await self.app(scope, receive, send)
        elif kind == "500-before":
            await drain(receive)
            await send_text(send, 500, "Internal Server Error")
        elif kind == "drop-before":
            if scope["method"] in ("PUT", "POST"):  # a mid-upload drop: part of the body arrived
                length = header(scope, b"content-length")
                await drain(receive, stop_after=max(1, int(length) // 2) if length.isdigit() else 1)
            await self._drop(scope, send)
        else:  # 500-after / drop-after: let the call take effect, then lose its answer

            async def swallow(message: dict) -> None:
                pass

            await self.app(scope, receive, swallow)
            if kind == "500-after":
                await send_text(send, 500, "Internal Server Error")
            else:
                await self._drop(scope, send)

    async def _drop(self, scope: Scope, send: Send) -> None:
        peer = scope.get("client")
        if self.sim.connections.abort(peer):
            # let uvicorn see the connection lost, so it does not try to answer on it
            for _ in range(100):
                if not self.sim.connections.is_open(peer):
                    break
                await asyncio.sleep(0.001)
            return
        # not served by our runner (no socket handle): promise a body and break off instead
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"64")]})
        raise ConnectionAbortedError("simulated dropped connection")

    def _log(self, scope: Scope, status: list[int], fault: ArmedFault | None) -> None:
        code = str(status[0]) if status else "dropped"
        note = f" [fault {fault.kind}]" if fault is not None else ""
        query = f"?{scope['query_string'].decode('latin-1')}" if scope.get("query_string") else ""
        user = scope.get(USER_KEY, "-")
        line = f"{time.strftime('%H:%M:%S')} {user} {scope['method']} {scope['path']}{query} {code}{note}"
        print(line, file=sys.stdout, flush=True)


def basic_user(authorization: str, users: dict[str, str]) -> str | None:
    """The user named by a valid ``Authorization: Basic`` header, else None."""
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    name, sep, password = decoded.partition(":")
    expected = users.get(name)
    # compare even for unknown names, so timing does not tell which names exist
    ok = hmac.compare_digest(password.encode(), (expected or "\0").encode())
    return name if sep and expected is not None and ok else None


SNIFF_BYTES = 2048  # enough for a boundary line and the first part's headers
# "--" boundary (RFC 2046: 1-70 characters, no CR/LF) CRLF, then the part's headers, one of them
# Content-Disposition: form-data (what requests/urllib3, curl -F and browsers send).
_MULTIPART_START = re.compile(
    rb"\A--[^\r\n]{1,70}\r?\n(?:[!-9;-~]+:[^\r\n]*\r?\n)*?"
    rb"content-disposition:[ \t]*form-data",
    re.IGNORECASE,
)


def looks_multipart(content_type: str, head: bytes) -> bool:
    """True for a multipart body: by its Content-Type, or by its first bytes whatever the label."""
    return content_type.lower().lstrip().startswith("multipart/") or bool(_MULTIPART_START.match(head))


def cloudflare_block_page(host: str, ray_id: str) -> str:
    """A short page in the shape of Cloudflare's WAF block ("Attention Required! | Cloudflare",
    "Sorry, you have been blocked", a Ray ID), plus one line saying what the simulator saw.
    No scripts or styles, so a client that strips tags gets readable words."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en-US\">\n<head><title>Attention Required! | Cloudflare</title></head>\n"
        "<body>\n<h1>Sorry, you have been blocked</h1>\n"
        f"<h2>You are unable to access {host}</h2>\n"
        "<p>This website is using a security service to protect itself from online attacks.</p>\n"
        "<p>c2m-tui simulator: the upload body is a multipart form. Send the PDF as the raw request body "
        "with Content-Type: application/pdf.</p>\n"
        f"<p>Cloudflare Ray ID: <strong>{ray_id}</strong></p>\n</body>\n</html>\n"
    )


async def send_block_page(scope: Scope, send: Send) -> None:
    """HTTP 403 as Cloudflare's edge sends it: HTML, ``Server: cloudflare``, a ``CF-RAY`` header."""
    ray_id = f"{secrets.token_hex(8)}-IAD"
    host = header(scope, b"host").rsplit(":", 1)[0] or "batch.click2mail.com"
    body = cloudflare_block_page(host, ray_id).encode("utf-8")
    headers = [
        (b"content-type", b"text/html; charset=UTF-8"),
        (b"content-length", str(len(body)).encode()),
        (b"server", b"cloudflare"),
        (b"cf-ray", ray_id.encode()),
        (b"cache-control", b"private, max-age=0, no-store, no-cache, must-revalidate"),
    ]
    await send({"type": "http.response.start", "status": 403, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def peek_body(receive: Receive, limit: int) -> tuple[bytes, Receive]:
    """At least the first ``limit`` bytes of the request body (all of it, if shorter), and a
    ``receive`` that hands the app the whole body again from the start."""
    head = b""
    more = True
    replay: list[dict] = []
    while more and len(head) < limit:
        message = await receive()
        if message["type"] != "http.request":  # the client went away mid-body: the app sees that too
            replay.append(message)
            break
        head += message.get("body", b"")
        more = bool(message.get("more_body"))
    replay.insert(0, {"type": "http.request", "body": head, "more_body": more})

    async def replaying() -> dict:
        if replay:
            return replay.pop(0)
        return await receive()

    return head, replaying


def is_molpro(scope: Scope) -> bool:
    return scope["type"] == "http" and (scope["path"] == "/molpro" or scope["path"].startswith("/molpro/"))


class GateLayer:
    def __init__(self, app: Any, sim: SimContext) -> None:
        self.app = app
        self.sim = sim

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not (is_v1(scope) or is_molpro(scope)):  # the REST calls need the same login
            await self.app(scope, receive, send)
            return
        if scope["method"] == "PUT":
            # Cloudflare looks at the request before the origin asks who is calling: 403 before 401
            head, receive = await peek_body(receive, SNIFF_BYTES)
            if looks_multipart(header(scope, b"content-type"), head):
                await send_block_page(scope, send)
                return
        user = basic_user(header(scope, b"authorization"), self.sim.options.users)
        if user is None:
            challenge = f'Basic realm="{REALM}"'.encode()
            await send_text(
                send,
                401,
                "Unauthorized: a valid Click2Mail username and password are required (HTTP Basic).",
                [(b"www-authenticate", challenge)],
            )
            return
        scope[USER_KEY] = user
        await self.app(scope, receive, send)
