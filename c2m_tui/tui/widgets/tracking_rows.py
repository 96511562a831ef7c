"""Tracking answers as rows a person reads: one row per mail piece (its latest scan), the piece's
history, counts by status, filtering, searching and CSV export. Plain Python, no widgets, so
the viewer and the benchmark share it and it is tested without a terminal."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from c2m_tui.core.atomic import atomic_write
from c2m_tui.core.errors import InputError
from c2m_tui.core.models import Tracking, TrackingEvent

# USPS scan words that mean the piece will not arrive as sent; checked before "delivered"-like words.
_ERROR_WORDS = ("undeliverable", "return", "refused", "not deliverable", "unable", "error", "damaged", "missent")
_DONE_WORDS = ("delivered", "delivery complete")


@dataclass(slots=True)  # not frozen: a frozen __init__ costs a third more over 100k rows
class PieceRow:
    """One mail piece: its barcode and latest scan, and how many scans it has."""

    barcode: str
    status: str
    date_time: str
    location: str
    events: int

    @property
    def category(self) -> str:
        return status_category(self.status)


def status_category(status: str) -> str:
    """``mailed`` (delivered), ``error`` (returned, undeliverable ...) or ``processing`` (in transit)."""
    low = status.lower()
    if any(w in low for w in _ERROR_WORDS):
        return "error"
    if any(w in low for w in _DONE_WORDS):
        return "mailed"
    return "processing"


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
    rows = [
        PieceRow(code, evs[-1].status, evs[-1].date_time, evs[-1].location, len(evs)) for code, evs in history.items()
    ]
    return rows, history


def counts_by_status(rows: Iterable[PieceRow]) -> dict[str, int]:
    """Latest status -> number of pieces, most common first (ties by name)."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def filter_rows(rows: Sequence[PieceRow], *, status: str | None = None, search: str = "") -> list[PieceRow]:
    """Rows whose latest status is ``status`` (None: any) and whose barcode or location contains
    ``search`` (case-insensitive)."""
    needle = search.strip().lower()
    if status is None and not needle:
        return list(rows)
    out = []
    for row in rows:
        if status is not None and row.status != status:
            continue
        if needle and needle not in row.barcode.lower() and needle not in row.location.lower():
            continue
        out.append(row)
    return out


CSV_HEADER = ("barCode", "status", "dateTime", "statusLocation", "latest")


def default_csv_path(batch_id: str, tracking_type: str, folder: Path | None = None) -> Path:
    """``tracking-ID.csv`` (``tracking-ID-impb.csv`` for IMPB) in the current directory."""
    suffix = "" if tracking_type.upper() == "IMB" else f"-{tracking_type.lower()}"
    return (folder or Path.cwd()) / f"tracking-{batch_id}{suffix}.csv"


def write_tracking_csv(path: Path, rows: Iterable[PieceRow], history: dict[str, list[TrackingEvent]]) -> int:
    """Every scan of the given pieces, oldest first per piece, the latest marked; returns the line
    count. Written to a temporary file and renamed, so a failed export leaves no half file."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give a file name such as {path / 'tracking.csv'}")
    if not path.parent.is_dir():
        raise InputError(f"{path.parent}: no such folder")
    lines = 0
    with atomic_write(path, text=True, newline="") as out:
        writer = csv.writer(out.file)
        writer.writerow(CSV_HEADER)
        for row in rows:
            events = history.get(row.barcode, [])
            for i, ev in enumerate(events):
                writer.writerow((ev.barcode, ev.status, ev.date_time, ev.location, "yes" if i == len(events) - 1 else ""))
                lines += 1
    return lines
