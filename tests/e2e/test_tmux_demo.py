"""A real terminal: tmux runs ``c2m-tui --demo``, keys walk a batch through the wizard with the
demo's sample PDF and XML to submitted, and capture-pane shows the status board. No traceback."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import require_tool
from tests.e2e.tmux_harness import Tmux, tmux_env

pytestmark = pytest.mark.realpart


def test_demo_in_tmux_walks_a_batch_to_submitted(app_home):
    require_tool("tmux")
    import socket

    from c2m_tui.config.profiles import BUILTINS, save_profile

    with socket.socket() as s:  # the demo on a port of its own (config.toml), not the well-known 8025
        s.bind(("127.0.0.1", 0))
        save_profile(BUILTINS["demo"].with_base_url(f"http://127.0.0.1:{s.getsockname()[1]}/v1"))
    tmux = Tmux(tmux_env())
    command = f"{sys.executable} -m c2m_tui --demo --no-mouse; echo C2M-EXIT=$?; sleep 30"
    try:
        tmux.start(command)
        tmux.wait_for("New batch", timeout=30)
        tmux.wait_for("DEMO")
        tmux.wait_for("sample-letters.pdf")  # the home screen names the demo's samples (drawn after the banner)

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
