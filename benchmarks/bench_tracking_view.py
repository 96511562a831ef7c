"""Open 100,000 tracking rows: the line-API TrackingView against a DataTable given the same rows
with add_rows (the baseline, measured in the same run), then page-down latency on both.

Run: uv run python benchmarks/bench_tracking_view.py [--rows N] [--pages N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from textual.app import App, ComposeResult
from textual.widget import Widget
from textual.widgets import DataTable

from c2m_tui.core.models import Tracking, TrackingEvent
from c2m_tui.tui.themes import register_themes
from c2m_tui.core.tracking_rows import PieceRow, build_piece_rows
from c2m_tui.tui.widgets.tracking_view import TrackingView

SIZE = (120, 40)
STEPS = ("Accepted", "Processed at origin facility", "In transit", "Out for delivery", "Delivered")


def make_tracking(pieces: int) -> Tracking:
    """One to three scans per piece, like a batch a few days after mailing."""
    events = []
    for i in range(pieces):
        barcode = f"0030090231100{i:09d}2120101"
        for day in range(1 + i % 3):
            events.append(TrackingEvent(barcode, STEPS[day], f"2026-12-{1 + day:02d}T08:00:00-05:00", f"CITY {i % 97} MD"))
    return Tracking(True, "", "IMB", events)


class Bench(App[None]):
    def __init__(self, make: type[Widget]) -> None:
        super().__init__()
        register_themes(self)
        self.theme = "c2m-dark"
        self.make = make

    def compose(self) -> ComposeResult:
        yield self.make()


async def open_tracking_view(rows: list[PieceRow], pages: int) -> tuple[float, list[float], list[float]]:
    app = Bench(TrackingView)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(TrackingView)
        view.focus()
        await pilot.pause()
        start = time.perf_counter()
        view.set_rows(rows)
        await pilot.pause()  # until the screen is drawn
        opened = time.perf_counter() - start
        assert len(view.rows) == len(rows)
        latencies = []
        for _ in range(pages):
            t = time.perf_counter()
            view.action_page_down()
            await pilot.pause()
            latencies.append(time.perf_counter() - t)
        # the widget's own share: move a page and render every visible line (cache cold for them)
        frame = []
        height = view.scrollable_content_region.height
        for _ in range(pages):
            t = time.perf_counter()
            view.action_page_down()
            for y in range(height):
                view.render_line(y)
            frame.append(time.perf_counter() - t)
    return opened, latencies, frame


async def open_data_table(rows: list[PieceRow], pages: int) -> tuple[float, list[float]]:
    app = Bench(DataTable)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(DataTable)
        table.focus()
        await pilot.pause()
        start = time.perf_counter()
        table.add_columns("Barcode", "Latest status", "Date and time", "Scans", "Location")
        table.add_rows((r.barcode, r.status, r.date_time, str(r.events), r.location) for r in rows)
        await pilot.pause()
        opened = time.perf_counter() - start
        assert table.row_count == len(rows)
        latencies = []
        for _ in range(pages):
            t = time.perf_counter()
            table.action_page_down()
            await pilot.pause()
            latencies.append(time.perf_counter() - t)
    return opened, latencies


class _Answer:
    """Stands in for the client in this benchmark only: hands the screen an already-parsed answer."""

    def __init__(self, tracking: Tracking) -> None:
        self.tracking_answer = tracking

    async def tracking(self, batch_id: str, tracking_type: str = "IMB", **_options) -> Tracking:
        return self.tracking_answer


class ScreenBench(App[None]):
    def __init__(self, tracking: Tracking) -> None:
        super().__init__()
        from types import SimpleNamespace

        register_themes(self)
        self.theme = "c2m-dark"
        self.session = SimpleNamespace(client=_Answer(tracking), environment="demo", base_url="bench", journal=None)


async def open_tracking_screen(tracking: Tracking) -> tuple[float, float]:
    """The whole screen: push, group the scans (in a thread), show; and the longest UI stall meanwhile."""
    from c2m_tui.tui.screens.tracking import TrackingScreen

    app = ScreenBench(tracking)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        stalls = [0.0]
        stop = asyncio.Event()

        async def heartbeat() -> None:  # how long the event loop goes without running us
            last = time.perf_counter()
            while not stop.is_set():
                await asyncio.sleep(0.005)
                now = time.perf_counter()
                stalls.append(now - last - 0.005)
                last = now

        beat = asyncio.create_task(heartbeat())
        start = time.perf_counter()
        screen = TrackingScreen("bench")
        await app.push_screen(screen)
        while screen.loaded is None:
            if screen._loader is not None and screen._loader.error is not None:
                raise SystemExit(f"the tracking screen failed: {screen._loader.error!r}")
            await asyncio.sleep(0.005)
        await pilot.pause()
        opened = time.perf_counter() - start
        stop.set()
        await beat
        assert len(screen.query_one(TrackingView).rows) == len(tracking.pieces())
    return opened, max(stalls)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def summary(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"median {ms(statistics.median(ordered))}, p95 {ms(p95)}, max {ms(ordered[-1])}"


async def main() -> None:
    import os
    import tempfile

    # a scratch app home: the benchmark must not write to the person's journal or settings
    os.environ["C2M_TUI_HOME"] = tempfile.mkdtemp(prefix="c2m-bench-")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--screen-only", action="store_true",
                        help="only the whole screen's opening and its longest event-loop stall")
    args = parser.parse_args()

    tracking = make_tracking(args.rows)
    t = time.perf_counter()
    rows, _history = build_piece_rows(tracking)
    grouped = time.perf_counter() - t
    print(f"{len(tracking.events)} scans of {len(rows)} pieces; grouping them into rows: {ms(grouped)}")

    if args.screen_only:
        screen_open, stall = await open_tracking_screen(tracking)
        print(f"TrackingScreen from a parsed answer ({len(tracking.events)} scans): shown in {ms(screen_open)}, "
              f"longest event-loop stall meanwhile {ms(stall)}")
        return
    view_open, view_pages, view_frames = await open_tracking_view(rows, args.pages)
    table_open, table_pages = await open_data_table(rows, args.pages)

    print(f"TrackingView (line API)  open {len(rows)} rows: {ms(view_open)}")
    print(f"DataTable (add_rows)     open {len(rows)} rows: {ms(table_open)}  (baseline)")
    print(f"ratio: the line-API view opens {table_open / view_open:.1f}x faster (target >= 20x)")
    screen_open, stall = await open_tracking_screen(tracking)
    print(f"TrackingScreen from a parsed answer ({len(tracking.events)} scans): shown in {ms(screen_open)}, "
          f"longest event-loop stall meanwhile {ms(stall)}")
    print(f"page-down latency, TrackingView: {summary(view_pages)} (key to screen drawn, headless)")
    print(f"  of which the widget's work (move + render the visible lines): {summary(view_frames)}")
    print(f"page-down latency, DataTable:    {summary(table_pages)}")


if __name__ == "__main__":
    asyncio.run(main())
