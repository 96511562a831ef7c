"""Tracking rows: grouping scans by piece, status words, filtering, counts and CSV export."""

from __future__ import annotations

import csv

import pytest

from c2m_tui.core.errors import InputError
from c2m_tui.core.models import Tracking, TrackingEvent
from c2m_tui.core.tracking_rows import (
    build_piece_rows,
    counts_by_status,
    default_csv_path,
    filter_rows,
    status_category,
    export_tracking_csv,
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
        ["barCode", "status", "dateTime", "statusLocation", "latest"],
        ["A1", "Accepted", "2026-11-28T08:00:00", "MERRIFIELD VA", ""],
        ["A1", "In transit", "2026-11-29T09:00:00", "WASHINGTON DC", ""],
        ["A1", "Delivered", "2026-11-30T12:00:00", "BALTIMORE MD", "yes"],
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
