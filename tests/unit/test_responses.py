"""Parsers of the server's answers, on the documented samples and on variants seen in clients."""

from __future__ import annotations

import pytest

from c2m_tui.core.responses import ResponseFormatError, parse_create, parse_details, parse_status, parse_tracking

# the create answer exactly as in Click2Mail's docs (reference §2.1)
CREATE = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<batchjob>
  <createdAt>2022-04-18T10:52:30-04:00</createdAt>
  <errorMessage></errorMessage>
  <hasErrors>false</hasErrors>
  <id>91777</id>
  <received>false</received>
  <submitted>false</submitted>
</batchjob>"""

PROCESSED = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<batchjob>
  <completedAt>2022-04-19T09:00:00-04:00</completedAt>
  <createdAt>2022-04-18T10:52:30-04:00</createdAt>
  <errorMessage></errorMessage>
  <hasErrors>false</hasErrors>
  <id>91777</id>
  <jobs>
    <errorMessage></errorMessage>
    <invoice>INV-1</invoice>
    <jobId>500123</jobId>
    <jobIndex>1</jobIndex>
    <jobStatus>MAILED</jobStatus>
    <mailingDate>2022-04-19</mailingDate>
    <submittedDate>2022-04-18</submittedDate>
  </jobs>
  <jobs>
    <jobId>500124</jobId>
  </jobs>
  <received>true</received>
  <status>0</status>
  <submitted>true</submitted>
</batchjob>"""


def test_create_answer_from_the_docs():
    s = parse_create(CREATE)
    assert (s.id, s.created_at, s.error_message) == ("91777", "2022-04-18T10:52:30-04:00", "")
    assert (s.has_errors, s.received, s.submitted) == (False, False, False)
    assert s.jobs == [] and s.phase == "created"


def test_processed_status_with_jobs_and_optional_children():
    s = parse_status(PROCESSED)
    assert s.completed_at == "2022-04-19T09:00:00-04:00" and s.status == "0"
    assert s.received and s.submitted and not s.has_errors
    first, second = s.jobs
    assert (first.job_id, first.invoice, first.job_index, first.job_status) == ("500123", "INV-1", "1", "MAILED")
    assert (first.mailing_date, first.submitted_date, first.error_message) == ("2022-04-19", "2022-04-18", "")
    assert second.job_id == "500124"
    assert second.job_status is None and second.invoice is None and second.error_message is None


def test_failed_batch_keeps_its_error_message():
    data = CREATE.replace(b"<errorMessage></errorMessage>", b"<errorMessage>invalid SKU settings</errorMessage>")
    data = data.replace(b"<hasErrors>false", b"<hasErrors>true")
    s = parse_status(data)
    assert s.has_errors and s.error_message == "invalid SKU settings" and s.phase == "failed"


def test_booleans_are_case_insensitive_and_garbage_is_refused():
    assert parse_status(CREATE.replace(b"<received>false", b"<received>TRUE")).received is True
    with pytest.raises(ResponseFormatError, match="received"):
        parse_status(CREATE.replace(b"<received>false", b"<received>perhaps"))


def test_jobs_without_job_id_and_missing_batch_id_are_refused():
    with pytest.raises(ResponseFormatError, match="jobId"):
        parse_status(PROCESSED.replace(b"<jobId>500124</jobId>", b""))
    with pytest.raises(ResponseFormatError, match="<id>"):
        parse_status(CREATE.replace(b"<id>91777</id>", b""))


def test_details_reads_known_fields_and_keeps_the_rest():
    d = parse_details(b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<batch><batchNumber>91777</batchNumber><createdAt>2022-04-18T10:52:30-04:00</createdAt>
<documentName>letters.pdf</documentName><errorMessage></errorMessage><noOfPieces>10</noOfPieces>
<status>MAILED</status><costTotal>12.50</costTotal></batch>""")
    assert (d.batch_number, d.document_name, d.no_of_pieces, d.status) == ("91777", "letters.pdf", "10", "MAILED")
    assert d.error_message == "" and d.extra == {"costTotal": "12.50"}
    assert d.to_json()["costTotal"] == "12.50"


def test_details_wrong_root_and_missing_number():
    with pytest.raises(ResponseFormatError, match="expected <batch>"):
        parse_details(CREATE)
    with pytest.raises(ResponseFormatError, match="batchNumber"):
        parse_details(b"<batch><status>x</status></batch>")


TRACKING = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<tracking><status>0</status><description>Success</description><trackingDetails>
<trackingDetail><barCode>00700901032403000001</barCode><status>Processed</status>
<dateTime>2022-04-20 06:00:00</dateTime><statusLocation>MERRIFIELD VA</statusLocation></trackingDetail>
<trackingDetail><barCode>00700901032403000001</barCode><status>Delivered</status>
<dateTime>2022-04-22 11:00:00</dateTime><statusLocation>BOSTON MA</statusLocation></trackingDetail>
</trackingDetails></tracking>"""


def test_tracking_xml():
    t = parse_tracking(TRACKING, "IMPB")
    assert t.available and t.tracking_type == "IMPB" and t.message == "Success"
    assert [e.status for e in t.events] == ["Processed", "Delivered"]
    assert t.events[1].location == "BOSTON MA"
    assert list(t.pieces()) == ["00700901032403000001"]


@pytest.mark.parametrize("body", [
    b"Tracking data not available for this batch.",
    b"Tracking data not available for this batch.\r\n",
    b'<?xml version="1.0"?><tracking><status>1</status>'
    b"<description>Tracking data not available for this batch.</description></tracking>",
    b"<string>Tracking data not available for this batch.</string>",
])
def test_tracking_not_available_as_text_or_xml(body):
    t = parse_tracking(body)
    assert t.available is False
    assert t.message == "Tracking data not available for this batch."


def test_tracking_success_without_details_is_available_and_empty():
    t = parse_tracking(b"<tracking><status>0</status><description>Success</description><trackingDetails/></tracking>")
    assert t.available and t.events == []


def test_tracking_other_text_is_refused():
    with pytest.raises(ResponseFormatError):
        parse_tracking(b"Internal Server Error")
