"""Wait until a screen is done drawing before it is captured: a short pause is not enough on a busy
machine (a table not yet widened to its rows, a step still being laid out were captured so)."""

from __future__ import annotations

import time

from tests.tui.batch_harness import screen_text

# workers that live as long as their widget: a DirectoryTree's loader waits for folders to read
LIFELONG = {"_loader"}


def _busy(app) -> list[str]:
    return [w.name for w in app.workers if w.is_running and w.group not in LIFELONG]


async def until_still(pilot, quiet: int = 3, timeout: float = 20.0) -> None:
    """Until no worker runs and the screen is the same after ``quiet`` pauses in a row."""
    app = pilot.app
    deadline = time.monotonic() + timeout
    last, same = None, 0
    while same < quiet:
        if time.monotonic() > deadline:
            raise AssertionError(f"the screen kept changing for {timeout:.0f} s (workers running: {_busy(app)})")
        await pilot.pause(0.02)
        await pilot.wait_for_scheduled_animations()
        now = screen_text(app)
        same = same + 1 if now == last and not _busy(app) else 0
        last = now
