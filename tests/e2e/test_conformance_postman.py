"""Click2Mail's Postman collection "C2M Batch APIs - Reference" (``C2M Batch APIs - Reference.postman_collection.json``
with ``batchTest.xml`` and ``batchTest.pdf``, kept in truesip/magnus under
``tmp_click2mail_docs/unzipped/Postman-Click2Mail-SDK-main/``), its requests run in order with the
checks of their "Status test" scripts. The batch XML is tests/fixtures/conformance/postman-shaped-batch.xml.
"""

from __future__ import annotations

import httpx
from lxml import etree

from c2m_tui.core.validate import validate_batch
from tests.e2e.conformance import POSTMAN_SHAPED, module_sim, pdf_bytes, wait_idle


sim = module_sim()


def xml2json(r: httpx.Response) -> dict:
    """Postman's ``xml2Json(responseBody)["batchjob"]``: the root's children by name, as text."""
    root = etree.fromstring(r.content)
    assert root.tag == "batchjob"
    return {child.tag: child.text or "" for child in root}


def test_collection_in_order(sim, tmp_path):
    """Items 1-5 of the collection: POST /v1/batches (test: 201, hasErrors, received and submitted all
    "false", keep the id); PUT the PDF (body mode "file", no Content-Type of its own: Postman labels a
    file body by its type, application/pdf [INFERRED]; test: 200); PUT batchTest.xml with
    Content-Type application/xml (test: 200); POST submit (test: 200); GET status (test: 201,
    hasErrors "false", received "true"). Then /details answers 201 as the collection expects; its
    details and tracking scripts are copies of the status test (they read a <batchjob> root, which
    /details does not have in Click2Mail's own C# SDK), so only the request is replayed for them."""
    http = httpx.Client(base_url=sim.base_url, auth=(sim.username, sim.password), timeout=10)
    created = http.post("/batches")
    assert created.status_code == 201
    batch = xml2json(created)
    assert (batch["hasErrors"], batch["received"], batch["submitted"]) == ("false", "false", "false")
    batch_id = batch["id"]
    pdf = http.put(f"/batches/{batch_id}", content=pdf_bytes(tmp_path, 24, "batchTest.pdf"),
                   headers={"content-type": "application/pdf"})
    assert pdf.status_code == 200
    xml = http.put(f"/batches/{batch_id}", content=POSTMAN_SHAPED.read_bytes(), headers={"content-type": "application/xml"})
    assert xml.status_code == 200
    wait_idle(sim)
    assert http.post(f"/batches/{batch_id}").status_code == 200
    status = http.get(f"/batches/{batch_id}")
    assert status.status_code == 201
    batch = xml2json(status)
    assert (batch["hasErrors"], batch["received"]) == ("false", "true")
    assert http.get(f"/batches/{batch_id}/details").status_code == 201
    tracking = http.get(f"/batches/{batch_id}/tracking", params={"trackingType": "impb"})
    assert tracking.is_success  # lowercase impb is taken; the collection expects 201 here, see the report


def test_the_collections_batch_xml_validates():
    """The article's own example batch, checked offline as `c2m-tui validate` would: valid."""
    report = validate_batch(POSTMAN_SHAPED)
    assert report.valid, [p.format("batchTest.xml") for p in report.errors]
