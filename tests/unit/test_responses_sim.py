"""The parsers on real answers: the simulator on a loopback port, driven over HTTP with httpx."""

from __future__ import annotations

import time

import httpx

from c2m_tui.core.batchxml import batch_xml_bytes
from c2m_tui.core.models import Address, Batch, Job
from c2m_tui.core.responses import parse_create, parse_details, parse_status, parse_tracking


def test_every_answer_of_a_batch_lifecycle_parses(sim_factory, pdf_factory):
    server = sim_factory("--queue-seconds", "0.1", "--job-seconds", "0.1", "--tracking", "none")
    pdf = pdf_factory(2).read_bytes()
    people = [Address(name="Ann Lee", address1="1 Main St", city="Boston", state="MA", postal_code="02134")]
    xml = batch_xml_bytes(Batch("letters.pdf", [Job(1, 2, recipients=people)]))
    with httpx.Client(base_url=server.base_url, auth=("demo", "demo"), timeout=10) as http:
        created = parse_create(http.post("/batches").content)
        assert created.id and not created.submitted and created.jobs == []
        url = f"/batches/{created.id}"
        assert http.put(url, content=pdf, headers={"Content-Type": "application/pdf"}).status_code == 200
        assert http.put(url, content=xml, headers={"Content-Type": "application/xml"}).status_code == 200
        assert http.post(url).status_code == 200
        deadline = time.monotonic() + 20
        status = parse_status(http.get(url).content)
        while not status.done and time.monotonic() < deadline:
            time.sleep(0.1)
            status = parse_status(http.get(url).content)
        assert status.id == created.id and status.submitted and not status.has_errors
        assert status.phase == "mailed" and len(status.jobs) == 1 and status.jobs[0].job_id
        details = parse_details(http.get(f"{url}/details").content)
        assert details.batch_number == created.id
        tracking = parse_tracking(http.get(f"{url}/tracking", params={"trackingType": "IMB"}).content)
        assert tracking.available is False
        assert tracking.message == "Tracking data not available for this batch."
