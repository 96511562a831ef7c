"""The simulator's USPS side: its calendar, plausible routes (abroad through an exchange office),
the recipient line it writes, and both answer shapes."""

from __future__ import annotations

import pytest
from lxml import etree

from c2m_tui.core.responses import parse_tracking
from c2m_tui.core.usps import split_address_line
from c2m_tui.sim.batchparse import Piece
from c2m_tui.sim.options import SimOptions
from c2m_tui.sim.render import tracking_head, tracking_scan, tracking_tail
from c2m_tui.sim.tracking import DAY, UspsCalendar, address_line, exchange_office, route


def test_the_calendar_runs_a_day_per_day_seconds_from_the_start():
    cal = UspsCalendar(started_at=1_000_000.0, day_seconds=5.0)
    assert cal.at(1_000_000.0) == 1_000_000.0
    assert cal.at(1_000_010.0) == 1_000_000.0 + 2 * DAY
    assert UspsCalendar(0.0, 0.0).at(100.0) > 100.0 + 7 * DAY  # every scan at once: the calendar runs ahead


def test_routes_are_plausible_for_the_recipient():
    us = route("Chicago", "IL", "60601")
    assert [place for _, place in us] == ["MERRIFIELD VA", "MERRIFIELD VA", "CHICAGO IL", "CHICAGO IL", "CHICAGO IL"]
    paris = route("Paris", "", "75007", "France")  # 75007 is not Dallas's 75xxx when it is in France
    assert [place for _, place in paris][-1] == "ISC NEW YORK NY" and paris[-1][0] == "Dispatched to destination country"
    assert all("DALLAS" not in place for _, place in paris)
    assert exchange_office("Mexico") == "ISC MIAMI FL" and exchange_office("Japan") == "ISC SAN FRANCISCO CA"
    assert route("", "", "75201")[2][1] == "DALLAS TX"  # a Texas ZIP goes through Dallas


@pytest.mark.parametrize("piece, line, parts", [
    (Piece(1, "Chicago", "IL", "60601", name="Anna Kowalski", address1="12 Main St", country="United States"),
     "Anna Kowalski, 12 Main St, Chicago IL 60601", ("Anna Kowalski", "Chicago", "60601")),
    (Piece(1, "Paris", "", "75007", name="Marie Dupont", address1="5 rue Cler", country="France"),
     "Marie Dupont, 5 rue Cler, Paris 75007, France", ("Marie Dupont", "Paris", "75007")),
    (Piece(1, "Boston", "MA", "02134-1234", organization="Acme Corp", address1="1 Main St"),
     "Acme Corp, 1 Main St, Boston MA 02134-1234", ("Acme Corp", "Boston", "02134-1234")),
])
def test_the_address_line_and_reading_it_back(piece, line, parts):
    assert address_line(piece) == line
    assert split_address_line(line) == parts


def test_split_address_line_leaves_what_it_cannot_tell():
    assert split_address_line("") == ("", "", "")
    assert split_address_line("just one part") == ("", "", "")
    assert split_address_line("75007 Paris, Cedex, France") == ("75007 Paris", "Cedex", "")


@pytest.mark.parametrize("shape, piece_tag", [("official", "mailPiece"), ("details", "trackingDetail")])
def test_both_shapes_render_and_read_back(shape, piece_tag):
    fields = {"uniqueId": "M-1", "barCode": "0042", "address": "Anna Kowalski, 12 Main St, Chicago IL 60601",
              "status": "Accepted", "dateTime": "2026-12-01T08:00:00-05:00", "statusLocation": "MERRIFIELD VA",
              "mailPieceId": "7"}
    body = tracking_head(shape) + tracking_scan(shape, fields).encode() + tracking_tail(shape)
    root = etree.fromstring(body)
    assert root.tag == "tracking" and next(root.iter(piece_tag)) is not None
    tracking = parse_tracking(body)
    assert tracking.shape == piece_tag and tracking.events[0].barcode == "0042"
    assert tracking.events[0].unique_id == ("M-1" if shape == "official" else "")


def test_tracking_shape_option_is_checked():
    with pytest.raises(ValueError, match="tracking_shape"):
        SimOptions(tracking_shape="guess")
