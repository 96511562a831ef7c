"""Which graphics protocol the terminal speaks, asked of a real pseudo-terminal: a child process
runs the detection on its own controlling pty, and this test plays the terminal on the other
side, answering the queries (or not). Nothing is mocked: the child writes real queries to a real
tty, reads with its real deadline, and its terminal modes are checked afterwards."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from c2m_tui.core.graphics import detect as graphics_detect
from c2m_tui.core.graphics.detect import choice_problem, parse_replies
from tests.pty_terminal import PtyTerminal

REPO = Path(__file__).resolve().parents[2]

CHILD = r"""
import json, os, sys, termios
sys.path.insert(0, {repo!r})
from c2m_tui.core.graphics.detect import detect
modes = (lambda: termios.tcgetattr(0)) if os.isatty(0) else (lambda: None)
before = modes()
result = detect({choice!r}, timeout={timeout!r})
after = modes()
with open({out!r}, "w") as fh:
    json.dump({{"protocol": result.protocol, "cell": list(result.cell_px), "tmux": result.tmux,
               "reason": result.reason, "modes_restored": before == after}}, fh)
"""

KITTY_OK = b"\x1b_Gi=31;OK\x1b\\"
DA1_PLAIN = b"\x1b[?62;22c"
DA1_SIXEL = b"\x1b[?62;4;22c"


def run_in_pty(tmp_path, reply: bytes | None, *, choice="auto", timeout=0.4, env=None, stdin_devnull=False,
               pixels=(0, 0)):
    """Run the detection in a child on a fresh pty whose terminal sends ``reply`` (None: nothing)
    when the child asks for the device attributes. Returns (result, everything the terminal saw)."""
    out = tmp_path / "result.json"
    code = CHILD.format(repo=str(REPO), choice=choice, timeout=timeout, out=str(out))
    child_env = {"PATH": os.environ.get("PATH", ""), "TERM": "xterm-256color", "LANG": "C.UTF-8",
                 **(env or {})}
    term = PtyTerminal([sys.executable, "-c", code], env=child_env, answers={b"\x1b[c": reply} if reply else {},
                       pixels=pixels, stdin_devnull=stdin_devnull)
    try:
        term.wait_exit(60)  # the detection's own deadline ends it; 60 s only catches a hang
    finally:
        term.close()
    seen = term.output  # to the end: an echo of the replies would show here
    assert out.exists(), f"the child wrote no result; the terminal saw {seen!r}"
    return json.loads(out.read_text()), seen


def test_kitty_answers_ok(tmp_path):
    result, seen = run_in_pty(tmp_path, KITTY_OK + b"\x1b[6;18;9t" + DA1_PLAIN)
    assert result["protocol"] == "kitty" and not result["tmux"]
    assert result["cell"] == [9, 18]  # from CSI 16 t's answer (the pty says no pixel size)
    assert result["modes_restored"]
    # all three queries went out in one go, Kitty's first and DA1 (the sentinel) last
    assert seen.index(b"\x1b_Gi=31,") < seen.index(b"\x1b[16t") < seen.index(b"\x1b[c")
    assert KITTY_OK not in seen and b"^[" not in seen  # the replies were not echoed


def test_sixel_in_the_device_attributes(tmp_path):
    result, _ = run_in_pty(tmp_path, DA1_SIXEL)
    assert result["protocol"] == "sixel"
    assert result["cell"] == [10, 20]  # nothing said: a VT340's cell


def test_sixel_preferred_when_both_are_offered(tmp_path):
    # WezTerm and Konsole answer Kitty's query but draw no placeholders; they do draw Sixel
    result, _ = run_in_pty(tmp_path, KITTY_OK + DA1_SIXEL)
    assert result["protocol"] == "sixel"


def test_cell_size_from_the_window_size_in_pixels(tmp_path):
    result, _ = run_in_pty(tmp_path, DA1_SIXEL, pixels=(800, 480))
    assert result["cell"] == [10, 20]  # 800 px / 80 columns, 480 px / 24 rows
    result, _ = run_in_pty(tmp_path, DA1_SIXEL, pixels=(720, 432))
    assert result["cell"] == [9, 18]


def test_a_terminal_without_graphics(tmp_path):
    result, _ = run_in_pty(tmp_path, DA1_PLAIN)
    assert result["protocol"] == "halfblock"
    assert "no graphics protocol" in result["reason"]


def test_no_answer_is_half_blocks_by_the_deadline(tmp_path):
    result, seen = run_in_pty(tmp_path, None, timeout=0.3)
    assert result["protocol"] == "halfblock"
    assert "no answer from the terminal in 0.3 s" in result["reason"]
    assert result["modes_restored"]
    assert b"\x1b[c" in seen  # it did ask


def test_a_late_or_partial_answer_is_not_taken(tmp_path):
    # Kitty's reply cut short and no DA1: nothing is believed
    result, _ = run_in_pty(tmp_path, b"\x1b_Gi=31;O", timeout=0.3)
    assert result["protocol"] == "halfblock"


def test_keys_typed_around_the_replies_do_not_confuse_it(tmp_path):
    result, _ = run_in_pty(tmp_path, b"jk" + KITTY_OK + b"x" + DA1_PLAIN + b"q")
    assert result["protocol"] == "kitty"


def test_stdin_not_a_terminal_asks_nothing(tmp_path):
    result, seen = run_in_pty(tmp_path, DA1_SIXEL, stdin_devnull=True)
    assert result["protocol"] == "halfblock" and "not a terminal" in result["reason"]
    assert b"\x1b" not in seen  # not one escape written


def test_tmux_without_passthrough_asks_nothing(tmp_path):
    # TMUX names a server that is not there: tmux cannot say passthrough is on, so it is off
    env = {"TMUX": str(tmp_path / "no-such-tmux-socket") + ",1,0", "TMUX_PANE": "%0", "TERM": "tmux-256color"}
    result, seen = run_in_pty(tmp_path, KITTY_OK + DA1_SIXEL, env=env)
    assert result["protocol"] == "halfblock" and "tmux without allow-passthrough" in result["reason"]
    assert b"\x1b" not in seen


@pytest.mark.parametrize("term", ["dumb", "linux"])
def test_terminals_that_cannot_answer_are_not_asked(tmp_path, term):
    result, seen = run_in_pty(tmp_path, DA1_SIXEL, env={"TERM": term})
    assert result["protocol"] == "halfblock" and f"TERM={term}" in result["reason"]
    assert b"\x1b" not in seen


def test_gnu_screen_is_not_asked(tmp_path):
    result, seen = run_in_pty(tmp_path, DA1_SIXEL, env={"TERM": "screen-256color", "STY": "1.pts"})
    assert result["protocol"] == "halfblock" and "GNU screen" in result["reason"]
    assert b"\x1b" not in seen


def test_forced_protocols_ask_only_for_the_cell_size(tmp_path):
    result, seen = run_in_pty(tmp_path, b"\x1b[6;16;8t" + DA1_PLAIN, choice="sixel")
    assert result["protocol"] == "sixel" and result["cell"] == [8, 16] and "setting" in result["reason"]
    assert b"\x1b_G" not in seen  # Kitty's query is not sent when the protocol is forced
    result, seen = run_in_pty(tmp_path, DA1_SIXEL, choice="halfblock")
    assert result["protocol"] == "halfblock" and b"\x1b" not in seen
    result, seen = run_in_pty(tmp_path, DA1_PLAIN, choice="kitty", stdin_devnull=True)
    assert result["protocol"] == "kitty" and b"\x1b" not in seen and result["cell"] == [10, 20]


# ---------------------------------------------------------------------- the pieces, directly

def test_parse_replies():
    replies = parse_replies(b"x\x1b_Gi=31;OK\x1b\\\x1b[6;20;10t\x1b[?64;1;4;6c")
    assert replies.kitty == "OK" and replies.da1 == (64, 1, 4, 6) and replies.cell_px == (10, 20)
    replies = parse_replies(b"\x1b_Gi=31;ENOTSUPPORTED:no\x1b\\\x1b[?1;2c")
    assert replies.kitty == "ENOTSUPPORTED:no" and replies.da1 == (1, 2) and replies.cell_px is None
    assert parse_replies(b"") == graphics_detect.Replies()
    assert parse_replies(b"\x1b[6;0;0t").cell_px is None


def test_choice_problem():
    assert choice_problem("auto") is None and choice_problem(" Kitty ") is None
    assert "not one of auto, kitty, sixel, halfblock" in choice_problem("iterm")
    assert choice_problem(3) is not None


def test_not_a_tty_here_is_half_blocks_without_asking(tmp_path):
    # pytest's own stdin is not a terminal: the answer is immediate, nothing is written
    with open(tmp_path / "out", "wb") as out, open(os.devnull, "rb") as devnull:
        result = graphics_detect.detect("auto", stdin_fd=devnull.fileno(), stdout_fd=out.fileno(),
                                        environ={"TERM": "xterm-kitty"})
    assert result.protocol == "halfblock" and (tmp_path / "out").read_bytes() == b""
