"""Simulated USPS scans for mailed pieces (``GET /batches/{id}/tracking``).

Real tracking data arrives once a day and never on staging (reference §2.7, D7). The simulator
keeps its own USPS calendar that runs one day per ``day_seconds`` from the simulator's start
(``UspsCalendar``); every scan is dated on it and shown only once that calendar has reached it, so
no scan lies in the simulator's future, and each tracking answer carries that calendar's time in
its ``Date`` header (what a client counts "days without a scan" to).

A US piece is accepted and processed at Click2Mail's plant (Merrifield VA), goes through the hub
of its ZIP region, then is out for delivery and delivered in its own city. A piece for abroad
leaves the US at an international exchange office (ISC) chosen by its country, and its USPS
tracking ends there. Answers are in Click2Mail's own shape (``<tracking><mailPiece>`` with
``uniqueId`` and ``address`` from the batch XML) unless ``--tracking-shape details``.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import formatdate
from typing import Iterator

from c2m_tui.sim.clock import iso_eastern
from c2m_tui.sim.render import tracking_head, tracking_scan, tracking_tail
from c2m_tui.sim.store import SimBatch, SimJob

NOT_AVAILABLE = "Tracking data not available for this batch."
TRACKING_TYPES = ("IMB", "IMPB")
SCAN_EVENTS = ("Accepted", "Processed at origin facility", "In transit", "Out for delivery", "Delivered")
ABROAD_EVENTS = ("Accepted", "Processed at origin facility", "Processed through international exchange office",
                 "Dispatched to destination country")
ORIGIN = "MERRIFIELD VA"
# a regional hub per first ZIP digit, for the "In transit" scan
HUBS = {
    "0": "SPRINGFIELD MA",
    "1": "NEW YORK NY",
    "2": "WASHINGTON DC",
    "3": "ATLANTA GA",
    "4": "CINCINNATI OH",
    "5": "MINNEAPOLIS MN",
    "6": "CHICAGO IL",
    "7": "DALLAS TX",
    "8": "DENVER CO",
    "9": "SAN FRANCISCO CA",
}
# USPS international service centers (exchange offices) by destination; New York for the rest
ISC_NEW_YORK = "ISC NEW YORK NY"
_ISC_BY_COUNTRY = {
    "ISC MIAMI FL": ("mexico", "brazil", "argentina", "chile", "colombia", "peru", "venezuela", "ecuador",
                     "jamaica", "bahamas", "dominican republic", "haiti", "cuba", "costa rica", "panama",
                     "guatemala", "honduras", "el salvador", "nicaragua", "uruguay", "paraguay", "bolivia",
                     "trinidad and tobago", "barbados"),
    "ISC CHICAGO IL": ("canada",),
    "ISC SAN FRANCISCO CA": ("japan", "china", "korea", "south korea", "taiwan", "hong kong", "philippines",
                             "vietnam", "thailand", "singapore", "malaysia", "indonesia", "australia",
                             "new zealand", "india"),
}
_US_COUNTRIES = frozenset({"", "us", "usa", "u.s.", "u.s.a.", "united states", "united states of america"})
DAY = 86_400
AHEAD_WITHOUT_DAYS = 30 * DAY  # with day_seconds 0 every scan is there at once: the calendar runs ahead
_CHUNK_PIECES = 200  # pieces per streamed chunk of the answer

MAILER_ID = "902311"  # 6-digit Mailer ID in every simulated IMb
SERVICE_TYPE = "300"  # First-Class Mail, Full-Service


@dataclass(frozen=True, slots=True)
class UspsCalendar:
    """The simulator's USPS clock: from ``started_at`` on, one day passes per ``day_seconds``."""

    started_at: float
    day_seconds: float

    def at(self, ts: float) -> float:
        """The calendar's time at real time ``ts``."""
        if self.day_seconds <= 0:
            return ts + AHEAD_WITHOUT_DAYS
        return self.started_at + (ts - self.started_at) * (DAY / self.day_seconds)

    def http_date(self, ts: float) -> str:
        return formatdate(self.at(ts), usegmt=True)


def normalize_type(value: str | None) -> str | None:
    """``IMB``/``IMPB`` in any letter case; None for anything else."""
    upper = (value or "").strip().upper()
    return upper if upper in TRACKING_TYPES else None


def _is_package(mail_class: str) -> bool:
    """Certified and Priority pieces travel with an IMpb package barcode; everything else with an IMb."""
    lowered = mail_class.lower()
    return "certified" in lowered or "priority" in lowered


def tracked_jobs(batch: SimBatch, tracking_type: str, now: float, job_seconds: float) -> dict[int, SimJob]:
    """Jobs of this barcode type whose pieces are mailed (and so scanned at least once), by index."""
    if not batch.received or batch.has_errors or batch.xml_path is None:
        return {}
    want_package = tracking_type == "IMPB"
    return {
        j.index: j
        for j in batch.jobs
        if j.pieces and now >= j.mailed_at(job_seconds) and batch.job_mailed(j, now, job_seconds)
        and _is_package(j.mail_class) == want_package
    }


def imb_barcode(serial: int, postal_code: str) -> str:
    """A 31-digit Intelligent Mail barcode: id, service type, mailer id, serial, 11-digit routing code."""
    digits = "".join(c for c in postal_code if c.isdigit())
    routing = (digits[:5] + (digits[5:9] or "0000") + "01") if len(digits) >= 5 else "0" * 11
    return f"00{SERVICE_TYPE}{MAILER_ID}{serial % 1_000_000_000:09d}{routing}"


def impb_barcode(serial: int) -> str:
    """A 22-digit Intelligent Mail package barcode."""
    return f"9207{MAILER_ID}{serial % 1_000_000_000_000:012d}"


def is_abroad(country: str) -> bool:
    return country.strip().casefold() not in _US_COUNTRIES


def exchange_office(country: str) -> str:
    """The ISC a piece for ``country`` leaves the US through."""
    key = country.strip().casefold()
    for office, countries in _ISC_BY_COUNTRY.items():
        if key in countries:
            return office
    return ISC_NEW_YORK


def route(city: str, state: str, postal_code: str, country: str = "") -> list[tuple[str, str]]:
    """(scan word, place) of a piece's trip, in order."""
    if is_abroad(country):
        office = exchange_office(country)
        return [(ABROAD_EVENTS[0], ORIGIN), (ABROAD_EVENTS[1], ORIGIN), (ABROAD_EVENTS[2], office),
                (ABROAD_EVENTS[3], office)]
    hub = HUBS.get(postal_code[:1], "") or ORIGIN
    home = f"{city.upper()} {state.upper()}" if city and state else hub
    return [(SCAN_EVENTS[0], ORIGIN), (SCAN_EVENTS[1], ORIGIN), (SCAN_EVENTS[2], hub), (SCAN_EVENTS[3], home),
            (SCAN_EVENTS[4], home)]


def address_line(piece) -> str:
    """The recipient as one line, the way Click2Mail's tracking model carries ``address``."""
    abroad = is_abroad(piece.country)
    last = " ".join(p for p in (piece.city, piece.state, piece.postal_code) if p)
    parts = [piece.name or piece.organization, piece.address1, last, piece.country if abroad else ""]
    return ", ".join(p for p in parts if p)


def iter_tracking_xml(
    batch: SimBatch,
    jobs: dict[int, SimJob],
    tracking_type: str,
    now: float,
    job_seconds: float,
    calendar: UspsCalendar,
    shape: str = "official",
) -> Iterator[bytes]:
    """The tracking answer in chunks, reading recipients from the stored XML as it goes."""
    from c2m_tui.sim.batchparse import iter_pieces

    yield tracking_head(shape)
    today = calendar.at(now)
    seen: dict[int, int] = {}
    chunk: list[str] = []
    assert batch.xml_path is not None
    for number, piece in enumerate(iter_pieces(batch.xml_path), 1):
        job = jobs.get(piece.job_index)
        if job is None:
            continue
        nth = seen.get(piece.job_index, 0)
        seen[piece.job_index] = nth + 1
        serial = job.first_serial + nth
        abroad = is_abroad(piece.country)
        routing_zip = "" if abroad else piece.postal_code
        barcode = impb_barcode(serial) if tracking_type == "IMPB" else imb_barcode(serial, routing_zip)
        trip = route(piece.city, piece.state, piece.postal_code, piece.country)
        keep, last_word = batch.piece_overrides.get(number, (len(trip), ""))
        trip = trip[:keep]
        if last_word:  # a forward or a return, after the scans it kept
            trip.append((last_word, trip[-1][1] if trip else ORIGIN))
        mailed = calendar.at(job.mailed_at(job_seconds))
        who = {"uniqueId": piece.unique_id or None, "address": address_line(piece), "mailPieceId": str(serial)}
        for step, (event, place) in enumerate(trip):
            hours = 0 if step == 0 else 1 + (serial * 7 + step * 5) % 10  # scans spread over the day
            when = mailed + step * DAY + hours * 3600
            if when > today:
                break  # not yet: the calendar has not got there
            fields = {"barCode": barcode, "status": event, "dateTime": iso_eastern(when), "statusLocation": place}
            if shape == "official":
                fields.update(who)
            chunk.append(tracking_scan(shape, fields))
        if len(chunk) >= _CHUNK_PIECES:
            yield "".join(chunk).encode("utf-8")
            chunk = []
    if chunk:
        yield "".join(chunk).encode("utf-8")
    yield tracking_tail(shape)
