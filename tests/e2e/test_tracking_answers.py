"""`c2m-tui tracking` against answers in each shape Click2Mail may send (served by the simulator's
/__sim__/tracking hook): "not available" in three forms, and a shape nobody knows."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.e2e.helpers import run_cli
from tests.e2e.test_sim_api import Api

NOT_AVAILABLE = "Tracking data not available for this batch."
NOT_AVAILABLE_XML = (f'<?xml version="1.0"?><tracking><status>9</status><description>{NOT_AVAILABLE}'
                     "</description></tracking>")


def serve(sim, batch_id: str, status: int, content_type: str, body: str) -> None:
    r = httpx.post(f"{sim.root}/__sim__/tracking", timeout=10,
                   json={"batch": batch_id, "answer": {"status": status, "contentType": content_type, "body": body}})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("status, content_type, body", [
    (200, "text/plain", NOT_AVAILABLE),
    (200, "application/xml", NOT_AVAILABLE_XML),
    (404, "application/xml", NOT_AVAILABLE_XML),
], ids=["200-text", "200-xml", "404-xml"])
def test_not_available_in_every_form_is_exit_0_and_said(sim, status, content_type, body):
    batch_id = Api(sim).create()
    serve(sim, batch_id, status, content_type, body)
    r = run_cli("tracking", batch_id, sim=sim)
    assert r.code == 0, r.err
    assert NOT_AVAILABLE in r.err and "once a day" in r.err
    as_json = json.loads(run_cli("tracking", batch_id, "--json", sim=sim).out)
    assert as_json["available"] is False and as_json["message"] == NOT_AVAILABLE


def test_a_404_that_is_not_tracking_stays_not_found(sim):
    r = run_cli("tracking", "424242", sim=sim)
    assert r.code == 1 and "not found" in r.err


def test_an_unknown_shape_is_exit_1_with_the_raw_body_kept(sim, app_home):
    batch_id = Api(sim).create()
    body = "<tracking><pieces><piece><code>0042</code><where>SOMEWHERE</where></piece></pieces></tracking>"
    serve(sim, batch_id, 200, "application/xml", body)
    r = run_cli("tracking", batch_id, sim=sim)
    assert r.code == 1
    assert "could not read the tracking answer" in r.err and "0 scan" not in r.out + r.err
    saved = [Path(p) for p in r.err.split() if "tracking-answers" in p]
    assert len(saved) == 1, r.err
    path = Path(saved[0].as_posix().rstrip(").,"))
    assert path.is_relative_to(app_home) and path.read_text() == body


def test_the_simulator_serves_the_guessed_shape_on_request_and_the_client_reads_it(sim_factory, tmp_path):
    import time

    from tests.conftest import make_pdf
    from tests.e2e.test_cli_flow import SHELL_SAMPLE

    sim = sim_factory("--queue-seconds", "0.1", "--job-seconds", "0.1", "--day-seconds", "0.1",
                      "--tracking-shape", "details")
    pdf = make_pdf(tmp_path / "letters.pdf", 10)
    batch_id = run_cli("send", "--pdf", str(pdf), "--xml", str(SHELL_SAMPLE), "--yes", sim=sim).last_line
    deadline = time.monotonic() + 30
    while True:
        answer = json.loads(run_cli("tracking", batch_id, "--json", sim=sim).out)
        if answer["available"] or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert answer["shape"] == "trackingDetail" and answer["trackingDetails"]
    assert set(answer["trackingDetails"][0]) == {"barCode", "status", "dateTime", "statusLocation"}


@pytest.mark.parametrize("hook, body, complaint", [
    ("jobs", "not json", "Expecting value"),
    ("jobs", '{"batch": "1", "job": 1, "status": "ERROR"}', "no batch '1'"),
    ("tracking", "[1, 2]", "expected a JSON object"),
])
def test_bad_hook_requests_say_what_is_wrong(sim, hook, body, complaint):
    r = httpx.post(f"{sim.root}/__sim__/{hook}", content=body, timeout=10)
    assert r.status_code == 400 and complaint in r.json()["error"]
