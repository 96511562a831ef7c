"""Snapshots show times in local time (core.timefmt): every snapshot runs in one fixed zone, the
US-Eastern one the simulator and the frozen answers use, whatever the machine's, and on one fixed
day: a moment of today is shown without its date, so the day the suite runs must not change the
picture (they were recorded on 2026-12-01, the first day of the frozen scans: both forms show)."""

from __future__ import annotations

import time
from datetime import date

import pytest

from c2m_tui.core import timefmt

SNAPSHOT_TODAY = date(2026, 12, 1)


class _SnapshotDate(date):
    @classmethod
    def today(cls) -> date:
        return SNAPSHOT_TODAY


@pytest.fixture(autouse=True)
def eastern_time(monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    monkeypatch.setattr(timefmt, "date", _SnapshotDate)
    yield
    monkeypatch.undo()
    time.tzset()
