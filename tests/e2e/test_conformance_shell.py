"""Click2Mail's shell sample (click2mail/shell-batch-xml-api, 2013) against the simulator.

curl with ``user:password@host`` URLs (pre-emptive Basic auth), the batch XML uploaded before the
PDF, and the batch id read from the create answer by token position.
"""

from __future__ import annotations

import httpx

from tests.e2e.conformance import SHELL_SAMPLE, module_sim, pdf_bytes, poll

CURL = {"user-agent": "curl/7.29.0", "accept": "*/*"}


sim = module_sim()


def shell_batch_id(answer: str) -> str:
    """test-batch.sh:36-52: ``temp=`curl ...```, ``echo $temp | sed 's/</ /g'`` (unquoted echo: runs of
    whitespace become one space), the 12th word (``i -eq 11``), then ``${batchID:3}`` drops ``id>``."""
    words = " ".join(answer.split()).replace("<", " ").split()
    return words[11][3:]


def test_test_batch_sh_then_batch_status_sh(sim, tmp_path):
    """test-batch.sh:36 POST /v1/batches (no body); :38-52 the id by token position; :58 PUT the XML
    (``-H "Content-Type: application/xml" --data-binary @batch-request-letter.xml``, declaration,
    tab-indented, credentials inside); :64 PUT the PDF raw (``application/pdf``); :71 POST submit,
    each answer echoed ("should be empty", README); then batch-status.sh:33 GET the status."""
    http = httpx.Client(base_url=sim.base_url, auth=(sim.username, sim.password), headers=CURL, timeout=10)
    created = http.post("/batches")
    assert created.status_code == 201
    batch_id = shell_batch_id(created.text)
    assert batch_id.isdigit(), created.text
    xml = http.put(f"/batches/{batch_id}", content=SHELL_SAMPLE.read_bytes(), headers={"content-type": "application/xml"})
    assert (xml.status_code, xml.text) == (200, "")
    pdf = http.put(f"/batches/{batch_id}", content=pdf_bytes(tmp_path, 10), headers={"content-type": "application/pdf"})
    assert (pdf.status_code, pdf.text) == (200, "")
    submitted = http.post(f"/batches/{batch_id}")
    assert (submitted.status_code, submitted.text) == (200, "")
    # batch-status.sh only prints the answer; a person reads it until the jobs are there
    status = poll(lambda: http.get(f"/batches/{batch_id}"), lambda r: "<jobs>" in r.text or "true</hasErrors>" in r.text)
    assert status.status_code == 201
    assert f"<id>{batch_id}</id>" in status.text and "<hasErrors>false</hasErrors>" in status.text
    assert status.text.count("<jobs>") == SHELL_SAMPLE.read_text().count("<job>") == 5
    assert "<received>true</received>" in status.text and "<submitted>true</submitted>" in status.text
