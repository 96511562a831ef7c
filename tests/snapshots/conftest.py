"""Snapshots show times in local time (core.timefmt): every snapshot runs in one fixed zone, the
US-Eastern one the simulator and the frozen answers use, whatever the machine's."""

from __future__ import annotations

import time

import pytest


@pytest.fixture(autouse=True)
def eastern_time(monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
