"""The simulator's pieces without a server: answer bytes, times, fault rules, auth header parsing,
safe streaming XML reading, barcodes, and intake checks on real PDF files."""

from __future__ import annotations

import base64
from datetime import datetime
from pathlib import Path

import pytest

from c2m_tui.sim.batchparse import BatchXmlError, iter_pieces, read_batch_spec
from c2m_tui.sim.clock import EASTERN, iso_eastern
from c2m_tui.sim.faults import ArmedFault, FaultPlan, operation
from c2m_tui.sim.intake import check_batch, pdf_page_count
from c2m_tui.sim.layers import basic_user
from c2m_tui.sim.options import SimOptions
from c2m_tui.sim.render import batchjob_xml, details_xml
from c2m_tui.sim.store import SimBatch, SimJob
from c2m_tui.sim.tracking import imb_barcode, impb_barcode, normalize_type
from tests.conftest import make_pdf
from tests.e2e.test_sim_api import batch_xml

DOCS_EXAMPLE = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<batchjob>
    <createdAt>2022-04-18T10:52:30-04:00</createdAt>
    <errorMessage></errorMessage>
    <hasErrors>false</hasErrors>
    <id>91777</id>
    <received>false</received>
    <submitted>false</submitted>
</batchjob>
"""


def ts(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def test_a_new_batch_renders_exactly_as_the_docs_example():
    batch = SimBatch(id=91777, owner="demo", created_at=ts("2022-04-18T10:52:30-04:00"))
    assert batchjob_xml(batch, now=batch.created_at, job_seconds=2) == DOCS_EXAMPLE


def test_status_with_jobs_keeps_alphabetical_order_and_escapes_text():
    created = ts("2024-01-05T09:00:00-05:00")
    batch = SimBatch(id=5, owner="demo", created_at=created, submitted_at=created + 1, received_at=created + 1)
    assert "completedAt" not in batchjob_xml(batch, now=created + 1, job_seconds=2).decode()  # not processed yet
    batch.processed_at = created + 2
    batch.jobs = [SimJob(7, 1, 2, "First Class", "900", started_at=created + 2, first_serial=1)]
    batch.error_message = "a < b & c"
    text = batchjob_xml(batch, now=created + 100, job_seconds=2).decode()
    tags = [line.strip().split(">")[0].lstrip("<") for line in text.splitlines()[2:-1]]
    assert tags == [
        "completedAt", "createdAt", "errorMessage", "hasErrors", "id", "jobs", "errorMessage", "invoice",
        "jobId", "jobIndex", "jobStatus", "mailingDate", "submittedDate", "/jobs", "received", "submitted",
    ]
    assert "<errorMessage>a &lt; b &amp; c</errorMessage>" in text
    assert "<completedAt>2024-01-05T09:00:02-05:00</completedAt>" in text  # processed, not mailed (3 steps later)
    assert "<mailingDate>2024-01-05T09:00:08-05:00</mailingDate>" in text
    assert "<jobStatus>MAILED</jobStatus>" in text
    # halfway through: processed already, nothing mailed yet
    early = batchjob_xml(batch, now=created + 5, job_seconds=2).decode()
    assert "<completedAt>2024-01-05T09:00:02-05:00</completedAt>" in early and "mailingDate" not in early
    assert "<jobStatus>AWAITING_PRODUCTION</jobStatus>" in early


def test_details_status_follows_the_batch():
    batch = SimBatch(id=5, owner="demo", created_at=0.0, upload_name="upload.pdf")
    assert b"<status>EDITING</status>" in details_xml(batch, 0, 1)
    assert b"<documentName>upload.pdf</documentName>" in details_xml(batch, 0, 1)
    batch.submitted_at = 1.0
    assert b"<status>ORDER_SUBMITTED</status>" in details_xml(batch, 2, 1)
    batch.has_errors = True
    assert b"<status>ERROR</status>" in details_xml(batch, 2, 1)


def test_times_carry_the_us_eastern_offset_of_their_season():
    assert iso_eastern(ts("2022-04-18T14:52:30+00:00")) == "2022-04-18T10:52:30-04:00"
    assert iso_eastern(ts("2022-01-18T15:00:00+00:00")) == "2022-01-18T10:00:00-05:00"
    assert str(EASTERN) == "America/New_York"


@pytest.mark.parametrize(
    "method, path, ctype, expected",
    [
        ("POST", "/v1/batches", "", "create"),
        ("POST", "/v1/batches/", "", "create"),
        ("GET", "/v1/batches", "", "other"),
        ("PUT", "/v1/batches/12", "application/pdf", "pdf"),
        ("PUT", "/v1/batches/12", "Application/XML; charset=utf-8", "xml"),
        ("PUT", "/v1/batches/12", "text/plain", "upload"),
        ("POST", "/v1/batches/12", "", "submit"),
        ("GET", "/v1/batches/12", "", "status"),
        ("GET", "/v1/batches/12/details", "", "details"),
        ("GET", "/v1/batches/12/tracking", "", "tracking"),
        ("DELETE", "/v1/batches/12", "", "other"),
    ],
)
def test_operation_names(method, path, ctype, expected):
    assert operation(method, path, ctype) == expected


def test_armed_faults_are_used_in_order_then_the_seeded_rate_applies():
    import random

    plan = FaultPlan(0.0, random.Random(1))
    plan.arm(ArmedFault.from_json({"kind": "500-after", "method": "POST", "path": "submit", "count": 2}))
    plan.arm(ArmedFault.from_json({"kind": "delay", "delay_ms": 5}))
    assert plan.pick("GET", "status").kind == "delay"
    assert plan.pick("GET", "status") is None
    assert [plan.pick("POST", "submit").kind for _ in range(2)] == ["500-after", "500-after"]
    assert plan.pick("POST", "submit") is None
    always = FaultPlan(1.0, random.Random(3))
    kinds = {always.pick("GET", "status").kind for _ in range(40)}
    assert kinds == {"500-before", "500-after", "drop-before", "drop-after"}
    again = FaultPlan(0.5, random.Random(9)), FaultPlan(0.5, random.Random(9))
    assert [f and f.kind for f in (again[0].pick("GET", "x") for _ in range(30))] == [
        f and f.kind for f in (again[1].pick("GET", "x") for _ in range(30))
    ]


@pytest.mark.parametrize(
    "body, complaint",
    [
        ({"kind": "boom"}, "kind"),
        ({"kind": "delay", "method": "FETCH"}, "method"),
        ({"kind": "delay", "path": "elsewhere"}, "path"),
        ({"kind": "delay", "count": True}, "count"),
        ({"kind": "delay", "delay_ms": -1}, "delay_ms"),
        ({"kind": "delay", "colour": "red"}, "colour"),
        ("500-after", "object"),
    ],
)
def test_bad_fault_requests_say_what_is_wrong(body, complaint):
    with pytest.raises(ValueError, match=complaint):
        ArmedFault.from_json(body)


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_basic_auth_header_parsing():
    users = {"demo": "demo", "ann": "pa:ss wörd"}
    assert basic_user(basic("demo", "demo"), users) == "demo"
    assert basic_user(basic("ann", "pa:ss wörd"), users) == "ann"
    assert basic_user("basic " + basic("demo", "demo").split()[1], users) == "demo"
    for bad in (basic("demo", "nope"), basic("eve", "demo"), "Basic ###", "Bearer x", "", "Basic " +
                base64.b64encode(b"demo").decode()):
        assert basic_user(bad, users) is None


def write(tmp_path: Path, data: bytes, name: str = "batch.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_batch_reading_counts_recipients_and_ignores_namespaces(tmp_path):
    xml = batch_xml((1, 2, 3), (3, 3, 1000)).replace(
        b"<batch>", b'<batch xmlns="urn:example" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    )
    spec = read_batch_spec(write(tmp_path, xml))
    assert spec.filename == "letters.pdf"
    assert [(j.index, j.starting_page, j.ending_page, j.pieces) for j in spec.jobs] == [
        (1, "1", "2", 3),
        (2, "3", "3", 1000),
    ]
    assert spec.jobs[0].options["mailClass"] == "First Class"
    pieces = list(iter_pieces(write(tmp_path, xml)))
    assert len(pieces) == 1003 and pieces[0].job_index == 1 and pieces[-1].job_index == 2
    assert (pieces[1].city, pieces[1].state, pieces[1].postal_code) == ("Denver", "CO", "80202-1234")


@pytest.mark.parametrize(
    "data, words",
    [
        (b'<?xml version="1.0"?><!DOCTYPE batch [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
         b"<batch><filename>&b;</filename></batch>", "DOCTYPE"),
        (b"<jobs/>", "root element must be <batch>"),
        (b"", "not well-formed"),
        (b"<batch>\n<job>\n</batch>", "line 3"),
    ],
)
def test_unreadable_batches_are_one_clear_sentence(tmp_path, data, words):
    with pytest.raises(BatchXmlError, match=words):
        read_batch_spec(write(tmp_path, data))


def test_barcodes():
    assert imb_barcode(12, "22201") == "0030090231100000001222201000001"
    assert len(imb_barcode(123456789012, "80202-1234")) == 31
    assert imb_barcode(1, "80202-1234").endswith("80202123401")
    assert imb_barcode(1, "").endswith("0" * 11)
    assert len(impb_barcode(5)) == 22 and impb_barcode(5).isdigit()
    assert (normalize_type("impb"), normalize_type(" IMB "), normalize_type("ups"), normalize_type(None)) == (
        "IMPB",
        "IMB",
        None,
        None,
    )


def test_intake_makes_jobs_from_a_good_batch(tmp_path):
    pdf = make_pdf(tmp_path / "l.pdf", 4)
    result = check_batch(write(tmp_path, batch_xml((1, 2, 2), (3, 4, 1, {"mailClass": "Standard"}))), pdf)
    assert result.errors == []
    assert [(j.index, j.pieces, j.mail_class) for j in result.jobs] == [(1, 2, "First Class"), (2, 1, "Standard")]
    assert result.document_name == "letters.pdf"


def test_intake_lists_every_problem_but_spells_out_only_five(tmp_path):
    pdf = make_pdf(tmp_path / "l.pdf", 1)
    jobs = [(2, 3, 1)] * 6 + [("x", 1, 1), (1, 1, 0)]
    result = check_batch(write(tmp_path, batch_xml(*jobs)), pdf)
    assert len(result.errors) == 8 and result.jobs == []
    assert "Job 7 (line" in result.errors[6] and "'x'" in result.errors[6]
    assert "Job 8" in result.errors[7] and "no recipients" in result.errors[7]
    assert result.error_message.endswith("(3 more problem(s) not shown.)")
    assert result.error_message.count("outside the PDF, which has 1 page(s)") == 5


def test_pdf_page_count_reads_real_pdfs_and_names_bad_ones(tmp_path):
    assert pdf_page_count(make_pdf(tmp_path / "seven.pdf", 7)) == 7
    with pytest.raises(ValueError, match="empty"):
        pdf_page_count(write(tmp_path, b"", "empty.pdf"))
    with pytest.raises(ValueError, match='does not start with "%PDF-"'):
        pdf_page_count(write(tmp_path, b"GIF89a not a pdf at all", "x.pdf"))
    with pytest.raises(ValueError, match="cannot be read"):
        pdf_page_count(write(tmp_path, b"%PDF-1.4\nthen nothing a reader could use", "x.pdf"))


def test_a_pdf_wrapped_in_a_multipart_form_is_not_a_pdf(tmp_path):
    """What Click2Mail's Python SDK sent before commit 941defa (requests' files= under an explicit
    Content-Type: application/pdf): pypdf reads straight through the wrapper, Click2Mail would not."""
    pdf = make_pdf(tmp_path / "two.pdf", 2).read_bytes()
    wrapped = (b'--0f1e2d3c4b5a69788796a5b4c3d2e1f0\r\nContent-Disposition: form-data; name="file"; '
               b'filename="two.pdf"\r\n\r\n' + pdf + b"\r\n--0f1e2d3c4b5a69788796a5b4c3d2e1f0--\r\n")
    with pytest.raises(ValueError, match=r'starts with "--0f1e2d3c4b5a69"'):
        pdf_page_count(write(tmp_path, wrapped, "wrapped.pdf"))
    xml = write(tmp_path, batch_xml((1, 2, 1)), "b.xml")
    result = check_batch(xml, write(tmp_path, wrapped, "wrapped.pdf"))
    assert result.jobs == [] and result.error_message.startswith('PDF error: The uploaded file does not start with')


def test_options_are_checked():
    with pytest.raises(ValueError, match="tracking"):
        SimOptions(tracking="full")
    with pytest.raises(ValueError, match="fault_rate"):
        SimOptions(fault_rate=2)
    with pytest.raises(ValueError, match="at least one user"):
        SimOptions(users={})
    assert SimOptions().port == 0 and SimOptions().users == {"demo": "demo"}
