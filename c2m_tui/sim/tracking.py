"""Simulated USPS scans for mailed pieces (``GET /batches/{id}/tracking``).

Real tracking data arrives once a day and never on staging (reference §2.7, D7); the simulator
compresses a day into ``day_seconds``. Each mailed piece gets a barcode and one scan event per
simulated day: accepted and processed at the origin facility near Click2Mail's plant, then in
transit through a hub for the recipient's ZIP region, out for delivery and delivered in the
recipient's city. Event times are simulated calendar times (mailing time plus whole days).
"""

from __future__ import annotations

from typing import Iterator

from c2m_tui.sim.clock import iso_eastern
from c2m_tui.sim.render import tracking_detail, tracking_head, tracking_tail
from c2m_tui.sim.store import SimBatch, SimJob

NOT_AVAILABLE = "Tracking data not available for this batch."
TRACKING_TYPES = ("IMB", "IMPB")
SCAN_EVENTS = ("Accepted", "Processed at origin facility", "In transit", "Out for delivery", "Delivered")
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
DAY = 86_400
_CHUNK_PIECES = 200  # pieces per streamed chunk of the answer

MAILER_ID = "902311"  # 6-digit Mailer ID in every simulated IMb
SERVICE_TYPE = "300"  # First-Class Mail, Full-Service


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
        if j.pieces and now >= j.mailed_at(job_seconds) and _is_package(j.mail_class) == want_package
    }


def imb_barcode(serial: int, postal_code: str) -> str:
    """A 31-digit Intelligent Mail barcode: id, service type, mailer id, serial, 11-digit routing code."""
    digits = "".join(c for c in postal_code if c.isdigit())
    routing = (digits[:5] + (digits[5:9] or "0000") + "01") if len(digits) >= 5 else "0" * 11
    return f"00{SERVICE_TYPE}{MAILER_ID}{serial % 1_000_000_000:09d}{routing}"


def impb_barcode(serial: int) -> str:
    """A 22-digit Intelligent Mail package barcode."""
    return f"9207{MAILER_ID}{serial % 1_000_000_000_000:012d}"


def _location(step: int, city: str, state: str, postal_code: str) -> str:
    hub = HUBS.get(postal_code[:1], "")
    if step <= 1:
        return ORIGIN
    if step == 2 or not (city and state):
        return hub or ORIGIN
    return f"{city.upper()} {state.upper()}"


def iter_tracking_xml(
    batch: SimBatch,
    jobs: dict[int, SimJob],
    tracking_type: str,
    now: float,
    job_seconds: float,
    day_seconds: float,
) -> Iterator[bytes]:
    """The tracking answer in chunks, reading recipients from the stored XML as it goes."""
    from c2m_tui.sim.batchparse import iter_pieces

    yield tracking_head()
    seen: dict[int, int] = {}
    chunk: list[str] = []
    assert batch.xml_path is not None
    for piece in iter_pieces(batch.xml_path):
        job = jobs.get(piece.job_index)
        if job is None:
            continue
        number = seen.get(piece.job_index, 0)
        seen[piece.job_index] = number + 1
        serial = job.first_serial + number
        barcode = impb_barcode(serial) if tracking_type == "IMPB" else imb_barcode(serial, piece.postal_code)
        mailed = job.mailed_at(job_seconds)
        for step, event in enumerate(SCAN_EVENTS):
            if day_seconds > 0 and now < mailed + step * day_seconds:
                break
            hours = 0 if step == 0 else 1 + (serial * 7 + step * 5) % 10  # scans spread over the day
            when = iso_eastern(mailed + step * DAY + hours * 3600)
            chunk.append(tracking_detail(barcode, event, when, _location(step, piece.city, piece.state, piece.postal_code)))
        if len(chunk) >= _CHUNK_PIECES:
            yield "".join(chunk).encode("utf-8")
            chunk = []
    if chunk:
        yield "".join(chunk).encode("utf-8")
    yield tracking_tail()
