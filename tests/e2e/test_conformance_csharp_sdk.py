"""A replay of Click2Mail's C# SDK 2.0 exchange (click2mail/NET-CSharp-Click2Mail-Client-SDK-2.0,
``click2mailCSharp/Batchc2mAPI.cs``): runComplete (:990-1037) creates the batch, uploads the XML, then
the PDF, submits, reads details and status (loadBatchObjectAll, :125-239) and polls every 5 s until
jobs appear or hasErrors is "true" (ActivateJobCheck, :1038-1051).
"""

from __future__ import annotations

import base64

import httpx
from lxml import etree

from tests.e2e.conformance import module_sim, pdf_bytes, poll


sim = module_sim()


def csharp_batch_xml(username: str, password: str, pdf_path: str) -> bytes:
    """createXMLBatchPost (:515-705) builds an XmlDocument and writes it through a StringWriter, so its
    declaration says utf-16; PutObject (:747-770) then ``xmlDoc.Save(stream)``: UTF-16LE with a BOM,
    indented by two spaces. Names are "Last, First" (:637-644); country is CountryNonUS, empty for
    US addresses (:675-677); the return address has no address3 and no country (:592-628)."""
    address = ("    <address>\r\n      <name>{name}</name>\r\n      <organization />\r\n      <address1>{street}</address1>\r\n"
               "      <address2 />\r\n      <address3 />\r\n      <city>Oak Brook</city>\r\n      <state>IL</state>\r\n"
               "      <postalCode>60523</postalCode>\r\n      <country />\r\n    </address>\r\n")
    jobs = ""
    for start, end, people in ((1, 6, [("Doe, John", "1 Main St"), ("Roe, Jane", "2 Main St")]), (7, 7, [("Poe, Al", "3 Elm St")])):
        jobs += (f"  <job>\r\n    <startingPage>{start}</startingPage>\r\n    <endingPage>{end}</endingPage>\r\n"
                 "    <printProductionOptions>\r\n      <documentClass>Letter 8.5 x 11</documentClass>\r\n"
                 "      <layout>Address on First Page</layout>\r\n      <productionTime>Next Day</productionTime>\r\n"
                 "      <envelope>Flat Envelope</envelope>\r\n      <color>Full Color</color>\r\n"
                 "      <paperType>White 24#</paperType>\r\n      <printOption>Printing One side</printOption>\r\n"
                 "      <mailClass>First Class</mailClass>\r\n    </printProductionOptions>\r\n"
                 "    <returnAddress>\r\n      <name>C2M Test</name>\r\n      <organization>Click2Mail</organization>\r\n"
                 "      <address1>92 G Industrial Way</address1>\r\n      <address2 />\r\n      <city>Troy</city>\r\n"
                 "      <state>VA</state>\r\n      <postalCode>22974</postalCode>\r\n    </returnAddress>\r\n"
                 "    <recipients>\r\n"
                 + "".join(address.format(name=n, street=s) for n, s in people)
                 + "    </recipients>\r\n  </job>\r\n")
    text = (f'<?xml version="1.0" encoding="utf-16"?>\r\n<batch>\r\n  <username>{username}</username>\r\n'
            f"  <password>{password}</password>\r\n  <filename>{pdf_path}</filename>\r\n"
            f"  <appSignature>.NET SDK API</appSignature>\r\n{jobs}</batch>")
    return text.encode("utf-16")  # Python's utf-16 codec writes the BOM, little-endian here


def read_to_following(xml: str, name: str) -> str:
    """parseReturnxml (:771-790): XmlReader.ReadToFollowing(name), ReadElementContentAsString()."""
    return next(el.text or "" for el in etree.fromstring(xml.encode()).iter(name))


def test_run_complete_exchange(sim, tmp_path):
    """createbatch (:442-514): POST with a pre-emptive Authorization header and Content-Type text/plain,
    no body. PutObject: WebClient.Credentials, so the XML PUT first goes without credentials, meets the
    401 Basic challenge and is sent again with them. uploadBatchPDF (:792-830): pre-emptive header,
    application/pdf, raw bytes. submitbatch (:924-979). Details first: createdAt, errorMessage,
    batchNumber (int.Parse), noOfPieces, status and documentName must all be there (:131-147)."""
    auth = {"authorization": "Basic " + base64.b64encode(f"{sim.username}:{sim.password}".encode()).decode()}
    http = httpx.Client(base_url=sim.base_url, timeout=10)
    created = http.post("/batches", content=b"", headers={**auth, "content-type": "text/plain"})
    batch_id = int(read_to_following(created.text, "id"))
    pdf_path = r"C:\c2m\stage_MergedBatch_BatchID_%d.pdf" % batch_id
    xml = csharp_batch_xml(sim.username, sim.password, pdf_path)
    assert xml[:2] == b"\xff\xfe"
    challenged = http.put(f"/batches/{batch_id}", content=xml, headers={"content-type": "application/xml"})
    assert challenged.status_code == 401 and challenged.headers["www-authenticate"].startswith("Basic realm=")
    retried = http.put(f"/batches/{batch_id}", content=xml, headers={**auth, "content-type": "application/xml"})
    assert retried.status_code == 200
    assert http.put(f"/batches/{batch_id}", content=pdf_bytes(tmp_path, 7), headers={**auth, "content-type": "application/pdf"}).status_code == 200
    assert http.post(f"/batches/{batch_id}", headers=auth).status_code == 200

    details = etree.fromstring(http.get(f"/batches/{batch_id}/details", headers=auth).content)
    fields = {name: details.find(name) for name in  # SelectSingleNode("//batch/NAME")
              ("createdAt", "errorMessage", "batchNumber", "noOfPieces", "status", "documentName")}
    assert all(el is not None for el in fields.values()), etree.tostring(details)
    assert int(fields["batchNumber"].text) == batch_id

    def status():
        return etree.fromstring(http.get(f"/batches/{batch_id}", headers=auth).content)

    first = status()
    assert all(first.find(n) is not None for n in ("hasErrors", "received", "submitted"))
    done = poll(status, lambda s: s.findall("jobs") or s.findtext("hasErrors") == "true", what="jobs (ActivateJobCheck)")
    assert done.findtext("hasErrors") == "false"
    jobs = done.findall("jobs")
    assert [int(j.findtext("jobId")) > 0 for j in jobs] == [True, True]  # int.Parse(jobId), :205
    assert [j.findtext("jobIndex") for j in jobs] == ["1", "2"]
    details = etree.fromstring(http.get(f"/batches/{batch_id}/details", headers=auth).content)
    assert (details.findtext("documentName"), details.findtext("noOfPieces")) == (pdf_path, "3")
