"""Click2Mail's Python SDK (click2mail/python-Click2Mail-Client-SDK, ``api/c2mAPI.py``) against the
simulator: as published (commit 5aa22a3, 2022) and as it was just before commit 941defa (2021),
whose PDF upload drew "a Cloudflare 403" from the real service.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET

import httpx

from tests.e2e.conformance import module_sim, pdf_bytes, poll, sim_batch, wait_idle

HEADERS = {"user-agent": "my-app/0.0.1"}  # every call but create sets it (c2mAPI.py:20, :107, :115, :125)
OPTIONS = ("Letter 8.5 x 11", "Address on Separate Page", "Next Day", "#10 Double Window", "Full Color",
           "White 24#", "Printing both sides", "First Class")


sim = module_sim()


def sdk_batch_xml(username: str, password: str, *, declaration: bool) -> bytes:
    """createBatchXML (c2mAPI.py:41-81): ElementTree, credentials inside, appSignature, no
    <returnAddress> (addJob keeps it, the writer never writes it), each recipient's keys in dict
    order as batch_simpleMail_test.py:9 gives them. Published: ``tostring(root, encoding='utf8')``
    (a ``<?xml version='1.0' encoding='utf8'?>`` declaration, single quotes); before 941defa:
    ``tostring(root)`` (no declaration, ASCII)."""
    root = ET.Element("batch")
    for tag, text in (("username", username), ("password", password), ("filename", "myFileName"),
                      ("appSignature", "Python SDK Batch")):
        ET.SubElement(root, tag).text = text
    for start, end, names in (("1", "2", ("test", "test2")), ("3", "5", ("test3", "test4"))):
        job = ET.SubElement(root, "job")
        ET.SubElement(job, "startingPage").text = start
        ET.SubElement(job, "endingPage").text = end
        ppo = ET.SubElement(job, "printProductionOptions")
        for tag, value in zip(("documentClass", "layout", "productionTime", "envelope", "color", "paperType",
                               "printOption", "mailClass"), OPTIONS):
            ET.SubElement(ppo, tag).text = value
        recipients = ET.SubElement(job, "recipients")
        for name in names:
            address = ET.SubElement(recipients, "address")
            for key, value in (("name", name), ("organization", "Zoë & Co"), ("address1", "1235 Test Street"),
                               ("address2", "Ste 1234"), ("address3", ""), ("city", "Oak Brook"), ("state", "IL"),
                               ("postalCode", "60523"), ("country", "US")):
                ET.SubElement(address, key).text = value
    return ET.tostring(root, encoding="utf8") if declaration else ET.tostring(root)


def create_batch(http: httpx.Client) -> tuple[httpx.Response, str]:
    """createBatch (c2mAPI.py:90-103): ``requests.post(url, auth=...)``, then
    ``ElementTree.fromstring(r.text)`` and the text of every ``id`` element."""
    r = http.post("/batches")
    batch_id = "0"
    if r.status_code <= 299:
        for elem in ET.fromstring(r.text).iter(tag="id"):
            batch_id = elem.text
    return r, batch_id


def test_published_run_all(sim, tmp_path):
    """runAll (c2mAPI.py:26-40): create, sendPDF (:112-121, ``data=open(file, 'rb')`` under
    ``application/pdf``), sendXML (:104-111, ``application/xml``), submitBatch (:122-129), then it
    returns getBatchStatus (:18-22); it stops at the first answer above 299."""
    http = httpx.Client(base_url=sim.base_url, auth=(sim.username, sim.password), timeout=10)
    r, batch_id = create_batch(http)
    assert r.status_code <= 299 and batch_id.isdigit()
    pdf = tmp_path / "test_batch.pdf"
    pdf.write_bytes(pdf_bytes(tmp_path, 5))
    with open(pdf, "rb") as payload:  # requests streams a file object, with its Content-Length
        r = http.put(f"/batches/{batch_id}", content=payload.read(), headers={**HEADERS, "content-type": "application/pdf"})
    assert r.status_code <= 299
    xml = sdk_batch_xml(sim.username, sim.password, declaration=True)
    assert xml.startswith(b"<?xml version='1.0' encoding='utf8'?>\n<batch><username>")
    r = http.put(f"/batches/{batch_id}", content=xml, headers={**HEADERS, "content-type": "application/xml"})
    assert r.status_code <= 299
    wait_idle(sim)
    r = http.post(f"/batches/{batch_id}", headers=HEADERS)
    assert r.status_code <= 299
    status = http.get(f"/batches/{batch_id}", headers=HEADERS)  # what runAll returns and the sample prints
    assert status.status_code == 201
    root = ET.fromstring(status.text)
    assert (root.findtext("submitted"), root.findtext("received"), root.findtext("hasErrors")) == ("true", "true", "false")
    done = poll(lambda: ET.fromstring(http.get(f"/batches/{batch_id}").text), lambda s: s.find("jobs") is not None
                or s.findtext("hasErrors") == "true")
    assert done.findtext("hasErrors") == "false" and len(done.findall("jobs")) == 2


def test_before_941defa_the_multipart_pdf_upload_gets_cloudflares_403(sim, tmp_path):
    """sendPDF before commit 941defa (c2mAPI.py:109-117 at 941defa^): ``files={"file": open(file, 'rb')}``
    with ``headers={'content-type': 'application/pdf'}``; requests keeps the explicit header, so a
    multipart body goes out labelled application/pdf. The commit: "With these changes, we are no
    longer getting a Cloudflare 403". runAll (:25-39) returns that answer: no XML, no submit."""
    http = httpx.Client(base_url=sim.base_url, auth=(sim.username, sim.password), timeout=10)
    r, batch_id = create_batch(http)
    assert r.status_code <= 299
    boundary = uuid.uuid4().hex  # urllib3's choose_boundary
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="test_batch.pdf"\r\n\r\n'.encode()
            + pdf_bytes(tmp_path, 5) + f"\r\n--{boundary}--\r\n".encode())
    r = http.put(f"/batches/{batch_id}", content=body, headers={**HEADERS, "content-type": "application/pdf"})
    assert r.status_code == 403 and r.status_code > 299  # runAll returns here
    assert r.headers["server"] == "cloudflare" and "Attention Required! | Cloudflare" in r.text
    held = sim_batch(sim, batch_id)
    assert (held["pdf_bytes"], held["xml_bytes"], held["submit_count"]) == (0, 0, 0)


def test_before_941defa_the_xml_without_a_declaration_is_accepted(sim, tmp_path):
    """createBatchXML before 941defa ended in ``tostring(root)`` (c2mAPI.py:80 at 941defa^): ASCII,
    no declaration, non-ASCII as character references. The commit added the declaration too, but
    the 403 came from the multipart body (the test above); a declaration-less batch is processed."""
    http = httpx.Client(base_url=sim.base_url, auth=(sim.username, sim.password), timeout=10)
    _, batch_id = create_batch(http)
    xml = sdk_batch_xml(sim.username, sim.password, declaration=False)
    assert xml.startswith(b"<batch><username>") and b"Zo&#235; &amp; Co" in xml
    assert http.put(f"/batches/{batch_id}", content=pdf_bytes(tmp_path, 5), headers={"content-type": "application/pdf"}).status_code == 200
    assert http.put(f"/batches/{batch_id}", content=xml, headers={"content-type": "application/xml"}).status_code == 200
    assert http.post(f"/batches/{batch_id}").status_code == 200
    done = poll(lambda: ET.fromstring(http.get(f"/batches/{batch_id}").text), lambda s: s.find("jobs") is not None
                or s.findtext("hasErrors") == "true")
    assert done.findtext("hasErrors") == "false" and len(done.findall("jobs")) == 2
