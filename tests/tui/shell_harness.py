"""Helpers for the shell and wizard Pilot tests: a C2MApp on a profile pointed at a simulator
(or at a fixed URL that is never called), and waiting for a condition without fixed sleeps."""

from __future__ import annotations

import time
from typing import Any, Callable

from c2m_tui.config.credentials import Credentials
from c2m_tui.config.profiles import get_profile
from c2m_tui.tui.app import C2MApp
from c2m_tui.tui.session import Session

FIXED_URL = "http://127.0.0.1:8025/v1"  # shown in snapshots; never called by them


def session_on(base_url: str, profile: str = "demo", *, logged_in: bool = True, password: str = "demo") -> Session:
    p = get_profile(profile)
    if profile != "production" and profile != "staging":
        p = p.with_base_url(base_url)
    creds = Credentials("demo", password, "demo") if logged_in else None
    return Session(p, base_url, creds, p.environment, demo=False)


def app_on(base_url: str, **kw: Any) -> C2MApp:
    return C2MApp(session_on(base_url, **kw), theme="c2m-dark")


async def wait_for(pilot, predicate: Callable[[], Any], timeout: float = 60.0, what: str = "condition") -> Any:
    """Pause the pilot until ``predicate()`` is truthy; fail with ``what`` after ``timeout`` s (long: a
    state that comes does so at once, and a saturated 2-core machine took over 20 s to open a step)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def notifications(app) -> list[str]:
    return [f"{n.title}|{n.message}" for n in app._notifications]
