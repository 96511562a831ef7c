"""Tracking answers in every shape we know (reference §9.1), and the ones we refuse."""

from __future__ import annotations

import pytest

from c2m_tui.core.responses import ResponseFormatError, TrackingUnreadableError, parse_tracking

# Click2Mail's own model: <tracking> holding repeated <mailPiece> (java-rest-api-example, JAXB propOrder)
OFFICIAL = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<tracking>
    <mailPiece>
        <uniqueId>CRM-0042</uniqueId>
        <barCode>00300902311000000011606010000001</barCode>
        <address>Anna Kowalski, 12 Main St, Chicago IL 60601</address>
        <status>Accepted</status>
        <dateTime>2026-12-01T08:00:00-05:00</dateTime>
        <statusLocation>MERRIFIELD VA</statusLocation>
        <mailPieceId>7781</mailPieceId>
        <carrierRoute>C012</carrierRoute>
    </mailPiece>
    <mailPiece>
        <uniqueId>CRM-0042</uniqueId>
        <barCode>00300902311000000011606010000001</barCode>
        <address>Anna Kowalski, 12 Main St, Chicago IL 60601</address>
        <status>Delivered</status>
        <dateTime>2026-12-03T11:00:00-05:00</dateTime>
        <statusLocation>CHICAGO IL</statusLocation>
        <mailPieceId>7781</mailPieceId>
    </mailPiece>
</tracking>"""

# the third-party guess (truesip/magnus): <trackingDetails><trackingDetail>
GUESSED = b"""<tracking><status>0</status><description>Success</description><trackingDetails>
<trackingDetail><barCode>00700901032403000001</barCode><status>Processed</status>
<dateTime>2022-04-20 06:00:00</dateTime><statusLocation>MERRIFIELD VA</statusLocation></trackingDetail>
</trackingDetails></tracking>"""

# REST job answers carry it inside <job> (PHP SDK README)
IN_JOB = b"""<job><id>123</id><trackingType>IMB</trackingType><tracking>
<mailPiece><barCode>0099</barCode><address>Jan Nowak, 5 Elm Rd, Springfield IL 62701</address>
<status>In transit</status><dateTime>2026-12-02T09:00:00-05:00</dateTime><statusLocation>CHICAGO IL</statusLocation></mailPiece>
</tracking></job>"""


def test_official_shape_reads_every_piece_with_its_recipient_and_keeps_unknown_children():
    t = parse_tracking(OFFICIAL)
    assert t.available and t.shape == "mailPiece"
    assert [e.status for e in t.events] == ["Accepted", "Delivered"]
    first = t.events[0]
    assert (first.unique_id, first.mail_piece_id, first.location) == ("CRM-0042", "7781", "MERRIFIELD VA")
    assert first.address == "Anna Kowalski, 12 Main St, Chicago IL 60601"
    assert first.extra == {"carrierRoute": "C012"}
    as_json = first.to_json()
    assert as_json["uniqueId"] == "CRM-0042" and as_json["carrierRoute"] == "C012"


def test_official_pieces_become_rows_with_name_city_zip_and_list_id():
    from c2m_tui.core.tracking_rows import build_piece_rows, filter_rows

    rows, history = build_piece_rows(parse_tracking(OFFICIAL))
    assert len(rows) == 1 and rows[0].status == "Delivered" and len(history[rows[0].barcode]) == 2
    who = rows[0].recipient
    assert (who.name, who.city, who.postal_code, who.list_id) == ("Anna Kowalski", "Chicago", "60601", "CRM-0042")
    for needle in ("kowalski", "60601", "crm-0042", "0000001", "chicago"):
        assert filter_rows(rows, search=needle) == rows, needle
    assert filter_rows(rows, search="Nowak") == []


def test_guessed_shape_still_reads():
    t = parse_tracking(GUESSED, "IMPB")
    assert t.available and t.shape == "trackingDetail" and t.tracking_type == "IMPB"
    assert [(e.barcode, e.status, e.location) for e in t.events] == [("00700901032403000001", "Processed", "MERRIFIELD VA")]
    assert t.events[0].to_json() == {"barCode": "00700901032403000001", "status": "Processed",
                                     "dateTime": "2022-04-20 06:00:00", "statusLocation": "MERRIFIELD VA"}


def test_tracking_inside_job_reads():
    t = parse_tracking(IN_JOB)
    assert t.available and [e.barcode for e in t.events] == ["0099"]
    assert t.events[0].address.startswith("Jan Nowak")


@pytest.mark.parametrize("body, problem", [
    (b"<tracking><pieces><piece><code>1</code></piece></pieces></tracking>", "<pieces>"),
    (b"<job><id>1</id><status>MAILED</status></job>", "<job> without <tracking>"),
    (b"<result><scan>1</scan></result>", "root element <result>"),
    (b"<tracking><mailPiece>", "malformed XML"),
    (b"Service temporarily unavailable", "expected tracking XML"),
])
def test_unknown_shapes_are_refused_never_zero_scans(body, problem, tmp_path):
    with pytest.raises(TrackingUnreadableError, match="could not read the tracking answer") as caught:
        parse_tracking(body)
    err = caught.value
    assert problem in str(err) and isinstance(err, ResponseFormatError)
    saved = err.keep_raw(tmp_path, "4711")
    assert saved.read_bytes() == body and saved.parent == tmp_path / "tracking-answers"
    assert (saved.stat().st_mode & 0o777) == 0o600  # it may hold addresses
    assert str(saved) in str(err)


@pytest.mark.parametrize("body", [
    b"Tracking data not available for this batch.",
    b'<?xml version="1.0"?><tracking><status>1</status>'
    b"<description>Tracking data not available for this batch.</description></tracking>",
    b"<job><status>9</status><description>Tracking data not available for this batch.</description></job>",
])
def test_not_available_as_text_or_xml(body):
    t = parse_tracking(body)
    assert t.available is False and t.message == "Tracking data not available for this batch."
