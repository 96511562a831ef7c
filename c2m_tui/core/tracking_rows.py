"""Tracking answers as rows a person reads: one row per mail piece (its latest scan and, when
known, its recipient), the piece's history, counts by status, filtering, searching, stuck pieces,
the "when to look again" note and the one CSV writer that ``tracking --csv`` and the app share.
Plain Python, no widgets, so the CLI, the viewer and the benchmark use the same rules."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import IO, Iterable, Sequence

from c2m_tui.core.atomic import atomic_write
from c2m_tui.core.errors import InputError
from c2m_tui.core.models import Recipient, Tracking, TrackingEvent
from c2m_tui.core.usps import split_address_line

# USPS scan words that mean the piece will not arrive as sent; checked before "delivered"-like words.
_ERROR_WORDS = ("undeliverable", "return", "refused", "not deliverable", "unable", "error", "damaged", "missent",
                "unclaimed")
_RETURN_WORDS = ("return", "undeliverable", "refused", "not deliverable", "unclaimed")
_FORWARD_WORDS = ("forward",)
_DONE_WORDS = ("delivered", "delivery complete")
# a piece for abroad: USPS tracking ends when it leaves the US (the foreign post takes over)
_HANDED_OVER_WORDS = ("dispatched to destination", "departed the united states", "international dispatch")
DEFAULT_STUCK_DAYS = 7
# what PieceRow.matches looks in, for the words that offer a search
SEARCHED = "name, city, ZIP, address, barcode, list id or place"


@dataclass(slots=True)  # not frozen: a frozen __init__ costs a third more over 100k rows
class PieceRow:
    """One mail piece: its barcode and latest scan, how many scans it has, and who it went to
    (None when neither the answer nor the journal says)."""

    barcode: str
    status: str
    date_time: str
    location: str
    events: int
    recipient: Recipient | None = None

    @property
    def category(self) -> str:
        return status_category(self.status)

    @property
    def name(self) -> str:
        return self.recipient.name if self.recipient else ""

    def matches(self, needle: str) -> bool:
        """``needle`` (lower case) in the barcode, the last place, or the recipient's name, city,
        ZIP, list id or address."""
        if needle in self.barcode.lower() or needle in self.location.lower():
            return True
        return self.recipient is not None and self.recipient.matches(needle)


def status_category(status: str) -> str:
    """``mailed`` (delivered), ``error`` (returned, undeliverable ...) or ``processing`` (in transit)."""
    low = status.lower()
    if any(w in low for w in _ERROR_WORDS):
        return "error"
    if any(w in low for w in _DONE_WORDS):
        return "mailed"
    return "processing"


def recipient_of(event: TrackingEvent) -> Recipient | None:
    """The recipient as the answer tells it (Click2Mail's shape carries ``uniqueId`` and ``address``)."""
    if not (event.address or event.unique_id):
        return None
    name, city, postal_code = split_address_line(event.address)
    return Recipient(name=name, city=city, postal_code=postal_code, list_id=event.unique_id, address=event.address)


def build_piece_rows(tracking: Tracking) -> tuple[list[PieceRow], dict[str, list[TrackingEvent]]]:
    """Rows in first-seen order of barcodes, and each barcode's events oldest first."""
    # Tracking.pieces() sorts every piece; scans usually arrive in order, so only sort when not
    history: dict[str, list[TrackingEvent]] = {}
    for event in tracking.events:
        events = history.get(event.barcode)
        if events is None:
            history[event.barcode] = [event]
        else:
            if event.date_time < events[-1].date_time:
                events.append(event)
                events.sort(key=lambda e: e.date_time)
            else:
                events.append(event)
    rows = []
    for code, evs in history.items():
        last = evs[-1]
        who = next((r for r in (recipient_of(e) for e in reversed(evs) if e.address or e.unique_id) if r), None)
        rows.append(PieceRow(code, last.status, last.date_time, last.location, len(evs), who))
    return rows, history


def counts_by_status(rows: Iterable[PieceRow]) -> dict[str, int]:
    """Latest status -> number of pieces, most common first (ties by name)."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def filter_rows(rows: Sequence[PieceRow], *, status: str | None = None, search: str = "",
                stuck: dict[str, str] | None = None) -> list[PieceRow]:
    """Rows whose latest status is ``status`` (None: any), that match ``search`` (barcode, place,
    name, city, ZIP, list id; case-insensitive) and, given ``stuck`` (barcode -> reason), are stuck."""
    needle = search.strip().lower()
    if status is None and not needle and stuck is None:
        return list(rows)
    out = []
    for row in rows:
        if status is not None and row.status != status:
            continue
        if stuck is not None and row.barcode not in stuck:
            continue
        if needle and not row.matches(needle):
            continue
        out.append(row)
    return out


# ------------------------------------------------------------------ stuck pieces and dates


def parse_scan_time(text: str, tz: tzinfo | None = None) -> datetime | None:
    """A scan's ``dateTime`` (ISO-8601 with or without offset, ``T`` or a space), or None.
    A time without an offset is taken in ``tz`` (default UTC)."""
    value = (text or "").strip()
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=tz or timezone.utc)


def reference_time(tracking: Tracking, now: datetime | None = None) -> datetime:
    """The moment "N days without a scan" is counted to: the server's clock when it answered
    (its Date header), else ``now`` (else this machine's clock)."""
    if tracking.as_of:
        when = parse_scan_time(tracking.as_of)
        if when is not None:
            return when
    return now or datetime.now(timezone.utc)


def stuck_reason(row: PieceRow, now: datetime, days: int = DEFAULT_STUCK_DAYS,
                 mailed_at: datetime | None = None) -> str | None:
    """Why a piece looks stuck, or None: its last scan is a return or a forward, or it has had no
    scan for ``days`` days (delivered pieces never are). A piece listed without any scan counts
    from ``mailed_at`` (the job's mailing date) when that is known."""
    low = row.status.lower()
    if any(w in low for w in _FORWARD_WORDS):
        return "forwarded"
    if any(w in low for w in _RETURN_WORDS):
        return "returned"
    if trip_ended(row.status):
        return None
    last = parse_scan_time(row.date_time, now.tzinfo)
    if last is None:
        if row.date_time or mailed_at is None:
            return None  # a date we cannot read, or nothing to count from
        idle = now - mailed_at
        return f"no scan in the {idle.days} days since mailing" if idle >= timedelta(days=days) else None
    idle = now - last
    if idle >= timedelta(days=days):
        return f"no scan for {idle.days} days"
    return None


def stuck_pieces(rows: Iterable[PieceRow], now: datetime, days: int = DEFAULT_STUCK_DAYS,
                 mailed_at: datetime | None = None) -> dict[str, str]:
    """barcode -> reason, for every stuck piece, in row order."""
    out: dict[str, str] = {}
    for row in rows:
        reason = stuck_reason(row, now, days, mailed_at)
        if reason is not None:
            out[row.barcode] = reason
    return out


def trip_ended(status: str) -> bool:
    """The piece's USPS trip is over: delivered, or handed to the foreign post for a piece abroad."""
    low = status.lower()
    return any(w in low for w in _DONE_WORDS) or any(w in low for w in _HANDED_OVER_WORDS)


def refresh_note(rows: Iterable[PieceRow], now: datetime) -> str:
    """When USPS data was last refreshed (the newest scan; it comes once a day) and when to look
    again; nothing to look again for once every piece's trip has ended."""
    newest = None
    ended = True
    for row in rows:
        ended = ended and trip_ended(row.status)
        when = parse_scan_time(row.date_time)
        if when is not None and (newest is None or when > newest):
            newest = when
    if newest is None:
        return "USPS data: refreshed once a day, no scans yet; look again tomorrow."
    if ended:
        return (f"USPS data: newest scan {newest.astimezone(now.tzinfo):%Y-%m-%d %H:%M}; every piece is "
                "delivered or abroad: nothing to wait for.")
    again = newest + timedelta(days=1)
    while again <= now:
        again += timedelta(days=1)
    local = now.tzinfo
    return (f"USPS data: refreshed once a day, newest scan {newest.astimezone(local):%Y-%m-%d %H:%M}; "
            f"look again after {again.astimezone(local):%Y-%m-%d %H:%M}.")


# ------------------------------------------------------------------ CSV (the app and `tracking --csv`)

CSV_HEADER = ("barCode", "status", "dateTime", "statusLocation", "latest", "name", "city", "postalCode", "listId")


def default_csv_path(batch_id: str, tracking_type: str, folder: Path | None = None) -> Path:
    """``tracking-ID.csv`` (``tracking-ID-impb.csv`` for IMPB) in the current directory."""
    suffix = "" if tracking_type.upper() == "IMB" else f"-{tracking_type.lower()}"
    return (folder or Path.cwd()) / f"tracking-{batch_id}{suffix}.csv"


def write_tracking_csv(out: IO[str], rows: Iterable[PieceRow], history: dict[str, list[TrackingEvent]]) -> int:
    """Every scan of the given pieces, oldest first per piece, the latest marked, with the
    recipient where known; returns the number of scans written (the header not counted)."""
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    lines = 0
    for row in rows:
        events = history.get(row.barcode, [])
        who = row.recipient or Recipient()
        for i, ev in enumerate(events):
            writer.writerow((ev.barcode, ev.status, ev.date_time, ev.location, "yes" if i == len(events) - 1 else "",
                             who.name, who.city, who.postal_code, who.list_id))
            lines += 1
    return lines


def export_tracking_csv(path: Path, rows: Iterable[PieceRow], history: dict[str, list[TrackingEvent]]) -> int:
    """``write_tracking_csv`` into a file, through a temporary file renamed at the end, so a failed
    export leaves no half file."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give a file name such as {path / 'tracking.csv'}")
    if not path.parent.is_dir():
        raise InputError(f"{path.parent}: no such folder")
    with atomic_write(path, text=True, newline="") as out:
        return write_tracking_csv(out.file, rows, history)
