"""Click2Mail's Node SDK 2.0 (click2mail/Node-JS-Click2Mail-Client-SDK-2.0, ``class_c2mAPI_batch.js``,
2024) against the simulator: its autoProcess chain create, XML, PDF, submit, status, then details.
"""

from __future__ import annotations

import base64
from xml.sax.saxutils import escape

import httpx
from lxml import etree

from c2m_tui.core.validate import validate_batch
from tests.e2e.conformance import module_sim, pdf_bytes, poll

MSIE = "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; WOW64; Trident/5.0)"  # :627, on the XML upload only


sim = module_sim()


def node_batch_xml(pdf_path: str) -> bytes:
    """createBatchListXML (:104-280): string concatenation on one line but for the JS line
    continuation after the root tag; <filename> is the local PDF path; optionalKeys (:145-154)
    right after </printProductionOptions>, before <returnAddress>; <c2m_uniqueid> when given."""
    xml = ('<?xml version="1.0" encoding="UTF-8"?><batch xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">     '
           f"<filename>{escape(pdf_path)}</filename>     <appSignature>c2m NodeJS SDK</appSignature>")
    for start, end, people in ((1, 2, [("John Smith", "12345")]), (3, 3, [("Jane Roe", "12346"), ("Al Poe", "12347")])):
        xml += f"<job><startingPage>{start}</startingPage><endingPage>{end}</endingPage><printProductionOptions>"
        xml += ("<documentClass>Letter 8.5 x 11</documentClass><layout>Address on First Page</layout>"
                "<productionTime>Next Day</productionTime><envelope>Flat Envelope</envelope>"
                "<color>Black and White</color><paperType>White 24#</paperType>"
                "<printOption>Printing One side</printOption><mailClass>First Class</mailClass>")
        xml += "</printProductionOptions>"
        xml += "<confirmationOfMailing>true</confirmationOfMailing><ancillaryEndorsement>true</ancillaryEndorsement>"
        xml += ("<returnAddress><name>Acme Billing</name><organization>Acme &amp; Sons</organization>"
                "<address1>2001 Butterfield Rd</address1><address2>STE 168</address2><city>Downers Grove</city>"
                "<state>IL</state><postalCode>60515</postalCode></returnAddress>")
        xml += "<recipients>"
        for name, unique in people:
            xml += (f"<address><name>{name}</name><organization></organization><address1>2002 Butterfield Rd"
                    "</address1><address2></address2><address3></address3><city>Downers Grove</city><state>IL"
                    f"</state><postalCode>60515</postalCode><country>US</country><c2m_uniqueid>{unique}</c2m_uniqueid>"
                    "</address>")
        xml += "</recipients></job>"
    return (xml + "</batch>").encode()


def test_auto_process_chain_then_status_and_details(sim, tmp_path):
    """createBatch (:546-602, Authorization header, no body, ``result.batchjob.id`` via xml2js, any 2xx);
    uploadBatchXML (:603-668, a piped file stream with Content-Type application/xml, Content-Length and an
    MSIE User-Agent); uploadBatchPDF (:670-717, application/pdf, Content-Length); submitBatch (:718-761,
    its empty answer parsed with xml2js); getBatchStatus (:762-797) hands the body back, which the
    examples read as ``batchjob.jobs`` (examples/get_batch_status.mjs); getBatchStatusDetails (:798-832)."""
    auth = {"authorization": "Basic " + base64.b64encode(f"{sim.username}:{sim.password}".encode()).decode()}
    http = httpx.Client(base_url=sim.base_url, headers=auth, timeout=10)
    created = http.post("/batches")
    assert 200 <= created.status_code <= 299
    batch_id = etree.fromstring(created.content).findtext("id")
    pdf_path = str(tmp_path / "20240301T101500123456.pdf")  # a merged PDF in os.tmpdir()
    xml = node_batch_xml(pdf_path)
    assert validate_batch(xml).valid  # c2m-tui's validator accepts what this SDK writes
    r = http.put(f"/batches/{batch_id}", content=xml, headers={"content-type": "application/xml",
                                                                "content-length": str(len(xml)), "user-agent": MSIE})
    assert 200 <= r.status_code <= 299
    pdf = pdf_bytes(tmp_path, 3)
    r = http.put(f"/batches/{batch_id}", content=pdf, headers={"content-type": "application/pdf", "content-length": str(len(pdf))})
    assert 200 <= r.status_code <= 299
    submitted = http.post(f"/batches/{batch_id}")
    assert 200 <= submitted.status_code <= 299 and submitted.content.strip() == b""  # xml2js: null result, no error
    status = poll(lambda: http.get(f"/batches/{batch_id}"), lambda r: b"<jobs>" in r.content or b"true</hasErrors>" in r.content)
    root = etree.fromstring(status.content)
    assert root.tag == "batchjob" and root.findtext("hasErrors") == "false"
    assert [j.findtext("jobIndex") for j in root.findall("jobs")] == ["1", "2"]
    assert all(j.findtext("jobId").isdigit() for j in root.findall("jobs"))
    details = etree.fromstring(http.get(f"/batches/{batch_id}/details").content)
    assert details.tag == "batch" and details.findtext("batchNumber") == batch_id
    assert (details.findtext("documentName"), details.findtext("noOfPieces")) == (pdf_path, "3")
