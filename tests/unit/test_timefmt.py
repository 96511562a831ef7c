"""One time format (core/timefmt.py): local time, with the date when not today."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone

from c2m_tui.core.timefmt import local_time


def test_today_is_the_clock_and_another_day_has_its_date(monkeypatch):
    monkeypatch.setenv("TZ", "America/Chicago")
    time.tzset()
    try:
        server = "2026-12-01T16:34:20-05:00"  # 15:34 in Chicago
        assert local_time(server, today=date(2026, 12, 1)) == "15:34"
        assert local_time(server, seconds=True, today=date(2026, 12, 1)) == "15:34:20"
        assert local_time(server, today=date(2026, 12, 2)) == "2026-12-01 15:34"
        assert local_time("2026-12-01T21:34:20Z", today=date(2026, 12, 1)) == "15:34"
        now = datetime.now(timezone.utc)
        assert local_time(now.timestamp()) == now.astimezone().strftime("%H:%M")
        assert local_time((now - timedelta(days=3)).timestamp()).startswith(f"{(now - timedelta(days=3)).astimezone():%Y-%m-%d}")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_nothing_and_not_a_time():
    assert local_time(None) == "" and local_time("") == ""
    assert local_time("soon") == "soon"
    assert local_time("2026-11-30") == "2026-11-30"  # a day alone is not moved to midnight
