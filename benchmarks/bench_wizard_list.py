"""The wizard with a big address list, as a person walks it: create, a 2-page PDF, a 100,000-row
Outlook export typed into "Import list" (enter), the problems screen (some rows lack a city),
import, the validation of the 100,000 letters, page-down through the recipients table, the XML
upload and the review with its price. The real app (C2MApp) on the simulator (a subprocess on
loopback), headless at 120x40; a heartbeat task on the app's event loop records how long the loop
went without running it (the longest stall of each phase, the number a person feels as a frozen
screen). Page-down: a key press to the screen drawn again, in the recipients table.

Run: nice uv run python benchmarks/bench_wizard_list.py [--rows 100000] [--pages 30]
Targets (issue 18): no event-loop stall over 100 ms; page-down < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZE = (120, 40)
HEADERS = ["First Name", "Middle Name", "Last Name", "Company", "Business Street", "Business City",
           "Business State", "Business Postal Code", "Business Country/Region", "E-mail Address"]
STATES = ("MA", "NY", "CA", "TX", "VA", "MD", "IL", "WA", "OR", "FL")


def make_outlook_csv(path: Path, rows: int) -> int:
    """An Outlook-shaped export (every field quoted, CRLF); one row in 500 has no city. Returns
    how many rows have that problem."""
    missing = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(HEADERS)
        for i in range(rows):
            city = "" if i % 500 == 250 else f"Springfield {i % 89}"
            missing += not city
            writer.writerow([f"First{i}", "", f"Last{i}", f"Company {i % 1000}", f"{i} Main St", city,
                             STATES[i % len(STATES)], f"{10000 + i % 89999:05d}", "United States",
                             f"person{i}@example.com"])
    return missing


def make_pdf(path: Path, pages: int) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def start_sim(*options: str) -> tuple[subprocess.Popen, str]:
    """The simulator in a subprocess on a free loopback port (``options``: its flags; by default
    quick queue and jobs); returns it and its base URL."""
    options = options or ("--queue-seconds", "0.2", "--job-seconds", "0.2")
    proc = subprocess.Popen([sys.executable, "-m", "c2m_tui", "sim", "--host", "127.0.0.1", "--port", "0", *options],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:  # type: ignore[union-attr]
        if "listening on" in line:
            url = line.split("listening on", 1)[1].split()[0].rstrip("/")
            threading_drain(proc)
            return proc, url if url.endswith("/v1") else url + "/v1"
    raise SystemExit("the simulator did not start")


def threading_drain(proc: subprocess.Popen) -> None:
    import threading

    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()  # type: ignore[union-attr]


class Heartbeat:
    """How long the event loop goes without running this task, per named phase. With ``why``, a
    watchdog thread samples the event loop's stack while a beat is late (to find the cause)."""

    def __init__(self, why: bool = False) -> None:
        self.phase = "start"
        self.stalls: dict[str, float] = {}
        self._stop = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._last = time.perf_counter()
        self.why = why
        self.samples: dict[str, dict[str, int]] = {}
        self.ended: list[tuple[str, float, str]] = []

    @staticmethod
    def _threads() -> str:
        import threading
        import traceback

        out = []
        for ident, frame in sys._current_frames().items():
            if ident == threading.get_ident():
                continue
            stack = [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in traceback.extract_stack(frame)
                     if "c2m_tui" in f.filename or "lxml" in f.filename]
            if stack:
                out.append(" <- ".join(reversed(stack[-4:])))
        return " | ".join(out)

    def start(self) -> None:
        self._task = asyncio.create_task(self._beat())
        if self.why:
            import threading

            threading.Thread(target=self._watch, args=(threading.get_ident(),), daemon=True).start()

    def _watch(self, loop_thread: int) -> None:
        import threading
        import traceback

        while not self._stop.is_set():
            time.sleep(0.01)
            if time.perf_counter() - self._last > 0.05:
                frame = sys._current_frames().get(loop_thread)
                if frame is None:
                    continue
                stack = traceback.extract_stack(frame)
                ours = [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in stack
                        if "c2m_tui" in f.filename or "textual" in f.filename][-6:]
                if not ours:
                    ours = [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in stack][-3:]
                key = " <- ".join(reversed(ours))
                if "select" in key or "_run_once" in key:  # the loop waits for the GIL: what do the other threads run?
                    others = []
                    for ident, other in sys._current_frames().items():
                        if ident in (loop_thread, threading.get_ident()):
                            continue
                        st = traceback.extract_stack(other)
                        mine = [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in st if "c2m_tui" in f.filename]
                        others.append(f"{Path(st[-1].filename).name}:{st[-1].lineno} {st[-1].name}"
                                      + (f" (in {mine[-1]})" if mine else ""))
                    key = "GIL elsewhere: " + " | ".join(sorted(others))
                counts = self.samples.setdefault(self.phase, {})
                counts[key] = counts.get(key, 0) + 1

    def enter(self, phase: str) -> None:
        self.phase = phase
        self.stalls.setdefault(phase, 0.0)

    async def _beat(self) -> None:
        last = time.perf_counter()
        while not self._stop.is_set():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            stall = now - last - 0.005
            if stall > self.stalls.get(self.phase, 0.0):
                self.stalls[self.phase] = stall
            if self.why and stall > 0.08:  # where the other threads are as the loop gets its turn back
                self.ended.append((self.phase, stall, self._threads()))
            last = self._last = now

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task


async def wait_for(pilot, predicate, what: str, timeout: float = 300.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        await pilot.pause(0.02)
    raise SystemExit(f"timed out waiting for {what}")


async def walk(base_url: str, csv_path: Path, pdf: Path, rows: int, pages: int, why: bool) -> dict:
    from textual import events
    from textual.widgets import Input

    from c2m_tui.config.credentials import Credentials
    from c2m_tui.config.profiles import get_profile
    from c2m_tui.tui.app import C2MApp
    from c2m_tui.tui.screens.address_problems import AddressProblemsScreen
    from c2m_tui.tui.screens.wizard import WizardScreen
    from c2m_tui.tui.session import Session

    profile = get_profile("demo").with_base_url(base_url)
    session = Session(profile, base_url, Credentials("demo", "demo", "demo"), profile.environment, demo=False)
    app = C2MApp(session, theme="c2m-dark")
    times: dict[str, float] = {}
    beat = Heartbeat(why)
    async with app.run_test(size=SIZE) as pilot:
        beat.start()
        beat.enter("create + PDF")
        app.push_screen(WizardScreen())
        wizard = await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen) and app.screen, "the wizard")
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: wizard.done[0] and wizard.current == 1, "create")
        wizard.query_one("#pdf-path", Input).value = str(pdf)
        wizard.query_one("#pdf-path", Input).focus()
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: wizard.pdf, "the PDF's facts")
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: wizard.done[1] and wizard.current == 2, "the PDF upload")
        await wait_for(pilot, lambda: wizard.check is not None, "the first (empty) check")

        # the list: its path and enter, as a person types it
        beat.enter("import: read + check every row")
        start = time.perf_counter()
        path_input = wizard.query_one("#csv-path", Input)
        path_input.value = str(csv_path)
        path_input.focus()
        await pilot.pause()
        await pilot.press("enter")
        problems = await wait_for(pilot, lambda: isinstance(app.screen, AddressProblemsScreen) and app.screen.scans
                                  and not app.screen.query_one("#problems-ok").disabled and app.screen,
                                  "the problems screen")
        times["to the problems screen"] = time.perf_counter() - start
        beat.enter("import: take the list")
        form = wizard.query_one("#jobs-form")
        start = time.perf_counter()
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: len(form.recipients) > 0 and not isinstance(app.screen, AddressProblemsScreen),
                       "the list in the form")
        times["import into the form"] = time.perf_counter() - start
        accepted = len(form.recipients)
        beat.enter("validation")
        start = time.perf_counter()
        await wait_for(pilot, lambda: wizard.check is not None and wizard.check.valid
                       and wizard.check.counts[1] == accepted, "the validation of every letter")
        times["validation"] = time.perf_counter() - start

        # page-down through the recipients table: from the key to the frame that shows its move
        beat.enter("page-down")
        table = wizard.query_one("#rcp-table")
        table.focus()
        await pilot.pause()
        frames: list[tuple[float, int]] = []  # (when, the table's cursor row then)
        display = app._display

        def timed_display(screen, renderable) -> None:
            if renderable is not None:
                frames.append((time.perf_counter(), table.cursor_row))
            display(screen, renderable)

        app._display = timed_display
        latencies = []
        for _ in range(pages):
            before = table.cursor_row
            frames.clear()
            t = time.perf_counter()
            app._driver.send_message(events.Key("pagedown", None))
            while not any(row != before for _when, row in frames):
                await asyncio.sleep(0.001)
            latencies.append(next(when for when, row in frames if row != before) - t)
            await pilot.pause()
        app._display = display

        beat.enter("XML upload + review")
        start = time.perf_counter()
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: wizard.done[2] and wizard.current == 3, "the XML upload")
        await wait_for(pilot, lambda: wizard.reviewed, "the review")
        await wait_for(pilot, lambda: wizard.quote is not None, "the price", timeout=120)
        times["XML upload + review"] = time.perf_counter() - start
        await beat.stop()
    return {"times": times, "stalls": beat.stalls, "pages": latencies, "accepted": accepted, "why": beat.samples,
            "ended": beat.ended,
}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=30, help="page-down presses in the recipients table")
    parser.add_argument("--why", action="store_true", help="sample the event loop's stack during stalls")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="c2m-bench-wizard-"))
    os.environ["C2M_TUI_HOME"] = str(work / "home")  # never the person's own journal or settings
    csv_path = work / "contacts.csv"
    missing = make_outlook_csv(csv_path, args.rows)
    pdf = make_pdf(work / "letter.pdf", 2)
    proc, url = start_sim()
    try:
        result = asyncio.run(walk(url, csv_path, pdf, args.rows, args.pages, args.why))
    finally:
        proc.terminate()
        proc.wait()
    print(f"wizard, {args.rows:,}-row Outlook export ({csv_path.stat().st_size / 2**20:.1f} MiB, {missing} rows "
          f"without a city), 120x40, the simulator on loopback: {result['accepted']:,} letters")
    for name, seconds in result["times"].items():
        print(f"  {name:32} {seconds:6.2f} s")
    print("  longest event-loop stall per phase (target: none over 100 ms):")
    for phase, stall in result["stalls"].items():
        flag = "" if stall <= 0.1 else "  <- over 100 ms"
        print(f"    {phase:32} {ms(stall):>8}{flag}")
    pages = sorted(result["pages"])
    p95 = pages[max(0, int(len(pages) * 0.95) - 1)]
    print(f"  page-down in the recipients table (target < 50 ms): median {ms(statistics.median(pages))}, "
          f"p95 {ms(p95)}, max {ms(pages[-1])}")
    for phase, counts in result["why"].items():
        print(f"  while stalled, {phase}:")
        for key, n in sorted(counts.items(), key=lambda kv: -kv[1])[:8]:
            print(f"    {n * 10:5d} ms  {key}")
    for phase, stall, threads in result["ended"]:
        print(f"  a {ms(stall)} stall in {phase} ended with the other threads at: {threads}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak RSS of the app's process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
