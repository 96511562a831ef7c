"""Issue 11: the validator is strict where money is at stake. Unknown options are errors with the
suggestion, misspelt elements are named on their own line, the capacity rules of reference §9.4
refuse what cannot be mailed and say the fix, and every problem carries its line."""

from __future__ import annotations

import json

import pytest

from c2m_tui.cli import main
from c2m_tui.core.batchxml import batch_xml_bytes, read_batch
from c2m_tui.core.models import Address, Batch, Job, PrintOptions
from c2m_tui.core.validate import validate_batch


def options(**over) -> str:
    values = {"documentClass": "Letter 8.5 x 11", "layout": "Address on Separate Page", "productionTime": "Next Day",
              "envelope": "#10 Double Window", "color": "Black and White", "paperType": "White 24#",
              "printOption": "Printing both sides", "mailClass": "First Class"} | over
    return "<printProductionOptions>" + "".join(f"<{k}>{v}</{k}>" for k, v in values.items()) + "</printProductionOptions>"


def batch(first: str = "<startingPage>1</startingPage>", end: int = 2, **over) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<batch>
  <filename>letters.pdf</filename>
  <job>
    {first}
    <endingPage>{end}</endingPage>
    {options(**over)}
    <recipients>
      <address><name>Ada</name><address1>1 Main St</address1><city>Reno</city><state>NV</state><postalCode>89501</postalCode></address>
    </recipients>
  </job>
</batch>
""".encode()


def write(tmp_path, data: bytes):
    path = tmp_path / "batch.xml"
    path.write_bytes(data)
    return path


def run_json(capsys, *args) -> tuple[int, dict]:
    code = main(["validate", *args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_typoed_mail_class_is_an_error_with_the_suggestion(tmp_path, capsys):
    path = write(tmp_path, batch(mailClass="First-Class"))
    code, out = run_json(capsys, str(path))
    assert code == 1 and out["valid"] is False
    assert out["errors"] == [{"line": 7, "job": 1, "recipient": None, "field": "mailClass",
                              "message": '"First-Class" is not in the product catalog (did you mean "First Class"?)',
                              "suggestion": "First Class"}]
    code, out = run_json(capsys, str(path), "--allow-unknown-options")
    assert code == 0 and [w["field"] for w in out["warnings"]] == ["mailClass"]


def test_misspelt_element_is_named_on_its_own_line_and_the_next_one_is_not_blamed(tmp_path, capsys):
    path = write(tmp_path, batch(first="<startingPge>1</startingPge>"))
    code, out = run_json(capsys, str(path))
    assert code == 1
    assert out["errors"] == [{"line": 5, "job": 1, "recipient": None, "field": "startingPge",
                              "message": "<startingPge> is not a batch XML element (did you mean <startingPage>?)",
                              "suggestion": "startingPage"}]


def test_unknown_element_in_an_address_is_an_error_listing_what_is_allowed():
    data = batch().replace(b"<city>Reno</city>", b"<town>Reno</town>")
    report = validate_batch(data)
    town = [p for p in report.errors if p.field == "town"]
    assert len(town) == 1 and (town[0].line, town[0].job, town[0].recipient) == (9, 1, 1)
    assert town[0].message.startswith("<town> is not a batch XML element; allowed in <address>: <name>")


def test_13_page_duplex_letter_in_a_no10_envelope_is_refused_with_the_fix(tmp_path, capsys):
    path = write(tmp_path, batch(end=13))
    code, out = run_json(capsys, str(path))
    assert code == 1
    assert out["errors"] == [{"line": 7, "job": 1, "recipient": None, "field": "envelope",
                              "message": "13 pages printed on both sides are 7 sheets, and a #10 envelope holds "
                                         "at most 5: use Flat Envelope", "suggestion": "Flat Envelope"}]
    assert validate_batch(batch(end=10)).valid  # 10 duplex pages are 5 sheets: they fit
    assert not validate_batch(batch(end=6, printOption="Printing One side")).valid
    assert validate_batch(batch(end=13, envelope="Flat Envelope")).valid


def test_letter_and_booklet_page_limits():
    (p,) = validate_batch(batch(end=48, envelope="Flat Envelope", printOption="Printing One side")).errors
    assert p.field == "printOption" and p.message.endswith("print on both sides")
    (p,) = validate_batch(batch(end=95, envelope="Flat Envelope")).errors
    assert "split the pages over more jobs" in p.message
    booklet = dict(documentClass="Booklet 8.5 x 11 Address Front Page", layout="Address on First Page",
                   envelope="Flat Envelope")
    assert validate_batch(batch(end=56, **booklet)).valid
    (p,) = validate_batch(batch(end=57, **booklet)).errors
    assert "a booklet holds at most 56" in p.message


def test_malformed_file_has_its_line_in_the_json(tmp_path, capsys):
    path = write(tmp_path, b"<batch>\n  <filename>x</filename>\n  <job>\n</batch>\n")
    code, out = run_json(capsys, str(path))
    assert code == 1 and out["errors"][0]["line"] == 4
    assert "malformed XML" in out["errors"][0]["message"]


def test_postcard_written_by_build_xml_has_an_empty_envelope(tmp_path, capsys, pdf_factory):
    from pathlib import Path

    fixtures = Path(__file__).resolve().parent.parent / "fixtures" / "addresses"
    out_xml = tmp_path / "cards.xml"
    pdf = pdf_factory(2)
    code = main(["build-xml", "--addresses", str(fixtures / "google_contacts_new.csv"), "--pdf", str(pdf),
                 "--same-pages", "1-2", "--document-class", "Postcard 4.25 x 6", "--layout", "Double Sided Postcard",
                 "--envelope", "none", "--paper-type", "White Matte", "--print-option", "Printing both sides", "--skip-invalid", "-o", str(out_xml)])
    capsys.readouterr()
    assert code == 0
    text = out_xml.read_text()
    assert "<envelope/>" in text
    assert text.index("<productionTime>") < text.index("<envelope/>") < text.index("<color>")
    assert validate_batch(out_xml, pdf).valid
    assert read_batch(out_xml).batch.jobs[0].options.envelope is None


def test_build_xml_refuses_a_typo_and_an_overfull_envelope(tmp_path, capsys, pdf_factory):
    from pathlib import Path

    fixtures = Path(__file__).resolve().parent.parent / "fixtures" / "addresses"
    out_xml = tmp_path / "o.xml"
    base = ["build-xml", "--addresses", str(fixtures / "google_contacts_new.csv"), "-o", str(out_xml)]
    assert main([*base, "--pdf", str(pdf_factory(1)), "--same-pages", "1", "--mail-class", "First-Class"]) == 1
    err = capsys.readouterr().err
    assert 'did you mean "First Class"?' in err and "--allow-unknown-options" in err
    assert main([*base, "--pdf", str(pdf_factory(13)), "--same-pages", "1-13", "--envelope", "#10 Double Window",
                 "--print-option", "Printing both sides"]) == 1
    assert "--envelope: 13 pages printed on both sides are 7 sheets" in capsys.readouterr().err
    assert not out_xml.exists()


@pytest.mark.parametrize("envelope", [None, ""])
def test_writer_puts_all_eight_options_in_order(envelope):
    data = batch_xml_bytes(Batch(filename="c.pdf", jobs=[Job(1, 1, PrintOptions(
        document_class="Postcard 4.25 x 6", layout="Double Sided Postcard", envelope=envelope,
        paper_type="White Matte"), [Address(name="A", address1="1 St", city="X", state="VA", postal_code="22974")])]))
    assert data.count(b"<envelope/>") == 1
