"""Tracking rows: grouping scans by piece, status words, filtering, counts and CSV export."""

from __future__ import annotations

import csv

import pytest

from c2m_tui.core.errors import InputError
from datetime import datetime, timezone

from c2m_tui.core.models import Recipient, Tracking, TrackingEvent
from c2m_tui.core.tracking_rows import (
    PieceRow,
    build_piece_rows,
    counts_by_status,
    default_csv_path,
    export_tracking_csv,
    filter_rows,
    reference_time,
    refresh_note,
    status_category,
    stuck_pieces,
    stuck_reason,
    write_tracking_csv,
)


def tracking() -> Tracking:
    ev = TrackingEvent
    return Tracking(True, "", "IMB", [
        ev("A1", "Accepted", "2026-11-28T08:00:00", "MERRIFIELD VA"),
        ev("B2", "Accepted", "2026-11-28T08:00:00", "MERRIFIELD VA"),
        ev("A1", "Delivered", "2026-11-30T12:00:00", "BALTIMORE MD"),  # out of order on purpose
        ev("A1", "In transit", "2026-11-29T09:00:00", "WASHINGTON DC"),
        ev("C3", "Returned to sender", "2026-12-01T10:00:00", "DENVER CO"),
    ])


def test_rows_are_latest_scan_per_piece_in_first_seen_order():
    rows, history = build_piece_rows(tracking())
    assert [(r.barcode, r.status, r.events) for r in rows] == [
        ("A1", "Delivered", 3), ("B2", "Accepted", 1), ("C3", "Returned to sender", 1)]
    assert [e.status for e in history["A1"]] == ["Accepted", "In transit", "Delivered"]


def test_status_categories():
    assert status_category("Delivered") == "mailed"
    assert status_category("Returned to sender") == "error"
    assert status_category("Undeliverable as addressed") == "error"
    assert status_category("Out for delivery") == "processing"
    assert status_category("In transit") == "processing"


def test_filter_and_counts():
    rows, _ = build_piece_rows(tracking())
    assert counts_by_status(rows) == {"Accepted": 1, "Delivered": 1, "Returned to sender": 1}
    assert [r.barcode for r in filter_rows(rows, status="Accepted")] == ["B2"]
    assert [r.barcode for r in filter_rows(rows, search="baltimore")] == ["A1"]
    assert [r.barcode for r in filter_rows(rows, search="c3")] == ["C3"]
    assert filter_rows(rows, status="Accepted", search="A1") == []
    assert len(filter_rows(rows)) == 3


def test_csv_holds_every_scan_and_marks_the_latest(tmp_path):
    rows, history = build_piece_rows(tracking())
    out = tmp_path / "t.csv"
    assert export_tracking_csv(out, rows[:1], history) == 3
    with open(out, newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines == [
        ["barCode", "status", "dateTime", "statusLocation", "latest", "name", "city", "postalCode", "listId"],
        ["A1", "Accepted", "2026-11-28T08:00:00", "MERRIFIELD VA", "", "", "", "", ""],
        ["A1", "In transit", "2026-11-29T09:00:00", "WASHINGTON DC", "", "", "", "", ""],
        ["A1", "Delivered", "2026-11-30T12:00:00", "BALTIMORE MD", "yes", "", "", "", ""],
    ]
    assert not list(tmp_path.glob(".*part"))


def test_csv_to_a_bad_place_is_an_input_error(tmp_path):
    rows, history = build_piece_rows(tracking())
    with pytest.raises(InputError, match="no such folder"):
        export_tracking_csv(tmp_path / "missing" / "t.csv", rows, history)
    with pytest.raises(InputError, match="is a folder"):
        export_tracking_csv(tmp_path, rows, history)


def test_default_csv_path(tmp_path):
    assert default_csv_path("123", "IMB", tmp_path) == tmp_path / "tracking-123.csv"
    assert default_csv_path("123", "IMPB", tmp_path) == tmp_path / "tracking-123-impb.csv"


def test_the_cli_and_the_app_write_the_same_csv(tmp_path):
    import io

    rows, history = build_piece_rows(tracking())
    rows[0].recipient = Recipient(name="Anna Kowalski", city="Baltimore", postal_code="21201", list_id="M-1")
    out = io.StringIO()
    write_tracking_csv(out, rows, history)  # what `tracking --csv` prints
    export_tracking_csv(tmp_path / "t.csv", rows, history)  # what the app's export writes
    assert (tmp_path / "t.csv").read_bytes().decode() == out.getvalue()
    assert "A1,Delivered,2026-11-30T12:00:00,BALTIMORE MD,yes,Anna Kowalski,Baltimore,21201,M-1" in out.getvalue()


NOW = datetime(2026, 12, 10, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("status, when, reason", [
    ("Accepted", "2026-12-01T08:00:00-05:00", "no scan for 8 days"),  # 8 days 23 hours
    ("In transit", "2026-12-06T08:00:00-05:00", None),  # 4 days: not yet
    ("Delivered", "2026-11-01T08:00:00-05:00", None),  # delivered pieces never are
    ("Forwarded", "2026-12-09T08:00:00-05:00", "forwarded"),
    ("Returned to sender", "2026-12-09T08:00:00-05:00", "returned"),
    ("Dispatched to destination country", "2026-11-20T08:00:00-05:00", None),  # USPS tracking ends abroad
    ("Accepted", "2026-12-01 08:00:00", "no scan for 9 days"),  # no offset: read as UTC
    ("Accepted", "last Tuesday", None),  # a date we cannot read is not counted
])
def test_stuck_rules(status, when, reason):
    assert stuck_reason(PieceRow("X", status, when, "SOMEWHERE", 1), NOW, 7) == reason


def test_stuck_counts_from_mailing_for_a_piece_listed_without_scans():
    row = PieceRow("X", "", "", "", 1)
    assert stuck_reason(row, NOW, 7) is None
    assert stuck_reason(row, NOW, 7, mailed_at=datetime(2026, 12, 1, tzinfo=timezone.utc)) == \
        "no scan in the 9 days since mailing"


def test_stuck_filter_and_reference_time():
    rows, _ = build_piece_rows(tracking())
    now = reference_time(Tracking(True, as_of="2026-12-10T00:00:00+00:00"))
    assert now == datetime(2026, 12, 10, tzinfo=timezone.utc)
    stuck = stuck_pieces(rows, now, 7)
    assert stuck == {"B2": "no scan for 11 days", "C3": "returned"}
    assert [r.barcode for r in filter_rows(rows, stuck=stuck)] == ["B2", "C3"]


def test_refresh_note_says_when_to_look_again():
    rows, _ = build_piece_rows(tracking())
    note = refresh_note(rows, datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc))
    assert note == "USPS data: refreshed once a day, newest scan 2026-12-01 10:00; look again after 2026-12-02 10:00."
    assert "look again tomorrow" in refresh_note([], NOW)


def test_refresh_note_has_nothing_to_wait_for_once_every_trip_has_ended():
    """A new user's demo batch, every piece delivered, was told to look again 25 days later."""
    rows, _ = build_piece_rows(tracking())
    for row in rows:
        row.status = "Delivered"
    rows[-1].status = "Dispatched to destination country"  # a piece abroad: the foreign post has it
    note = refresh_note(rows, datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc))
    assert note == ("USPS data: newest scan 2026-12-01 10:00; every piece is delivered or abroad: "
                    "nothing to wait for.")
    rows[0].status = "In transit"
    assert "look again after" in refresh_note(rows, datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc))
