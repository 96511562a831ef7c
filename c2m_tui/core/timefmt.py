"""One way to show a moment to a person, everywhere in the app: local time, with the date when it
is not today ("16:34", "2026-11-28 09:01"; with ``seconds``: "16:34:20", "2026-11-28 09:01:00").

The server writes ISO-8601 with its own offset ("2026-12-01T16:34:20-05:00"), the journal UTC,
USPS scans their local time: all are shown in the local time of the machine the app runs on. A
value without an offset is taken as already local; text that is not a time is shown as it is.
"""

from __future__ import annotations

from datetime import date, datetime


def parse_moment(value: str | float | datetime | None) -> datetime | None:
    """An aware or naive datetime for an ISO string, a POSIX time or a datetime; None if not one."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value).astimezone() if value else None
    text = str(value).strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def local_time(value: str | float | datetime | None, *, seconds: bool = False, today: date | None = None) -> str:
    """``value`` as a person reads it: local time, and the date when not today ("" for nothing)."""
    if isinstance(value, str) and len(value.strip()) == 10:  # a day without a time: "2026-11-30" stays
        return value.strip()
    moment = parse_moment(value)
    if moment is None:
        return "" if value in (None, "") else str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone()  # the machine's zone
    clock = moment.strftime("%H:%M:%S" if seconds else "%H:%M")
    if moment.date() == (today or date.today()):
        return clock
    return f"{moment:%Y-%m-%d} {clock}"
