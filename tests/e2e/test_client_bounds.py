"""Every call bounded: a dripping server meets the call's deadline, a huge answer is refused while it
streams in (memory stays small), and FIFOs or devices named as inputs are refused at once.
Plus proxies on purpose: plain http never goes through an environment proxy; HTTPS does."""

from __future__ import annotations

import asyncio
import os
import time
import tracemalloc

import pytest

from c2m_tui.core import errors as E
from c2m_tui.core import client as C
from c2m_tui.core.client import BatchClient
from tests.conftest import SAMPLES, make_pdf
from tests.e2e.helpers import run_cli

SAMPLE = SAMPLES / "click2mail-shell-batch-request-letter.xml"
STATUS = (b"<?xml version='1.0' encoding='UTF-8'?><batchjob><id>7</id><hasErrors>false</hasErrors>"
          b"<received>false</received><submitted>false</submitted></batchjob>")


class Server:
    """A tiny HTTP/1.1 server on loopback whose answer is a coroutine of the test's choosing; it
    records every request head it gets."""

    def __init__(self, answer) -> None:
        self.answer = answer
        self.heads: list[bytes] = []
        self.server: asyncio.AbstractServer | None = None

    async def __aenter__(self) -> "Server":
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc) -> None:
        assert self.server is not None
        self.server.close()

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            self.heads.append(head)
            await self.answer(head, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


async def drip(head: bytes, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 201 Created\r\nContent-Type: application/xml\r\nContent-Length: 4000\r\n\r\n")
    for _ in range(4000):  # one byte every 0.1 s: never idle long enough for a read timeout
        writer.write(b" ")
        await writer.drain()
        await asyncio.sleep(0.1)


async def endless(head: bytes, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 201 Created\r\nContent-Type: application/xml\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"<jobs>" + b"x" * 65536 + b"</jobs>"
    line = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    while True:
        writer.write(line)
        await writer.drain()


async def declared_huge(head: bytes, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 201 Created\r\nContent-Length: 1073741824\r\n\r\n")
    await writer.drain()
    await asyncio.sleep(30)


async def refuse(head: bytes, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
    await writer.drain()


def test_the_defaults_bound_every_call():
    client = BatchClient("http://127.0.0.1:9/v1", "u", "p")
    assert client.deadline == C.DEFAULT_DEADLINE == 130.0 and client.max_answer_bytes == C.MAX_ANSWER_BYTES
    assert client._deadline(b"", None) == 130.0
    # a 200 MB upload: 130 s plus 200 MB at the 50 KiB/s floor
    assert client._deadline(None, {"Content-Length": str(200 * 1024 * 1024)}) == 130.0 + 4096.0
    asyncio.run(client.aclose())


async def test_a_dripping_server_meets_the_deadline():
    async with Server(drip) as server:
        async with BatchClient(server.url + "/v1", "u", "p", deadline=1.5, retries=0) as client:
            started = time.monotonic()
            with pytest.raises(E.RequestTimeoutError, match="within 2 s to read the status"):
                await asyncio.wait_for(client.status("7"), 20)
            assert time.monotonic() - started < 5
            with pytest.raises(E.AmbiguousSubmitError, match="may exist"):  # create: no answer, not retried
                await asyncio.wait_for(client.create_batch(), 20)
        assert len(server.heads) == 2


@pytest.mark.parametrize("answer", [endless, declared_huge], ids=["streamed", "declared"])
async def test_a_huge_answer_is_refused_with_memory_capped(answer):
    async with Server(answer) as server:
        async with BatchClient(server.url + "/v1", "u", "p", max_answer_bytes=4 * 1024 * 1024, retries=0) as client:
            tracemalloc.start()
            try:
                with pytest.raises(E.AnswerTooLargeError, match="to read the status of batch 7 is over 4 MiB"):
                    await asyncio.wait_for(client.status("7"), 20)
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
    assert peak < 12 * 1024 * 1024, peak  # the old client read it whole (1 GB took 2.1 GB)


@pytest.mark.parametrize("flag", ["--pdf", "--xml"])
def test_a_fifo_or_a_device_as_input_is_refused_at_once(sim, tmp_path, flag):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    pdf = make_pdf(tmp_path / "letters.pdf", 10)
    files = {"--pdf": str(pdf), "--xml": str(SAMPLE)}
    for odd, kind in ((fifo, "a named pipe (FIFO)"), ("/dev/zero", "a character device")):
        r = run_cli("send", *[a for k, v in {**files, flag: str(odd)}.items() for a in (k, v)], "--yes",
                    sim=sim, timeout=30)
        assert r.code == 1 and f"is {kind}, not " in r.err and "give a regular file" in r.err, r.err
    assert sim.state()["batches"] == []


async def test_upload_pdf_refuses_a_fifo_before_sending(sim, tmp_path):
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    async with BatchClient(sim.base_url, sim.username, sim.password) as client:
        batch = await client.create_batch()
        with pytest.raises(E.InputError, match=r"is a named pipe \(FIFO\)"):
            await asyncio.wait_for(client.upload_pdf(batch.id, fifo), 10)


# ------------------------------------------------------------------ proxies

PROXY_VARS = ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy")


async def test_plain_http_never_goes_through_an_environment_proxy(sim, monkeypatch):
    async with Server(refuse) as proxy:
        for var in PROXY_VARS:
            monkeypatch.setenv(var, proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        async with BatchClient(sim.base_url, sim.username, sim.password) as client:
            await client.check_credentials()
            batch = await client.create_batch()
            assert (await client.status(batch.id)).id == batch.id
    assert proxy.heads == []  # the old client sent "Authorization: Basic ..." to the proxy


async def test_https_goes_through_the_proxy_in_a_tunnel_and_no_proxy_is_honoured(monkeypatch):
    async with Server(refuse) as proxy:
        for var in PROXY_VARS:
            monkeypatch.setenv(var, proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        async with BatchClient("https://localhost:9/v1", "u", "secret", retries=0) as client:
            with pytest.raises(E.C2MError):
                await client.status("7")
        assert len(proxy.heads) == 1
        head = proxy.heads[0].decode("latin-1")
        assert head.startswith("CONNECT localhost:9 ") and "authorization" not in head.lower()
        monkeypatch.setenv("NO_PROXY", "localhost")
        async with BatchClient("https://localhost:9/v1", "u", "secret", retries=0) as client:
            with pytest.raises(E.UnreachableError):
                await client.status("7")
        assert len(proxy.heads) == 1  # NO_PROXY: straight to the (closed) port, not to the proxy
