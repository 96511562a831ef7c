"""Deterministic screen captures, for snapshot tests and ``screenshots/generate.py``.

* ``export_svg(app, color_system=...)``: the screen as SVG, its colours reduced the way Rich
  reduces them on a 256- or 16-colour terminal (Textual's own export is always truecolor), so a
  test can see what ``TEXTUAL_COLOR_SYSTEM=16`` looks like. NO_COLOR needs nothing here: Textual
  applies it as a line filter while rendering.
* ``FrozenTimesClient``: wraps a real BatchClient and replaces the times in its answers with
  fixed ones (keeping each piece's scans in order), so captures do not change from run to run.
"""

from __future__ import annotations

import dataclasses
import io
from datetime import datetime
from typing import Any

from rich.color import ColorSystem
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style

from c2m_tui.core.models import BatchDetails, BatchStatus, Tracking, TrackingEvent

COLOR_SYSTEMS = {
    "truecolor": ColorSystem.TRUECOLOR,
    "256": ColorSystem.EIGHT_BIT,
    "16": ColorSystem.STANDARD,
}

FROZEN_NOW = datetime(2026, 11, 28, 9, 30, 0)
_FROZEN = {
    "created_at": "2026-11-28T09:00:00-05:00",
    "submitted_date": "2026-11-28T09:01:00-05:00",
    "mailing_date": "2026-11-30T12:00:00-05:00",
    "completed_at": "2026-11-30T12:00:00-05:00",
}


def frozen_clock() -> datetime:
    """The time shown as 'last poll' and 'fetched at' in captures."""
    return FROZEN_NOW


def _downgrade(style: Style | None, system: ColorSystem) -> Style | None:
    if style is None:
        return None
    color = style.color.downgrade(system) if style.color is not None else None
    bgcolor = style.bgcolor.downgrade(system) if style.bgcolor is not None else None
    if color is style.color and bgcolor is style.bgcolor:
        return style
    return style + Style.from_color(color, bgcolor)


class _Lines:
    def __init__(self, lines: list[list[Segment]]) -> None:
        self.lines = lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        new_line = Segment.line()
        for i, line in enumerate(self.lines):
            yield from line
            if i < len(self.lines) - 1:
                yield new_line


def export_svg(app: Any, *, color_system: str = "truecolor", title: str | None = None) -> str:
    """The running app's screen as SVG, colours reduced to ``color_system`` ("truecolor", "256", "16")."""
    system = COLOR_SYSTEMS[color_system]
    width, height = app.size
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    lines: list[list[Segment]] = []
    for line in update.strips:
        segments = [seg for strip in line for seg in strip if not seg.control]
        if system is not ColorSystem.TRUECOLOR:
            segments = [Segment(seg.text, _downgrade(seg.style, system), seg.control) for seg in segments]
        lines.append(segments)
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(_Lines(lines), end="")
    return console.export_svg(title=title or app.title)


class FrozenTimesClient:
    """A BatchClient whose answers carry fixed times; every other call goes straight through."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    async def status(self, batch_id: str) -> BatchStatus:
        status = await self._client.status(batch_id)
        return _freeze(status, jobs=[_freeze(j) for j in status.jobs])

    async def details(self, batch_id: str) -> BatchDetails:
        return _freeze(await self._client.details(batch_id))

    async def tracking(self, batch_id: str, tracking_type: str = "IMB", **kw: Any) -> Tracking:
        tracking = await self._client.tracking(batch_id, tracking_type, **kw)
        as_of = "2026-12-05T09:00:00-05:00" if tracking.as_of else None
        return dataclasses.replace(tracking, events=freeze_events(tracking.events), as_of=as_of)


def _freeze(obj: Any, **changes: Any) -> Any:
    for name, value in _FROZEN.items():
        if hasattr(obj, name) and getattr(obj, name):
            changes[name] = value
    return dataclasses.replace(obj, **changes)


def freeze_events(events: list[TrackingEvent]) -> list[TrackingEvent]:
    """Each piece's n-th scan (oldest first) at 08:00 on the n-th day after mailing."""
    order: dict[str, list[int]] = {}
    for i, ev in enumerate(events):
        order.setdefault(ev.barcode, []).append(i)
    out = list(events)
    for indexes in order.values():
        for day, i in enumerate(sorted(indexes, key=lambda k: events[k].date_time)):
            out[i] = dataclasses.replace(events[i], date_time=f"2026-12-{1 + day:02d}T08:00:00-05:00")
    return out
