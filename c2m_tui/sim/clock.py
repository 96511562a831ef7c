"""Timestamps as the Batch API writes them: ISO-8601, seconds, US-Eastern offset (``-04:00``/``-05:00``)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

try:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        EASTERN: timezone | ZoneInfo = ZoneInfo("America/New_York")
    except ZoneInfoNotFoundError:  # no tz database (minimal containers, Windows without tzdata)
        EASTERN = timezone(timedelta(hours=-5), "EST")
except ImportError:  # pragma: no cover - zoneinfo is stdlib since 3.9
    EASTERN = timezone(timedelta(hours=-5), "EST")


def iso_eastern(ts: float) -> str:
    """``2022-04-18T10:52:30-04:00`` for a POSIX timestamp."""
    return datetime.fromtimestamp(ts, EASTERN).isoformat(timespec="seconds")
