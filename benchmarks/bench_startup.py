"""Time to the first screen: c2m-tui's app (the CLI path: argument parsing, profile, session, theme
files, home screen) against a minimal Textual app (one Static and a Footer), each in a fresh process.

Run: uv run python benchmarks/bench_startup.py [--quick]
Target (issue 18): ratio <= 1.4x. Each child process runs its app headless and, on the first refresh of its
first screen, prints the wall-clock time and exits; the parent measures from just before it starts
the process to that moment (interpreter start-up included for both alike; work the app does after
its first paint, such as the password lookup, is not start-up). Interleaved runs, median and best.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# The children. Both force App.run(headless=True) and exit once their first screen has been painted.
_HEADLESS = """
import textual.app as _ta
_run = _ta.App.run
def _headless_run(self, *a, **kw):
    kw["headless"] = True
    return _run(self, *a, **kw)
_ta.App.run = _headless_run
"""

MINIMAL_CHILD = _HEADLESS + """
from textual.app import App
from textual.widgets import Footer, Static

import time

class Minimal(App):
    def compose(self):
        yield Static("hello")
        yield Footer()
    def on_mount(self):
        self.call_after_refresh(self.painted)
    def painted(self):
        print("PAINTED", time.time(), flush=True)
        self.exit()

Minimal().run()
"""

C2M_CHILD = _HEADLESS + """
import sys, time
sys.path.insert(0, {repo!r})
import c2m_tui.tui.app as _app

def _painted(app):
    print("PAINTED", time.time(), flush=True)
    app.exit()

_mount = _app.C2MApp.on_mount
def _on_mount(self):
    # on_mount pushes the home screen: leave once it has been painted
    self.screen_change_signal.subscribe(self, lambda screen: self.call_after_refresh(_painted, self))
    _mount(self)
_app.C2MApp.on_mount = _on_mount

from c2m_tui.cli import main
raise SystemExit(main(["--profile", "demo", "--theme", "c2m-dark"]))
"""


def run_child(code: str, env: dict[str, str]) -> float:
    started = time.time()
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    painted = [line for line in done.stdout.splitlines() if line.startswith("PAINTED ")]
    if done.returncode != 0 or not painted:
        raise SystemExit(f"child failed ({done.returncode}):\n{done.stdout[-1000:]}{done.stderr[-2000:]}")
    return float(painted[0].split()[1]) - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs each instead of 10")
    args = parser.parse_args()
    runs = 3 if args.quick else 10
    home = tempfile.mkdtemp(prefix="c2m-bench-")
    env = {**os.environ, "C2M_TUI_HOME": home, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    for name in ("C2M_USERNAME", "C2M_PASSWORD", "C2M_PROFILE", "C2M_THEME"):
        env.pop(name, None)
    children = {"minimal": MINIMAL_CHILD, "c2m-tui": C2M_CHILD.format(repo=str(REPO))}
    for code in children.values():  # warm the OS file cache and byte-code caches once
        run_child(code, env)
    times: dict[str, list[float]] = {name: [] for name in children}
    for _ in range(runs):  # interleaved, so load from other processes hits both alike
        for name, code in children.items():
            times[name].append(run_child(code, env))
    base, mine = statistics.median(times["minimal"]), statistics.median(times["c2m-tui"])
    print(f"time to first screen over {runs} runs (median / best): c2m-tui {mine:.3f}s / "
          f"{min(times['c2m-tui']):.3f}s, minimal Textual app {base:.3f}s / {min(times['minimal']):.3f}s, "
          f"ratio {mine / base:.2f}x (target <= 1.4x)")


if __name__ == "__main__":
    main()
