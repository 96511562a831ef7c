"""Shared fixtures: an isolated app home for every test, the simulator on a real loopback port,
and the rule for real system tools (skip without them, fail under C2M_TUI_REQUIRE_REAL_PARTS=1)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# Subprocesses (the CLI, the simulator) import the same modules hundreds of times in a run: let
# them cache bytecode even where the machine sets PYTHONDONTWRITEBYTECODE.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO.parent / "shared" / "samples" / "real-world"
if not SAMPLES.is_dir():  # CI lays shared/ beside the clone
    SAMPLES = Path(os.environ.get("C2M_TUI_SAMPLES", REPO / "tests" / "fixtures" / "real-world"))


def require_tool(*names: str) -> None:
    """Skip (or fail, under C2M_TUI_REQUIRE_REAL_PARTS=1) when a system tool is absent."""
    missing = [n for n in names if shutil.which(n) is None]
    if not missing:
        return
    reason = f"system tool(s) not installed: {', '.join(missing)}"
    if os.environ.get("C2M_TUI_REQUIRE_REAL_PARTS") == "1":
        pytest.fail(f"{reason} (C2M_TUI_REQUIRE_REAL_PARTS=1 makes this a failure)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def app_home(tmp_path_factory, monkeypatch) -> Path:
    """Every file the app writes goes under a fresh temporary C2M_TUI_HOME; no real credentials leak in."""
    home = tmp_path_factory.mktemp("c2m-home")
    monkeypatch.setenv("C2M_TUI_HOME", str(home))
    for var in ("C2M_USERNAME", "C2M_PASSWORD", "C2M_THEME", "C2M_PROFILE", "C2M_SIM_USERS"):
        monkeypatch.delenv(var, raising=False)
    # pytest-xdist's workers have COLUMNS=80 LINES=24: Textual takes them over the terminal's own size,
    # so an app in a 100x30 tmux pane drew at 80x24 (and a subprocess's output would wrap at 80).
    for var in ("COLUMNS", "LINES"):
        monkeypatch.delenv(var, raising=False)
    # No desktop keyring in tests unless a test starts one: keyring's fail backend.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    return home


@dataclass
class SimServer:
    """A running simulator subprocess on 127.0.0.1."""

    proc: subprocess.Popen
    base_url: str  # http://127.0.0.1:PORT/v1
    username: str = "demo"
    password: str = "demo"
    log: list[str] = field(default_factory=list)
    paused: bool = False

    @property
    def root(self) -> str:
        return self.base_url.rsplit("/v1", 1)[0]

    def state(self) -> dict:
        import httpx

        return httpx.get(f"{self.root}/__sim__/state", timeout=10).json()

    def pause(self) -> None:
        """SIGSTOP the simulator: it answers nothing until ``resume()``, so a call it is holding (an
        armed ``delay``) stays in flight for as long as a test needs, however busy the machine."""
        os.kill(self.proc.pid, signal.SIGSTOP)
        self.paused = True

    def resume(self) -> None:
        if self.paused:
            os.kill(self.proc.pid, signal.SIGCONT)
            self.paused = False

    def stop(self) -> None:
        self.resume()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def start_sim(*extra: str, env: dict | None = None) -> SimServer:
    """Start ``c2m-tui sim --port 0`` and wait for its ``listening on`` line."""
    cmd = [sys.executable, "-m", "c2m_tui", "sim", "--host", "127.0.0.1", "--port", "0", *extra]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, **(env or {})}
    )
    deadline = time.monotonic() + 20
    assert proc.stdout is not None
    first = proc.stdout.readline()
    if not first.startswith("listening on "):
        proc.kill()
        rest = proc.stdout.read()
        raise RuntimeError(f"simulator did not start: {first!r} {rest[-2000:]}")
    if time.monotonic() > deadline:
        raise RuntimeError("simulator too slow to start")
    base_url = first.split("listening on ", 1)[1].strip()
    server = SimServer(proc=proc, base_url=base_url)
    # drain the rest of its output in the background so the pipe never fills
    import threading

    def _drain() -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            server.log.append(line)

    threading.Thread(target=_drain, daemon=True).start()
    return server


@pytest.fixture
def sim():
    """A fast simulator (short queue and job timings) on a real loopback port."""
    server = start_sim("--queue-seconds", "0.2", "--job-seconds", "0.2")
    yield server
    server.stop()


@pytest.fixture
def sim_factory():
    """Start simulators with custom options; all are stopped at the end of the test."""
    servers: list[SimServer] = []

    def factory(*extra: str, **kw) -> SimServer:
        s = start_sim(*extra, **kw)
        servers.append(s)
        return s

    yield factory
    for s in servers:
        s.stop()


def make_pdf(path: Path, pages: int) -> Path:
    """A real PDF with ``pages`` letter-size pages (pypdf)."""
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(width=612, height=792)
    with open(path, "wb") as fh:
        w.write(fh)
    return path


@pytest.fixture
def pdf_factory(tmp_path):
    def factory(pages: int, name: str = "letters.pdf") -> Path:
        return make_pdf(tmp_path / name, pages)

    return factory
