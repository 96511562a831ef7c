"""A real terminal: tmux runs ``c2m-tui --demo``, keys walk a batch through the wizard with the
demo's sample PDF and XML to submitted, and capture-pane shows the status board. No traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import pytest

from tests.conftest import require_tool

pytestmark = pytest.mark.realpart


class Tmux:
    def __init__(self, env: dict[str, str]) -> None:
        self.socket = f"c2m-test-{uuid.uuid4().hex[:8]}"
        self.env = env
        self.seen: list[str] = []

    def run(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, env=self.env,
                             timeout=20)
        return out.stdout

    def start(self, command: str, width: int = 100, height: int = 30) -> None:
        self.run("-u", "new-session", "-d", "-s", "demo", "-x", str(width), "-y", str(height), command)

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "demo", *keys)

    def screen(self) -> str:
        text = self.run("capture-pane", "-p", "-J", "-t", "demo")
        self.seen.append(text)
        return text

    def wait_for(self, needle: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.screen()
            assert "Traceback" not in text, text
            if needle in text:
                return text
            time.sleep(0.2)
        raise AssertionError(f"{needle!r} never appeared; the screen was:\n{self.seen[-1] if self.seen else ''}")

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, env=self.env, timeout=20)


def test_demo_in_tmux_walks_a_batch_to_submitted(app_home):
    require_tool("tmux")
    import socket

    from c2m_tui.config.profiles import BUILTINS, save_profile

    with socket.socket() as s:  # the demo on a port of its own (config.toml), not the well-known 8025
        s.bind(("127.0.0.1", 0))
        save_profile(BUILTINS["demo"].with_base_url(f"http://127.0.0.1:{s.getsockname()[1]}/v1"))
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "xterm-256color"}
    env.pop("TMUX", None)
    tmux = Tmux(env)
    command = f"{sys.executable} -m c2m_tui --demo --no-mouse; echo C2M-EXIT=$?; sleep 30"
    try:
        tmux.start(command)
        tmux.wait_for("New batch", timeout=30)
        home = tmux.wait_for("DEMO")
        assert "sample-letters.pdf" in home

        tmux.keys("n")
        tmux.wait_for("Create batch")
        tmux.keys("C-g")  # 1. create
        tmux.wait_for("PDF file")
        tmux.wait_for("sample-letters.pdf")  # the file tree of the demo folder
        tmux.keys("BTab", "Down", "Enter")  # 2. from the path box back to the tree: the sample PDF
        tmux.wait_for("6 page(s)")
        tmux.keys("C-g")
        tmux.wait_for("Use a batch XML file")
        tmux.keys("Enter")  # 3. the sample XML path is filled in: load it
        tmux.wait_for("valid: 3 job(s)")
        tmux.keys("C-g")
        review = tmux.wait_for("Pieces")  # 4. review
        assert "Batch" in review and "demo" in review
        tmux.keys("C-g")
        tmux.wait_for("will be printed")
        tmux.keys("BTab", "Enter")  # from Cancel to Submit
        done = tmux.wait_for("submitted.")
        assert "Submit batch" not in done
        tmux.keys("Enter")  # Open status board
        board = tmux.wait_for("Submitted")
        assert any(word in board for word in ("queued", "processing", "mailed", "received"))

        tmux.keys("C-q")
        tmux.wait_for("C2M-EXIT=0")
    finally:
        tmux.kill()
    assert not any("Traceback" in s for s in tmux.seen)
