"""Submit is POSTed at most twice in a run, twice only after a 429/5xx answer and a status that said
"not submitted" on two reads apart; no answer at all leaves the batch "possibly submitted".

POSTs are counted on the simulator: its submit handler's count plus the armed faults it used up."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from c2m_tui.core import errors as E
from c2m_tui.core.client import BatchClient
from tests.conftest import SAMPLES, make_pdf

SAMPLE = (SAMPLES / "click2mail-shell-batch-request-letter.xml").read_bytes()
GAP = 0.3  # the gap between the two status reads, short for the test (5 s in real runs)


def arm(sim, **fault) -> None:
    r = httpx.post(f"{sim.root}/__sim__/faults", json=fault, timeout=10)
    assert r.status_code == 200, r.text


def armed_left(sim) -> int:
    return sum(f["count"] for f in httpx.get(f"{sim.root}/__sim__/faults", timeout=10).json()["armed"])


def batch_state(sim, bid: str) -> dict:
    return next(b for b in sim.state()["batches"] if str(b["id"]) == str(bid))


async def prepared(sim, pdf) -> str:
    async with BatchClient(sim.base_url, sim.username, sim.password, backoff=0.01) as client:
        batch = await client.create_batch()
        await client.upload_pdf(batch.id, pdf)
        await client.upload_xml(batch.id, SAMPLE)
        return batch.id


async def submit(sim, bid: str, **kw) -> None:
    async with BatchClient(sim.base_url, sim.username, sim.password, backoff=0.01, submit_recheck=GAP, **kw) as c:
        await c.submit(bid)


@pytest.fixture
def bid(sim, tmp_path):
    return asyncio.run(prepared(sim, make_pdf(tmp_path / "letters.pdf", 10)))


def test_a_status_that_always_says_no_brings_one_second_post_not_three(sim, bid):
    arm(sim, kind="500-before", method="POST", path="submit", count=10)
    with pytest.raises(E.ServerError, match="failed twice"):
        asyncio.run(submit(sim, bid))
    posts = batch_state(sim, bid)["submit_count"] + (10 - armed_left(sim))
    assert posts == 2  # the old client POSTed 4 times (1 + 3 retries)
    assert batch_state(sim, bid)["submitted"] is False


def test_a_5xx_then_two_reads_saying_no_then_one_more_post(sim, bid):
    arm(sim, kind="500-before", method="POST", path="submit", count=1)
    started = time.monotonic()
    asyncio.run(submit(sim, bid))
    assert time.monotonic() - started >= GAP  # the second read waited the gap before the second POST
    state = batch_state(sim, bid)
    assert state["submitted"] is True and state["submit_count"] == 1 and armed_left(sim) == 0


def test_a_5xx_after_the_effect_is_settled_by_the_status_alone(sim, bid):
    arm(sim, kind="500-after", method="POST", path="submit", count=1)
    asyncio.run(submit(sim, bid))
    assert batch_state(sim, bid)["submit_count"] == 1


@pytest.mark.parametrize("kind", ["drop-before"])
def test_no_answer_is_never_followed_by_a_second_post(sim, bid, kind):
    arm(sim, kind=kind, method="POST", path="submit", count=1)
    with pytest.raises(E.AmbiguousSubmitError, match="possibly submitted"):
        asyncio.run(submit(sim, bid))
    state = batch_state(sim, bid)
    assert state["submit_count"] == 0 and state["submitted"] is False  # for resume to settle


def test_a_timeout_is_never_followed_by_a_second_post(sim, bid):
    # the answer comes after the client stopped waiting; the status does not show it yet
    arm(sim, kind="delay", method="POST", path="submit", count=1, delay_ms=1500)
    with pytest.raises(E.AmbiguousSubmitError, match="possibly submitted"):
        asyncio.run(submit(sim, bid, timeout=0.5))
    deadline = time.monotonic() + 20
    while batch_state(sim, bid)["submit_count"] == 0 and time.monotonic() < deadline:
        time.sleep(0.05)  # the late POST lands (a state, polled); the old client had POSTed again
    assert batch_state(sim, bid)["submit_count"] == 1


def test_a_status_for_another_batch_is_refused(sim, bid, tmp_path):
    other = asyncio.run(prepared(sim, make_pdf(tmp_path / "other.pdf", 10)))
    assert other != bid
    from c2m_tui.core.responses import ResponseFormatError

    async def status_via_wrong_path() -> None:
        async with BatchClient(sim.base_url, sim.username, sim.password) as client:
            client._http.event_hooks["request"] = [_rewrite(bid, other)]
            await client.status(bid)

    with pytest.raises(ResponseFormatError, match=f"status of batch {other}"):
        asyncio.run(status_via_wrong_path())


def _rewrite(asked: str, served: str):
    """A request hook standing in for a confused server or proxy: the status of ``served`` comes back."""
    async def hook(request: httpx.Request) -> None:
        request.url = request.url.copy_with(path=request.url.path.replace(f"/batches/{asked}", f"/batches/{served}"))
    return hook
