"""Shared by the ``test_conformance_*`` modules: each replays, with httpx on loopback, the HTTP
exchange one client written for the real Click2Mail Batch API makes (read from its code), and
asserts what that client itself expects of the answers.

The repositories were read, not copied: request bodies are rebuilt here in the shape each client
writes (element order, declaration, encoding, indentation), with made-up names and addresses.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import make_pdf, start_sim

SHELL_SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "real-world" / "click2mail-shell-batch-request-letter.xml"
POSTMAN_SHAPED = Path(__file__).resolve().parents[1] / "fixtures" / "conformance" / "postman-shaped-batch.xml"


def module_sim(queue_seconds: str = "0.05", job_seconds: str = "0.05"):
    """A ``sim`` fixture: one quiet simulator shared by the tests of a module (``sim = module_sim()``)."""

    @pytest.fixture(scope="module")
    def sim():
        server = start_sim("--queue-seconds", queue_seconds, "--job-seconds", job_seconds, "--tracking", "none", "--quiet")
        yield server
        server.stop()

    return sim


def pdf_bytes(tmp_path: Path, pages: int, name: str = "letters.pdf") -> bytes:
    return make_pdf(tmp_path / name, pages).read_bytes()


def sim_batch(sim, batch_id: str) -> dict:
    """What the simulator holds for a batch (``/__sim__/state``)."""
    return next(b for b in httpx.get(f"{sim.root}/__sim__/state", timeout=10).json()["batches"] if b["id"] == str(batch_id))


def poll(read, until, timeout: float = 10.0, what: str = "the answer a client waits for"):
    """Call ``read()`` until ``until(answer)``, as a client's polling loop does (faster than theirs)."""
    deadline = time.monotonic() + timeout
    while True:
        answer = read()
        if until(answer):
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; last answer: {answer!r}"[:2000])
        time.sleep(0.05)


def wait_idle(sim) -> None:
    """Until the simulator's worker has processed every submitted batch, so that the next submit
    has nothing ahead of it (the tests of one module share a simulator and its one queue)."""
    def idle() -> bool:
        state = httpx.get(f"{sim.root}/__sim__/state", timeout=10).json()["batches"]
        return all(b["processed"] for b in state if b["submitted"])

    poll(lambda: idle(), bool, what="the simulator's queue to empty")
