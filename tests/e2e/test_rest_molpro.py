"""Issue 12 against the simulator on loopback: estimate, credit, address correction, proofs, cancel,
cost; the send refusal before create; tolerant and strict REST readers; bad answers as one line."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from decimal import Decimal

import httpx
import pytest

from c2m_tui.core.batchxml import write_batch
from c2m_tui.core.models import Address, Batch, Job, PrintOptions
from c2m_tui.sim import molpro
from tests.conftest import make_pdf
from tests.e2e.helpers import run_cli
from tests.e2e.sendflow import wait_until

COLOR = PrintOptions(color="Full Color", mail_class="Standard")
BW = PrintOptions()


def _addr(i: int, country: str = "") -> Address:
    return Address(name=f"Person {i}", address1=f"{i} Main Street", city="Hartford", state="CT",
                   postal_code="06103", country=country)


def two_group_batch(tmp_path):
    """Group A (B&W First Class, 2 pages): 3 domestic + 2 international over two jobs; group B
    (colour Standard, 1 page): 2 domestic + 1 international."""
    pdf = make_pdf(tmp_path / "letters.pdf", 3)
    jobs = [
        Job(1, 2, BW, [_addr(1), _addr(2), _addr(3, "Canada")]),
        Job(1, 2, BW, [_addr(4), _addr(5, "France")]),
        Job(3, 3, COLOR, [_addr(6), _addr(7), _addr(8, "Germany")]),
    ]
    xml = tmp_path / "batch.xml"
    write_batch(Batch(filename="letters.pdf", jobs=jobs), xml)
    return pdf, xml


def _opts(o: PrintOptions) -> dict:
    return {el: getattr(o, attr) or "" for attr, el in PrintOptions.ELEMENTS}


def test_estimate_equals_price_table_for_two_groups_with_international(sim, tmp_path):
    pdf, xml = two_group_batch(tmp_path)
    r = run_cli("estimate", "--pdf", str(pdf), "--xml", str(xml), "--json", sim=sim)
    assert r.code == 0, r.err
    data = json.loads(r.out)
    a = molpro.group_price(_opts(BW), 2, 3, 2)
    b = molpro.group_price(_opts(COLOR), 1, 2, 1)
    # the table by hand, so a change to group_price cannot agree with itself
    by_hand_a = 3 * (Decimal("0.55") + 2 * Decimal("0.10") + Decimal("0.64")) + 2 * (
        Decimal("0.55") + 2 * Decimal("0.10") + Decimal("1.65"))
    assert a == by_hand_a.quantize(Decimal("0.01"))
    assert data["pieces"] == 8
    assert [(g["quantity"], g["internationalQuantity"], g["pages"]) for g in data["groups"]] == [(3, 2, 2), (2, 1, 1)]
    assert [g["subtotal"] for g in data["groups"]] == [float(a), float(b)]
    assert data["total"] == float(a + b)
    assert set(data["groups"][0]) == {*(el for _, el in PrintOptions.ELEMENTS), "quantity",
                                      "internationalQuantity", "pages", "subtotal"}
    text = run_cli("estimate", "--pdf", str(pdf), "--xml", str(xml), sim=sim)
    assert f"${a + b:,.2f}" in text.out


def test_credit_and_charge_on_receipt_then_cost(sim_factory, tmp_path):
    sim = sim_factory("--queue-seconds", "0", "--job-seconds", "30", "--credit", "500")
    r = run_cli("credit", "--json", sim=sim)
    assert r.code == 0 and json.loads(r.out) == {"balance": 500.0, "allowNegative": False, "description": "Success"}
    pdf, xml = two_group_batch(tmp_path)
    sent = run_cli("send", "--pdf", str(pdf), "--xml", str(xml), "--yes", sim=sim)
    assert sent.code == 0, sent.err
    assert "estimated cost: $" in sent.err and "credit balance: $500.00" in sent.err
    total = molpro.group_price(_opts(BW), 2, 3, 2) + molpro.group_price(_opts(COLOR), 1, 2, 1)
    wait_until(lambda: json.loads(run_cli("credit", "--json", sim=sim).out)["balance"] == float(500 - total),
               what="the batch's charge")
    cost = run_cli("cost", sent.last_line, "--json", "--pace", "0.01", sim=sim)
    assert cost.code == 0, cost.err
    assert json.loads(cost.out)["total"] == float(total) and len(json.loads(cost.out)["jobs"]) == 3


def test_insufficient_credit_refused_before_create(sim_factory, tmp_path):
    sim = sim_factory("--credit", "1")
    pdf, xml = two_group_batch(tmp_path)
    r = run_cli("send", "--pdf", str(pdf), "--xml", str(xml), "--yes", sim=sim)
    assert r.code == 1
    last = r.err.strip().splitlines()[-1]
    assert "$1.00" in last and "is above the credit balance" in last and "not sent" in last
    assert sim.state()["batches"] == []  # nothing created
    neg = sim_factory("--credit", "1", "--allow-negative")
    ok = run_cli("send", "--pdf", str(pdf), "--xml", str(xml), "--yes", sim=neg)
    assert ok.code == 0, ok.err
    assert len(neg.state()["batches"]) == 1


def test_estimate_unknown_still_asks(sim, tmp_path):
    """No REST host reachable: send says why and still goes on (--yes)."""
    pdf, xml = two_group_batch(tmp_path)
    r = run_cli("send", "--pdf", str(pdf), "--xml", str(xml), "--yes", "--rest-url", "http://127.0.0.1:9/molpro",
                sim=sim)
    assert r.code == 0, r.err
    assert "estimated cost: unknown (cannot reach 127.0.0.1:9" in r.err


def test_address_correction_over_250_addresses_in_three_calls(sim, tmp_path):
    rows = [{"Name": f"P {i}", "Street": f"{i} elm avenue", "City": "boston", "State": "Massachusetts",
             "Zip": "02134", "Country": ""} for i in range(1, 251)]
    rows[10]["Country"] = "Canada"
    rows[20].update(Street="", Zip="12")
    src = tmp_path / "list.csv"
    with open(src, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    out = tmp_path / "fixed.csv"
    r = run_cli("check-addresses", str(src), "--json", "-o", str(out), sim=sim)
    assert r.code == 1, r.err  # one non-mailable
    data = json.loads(r.out)
    assert data["calls"] == 3 and data["counts"] == {"standard": 248, "international": 1, "nonMailable": 1}
    first = data["addresses"][0]
    assert first["where"] == "row 2" and first["corrected"]["address1"] == "1 ELM AVE"
    assert first["corrected"]["state"] == "MA" and first["corrected"]["zip"].startswith("02134-")
    assert data["addresses"][20]["nonMailable"] and data["addresses"][10]["international"]
    fixed = list(csv.DictReader(open(out)))
    assert len(fixed) == 250 and fixed[0]["address1"] == "1 ELM AVE" and fixed[20]["kind"] == "nonMailable"
    assert sim.state()["molpro_calls"]["addressCorrection"] == 3  # 100 + 100 + 50


def _mailed_batch(sim, tmp_path):
    pdf, xml = two_group_batch(tmp_path)
    sent = run_cli("send", "--pdf", str(pdf), "--xml", str(xml), "--yes", sim=sim)
    assert sent.code == 0, sent.err
    bid = sent.last_line
    wait_until(lambda: sim.state()["batches"][0]["job_count"] == 3, what="jobs")
    return bid


def test_proof_is_a_pdf_with_the_recipient_block(sim_factory, tmp_path):
    from pypdf import PdfReader

    sim = sim_factory("--queue-seconds", "0", "--job-seconds", "30")
    bid = _mailed_batch(sim, tmp_path)
    out = tmp_path / "proof.pdf"
    r = run_cli("proof", bid, "--job", "1", "-o", str(out), sim=sim)
    assert r.code == 0, r.err
    reader = PdfReader(str(out))
    assert len(reader.pages) == 3  # "Address on Separate Page" in front of the job's two pages
    assert "Person 1" in reader.pages[0].extract_text() and "3 page(s)" in r.out
    missing = run_cli("proof", bid, "--job", "9", "-o", str(out), sim=sim)
    assert missing.code == 2 and "no job 9" in missing.err


def test_cancel_before_production_and_refused_after(sim_factory, tmp_path):
    sim = sim_factory("--queue-seconds", "0", "--job-seconds", "30")
    bid = _mailed_batch(sim, tmp_path)
    ok = run_cli("cancel", bid, "--job", "1", "--yes", sim=sim)
    assert ok.code == 0 and "cancelled" in ok.out, ok.err
    batch = sim.state()["batches"][0]["id"]
    httpx.post(f"{sim.root}/__sim__/jobs", json={"batch": batch, "job": 2, "status": "IN_PRODUCTION"})
    refused = run_cli("cancel", bid, "--job", "2", "--yes", sim=sim)
    assert refused.code == 1
    assert "not cancelled" in refused.out and "IN_PRODUCTION" in refused.out
    again = run_cli("cancel", bid, "--job", "1", "--yes", sim=sim)
    assert again.code == 1 and "already cancelled" in again.out


def _arm(sim, path, body, status=200, content_type="application/xml", count=1):
    httpx.post(f"{sim.root}/__sim__/molpro", json={"path": path, "body": body, "status": status,
                                                   "contentType": content_type, "count": count}).raise_for_status()


def test_unknown_elements_kept_and_unreadable_reported(sim):
    from c2m_tui.core.rest import RestAnswerError, RestClient

    _arm(sim, "credit", "<credit><balance>12.50</balance><allowNegative>true</allowNegative><currency>USD</currency>"
         "<newThing>x</newThing></credit>")
    _arm(sim, "costEstimate", "<costEstimate><price>3.00</price></costEstimate>")

    async def main():
        async with RestClient(f"{sim.root}/molpro", "demo", "demo") as rest:
            credit = await rest.credit()
            with pytest.raises(RestAnswerError, match=r"estimate the cost .* it has no <subtotal>"):
                await rest.cost_estimate({"documentClass": "Letter 8.5 x 11"}, pages=1, quantity=1)
            return credit

    credit = asyncio.run(main())
    assert credit.balance == Decimal("12.50") and credit.allow_negative
    assert credit.extra == {"currency": "USD", "newThing": "x"}


@pytest.mark.parametrize("status,body,ctype,words,code", [
    (200, "<!DOCTYPE html><html><body>Login</body></html>", "text/html", "is an HTML page", 1),
    (524, "<html>A timeout occurred</html>", "text/html", "timed out upstream (HTTP 524)", 1),
    (200, "<credit><balance>lots</balance><allowNegative>false</allowNegative></credit>", "application/xml",
     "<balance> is 'lots'", 1),
])
def test_bad_answers_are_one_line(sim, status, body, ctype, words, code):
    _arm(sim, "credit", body, status, ctype, count=5)
    r = run_cli("credit", sim=sim)
    assert r.code == code and words in r.err and len(r.err.strip().splitlines()) == 1, r.err


def test_unknown_job_and_unreachable_host(sim):
    r = run_cli("cost", "999999999", sim=sim)
    assert r.code == 1 and len(r.err.strip().splitlines()) == 1 and "999999999" in r.err
    gone = run_cli("credit", "--rest-url", "http://127.0.0.1:9/molpro", sim=sim)
    assert gone.code == 4 and "cannot reach 127.0.0.1:9" in gone.err
    nohost = run_cli("credit", "--base-url", "https://example.invalid/v1", env={"C2M_USERNAME": "a", "C2M_PASSWORD": "b"})
    assert nohost.code == 2 and "--rest-url" in nohost.err
