"""Faults on purpose, on a real socket: 500 before and after the effect, dropped connections (also
in the middle of an upload), delays, latency, a seeded random rate, and the connection count."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.conftest import start_sim
from tests.e2e.test_sim_api import Api, batch_xml, wait_for


@pytest.fixture(scope="module")
def fault_sim():
    server = start_sim("--queue-seconds", "0.05", "--job-seconds", "0.05", "--quiet")
    yield server
    server.stop()


def arm(api: Api, **fault) -> None:
    r = api.http.post(f"{api.sim.root}/__sim__/faults", json={"count": 1, **fault})
    assert r.status_code == 200, r.text


def test_500_after_submit_took_effect_exactly_once(fault_sim, tmp_path):
    api = Api(fault_sim)
    bid = api.ready(1, batch_xml((1, 1, 1)), tmp_path)
    arm(api, method="POST", path="submit", kind="500-after")
    r = api.submit(bid)
    assert r.status_code == 500
    state = api.state(bid)
    assert (state["submit_count"], state["submitted"]) == (1, True)
    wait_for(lambda: api.state(bid)["received"], what="intake")
    assert api.status(bid).findtext("hasErrors") == "false"


def test_500_before_submit_had_no_effect(fault_sim, tmp_path):
    api = Api(fault_sim)
    bid = api.ready(1, batch_xml((1, 1, 1)), tmp_path)
    arm(api, method="POST", path="submit", kind="500-before")
    assert api.submit(bid).status_code == 500
    assert (api.state(bid)["submit_count"], api.state(bid)["submitted"]) == (0, False)
    assert api.submit(bid).status_code == 200  # the fault was used up
    assert api.state(bid)["submit_count"] == 1


def test_dropped_connection_gives_no_answer_before_or_after_the_effect(fault_sim):
    api = Api(fault_sim)
    before = len(api.sim_state()["batches"])
    arm(api, method="POST", path="create", kind="drop-before")
    with pytest.raises(httpx.TransportError):
        api.http.post("/batches")
    assert len(api.sim_state()["batches"]) == before
    arm(api, method="POST", path="create", kind="drop-after")
    with pytest.raises(httpx.TransportError):
        api.http.post("/batches")
    assert len(api.sim_state()["batches"]) == before + 1  # created, but the id never reached us
    assert api.http.post("/batches").status_code == 201  # a new connection works


def test_connection_dropped_mid_upload_keeps_nothing(fault_sim):
    api = Api(fault_sim)
    bid = api.create()
    body = b"%PDF-1.4\n%" + b"0" * (4 * 1024 * 1024)
    received: list[int] = []

    def chunks():  # the server closes the socket while we are still sending
        for start in range(0, len(body), 64 * 1024):
            received.append(start)
            yield body[start : start + 64 * 1024]

    arm(api, method="PUT", path="pdf", kind="drop-before")
    with pytest.raises(httpx.TransportError):
        api.http.put(
            f"/batches/{bid}",
            content=chunks(),
            headers={"content-type": "application/pdf", "content-length": str(len(body))},
        )
    assert api.state(bid)["pdf_bytes"] == 0
    assert api.put(bid, body, "application/pdf").status_code == 200
    assert api.state(bid)["pdf_bytes"] == len(body)


def test_targeted_faults_match_method_and_operation_and_count(fault_sim):
    api = Api(fault_sim)
    bid = api.create()
    arm(api, method="GET", path="details", kind="500-before", count=2)
    assert api.http.get(f"/batches/{bid}").status_code == 201  # status is not details
    assert [api.http.get(f"/batches/{bid}/details").status_code for _ in range(3)] == [500, 500, 201]
    arm(api, path="upload", kind="500-before")  # any method, either upload
    assert api.put(bid, b"<batch/>", "application/xml").status_code == 500
    assert api.put(bid, b"<batch/>", "application/xml").status_code == 200


def test_delay_fault_and_latency_slow_the_answer(fault_sim, sim_factory):
    api = Api(fault_sim)
    bid = api.create()
    arm(api, method="GET", path="status", kind="delay", delay_ms=400)
    started = time.monotonic()
    assert api.http.get(f"/batches/{bid}").status_code == 201
    assert time.monotonic() - started >= 0.4
    slow = Api(sim_factory("--latency-ms", "250", "--quiet"))
    slow.create()
    started = time.monotonic()
    slow.create()
    assert time.monotonic() - started >= 0.25


def test_fault_requests_are_checked_listed_and_cleared(fault_sim):
    api = Api(fault_sim)
    url = f"{fault_sim.root}/__sim__/faults"
    for bad in ({"kind": "explode"}, {"kind": "500-before", "path": "nowhere"}, {"kind": "delay", "count": 0}, [1]):
        r = api.http.post(url, json=bad)
        assert r.status_code == 400 and r.json()["error"]
    arm(api, method="post", path="submit", kind="drop-after", count=3)
    listed = api.http.get(url).json()["armed"]
    assert listed == [{"kind": "drop-after", "method": "POST", "path": "submit", "count": 3, "delay_ms": 0}]
    assert api.http.delete(url).json() == {"armed": []}


def test_seeded_random_faults_are_a_mix_and_repeatable(sim_factory):
    def outcomes(seed: str) -> list[str]:
        api = Api(sim_factory("--fault-rate", "0.5", "--seed", seed, "--quiet"))
        seen = []
        for _ in range(16):
            try:
                seen.append(str(api.http.post("/batches").status_code))
            except httpx.TransportError:
                seen.append("dropped")
        return seen

    first = outcomes("11")
    assert outcomes("11") == first
    assert {"201", "500", "dropped"} <= set(first)


def test_connections_are_counted_per_tcp_connection(fault_sim):
    root_state = lambda: httpx.get(f"{fault_sim.root}/__sim__/state").json()["connections_opened"]  # noqa: E731
    before = root_state()
    api = Api(fault_sim)
    for _ in range(4):
        api.create()
    assert root_state() == before + 1
    other = Api(fault_sim)
    other.create()
    api.create()
    assert root_state() == before + 2
