"""yourcelf/btb's printing code (``printing/click2mail.py``, Click2MailBatch, 2014-2024) against the
simulator: run() creates the batch, uploads the XML, then the PDF, submits, and polls until
``completedAt`` appears, which it takes as done (it prints "Done" and print_mail.py:109-110 then
deletes the merged PDF).
"""

from __future__ import annotations

import httpx
from lxml import etree
from lxml.builder import E

from tests.e2e.conformance import module_sim, pdf_bytes, poll


# job steps of 30 s: the jobs are far from MAILED while btb polls
sim = module_sim(queue_seconds="0.05", job_seconds="30")


def check_res(res: httpx.Response, desired_status: int = 200) -> dict | None:
    """click2mail.py:88-110: the status must be exactly ``desired_status``; an empty body is fine;
    else the texts of //id, //hasErrors, //status, //completedAt, //createdAt, raising on a status
    other than "0" or hasErrors other than "false"."""
    assert res.status_code == desired_status, f"Bad status {res.status_code}: {res.text}"
    if not res.text.strip():
        return None
    root = etree.fromstring(res.text.encode("utf-8"))
    results = {
        "id": root.xpath("//id/text()")[0],
        "hasErrors": "".join(root.xpath("//hasErrors/text()")),
        "status": "".join(root.xpath("//status/text()")),
        "completedAt": "".join(root.xpath("//completedAt/text()")),
        "createdAt": "".join(root.xpath("//createdAt/text()")),
    }
    assert not results["status"] or results["status"] == "0", f"Bad xml status {results['status']}"
    assert not results["hasErrors"] or results["hasErrors"] == "false", f"Has errors: {res.text}"
    return results


def btb_batch_xml(username: str, password: str) -> bytes:
    """build_batch_xml (click2mail.py:63-86): lxml's E-builder, pretty printed, after its own
    ``standalone="yes"`` declaration; credentials inside; letter options (:18-27, envelope by page
    count :69-71); its fixed return address (:41-51); recipients with an empty <country> (:53-61)."""
    def options(pages: int):
        return E("printProductionOptions", E("documentClass", "Letter 8.5 x 11"), E("layout", "Address on Separate Page"),
                 E("productionTime", "Next Day"), E("envelope", "#10 Double Window" if pages <= 10 else "Flat Envelope"),
                 E("color", "Black and White"), E("paperType", "White 24#"), E("printOption", "Printing both sides"),
                 E("mailClass", "First Class"))

    def recipient(name: str, street: str, city: str, state: str, zip_code: str):
        parts = [E(k, v) for k, v in (("name", name), ("organization", ""), ("address1", street), ("address2", ""),
                                      ("address3", ""), ("city", city), ("state", state), ("postalCode", zip_code))]
        return E("address", *parts, E("country", ""))

    return_address = E("returnAddress", E("name", "Letters Project"), E("organization", ""),
                       E("address1", "100 Sample Ave SW # 300"), E("address2", ""), E("city", "Grandville"),
                       E("state", "MI"), E("postalCode", "49418"))
    jobs = [E("job", E("startingPage", "1"), E("endingPage", "3"), options(3), return_address,
              E("recipients", recipient("Frank Lou", "PO Box 1000", "Bellefonte", "PA", "16823"))),
            E("job", E("startingPage", "4"), E("endingPage", "15"), options(12), return_address,
              E("recipients", recipient("Val Rose", "1 Prison Rd", "Ionia", "MI", "48846")))]
    declaration = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    return declaration + etree.tostring(E("batch", E("username", username), E("password", password),
                                          E("filename", "combined.pdf"), *jobs), pretty_print=True)


def test_run_polls_until_completed_at(sim, tmp_path):
    """create_batch (:112-121, check_res 201), upload_batch_xml (:123-133, application/xml), upload_pdf
    (:135-146, raw bytes under application/pdf), submit_job (:148-153), poll_job_complete (:155-166:
    GET until completedAt is not empty, every 20 s). completedAt says processing has finished: it
    comes with the jobs, while they are still far from MAILED (the old simulator set it only once
    every job was mailed, so btb would have polled for the whole production and mailing time)."""
    http = httpx.Client(base_url=sim.base_url, auth=(sim.username, sim.password), timeout=10)
    batch_id = check_res(http.post("/batches"), 201)["id"]
    assert check_res(http.put(f"/batches/{batch_id}", content=btb_batch_xml(sim.username, sim.password),
                              headers={"content-type": "application/xml"})) is None
    assert check_res(http.put(f"/batches/{batch_id}", content=pdf_bytes(tmp_path, 15),
                              headers={"content-type": "application/pdf"})) is None
    assert check_res(http.post(f"/batches/{batch_id}")) is None
    answer = poll(lambda: http.get(f"/batches/{batch_id}"), lambda r: check_res(r, 201)["completedAt"],
                  what="completedAt (poll_job_complete)")
    root = etree.fromstring(answer.content)
    assert [j.findtext("jobStatus") for j in root.findall("jobs")] == ["ORDER_SUBMITTED", "ORDER_SUBMITTED"]
    assert root.findtext("completedAt") >= root.findtext("createdAt")
