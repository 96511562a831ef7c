"""An 80x24 terminal (an SSH window): tmux runs ``c2m-tui --demo`` and a whole batch goes through
the wizard to the status board using only keys the screen shows (footer, stepper, hints) or help
lists (tab / shift+tab). Each key is looked for on the screen before it is pressed."""

from __future__ import annotations

import os
import socket
import sys
import time

import pytest

from c2m_tui.config.profiles import BUILTINS, save_profile
from tests.conftest import require_tool
from tests.e2e.test_tmux_demo import Tmux

pytestmark = pytest.mark.realpart


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_full_wizard_at_80x24_with_the_keys_on_screen(app_home):
    require_tool("tmux")
    # the demo's simulator on a port of this test's own (config.toml), not the well-known 8025
    save_profile(BUILTINS["demo"].with_base_url(f"http://127.0.0.1:{_free_port()}/v1"))
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "xterm-256color"}
    env.pop("TMUX", None)
    tmux = Tmux(env)
    sample = app_home / "data" / "demo" / "sample-letters.pdf"

    def shown(label: str) -> str:
        """The screen, once ``label`` (a key and its word) is on it."""
        return tmux.wait_for(label, timeout=30)

    def footer(screen: str) -> str:
        return [line for line in screen.splitlines() if line.strip()][-1]

    try:
        tmux.start(f"{sys.executable} -m c2m_tui --demo --no-mouse; echo C2M-EXIT=$?; sleep 30", width=80, height=24)
        shown("n New")
        shown("f1 Help")  # the home screen's own links say it too: wait for the footer itself
        deadline = time.monotonic() + 30
        home = tmux.screen()
        while not all(e in footer(home) for e in ("q Quit", "f1 Help", "n New")) and time.monotonic() < deadline:
            time.sleep(0.2)
            home = tmux.screen()
        for essential in ("q Quit", "f1 Help", "n New"):
            assert essential in footer(home), home
        tmux.keys("n")
        wizard = shown("^g do it")  # the stepper says the next key
        wizard = shown("esc Home")
        assert all(k in footer(wizard) for k in ("esc Home", "^q Quit", "f1 Help")), wizard
        tmux.keys("C-g")  # 1. create
        step2 = shown("press enter")  # "Pick a PDF in the tree, or type its path and press enter."
        batch_line = next(line for line in step2.splitlines() if "batch " in line and "PDF" in line)
        batch_id = batch_line.split("batch ", 1)[1].split()[0]
        assert batch_id.isdigit(), batch_line  # the id stays in the stepper at 80 columns
        tmux.keys("-l", str(sample))  # the path box has the focus: type the sample's path
        tmux.keys("Enter")
        shown("6 page(s)")
        assert "^g do it" in tmux.screen()
        tmux.keys("C-g")  # 2. upload; the wizard moves on to step 3
        step3 = shown("^o XML file")  # step 3 lists its section keys
        assert f"batch {batch_id}" in step3
        tmux.keys("Enter")  # 3. the sample XML path is filled in and focused: load it
        shown("valid: 3 job(s)")
        tmux.keys("C-g")  # upload the XML
        # 4. review: at 80x24 it settles with Submit in sight under the price (the summary's top, with
        # "Pieces", is scrolled above it)
        review = shown("Estimated cost")
        assert batch_id in review and "^g do it" in review
        tmux.keys("C-g")
        shown("will be printed")
        tmux.keys("BTab", "Enter")  # help: shift+tab moves between buttons, from Cancel to Submit
        shown("submitted.")
        tmux.keys("Enter")  # Open status board (focused)
        shown("esc Back")
        board = shown("Submitted ")
        assert f"Batch {batch_id}" in board and "esc Back" in footer(board)
        assert "Invoice" in board or "No jobs yet" in board
        tmux.keys("C-q")
        shown("C2M-EXIT=0")
    finally:
        tmux.kill()
    assert not any("Traceback" in s for s in tmux.seen)
