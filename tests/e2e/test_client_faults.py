"""Faults on a real loopback socket: 500s, latency, dropped connections. Each ends in a clear error
or a successful retry, and never in two submits."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from c2m_tui.core import errors as E
from c2m_tui.core.client import BatchClient
from tests.conftest import SAMPLES, make_pdf

SAMPLE = (SAMPLES / "click2mail-shell-batch-request-letter.xml").read_bytes()


def arm(sim, **fault) -> None:
    r = httpx.post(f"{sim.root}/__sim__/faults", json={"count": 1, **fault}, timeout=10)
    assert r.status_code in (200, 201, 204), r.text


def batch_state(sim, bid: str) -> dict:
    return next(b for b in sim.state()["batches"] if str(b["id"]) == str(bid))


async def full_flow(sim, pdf, **client_kw) -> str:
    async with BatchClient(sim.base_url, sim.username, sim.password, backoff=0.05, submit_recheck=0.1,
                           **client_kw) as client:
        batch = await client.create_batch()
        await client.upload_pdf(batch.id, pdf)
        await client.upload_xml(batch.id, SAMPLE)
        await client.submit(batch.id)
        status = await client.status(batch.id)
        assert status.submitted
        return batch.id


@pytest.fixture
def pdf(tmp_path):
    return make_pdf(tmp_path / "letters.pdf", 10)


@pytest.mark.parametrize("kind", ["500-after", "drop-after", "500-before"])
def test_submit_fault_never_submits_twice(sim, pdf, kind):
    arm(sim, method="POST", path="submit", kind=kind)
    bid = asyncio.run(full_flow(sim, pdf))
    state = batch_state(sim, bid)
    assert state["submit_count"] == 1
    assert state["submitted"] is True


@pytest.mark.parametrize("kind", ["500-before", "drop-before", "500-after"])
def test_pdf_upload_fault_is_retried(sim, pdf, kind):
    arm(sim, method="PUT", path="pdf", kind=kind)
    bid = asyncio.run(full_flow(sim, pdf))
    state = batch_state(sim, bid)
    assert state["pdf_bytes"] == pdf.stat().st_size
    assert state["submit_count"] == 1


def test_connection_dropped_mid_upload_is_retried(sim, tmp_path):
    big = make_pdf(tmp_path / "big.pdf", 10)
    # pad the PDF to a few MB so the drop happens in the middle of the body
    with open(big, "ab") as fh:
        fh.write(b"%" + b"0" * (4 * 1024 * 1024) + b"\n")
    arm(sim, method="PUT", path="pdf", kind="drop-before")
    bid = asyncio.run(full_flow(sim, big))
    assert batch_state(sim, bid)["pdf_bytes"] == big.stat().st_size


def test_create_fault_after_effect_is_reported_not_retried(sim, pdf):
    arm(sim, method="POST", path="create", kind="500-after")

    async def go():
        async with BatchClient(sim.base_url, sim.username, sim.password, backoff=0.05) as client:
            await client.create_batch()

    with pytest.raises(E.AmbiguousSubmitError) as info:
        asyncio.run(go())
    assert "unknown id" in str(info.value)
    assert len(sim.state()["batches"]) == 1  # exactly one was created, none twice


def test_submit_timeout_reads_status_and_never_posts_again(sim, pdf):
    # the answer to submit comes after the client gave up waiting: possibly submitted, never re-POSTed
    arm(sim, method="POST", path="submit", kind="delay", delay_ms=1500)
    with pytest.raises(E.AmbiguousSubmitError, match="possibly submitted"):
        asyncio.run(full_flow(sim, pdf, timeout=0.5))
    assert all(b["submit_count"] <= 1 for b in sim.state()["batches"])


def test_random_faults_never_double_submit(sim_factory, pdf):
    sim = sim_factory("--fault-rate", "0.3", "--seed", "7", "--queue-seconds", "0.1", "--job-seconds", "0.1")
    outcomes = []
    for _ in range(6):
        try:
            outcomes.append(asyncio.run(full_flow(sim, pdf)))
        except E.C2MError as err:  # a clear, typed error is an acceptable outcome; a crash is not
            assert str(err)
            outcomes.append(err)
    for b in sim.state()["batches"]:
        assert b["submit_count"] <= 1, b
    assert any(isinstance(o, str) for o in outcomes)


def test_latency_is_tolerated(sim_factory, pdf):
    sim = sim_factory("--latency-ms", "150", "--queue-seconds", "0.1", "--job-seconds", "0.1")
    bid = asyncio.run(full_flow(sim, pdf))
    assert batch_state(sim, bid)["submit_count"] == 1


def test_a_pdf_that_grows_during_upload_is_refused_and_not_stored(sim, tmp_path):
    pdf = make_pdf(tmp_path / "growing.pdf", 10)
    with open(pdf, "ab") as fh:  # big enough for several chunks
        fh.write(b"%" + b"0" * (3 * 1024 * 1024) + b"\n")
    grown = []

    def grow(sent: int, total: int) -> None:
        if sent and not grown:  # someone appends to the file while it is being sent
            with open(pdf, "ab") as fh:
                fh.write(b"% appended\n")
            grown.append(True)

    async def go() -> str:
        async with BatchClient(sim.base_url, sim.username, sim.password, backoff=0.05) as client:
            batch = await client.create_batch()
            with pytest.raises(E.InputError, match="changed size"):
                await client.upload_pdf(batch.id, pdf, progress=grow)
            return batch.id

    bid = asyncio.run(go())
    assert grown
    assert batch_state(sim, bid)["pdf_bytes"] == 0
