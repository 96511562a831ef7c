"""A real terminal at 80x24 and 16 colours (TERM=xterm-16color): `c2m-tui preview` draws a
recognisable page: the text lines as dark bars, the zone, the recipient's block in it, and only
the 16 ANSI colours. The plain screen is kept as a snapshot (C2M_UPDATE_SNAPSHOTS=1 rewrites it)."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from tests.conftest import require_tool
from tests.e2e.tmux_harness import Tmux, tmux_env
from tests.pdf_maker import letter
from tests.unit.test_zone_check import FIRST, batch_xml

pytestmark = pytest.mark.realpart
SNAPSHOT = Path(__file__).parent / "snapshots" / "preview-80x24-16colours.txt"


def test_preview_at_80x24_in_16_colours(tmp_path):
    require_tool("tmux")
    pdf = letter(tmp_path / "letter.pdf", 1, in_zone=True)
    xml = batch_xml(tmp_path / "batch.xml", [(1, 1, FIRST, "#10 Double Window", "Ada Lovelace")])
    env = tmux_env(TERM="xterm-16color")
    env.pop("COLORTERM", None)
    tmux = Tmux(env)
    command = (f"cd {tmp_path} && TERM=xterm-16color {sys.executable} -m c2m_tui preview letter.pdf --xml batch.xml; "
               "echo C2M-EXIT=$?; sleep 30")
    try:
        tmux.start(command, width=80, height=24)
        plain = tmux.wait_for("C2M-EXIT=0", timeout=30)
        styled = tmux.styled_screen()
    finally:
        tmux.kill()
    lines = plain.splitlines()
    assert lines[0].startswith("letter.pdf: page 1 of 1, Letter (8.5 × 11 in); job 1")
    assert "Ada Lovelace" in plain and "recipient address (inferred): INK IN THE ZONE" in plain
    assert sum("▀" in line for line in lines) >= 15
    codes = {int(c) for seq in re.findall(r"\x1b\[([\d;]*)m", styled) for c in seq.split(";") if c}
    assert codes - {0, 1, 2, 3, 4, 7, 22, 23, 24, 27, 39, 49} <= (
        set(range(30, 38)) | set(range(90, 98)) | set(range(40, 48)) | set(range(100, 108))), codes
    assert 31 in codes or 41 in codes or 91 in codes or 101 in codes  # the inked zone is red
    screen = "\n".join(line.rstrip() for line in lines if "C2M-EXIT" not in line).rstrip() + "\n"
    if os.environ.get("C2M_UPDATE_SNAPSHOTS") == "1" or not SNAPSHOT.exists():
        SNAPSHOT.write_text(screen, encoding="utf-8")
    assert screen == SNAPSHOT.read_text(encoding="utf-8")
