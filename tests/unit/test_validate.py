"""Pre-flight validation: exact lines and indexes on the real samples, and each kind of check."""

from __future__ import annotations

from pathlib import Path

import pytest

from c2m_tui.core.batchxml import batch_xml_bytes
from c2m_tui.core.errors import InputError
from c2m_tui.core.models import Address, Batch, Job, PrintOptions, ReturnAddress
from c2m_tui.core.validate import schema_message, validate_batch

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "real-world"
SHELL = SAMPLES / "click2mail-shell-batch-request-letter.xml"
BTB = SAMPLES / "btb-correct_xml.xml"


def good_address(**kw) -> Address:
    base = dict(name="Ann Lee", address1="1 Main St", city="Boston", state="MA", postal_code="02134", country="US")
    base.update(kw)
    return Address(**base)


def xml_of(*jobs: Job) -> bytes:
    return batch_xml_bytes(Batch(filename="letters.pdf", jobs=list(jobs)))


def find(problems, field):
    return [p for p in problems if p.field == field]


def test_btb_sample_firstclass_is_an_error_with_suggestion_and_line():
    report = validate_batch(BTB)
    assert not report.valid
    (mail,) = report.errors
    assert mail.field == "mailClass" and mail.unknown_option
    assert (mail.line, mail.job, mail.recipient, mail.suggestion) == (88, 3, None, "First Class")
    assert 'did you mean "First Class"' in mail.message
    assert BTB.read_text().splitlines()[88 - 1].strip() == "<mailClass>FirstClass</mailClass>"


def test_btb_sample_passes_with_unknown_options_allowed():
    report = validate_batch(BTB, allow_unknown_options=True)
    assert report.valid and report.errors == []
    (mail,) = find(report.warnings, "mailClass")
    assert (mail.line, mail.job, mail.recipient, mail.suggestion) == (88, 3, None, "First Class")
    assert 'did you mean "First Class"' in mail.message
    assert BTB.read_text().splitlines()[88 - 1].strip() == "<mailClass>FirstClass</mailClass>"


def test_btb_sample_postcard_3_5_x_5_is_in_the_catalog_now():
    report = validate_batch(BTB)
    assert find(report.errors + report.warnings, "documentClass") == []
    assert (report.jobs, report.pieces, report.pages) == (3, 3, 13 + 5 + 1)


def test_shell_sample_dc_state_and_credentials():
    report = validate_batch(SHELL)
    assert report.valid
    (state,) = find(report.warnings, "state")
    assert (state.line, state.job, state.recipient, state.suggestion) == (94, 2, 2, "DC")
    assert state.format("batch.xml") == 'batch.xml:94: job 2, recipient 2, state: "D.C." is not a USPS state code (did you mean "DC"?)'
    assert [p.line for p in find(report.warnings, "password")] == [4]
    assert (report.jobs, report.pieces, report.pages) == (5, 10, 20)


def test_shell_sample_against_a_pdf(pdf_factory):
    assert validate_batch(SHELL, pdf_factory(10)).valid
    short = validate_batch(SHELL, pdf_factory(8))
    assert not short.valid
    (err,) = short.errors
    assert (err.job, err.field, err.line) == (5, "startingPage", 195)  # pages 9-10 start past page 8
    assert "beyond the PDF, which has 8 pages" in err.message
    extra = validate_batch(SHELL, pdf_factory(12))
    assert extra.valid
    assert any("pages 11-12 of the PDF are in no job" in w.message for w in extra.warnings)


def test_four_digit_zip_names_line_job_recipient_and_suggests_the_zero():
    data = xml_of(Job(1, 1, recipients=[good_address(), good_address(postal_code="2134")]))
    report = validate_batch(data)
    assert not report.valid
    (err,) = report.errors
    line = data.decode().splitlines().index("        <postalCode>2134</postalCode>") + 1
    assert err.format("batch.xml") == (
        f'batch.xml:{line}: job 1, recipient 2, postalCode: ZIP "2134" has 4 digits; a spreadsheet may have '
        'dropped a leading zero (did you mean "02134"?)')
    assert err.suggestion == "02134"


def test_a_lost_zero_is_not_suggested_when_the_zip_would_be_another_states():
    data = xml_of(Job(1, 1, recipients=[good_address(state="MA", postal_code="6010")]))
    (err,) = validate_batch(data).errors
    assert err.suggestion is None and "did you mean" not in err.message  # 06010 is Connecticut's
    assert '"6010" is not a US ZIP code' in err.message


@pytest.mark.parametrize("zip_code,severity,suggestion", [
    ("02134-1234", None, None), ("021341234", "warning", "02134-1234"), ("ABCDE", "error", None),
    ("", "error", None),
])
def test_zip_formats(zip_code, severity, suggestion):
    report = validate_batch(xml_of(Job(1, 1, recipients=[good_address(postal_code=zip_code)])))
    found = find(report.errors + report.warnings, "postalCode")
    if severity is None:
        assert found == []
    else:
        assert [(p.severity, p.suggestion) for p in found] == [(severity, suggestion)]


@pytest.mark.parametrize("country", ["", "US", "USA", "United States"])
def test_us_spellings_require_state_and_zip(country):
    report = validate_batch(xml_of(Job(1, 1, recipients=[good_address(country=country, state="", postal_code="")])))
    assert {p.field for p in report.errors} == {"state", "postalCode"}


def test_foreign_address_needs_no_us_state_or_zip():
    addr = good_address(country="Canada", state="Ontario", postal_code="K1A 0B1")
    assert validate_batch(xml_of(Job(1, 1, recipients=[addr]))).errors == []


def test_required_fields():
    report = validate_batch(xml_of(Job(1, 1, recipients=[Address(state="VA", postal_code="22974")])))
    assert sorted(p.field for p in report.errors) == ["address1", "city", "name"]
    only_org = good_address(name="", organization="ACME")
    assert validate_batch(xml_of(Job(1, 1, recipients=[only_org]))).valid


def test_state_checks():
    report = validate_batch(xml_of(Job(1, 1, recipients=[good_address(state="ma"), good_address(state="XX")])))
    assert [(p.recipient, p.suggestion) for p in find(report.warnings, "state")] == [(1, "MA")]
    assert [p.recipient for p in find(report.errors, "state")] == [2]


def test_return_address_is_checked_as_us():
    ra = ReturnAddress(name="Sender", address1="1 St", city="Troy", state="Virginia", postal_code="2297")
    report = validate_batch(xml_of(Job(1, 1, recipients=[good_address()], return_address=ra)))
    assert [(p.field, p.recipient) for p in report.errors] == [("returnAddress/postalCode", None)]
    assert [(p.field, p.suggestion) for p in report.warnings] == [("returnAddress/state", "VA")]


def test_field_lengths_warn():
    report = validate_batch(xml_of(Job(1, 1, recipients=[good_address(city="X" * 40)])))
    assert report.valid and [p.field for p in report.warnings] == ["city"]


def test_page_range_order_gaps_and_overlaps():
    people = [good_address()]
    report = validate_batch(xml_of(Job(1, 2, recipients=people), Job(5, 4, recipients=people),
                                   Job(6, 7, recipients=people), Job(7, 8, recipients=people)))
    assert [(p.job, p.field) for p in report.errors] == [(2, "endingPage")]
    assert "endingPage 4 is before startingPage 5" in report.errors[0].message
    messages = [(p.job, p.message) for p in report.warnings]
    assert (3, "pages 3-5 of the PDF are in no job; they will not be mailed") in messages
    assert (4, "page 7 is also in job 3 (printed for both jobs)") in messages
    assert len(messages) == 2


def test_option_errors_and_warnings_carry_lines():
    data = xml_of(Job(1, 1, recipients=[good_address()], options=PrintOptions(
        document_class="Postcard 4.25 x 6", layout="Address on Separate Page", envelope="#10 Double Window",
        paper_type="White Matte", print_option="Printing both sides", mail_class="first class")))
    report = validate_batch(data)
    lines = data.decode().splitlines()
    by_field = {p.field: p for p in report.errors + report.warnings}
    assert by_field["envelope"].severity == "error" and by_field["layout"].severity == "error"
    assert by_field["mailClass"].severity == "warning" and by_field["mailClass"].suggestion == "First Class"
    assert "<envelope>" in lines[by_field["envelope"].line - 1]
    assert "<mailClass>" in lines[by_field["mailClass"].line - 1]


def test_schema_errors_are_readable_with_line_job_and_recipient():
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<batch>
  <filename>x.pdf</filename>
  <job>
    <startingPage>1</startingPage>
    <endingPage>1</endingPage>
    <printProductionOptions><documentClass>Letter 8.5 x 11</documentClass><layout>Address on Separate Page</layout><productionTime>Next Day</productionTime><envelope>#10 Double Window</envelope><color>Black and White</color><paperType>White 24#</paperType><printOption>Printing both sides</printOption><mailClass>First Class</mailClass></printProductionOptions>
    <recipients><address><name>A</name><address1>1 St</address1><city>X</city><state>VA</state><postalCode>22974</postalCode></address></recipients>
  </job>
  <job>
    <startingPage>zero</startingPage>
    <endingPage>2</endingPage>
    <printProductionOptions><layout>Address on Separate Page</layout></printProductionOptions>
    <recipients>
      <address><name>B</name></address>
      <address>
        <city>Y</city>
        <name>C</name>
      </address>
    </recipients>
    <frobnicate>1</frobnicate>
  </job>
</batch>"""
    report = validate_batch(data)
    assert not report.valid
    got = {(p.line, p.job, p.recipient, p.field): p.message for p in report.errors}
    assert got[(11, 2, None, "startingPage")] == '"zero" is not a page number (a whole number, 1 or more)'
    assert "expected <documentClass>" in got[(13, 2, None, "layout")]
    assert got[(18, 2, 2, "name")].startswith("<name> is out of place: expected one of <state>, <postalCode>")
    assert [(p.line, p.job, p.field) for p in report.errors if p.field == "frobnicate"] == [(21, 2, "frobnicate")]


def test_missing_and_unknown_elements_name_only_what_is_required():
    data = b"""<batch><filename>x.pdf</filename>
<job><startingPage>1</startingPage><endingPage>1</endingPage>
<printProductionOptions><documentClass>Letter 8.5 x 11</documentClass><layout>Address on Separate Page</layout><productionTime>Next Day</productionTime><envelope>Best Fit</envelope><color>Black and White</color><paperType>White 24#</paperType><printOption>Printing both sides</printOption><mailClass>First Class</mailClass></printProductionOptions>
</job>
<extra/>
</batch>"""
    got = [(p.line, p.job, p.field, p.message) for p in validate_batch(data).errors]
    assert got == [
        (2, 1, None, "<job> is missing <recipients>"),
        (5, None, "extra", "<extra> is not a batch XML element; allowed in <batch>: <filename>, <appSignature>, <job>"),
    ]
    (missing,) = validate_batch(b"<batch>\n<job/></batch>").errors
    assert (missing.line, missing.job, missing.message) == (
        2, 1, "<job> is out of place: expected <filename> here (elements must come in the reference order)")


def test_wrong_root_is_an_error_not_a_crash():
    report = validate_batch(b"<batchjob><id>1</id></batchjob>")
    assert not report.valid and "starts with <batch>" in report.errors[0].message


@pytest.mark.parametrize("data,match", [
    (b"<batch><job>", "malformed XML"),
    (b"", "empty"),
    (b'<!DOCTYPE batch [<!ENTITY x SYSTEM "file:///etc/passwd">]><batch/>', "DOCTYPE"),
])
def test_unreadable_xml_raises_input_error(data, match):
    with pytest.raises(InputError, match=match):
        validate_batch(data)


def test_bad_pdf_raises_input_error(tmp_path):
    not_pdf = tmp_path / "n.pdf"
    not_pdf.write_text("hello")
    with pytest.raises(InputError, match="n.pdf: not a PDF"):
        validate_batch(SHELL, not_pdf)


def test_schema_message_fallback():
    assert schema_message("Element 'x': something new.") == "<x>: something new."


def test_report_json_shape():
    out = validate_batch(BTB).to_json()
    assert set(out) == {"valid", "errors", "warnings"}
    assert set(out["warnings"][0]) >= {"line", "job", "recipient", "field", "message"}


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.xml")), ids=lambda p: p.name)
def test_every_real_world_sample_validates_without_errors(path):
    report = validate_batch(path, allow_unknown_options=True)  # btb writes "FirstClass"
    assert report.valid, [p.format(path.name) for p in report.errors]
    assert all(p.line for p in report.warnings)


def test_validation_in_threads_keeps_reports_apart():
    from concurrent.futures import ThreadPoolExecutor

    bad = xml_of(Job(1, 1, recipients=[good_address(postal_code="2134")]))
    inputs = [SHELL, bad, SHELL, bad] * 4
    with ThreadPoolExecutor(4) as pool:
        reports = list(pool.map(validate_batch, inputs))
    assert [r.valid for r in reports] == [True, False, True, False] * 4


CONFORMANCE = Path(__file__).resolve().parents[1] / "fixtures" / "conformance"
OPTIONS_XML = ("<printProductionOptions><documentClass>Letter 8.5 x 11</documentClass><layout>Address on Separate "
               "Page</layout><productionTime>Next Day</productionTime><envelope>#10 Double Window</envelope><color>"
               "Black and White</color><paperType>White 24#</paperType><printOption>Printing One side</printOption>"
               "<mailClass>First Class</mailClass></printProductionOptions>")
RETURN_XML = ("<returnAddress><name>Ida Marsh</name><organization></organization><address1>300 Keel St</address1>"
              "<address2></address2><city>Annapolis</city><state>MD</state><postalCode>21401</postalCode>{country}"
              "</returnAddress>")
RECIPIENTS_XML = ("<recipients><address><name>Nora Quill</name><address1>410 Harbor View Rd</address1><city>Annapolis"
                  "</city><state>MD</state><postalCode>21403</postalCode><country>US</country></address></recipients>")


def job_xml(*middle: str) -> bytes:
    """A one-job batch whose <job> holds the pages, the options, then ``middle`` in that order."""
    inner = "\n".join(middle)
    return (f"<batch>\n<filename>x.pdf</filename>\n<job>\n<startingPage>1</startingPage>\n<endingPage>1</endingPage>\n"
            f"{OPTIONS_XML}\n{inner}\n</job>\n</batch>\n").encode()


def test_click2mails_postman_sample_batch_validates():
    """batchTest.xml of the Postman "C2M Batch APIs" collection (the file Click2Mail's Batch API article
    walks through) puts <ancillaryEndorsement> after </returnAddress>; the old schema refused it three times."""
    report = validate_batch(CONFORMANCE / "postman-shaped-batch.xml")
    assert report.valid, [p.format("batch") for p in report.errors]
    assert (report.jobs, report.pieces) == (3, 6)
    # its jobs leave pages 4-9 and 13-19 out: that stays a warning, not an error
    assert [p.message for p in report.warnings] == [
        "pages 4-9 of the PDF are in no job; they will not be mailed",
        "pages 13-19 of the PDF are in no job; they will not be mailed",
    ]


@pytest.mark.parametrize("middle", [
    # Node SDK 2.0 class_c2mAPI_batch.js: its optionalKeys come right after </printProductionOptions>
    ("<confirmationOfMailing>true</confirmationOfMailing><ancillaryEndorsement>true</ancillaryEndorsement>",
     RETURN_XML.format(country=""), RECIPIENTS_XML),
    # Postman batchTest.xml: after </returnAddress>
    (RETURN_XML.format(country=""), "<ancillaryEndorsement></ancillaryEndorsement>", RECIPIENTS_XML),
    # both sides, and without a return address
    ("<ancillaryEndorsement/>", RETURN_XML.format(country=""), "<confirmationOfMailing/>", RECIPIENTS_XML),
    ("<ancillaryEndorsement/>", RECIPIENTS_XML),
], ids=["node-2.0", "postman", "both-sides", "no-return-address"])
def test_job_extras_may_come_before_or_after_the_return_address(middle):
    report = validate_batch(job_xml(*middle))
    assert report.valid, [p.format("batch") for p in report.errors]
    assert report.warnings == []


@pytest.mark.parametrize("middle,line,message", [
    ((RECIPIENTS_XML, "<ancillaryEndorsement/>"), 8,
     "<ancillaryEndorsement> is not allowed here (nothing may follow the elements before it)"),
    ((RETURN_XML.format(country=""), RETURN_XML.format(country=""), RECIPIENTS_XML), 8,
     "<returnAddress> is out of place: expected <recipients> here (elements must come in the reference order)"),
    ((RECIPIENTS_XML, RETURN_XML.format(country="")), 8,
     "<returnAddress> is not allowed here (nothing may follow the elements before it)"),
], ids=["extra-after-recipients", "two-return-addresses", "return-address-after-recipients"])
def test_the_job_order_stays_strict_elsewhere(middle, line, message):
    report = validate_batch(job_xml(*middle))
    assert [(p.line, p.job, p.message) for p in report.errors] == [(line, 1, message)]


def test_a_return_address_with_country_is_accepted_with_a_warning():
    """A third-party client (truesip/magnus scripts/test-click2mail-mail.js) ends <returnAddress> with
    <country>; no Click2Mail-written client does, so it validates but is warned about."""
    report = validate_batch(job_xml(RETURN_XML.format(country="<country>US</country>"), RECIPIENTS_XML))
    assert report.valid, [p.format("batch") for p in report.errors]
    assert [(p.line, p.job, p.field) for p in report.warnings] == [(7, 1, "returnAddress/country")]
    assert "no Click2Mail client sends <country>" in report.warnings[0].message
    # still checked as a US address when the country is the US...
    bad_zip = RETURN_XML.format(country="<country>US</country>").replace("21401", "2140")
    assert [p.field for p in validate_batch(job_xml(bad_zip, RECIPIENTS_XML)).errors] == ["returnAddress/postalCode"]
    # ...and not held to US states and ZIPs when it names another country
    abroad = RETURN_XML.format(country="<country>Canada</country>").replace("MD", "Ontario").replace("21401", "K1A 0B1")
    assert validate_batch(job_xml(abroad, RECIPIENTS_XML)).valid


def test_no_gap_warning_names_a_page_past_the_pdf_end(pdf_factory):
    """A new user's 47 one-page jobs against a 2-page PDF: the jobs past the end are errors, and no
    warning says "page 11 of the PDF is in no job" of a PDF with 2 pages."""
    jobs = [Job(p, p, recipients=[good_address()]) for p in (1, 2, 3, 5, 11)]
    report = validate_batch(xml_of(*jobs), pdf_factory(2))
    assert sum("beyond the PDF" in e.message or "go beyond" in e.message for e in report.errors) == 3
    assert not [w for w in report.warnings if "in no job" in w.message]
    gap = validate_batch(xml_of(Job(1, 1, recipients=[good_address()]), Job(3, 3, recipients=[good_address()])),
                         pdf_factory(4))
    assert [w.message for w in gap.warnings if "in no job" in w.message] == [
        "page 2 of the PDF is in no job; they will not be mailed", "page 4 of the PDF is in no job; they will not be mailed"]
