"""The status board with a big batch, as a person watches it: `c2m-tui send` of an N-job batch (one
page per recipient, so the journal knows who each job goes to), then the real app (C2MApp) on the
simulator (a subprocess on loopback), headless, showing that batch's status board until it is
mailed. A heartbeat task on the app's event loop records the longest time the loop went without
running it, per state of the board (ORDER_SUBMITTED ... MAILED: what a person feels as a frozen
screen); a `down` key is sent every 50 ms and timed from the key to the frame that shows the
cursor's move.

Run: nice uv run python benchmarks/bench_status_board.py [--jobs 2000] [--size 80x24] [--why]
Target (issue: the board froze for ~40 s when 2,000 jobs turned MAILED): no stall over 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_wizard_list import Heartbeat as WizardHeartbeat  # noqa: E402 - the same heartbeat
from bench_wizard_list import start_sim  # noqa: E402 - the same simulator start


class Heartbeat(WizardHeartbeat):
    """How long the event loop goes without running this task. Each stall is put to the state the
    board shows when the loop comes back (``state()``): the answer whose drawing held the loop."""

    def __init__(self, state) -> None:
        self.state = state
        super().__init__()

    @property
    def phase(self) -> str:
        return self.state()

    @phase.setter
    def phase(self, _value: str) -> None:
        pass  # the board's state names the phase


def make_batch(folder: Path, jobs: int) -> tuple[Path, Path]:
    """An N-page PDF and a batch XML with one job per page, each to its own person."""
    from pypdf import PdfWriter

    from c2m_tui.core.batchxml import batch_xml_bytes
    from c2m_tui.core.models import Address, Batch, Job, PrintOptions, ReturnAddress

    pdf = folder / f"merge{jobs}.pdf"
    writer = PdfWriter()
    for _ in range(jobs):
        writer.add_blank_page(width=612, height=792)
    with open(pdf, "wb") as fh:
        writer.write(fh)
    sender = ReturnAddress(name="Bench Sender", address1="1 Sample St", city="Oakton", state="VA",
                           postal_code="22124")
    names = ("Linus Clark", "Mary Taylor", "Ken Brown", "Ada Lovelace", "Grace Hopper")
    batch = Batch(filename=pdf.name, jobs=[
        Job(i, i, options=PrintOptions(mail_class="First Class"), return_address=sender, recipients=[
            Address(name=f"{names[i % len(names)]}{i}", address1=f"{i} Main St", city="Baltimore", state="MD",
                    postal_code=f"{21200 + i % 90}")])
        for i in range(1, jobs + 1)])
    xml = folder / f"big{jobs}.xml"
    xml.write_bytes(batch_xml_bytes(batch))
    return pdf, xml


def send(base_url: str, pdf: Path, xml: Path) -> str:
    env = dict(os.environ, C2M_USERNAME="demo", C2M_PASSWORD="demo")
    done = subprocess.run([sys.executable, "-m", "c2m_tui", "send", "--base-url", base_url, "--pdf", str(pdf),
                           "--xml", str(xml), "--yes", "--allow-duplicate"],
                          env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"send failed ({done.returncode}): {done.stdout[-800:]}{done.stderr[-800:]}")
    return done.stdout.strip().splitlines()[-1].strip()


def board_state(screen) -> str:
    """The board's state as a person reads it: the phase and the job words."""
    status = screen.status
    if status is None:
        return "not yet"
    if not status.jobs:
        return status.phase
    words = sorted({j.job_status or "?" for j in status.jobs})
    return "+".join(words)


async def watch(base_url: str, batch_id: str, size: tuple[int, int], progress: bool = True) -> dict:
    from textual import events

    from c2m_tui.config.credentials import Credentials
    from c2m_tui.config.profiles import get_profile
    from c2m_tui.core.polling import Backoff
    from c2m_tui.tui.app import C2MApp
    from c2m_tui.tui.screens.status import StatusScreen
    from c2m_tui.tui.session import Session

    profile = get_profile("demo").with_base_url(base_url)
    session = Session(profile, base_url, Credentials("demo", "demo", "demo"), profile.environment, demo=False)
    app = C2MApp(session, theme="c2m-dark")
    beat = Heartbeat(lambda: board_state(screen) if not after[0] else "after mailed")
    after = [False]
    seen: list[tuple[float, str]] = []
    keys: list[float] = []
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = StatusScreen(batch_id, backoff=Backoff(first=0.5, ceiling=1.0))
        beat.start()
        start = time.perf_counter()
        app.push_screen(screen)
        table = None
        frames: list[tuple[float, object]] = []
        display = app._display

        def cursor() -> object:
            if table is None:
                return None
            coordinate = getattr(table, "cursor_coordinate", None)  # a DataTable (the code before)
            return coordinate.row if coordinate is not None else table.cursor

        def timed_display(target, renderable) -> None:
            if renderable is not None:
                frames.append((time.perf_counter(), cursor()))
            display(target, renderable)

        app._display = timed_display
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            state = board_state(screen)
            if not seen or seen[-1][1] != state:
                if seen and progress:  # as it goes, so a run stopped by a timeout still says something
                    print(f"  ({seen[-1][1]}: longest stall {beat.stalls.get(seen[-1][1], 0) * 1000:.0f} ms)",
                          file=sys.stderr, flush=True)
                seen.append((time.perf_counter() - start, state))
            if screen.status is not None and screen.status.done:
                break
            if table is None and screen.status is not None and screen.status.jobs:
                table = screen.query_one("#status-jobs")
                table.focus()
            if table is not None and table.row_count > 1:
                # a key, timed from its send to the first frame that shows the cursor moved
                before = cursor()
                frames.clear()
                t = time.perf_counter()
                key = "down" if (len(keys) // 20) % 2 == 0 else "up"
                app._driver.send_message(events.Key(key, None))
                while not any(row != before for _when, row in frames) and time.perf_counter() - t < 120:
                    await asyncio.sleep(0.002)
                keys.append(next((when for when, row in frames if row != before), time.perf_counter()) - t)
            await asyncio.sleep(0.05)
        after[0] = True
        await pilot.pause(1.0)  # whatever the last answer leaves on idle
        app._display = display
        mailed_at = time.perf_counter() - start
        await beat.stop()
        shown = screen.query_one("#status-phase").render()
    return {"stalls": beat.stalls, "seen": seen, "keys": keys, "mailed_at": mailed_at, "phase": str(shown)}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--size", default="80x24")
    parser.add_argument("--job-seconds", type=float, default=4.0)
    args = parser.parse_args()
    size = tuple(int(n) for n in args.size.split("x"))
    work = Path(tempfile.mkdtemp(prefix="c2m-bench-status-"))
    os.environ["C2M_TUI_HOME"] = str(work / "home")  # never the person's own journal or settings
    t = time.perf_counter()
    pdf, xml = make_batch(work, args.jobs)
    made = time.perf_counter() - t
    proc, url = start_sim("--job-seconds", str(args.job_seconds), "--queue-seconds", "0.5", "--credit", "10000000")
    try:
        t = time.perf_counter()
        batch_id = send(url, pdf, xml)
        sent = time.perf_counter() - t
        result = asyncio.run(watch(url, batch_id, size))  # type: ignore[arg-type]
    finally:
        proc.terminate()
        proc.wait()
    print(f"status board, batch {batch_id}: {args.jobs:,} jobs (made in {made:.1f} s, sent in {sent:.1f} s), "
          f"{args.size}, the simulator on loopback (a job step every {args.job_seconds:g} s)")
    for at, state in result["seen"]:
        print(f"  {at:6.1f} s  {state}")
    print(f"  the board said {result['phase']!r}")
    print("  longest event-loop stall per state (target: none over 100 ms):")
    for phase, stall in result["stalls"].items():
        flag = "" if stall <= 0.1 else "  <- over 100 ms"
        print(f"    {phase:36} {ms(stall):>8}{flag}")
    keys = sorted(result["keys"])
    if keys:
        p95 = keys[max(0, int(len(keys) * 0.95) - 1)]
        print(f"  up/down in the job table, key to frame ({len(keys)} keys): median {ms(statistics.median(keys))}, "
              f"p95 {ms(p95)}, max {ms(keys[-1])}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak RSS of the app's process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
