"""What happens after submit: the FIFO intake worker, errors reported on the batch, jobs walking
to MAILED, details, and tracking (none vs simulated). Real simulator, real PDFs."""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parsedate_to_datetime

import pytest

from tests.conftest import start_sim
from tests.e2e.test_sim_api import Api, batch_xml, wait_for

CERTIFIED = {
    "documentClass": "Certified Letter 8.5 x 11",
    "envelope": "Certified Mail Letter Envelope",
    "mailClass": "Certified Mail",
}
JOB_STEPS = ["ORDER_SUBMITTED", "AWAITING_PRODUCTION", "IN_PRODUCTION", "MAILED"]
NOT_AVAILABLE = "Tracking data not available for this batch."


@pytest.fixture(scope="module")
def fast_sim():
    """Short queue and job steps, one simulated day per 0.15 s."""
    server = start_sim("--queue-seconds", "0.1", "--job-seconds", "0.1", "--day-seconds", "0.15", "--quiet")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def paced_sim():
    """Slow enough to watch: a batch holds the intake worker 0.2 s, a job step takes 0.25 s."""
    server = start_sim("--queue-seconds", "0.2", "--job-seconds", "0.25", "--quiet")
    yield server
    server.stop()


def final_status(api: Api, bid: str, timeout: float = 10.0):
    def done():
        root = api.status(bid)
        if root.findtext("hasErrors") == "true" or root.findtext("completedAt"):
            return root
        return None

    return wait_for(done, timeout, f"batch {bid} to finish")


def test_three_batches_submitted_at_once_are_taken_first_in_first_out(paced_sim, tmp_path):
    api = Api(paced_sim)
    first, second, third = (api.ready(2, batch_xml((1, 2, 1)), tmp_path) for _ in range(3))
    order = [third, first, second]  # not id order: the queue follows submit order
    for bid in order:
        assert api.submit(bid).status_code == 200
    state = {b["id"]: b for b in api.sim_state()["batches"]}
    positions = [state[b]["queue_position"] for b in order]
    done = 1 if positions[0] is None else 0  # on a very slow machine the first may be through already
    assert positions[done:] == list(range(3 - done)), positions
    last = api.status(second)  # waiting behind two others
    assert (last.findtext("submitted"), last.findtext("received")) == ("true", "false")
    assert last.find("jobs") is None
    seen_received: list[str] = []

    def all_received():
        for b in api.sim_state()["batches"]:
            if b["received"] and b["id"] in order and b["id"] not in seen_received:
                seen_received.append(b["id"])
        return len(seen_received) == 3

    wait_for(all_received, what="all three batches received")
    assert seen_received == order
    state = {b["id"]: b for b in api.sim_state()["batches"]}
    seqs = [state[b]["processed_seq"] for b in order]
    assert seqs == list(range(seqs[0], seqs[0] + 3))
    assert all(state[b]["queue_position"] is None for b in order)


def test_jobs_walk_to_mailed_and_the_batch_completes(paced_sim, tmp_path):
    api = Api(paced_sim)
    bid = api.ready(5, batch_xml((1, 2, 2), (3, 5, 3)), tmp_path)
    api.submit(bid)
    seen: list[str] = []

    completed: set[str | None] = set()

    def mailed():
        root = api.status(bid)
        statuses = [j.findtext("jobStatus") for j in root.findall("jobs")]
        if statuses and (not seen or seen[-1] != statuses[0]):
            seen.append(statuses[0])
        # completedAt: processing finished, so it comes with the jobs and then stays as it is
        assert (root.findtext("completedAt") is not None) == bool(statuses)
        completed.add(root.findtext("completedAt"))
        if statuses and all(s == "MAILED" for s in statuses):
            return root
        return None

    root = wait_for(mailed, what="jobs to be mailed")
    assert completed - {None} == {root.findtext("completedAt")}
    assert seen == sorted(seen, key=JOB_STEPS.index) and seen[-1] == "MAILED" and len(seen) >= 2, seen
    assert root.findtext("received") == "true" and root.findtext("hasErrors") == "false"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[45]:00", root.findtext("completedAt"))
    jobs = root.findall("jobs")
    assert [j.findtext("jobIndex") for j in jobs] == ["1", "2"]
    assert len({j.findtext("jobId") for j in jobs}) == 2
    for job in jobs:
        assert [c.tag for c in job] == [
            "errorMessage", "invoice", "jobId", "jobIndex", "jobStatus", "mailingDate", "submittedDate",
        ]
    details = api.http.get(f"/batches/{bid}/details")
    assert details.status_code == 201
    assert details.text.split("\n", 2)[1:] == [
        "<batch>",
        f"    <batchNumber>{bid}</batchNumber>\n"
        f"    <createdAt>{root.findtext('createdAt')}</createdAt>\n"
        "    <documentName>letters.pdf</documentName>\n"
        "    <errorMessage></errorMessage>\n"
        "    <noOfPieces>5</noOfPieces>\n"
        "    <status>MAILED</status>\n"
        "</batch>\n",
    ]


def errors_of(api: Api, bid: str) -> str:
    api.submit(bid)
    root = final_status(api, bid)
    assert root.findtext("hasErrors") == "true", root
    assert root.find("jobs") is None
    message = root.findtext("errorMessage")
    assert message == api.state(bid)["errorMessage"]
    return message


def test_malformed_xml_ends_in_has_errors_with_the_line(fast_sim, tmp_path):
    api = Api(fast_sim)
    bid = api.ready(2, b'<?xml version="1.0"?>\n<batch>\n  <job>\n  </batch>\n', tmp_path)
    message = errors_of(api, bid)
    assert "not well-formed" in message and "line 4" in message


def test_page_range_outside_the_pdf_ends_in_has_errors(fast_sim, tmp_path):
    api = Api(fast_sim)
    bid = api.ready(3, batch_xml((1, 2, 1), (3, 5, 1)), tmp_path)
    message = errors_of(api, bid)
    assert "Job 2" in message and "pages 3-5" in message and "3 page(s)" in message
    assert "Job 1" not in message


def test_missing_pdf_and_missing_xml_are_reported(fast_sim):
    api = Api(fast_sim)
    bid = api.create()
    assert "No PDF was uploaded" in errors_of(api, bid)
    other = api.create()
    assert api.put(other, b"%PDF-1.4\n", "application/pdf").status_code == 200
    message = errors_of(api, other)
    assert "No batch XML was uploaded" in message and "No PDF" not in message


def test_a_pdf_that_is_not_a_pdf_is_reported(fast_sim, tmp_path):
    api = Api(fast_sim)
    bid = api.create()
    api.put(bid, b"this is a text file, not a PDF", "application/pdf")
    api.put(bid, batch_xml((1, 1, 1)), "application/xml")
    assert "PDF error" in errors_of(api, bid)


def test_a_pdf_body_that_does_not_start_with_the_pdf_header_is_a_batch_error(fast_sim, tmp_path):
    """A real PDF behind a few other bytes (a wrapper, a BOM, a stray line): PDF readers find it
    anyway, so the HTTP call succeeds; the batch then reports it, as Click2Mail reports problems."""
    from tests.conftest import make_pdf

    api = Api(fast_sim)
    bid = api.create()
    body = b"Content-Type: application/pdf\r\n\r\n" + make_pdf(tmp_path / "a.pdf", 1).read_bytes()
    assert api.put(bid, body, "application/pdf").status_code == 200
    assert api.put(bid, batch_xml((1, 1, 1)), "application/xml").status_code == 200
    message = errors_of(api, bid)
    assert message.startswith('PDF error: The uploaded file does not start with "%PDF-"'), message


def test_a_batch_with_nothing_ahead_is_received_at_once_and_the_next_waits(sim_factory, tmp_path):
    """customerlobby/click2mail spec/click2mail_spec.rb:80 and the Postman collection's Status test
    read received=true on the status call right after submit. --queue-seconds is the time each batch
    ahead holds the ones behind it: those stay submitted=true, received=false."""
    sim = sim_factory("--queue-seconds", "30", "--job-seconds", "1", "--quiet")
    api = Api(sim)
    first, second = (api.ready(1, batch_xml((1, 1, 1)), tmp_path) for _ in range(2))
    assert api.submit(first).status_code == 200
    status = api.status(first)
    assert [status.findtext(k) for k in ("submitted", "received", "hasErrors")] == ["true", "true", "false"]
    assert status.find("jobs") is None and status.find("completedAt") is None  # 30 s of processing ahead
    assert api.submit(second).status_code == 200
    status = api.status(second)
    assert [status.findtext(k) for k in ("submitted", "received", "hasErrors")] == ["true", "false", "false"]
    assert (api.state(first)["queue_position"], api.state(second)["queue_position"]) == (None, 0)
    assert (api.state(first)["processed"], api.state(second)["processed"]) == (False, False)


def test_invalid_product_options_are_reported(fast_sim, tmp_path):
    api = Api(fast_sim)
    xml = batch_xml((1, 1, 1), (2, 2, 1, {"mailClass": "Certified Mail"}), (3, 3, 1, {"envelope": ""}))
    bid = api.ready(3, xml, tmp_path)
    message = errors_of(api, bid)
    assert "Job 2" in message and "mailClass" in message
    assert "Job 3" in message and "envelope" in message
    assert "Job 1 " not in message


def test_external_entities_are_neither_fetched_nor_expanded(fast_sim, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    xml = (
        f'<?xml version="1.0"?>\n<!DOCTYPE batch [<!ENTITY x SYSTEM "file://{secret}">]>\n'
        "<batch><filename>&x;</filename></batch>\n"
    ).encode()
    api = Api(fast_sim)
    bid = api.ready(1, xml, tmp_path)
    message = errors_of(api, bid)
    assert "DOCTYPE" in message and "TOP-SECRET" not in message
    assert "TOP-SECRET" not in api.http.get(f"/batches/{bid}/details").text


def tracking(api: Api, bid: str, kind: str = "IMB"):
    return api.http.get(f"/batches/{bid}/tracking", params={"trackingType": kind})


def test_simulated_tracking_scans_mailed_pieces_one_event_a_day(fast_sim, tmp_path):
    from lxml import etree

    api = Api(fast_sim)
    bid = api.ready(3, batch_xml((1, 2, 3), (3, 3, 1, CERTIFIED)), tmp_path)
    early = tracking(api, bid)
    assert (early.status_code, early.headers["content-type"], early.text) == (
        200,
        "text/plain; charset=utf-8",
        NOT_AVAILABLE,
    )
    api.submit(bid)
    final_status(api, bid)

    def delivered():
        r = tracking(api, bid)
        return r if r.text.count("<status>Delivered</status>") == 3 else None

    r = wait_for(delivered, what="all pieces delivered")
    assert r.status_code == 200 and r.headers["content-type"] == "application/xml"
    root = etree.fromstring(r.content)
    # Click2Mail's own shape (reference §9.1): <tracking> holding <mailPiece>s, JAXB propOrder
    assert root.tag == "tracking" and {c.tag for c in root} == {"mailPiece"}
    server_now = parsedate_to_datetime(r.headers["date"])
    by_piece: dict[str, list] = {}
    for piece in root:
        assert [c.tag for c in piece] == ["barCode", "address", "status", "dateTime", "statusLocation", "mailPieceId"]
        by_piece.setdefault(piece.findtext("barCode"), []).append(piece)
    assert len(by_piece) == 3
    for barcode, events in by_piece.items():
        assert re.fullmatch(r"\d{31}", barcode)
        assert [e.findtext("status") for e in events] == [
            "Accepted", "Processed at origin facility", "In transit", "Out for delivery", "Delivered",
        ]
        times = [e.findtext("dateTime") for e in events]
        assert times == sorted(times)
        # never in the simulator's future: its USPS calendar is the answer's Date header
        assert all(datetime.fromisoformat(t) <= server_now for t in times)
        assert all(re.fullmatch(r"[A-Z .]+ [A-Z]{2}", e.findtext("statusLocation")) for e in events)
    assert {events[-1].findtext("statusLocation") for events in by_piece.values()} == {
        "ARLINGTON VA", "DENVER CO", "BOSTON MA",
    }
    # the certified letter travels with a package barcode (IMpb) instead
    packages = etree.fromstring(tracking(api, bid, "impb").content)
    assert {d.findtext("barCode") for d in packages} == {packages[0].findtext("barCode")}
    assert re.fullmatch(r"\d{22}", packages[0].findtext("barCode"))
    assert packages[-1].findtext("statusLocation") == "ARLINGTON VA"
