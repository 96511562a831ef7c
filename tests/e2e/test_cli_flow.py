"""The whole Batch API flow from the command line, against the simulator on a real loopback port."""

from __future__ import annotations

import json
import shutil
import threading
import time

import pytest

from tests.conftest import SAMPLES, make_pdf
from tests.e2e.helpers import run_cli

SHELL_SAMPLE = SAMPLES / "click2mail-shell-batch-request-letter.xml"
BTB_SAMPLE = SAMPLES / "btb-correct_xml.xml"


def wait_status(sim, batch_id: str, until, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        r = run_cli("status", batch_id, "--json", sim=sim)
        assert r.code in (0, 1), r.err
        status = json.loads(r.out)
        if until(status) or time.monotonic() > deadline:
            return status
        time.sleep(0.3)


def sim_batch(sim, batch_id: str) -> dict:
    return next(b for b in sim.state()["batches"] if str(b["id"]) == str(batch_id))


# btb writes mailClass "FirstClass", outside the catalog: sent with --allow-unknown-options
@pytest.mark.parametrize("sample,pages,extra", [(SHELL_SAMPLE, 10, ()), (BTB_SAMPLE, 19, ("--allow-unknown-options",))])
def test_send_real_world_sample_to_mailed(sim, tmp_path, sample, pages, extra):
    pdf = make_pdf(tmp_path / "letters.pdf", pages)
    r = run_cli("send", "--pdf", str(pdf), "--xml", str(sample), "--yes", *extra, sim=sim)
    assert r.code == 0, r.err
    batch_id = r.last_line
    assert batch_id.isdigit()
    for step in ("create", "pdf", "xml", "submit"):
        assert f"[{step}]" in r.err
    status = wait_status(sim, batch_id, lambda s: s["jobs"] and all(j["jobStatus"] == "MAILED" for j in s["jobs"]))
    assert status["submitted"] is True and status["received"] is True and status["hasErrors"] is False
    jobs_in_xml = sample.read_text().count("<job>")
    assert len(status["jobs"]) == jobs_in_xml
    state = sim_batch(sim, batch_id)
    assert state["submit_count"] == 1
    assert state["pdf_bytes"] == pdf.stat().st_size
    # the credentials inside the old-style sample never reach the server
    assert state["xml_bytes"] > 0


def test_whole_send_uses_one_tcp_connection(sim, tmp_path):
    pdf = make_pdf(tmp_path / "letters.pdf", 10)
    before = sim.state()["connections_opened"]
    r = run_cli("send", "--pdf", str(pdf), "--xml", str(SHELL_SAMPLE), "--yes", sim=sim)
    assert r.code == 0, r.err
    after = sim.state()["connections_opened"]
    # the simulator counts connections that carried /v1 calls: the whole send used one
    assert after - before == 1


def test_three_batches_submitted_at_once_are_processed_fifo(sim_factory, tmp_path):
    sim = sim_factory("--queue-seconds", "0.6", "--job-seconds", "0.2")
    pdf = make_pdf(tmp_path / "letters.pdf", 10)
    ids: list[str] = []
    # create and upload three batches, then submit them back to back
    import asyncio

    from c2m_tui.core.client import BatchClient

    async def prepare_and_submit() -> None:
        async with BatchClient(sim.base_url, sim.username, sim.password) as client:
            for _ in range(3):
                batch = await client.create_batch()
                await client.upload_pdf(batch.id, pdf)
                await client.upload_xml(batch.id, SHELL_SAMPLE.read_bytes())
                ids.append(batch.id)
            for bid in ids:
                await client.submit(bid)
            first = await client.status(ids[0])
            third = await client.status(ids[2])
            # the third waits in line while the first is being processed
            assert third.submitted and not third.received
            assert first.submitted

    asyncio.run(prepare_and_submit())
    for bid in ids:
        wait_status(sim, bid, lambda s: bool(s["received"]) and bool(s["jobs"]))
    order = [sim_batch(sim, bid)["processed_seq"] for bid in ids]
    assert order == sorted(order) and len(set(order)) == 3


def test_status_of_unknown_batch_is_one_clear_line(sim):
    r = run_cli("status", "999999", sim=sim)
    assert r.code == 1
    assert "999999" in r.err and "not found" in r.err.lower()
    assert len(r.err.strip().splitlines()) == 1


def test_wrong_credentials_exit_3(sim):
    r = run_cli("status", "1", sim=sim, env={"C2M_PASSWORD": "wrong"})
    assert r.code == 3
    assert "rejected" in r.err


def test_server_down_exit_4(tmp_path):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = run_cli(
        "status", "1", "--base-url", f"http://127.0.0.1:{port}/v1",
        env={"C2M_USERNAME": "demo", "C2M_PASSWORD": "demo"},
    )
    assert r.code == 4
    assert "cannot reach" in r.err


def test_tracking_not_available_is_explained(sim_factory, tmp_path):
    sim = sim_factory("--tracking", "none", "--queue-seconds", "0.1", "--job-seconds", "0.1")
    pdf = make_pdf(tmp_path / "letters.pdf", 10)
    r = run_cli("send", "--pdf", str(pdf), "--xml", str(SHELL_SAMPLE), "--yes", sim=sim)
    bid = r.last_line
    r = run_cli("tracking", bid, sim=sim)
    assert r.code == 0
    assert "Tracking data not available for this batch." in r.err
    assert "staging never has tracking" in r.err


@pytest.mark.parametrize(
    "make,message",
    [
        (lambda d: (d / "missing.pdf", SHELL_SAMPLE), "missing.pdf"),
        (lambda d: ((d / "not.pdf").write_text("hello") and d / "not.pdf", SHELL_SAMPLE), "not.pdf"),
        (lambda d: ((d / "empty.pdf").write_bytes(b"") or d / "empty.pdf", SHELL_SAMPLE), "empty.pdf"),
    ],
)
def test_bad_pdf_is_one_clear_line(sim, tmp_path, make, message):
    pdf, xml = make(tmp_path)
    r = run_cli("send", "--pdf", str(pdf), "--xml", str(xml), "--yes", sim=sim)
    assert r.code == 1
    assert message in r.err
    assert sim.state()["batches"] == []  # nothing was created: no money spent


def test_malformed_xml_is_refused_before_anything_is_sent(sim, tmp_path):
    pdf = make_pdf(tmp_path / "letters.pdf", 10)
    bad = tmp_path / "bad.xml"
    bad.write_text(SHELL_SAMPLE.read_text()[:700])
    r = run_cli("send", "--pdf", str(pdf), "--xml", str(bad), "--yes", sim=sim)
    assert r.code == 1
    assert "bad.xml" in r.err
    assert sim.state()["batches"] == []


def test_send_without_terminal_and_without_yes_refuses(sim, tmp_path):
    pdf = make_pdf(tmp_path / "letters.pdf", 10)
    r = run_cli("send", "--pdf", str(pdf), "--xml", str(SHELL_SAMPLE), sim=sim)
    assert r.code == 2
    assert "--yes" in r.err
    assert sim.state()["batches"] == []


def test_tracking_csv_of_simulated_scans(sim_factory, tmp_path):
    sim = sim_factory("--tracking", "simulated", "--queue-seconds", "0.1", "--job-seconds", "0.1", "--day-seconds", "0.2")
    pdf = make_pdf(tmp_path / "letters.pdf", 10)
    bid = run_cli("send", "--pdf", str(pdf), "--xml", str(SHELL_SAMPLE), "--yes", sim=sim).last_line
    wait_status(sim, bid, lambda s: s["jobs"] and all(j["jobStatus"] == "MAILED" for j in s["jobs"]))
    deadline = time.monotonic() + 20
    while True:
        r = run_cli("tracking", bid, "--csv", sim=sim)
        rows = r.out.strip().splitlines()
        if len(rows) > 1 or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert r.code == 0
    # the first four columns are the old ones; the app's export writes the same columns
    assert rows[0] == "barCode,status,dateTime,statusLocation,latest,name,city,postalCode,listId"
    barcodes = {row.split(",")[0] for row in rows[1:]}
    assert len(barcodes) == 10  # one IMb per mail piece: 5 jobs x 2 recipients
    assert all(len(b) == 31 and b.isdigit() for b in barcodes)


def test_a_batch_the_server_rejects_is_reported_as_failed(sim, tmp_path):
    """Errors the service finds after submit come back in hasErrors/errorMessage, as the real one does."""
    import asyncio

    from c2m_tui.core.client import BatchClient

    pdf = make_pdf(tmp_path / "short.pdf", 4)  # the sample's jobs run to page 10

    async def send_unchecked() -> str:
        async with BatchClient(sim.base_url, sim.username, sim.password) as client:
            batch = await client.create_batch()
            await client.upload_pdf(batch.id, pdf)
            await client.upload_xml(batch.id, SHELL_SAMPLE.read_bytes())
            await client.submit(batch.id)
            return batch.id

    bid = asyncio.run(send_unchecked())
    status = wait_status(sim, bid, lambda s: s["hasErrors"])
    assert status["hasErrors"] is True and status["errorMessage"]
    r = run_cli("status", bid, sim=sim)
    assert r.code == 1
    assert f"batch {bid}: failed: " in r.out
    assert "errorMessage:" in r.out
    # our own pre-flight would have refused it before any money was spent
    r = run_cli("send", "--pdf", str(pdf), "--xml", str(SHELL_SAMPLE), "--yes", sim=sim)
    assert r.code == 1 and "not sent" in r.err


def test_send_refuses_an_option_outside_the_catalog_before_any_call(sim, tmp_path):
    pdf = make_pdf(tmp_path / "letters.pdf", 19)
    r = run_cli("send", "--pdf", str(pdf), "--xml", str(BTB_SAMPLE), "--yes", sim=sim)
    assert r.code == 1
    assert 'mailClass: "FirstClass" is not in the product catalog (did you mean "First Class"?)' in r.err
    assert "--allow-unknown-options" in r.err and "[create]" not in r.err
    assert sim.state()["batches"] == []
