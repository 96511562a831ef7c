"""Graphics protocols end to end, in a real pseudo-terminal played by the test (tests/
pty_terminal.py): the terminal answers the queries as Kitty, as a Sixel terminal, as one without
graphics, or not at all; what the program writes is read back: Kitty's transmission decoded to
the PNG, Sixel decoded to pixels, both at the terminal's cell size; the app asks before Textual
starts, and its page viewer sends, replaces and deletes its pictures through Textual's writer;
inside a real tmux, Kitty's protocol only with allow-passthrough."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from c2m_tui.core.graphics import kitty
from tests.pty_terminal import PtyTerminal, child_env, python_argv
from tests.graphics_decode import decode_sixel, kitty_deletes, kitty_images
from tests.pdf_maker import letter
from tests.unit.test_zone_check import FIRST, batch_xml

REPO = Path(__file__).resolve().parents[2]
CELL = (9, 18)  # the pty's 720 × 432 pixels over 80 × 24 cells
SIXEL = re.compile(r"\x1bP0;1;0q.*?\x1b\\", re.DOTALL)

VIEWER_APP = r"""
import sys
sys.path.insert(0, {repo!r})
from c2m_tui.core.graphics.detect import Detection
detection = Detection("auto")  # as `c2m-tui` starts: asked before Textual takes the terminal
from pathlib import Path
from textual.app import App
from c2m_tui.tui.screens.page_viewer import PageViewerScreen
from c2m_tui.tui.widgets.page_preview import PageRequest

class Viewer(App):
    def on_mount(self):
        self.push_screen(PageViewerScreen(PageRequest(Path({pdf!r}), Path({xml!r}).read_bytes())))

app = Viewer()
app.graphics = detection.result()
app.run()
"""


@pytest.fixture
def job(tmp_path):
    pdf = letter(tmp_path / "letter.pdf", 3, in_zone=True)
    xml = batch_xml(tmp_path / "batch.xml", [(1, 3, FIRST, "#10 Double Window", "Ada Lovelace")])
    return pdf, xml


def run_preview(job, kind: str, *extra: str) -> str:
    pdf, xml = job
    term = PtyTerminal(python_argv("-m", "c2m_tui", "preview", str(pdf), "--xml", str(xml), *extra),
                       env=child_env(), kind=kind, cwd=str(REPO))
    try:
        assert term.wait_exit(60) == 0, term.text()[-2000:]
        return term.text()
    finally:
        term.close()


def test_preview_in_kitty(job):
    out = run_preview(job, "kitty")
    [sent] = kitty_images(out)
    columns, rows = int(sent.keys["c"]), int(sent.keys["r"])
    assert sent.image().size == (columns * CELL[0], rows * CELL[1])
    assert rows <= 24 and columns <= 80
    colour = "\x1b[38;2;{};{};{}m".format(*kitty.id_colour(int(sent.keys["i"])))
    assert out.count(colour) == rows and out.count(kitty.PLACEHOLDER) == rows * columns
    assert "▀" not in out and "INK IN THE ZONE" in out


def test_preview_in_a_sixel_terminal(job):
    out = run_preview(job, "sixel")
    [stream] = SIXEL.findall(out)
    picture = decode_sixel(stream)
    assert picture.width % CELL[0] == 0 and picture.height % CELL[1] == 0  # whole cells (the ioctl's size)
    assert "▀" not in out and "\x1b_G" not in out.split("\x1b[c", 1)[1]  # no Kitty image after asking


@pytest.mark.parametrize("kind", ["plain", "silent"])
def test_preview_without_graphics_is_half_blocks(job, kind):
    out = run_preview(job, kind)
    assert "\x1b[c" in out  # it asked
    assert "▀" in out and "\x1bP0;1;0q" not in out and not kitty_images(out)


def test_preview_forced_to_half_blocks_asks_nothing(job):
    out = run_preview(job, "kitty", "--graphics", "halfblock")
    assert "\x1b[c" not in out and "\x1b_G" not in out and "▀" in out


def _viewer(tmp_path, job, kind: str) -> PtyTerminal:
    pdf, xml = job
    script = tmp_path / "viewer.py"
    script.write_text(VIEWER_APP.format(repo=str(REPO), pdf=str(pdf), xml=str(xml)), encoding="utf-8")
    return PtyTerminal(python_argv(str(script)), env=child_env(), kind=kind, cwd=str(tmp_path))


def test_app_viewer_in_kitty_sends_replaces_and_deletes(tmp_path, job):
    term = _viewer(tmp_path, job, "kitty")
    try:
        out = term.wait_for(lambda t: len(kitty_images(t)) >= 1 and kitty.PLACEHOLDER in t.split("\x1b[?1049h", 1)[-1],
                            what="the first picture")
        [first] = kitty_images(out)
        term.type(b"\x1b[C")  # right: page 2
        out = term.wait_for(lambda t: len(kitty_images(t)) >= 2, what="page 2's picture")
        term.type(b"\x1b")  # escape: leave the viewer
        out = term.wait_for(lambda t: len(kitty_deletes(t)) >= 2, what="both pictures deleted")
        term.type(b"\x11")  # ctrl+q
        term.wait_exit(30)
    finally:
        term.close()
    first_id = int(first.keys["i"])
    second = kitty_images(out)[1]
    second_id = int(second.keys["i"])
    assert first_id != second_id
    assert kitty_deletes(out)[:2] == [first_id, second_id]
    # the first picture is deleted before the second is sent, and the queries came before Textual
    assert out.index(kitty.delete(first_id)) < out.index(f"i={second_id},")
    assert out.index("\x1b[c") < out.index("\x1b[?1049h") < out.index("a=T,")
    columns, rows = int(first.keys["c"]), int(first.keys["r"])
    assert first.image().size == (columns * CELL[0], rows * CELL[1])
    colour = "38;2;{};{};{}".format(*kitty.id_colour(first_id))
    assert colour in out  # Textual drew the placeholder cells in the image's colour


def test_app_viewer_in_a_sixel_terminal(tmp_path, job):
    term = _viewer(tmp_path, job, "sixel")
    try:
        out = term.wait_for(lambda t: SIXEL.search(t.split("\x1b[?1049h", 1)[-1]), what="the Sixel picture")
        term.type(b"\x11")
        term.wait_exit(30)
    finally:
        term.close()
    screen = out.split("\x1b[?1049h", 1)[1]
    match = re.search(r"\x1b\[(\d+);(\d+)H(\x1bP0;1;0q.*?\x1b\\)\x1b\[(\d+);(\d+)H", screen, re.DOTALL)
    assert match, "the Sixel stream is not between two cursor moves"
    top, left, stream, bottom, right = int(match[1]), int(match[2]), match[3], int(match[4]), int(match[5])
    picture = decode_sixel(stream)
    assert picture.size == ((right - left) * CELL[0], (bottom - top + 1) * CELL[1])
    assert bottom < 24  # above the footer: a Sixel image on the last line would scroll the screen


@pytest.mark.parametrize("kind,reason", [("kitty", "kitty (the terminal says so)"),
                                         ("silent", "half-block characters (no answer from the terminal in 0.5 s)")])
def test_the_app_asks_before_textual_starts(tmp_path, kind, reason):
    log = tmp_path / "debug.log"
    term = PtyTerminal(python_argv("-m", "c2m_tui", "--base-url", "http://127.0.0.1:18499/v1", "--debug", str(log)),
                       env=child_env(C2M_USERNAME="someone", C2M_PASSWORD="pw-not-logged"), kind=kind,
                       cwd=str(REPO))
    try:
        term.wait_for(lambda t: "\x1b[?1049h" in t and "c2m-tui" in t.split("\x1b[?1049h", 1)[1],
                      what="the first screen")
        term.type(b"\x11")  # ctrl+q: the keys still work after the replies were read
        assert term.wait_exit(30) == 0
        out = term.text()
    finally:
        term.close()
    assert out.index("\x1b[c") < out.index("\x1b[?1049h")
    assert f"page previews: {reason}" in log.read_text(encoding="utf-8")


@pytest.mark.realpart
@pytest.mark.parametrize("passthrough", ["on", "off"])
def test_preview_inside_tmux_uses_kitty_only_through_passthrough(tmp_path, job, passthrough):
    """A real tmux inside the pretend Kitty terminal: with allow-passthrough the query and the
    picture go through tmux to the terminal; without it nothing is asked and tmux shows half-blocks."""
    from tests.conftest import require_tool

    require_tool("tmux")
    pdf, xml = job
    conf = tmp_path / "tmux.conf"
    conf.write_text(f"set -g allow-passthrough {passthrough}\nset -g status off\n", encoding="utf-8")
    done = tmp_path / "done"
    inner = (f"cd {REPO} && {sys.executable} -m c2m_tui preview {pdf} --xml {xml}; echo $? > {done}; sleep 30")
    socket = f"c2m-test-{os.getpid()}-{passthrough}"
    env = child_env()
    term = PtyTerminal(["/usr/bin/env", "tmux", "-L", socket, "-f", str(conf), "new-session", "-x", "80", "-y", "24",
                        inner], env=env, kind="kitty")
    try:
        deadline = time.monotonic() + 60
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert done.exists() and done.read_text().strip() == "0", term.text()[-2000:]
        if passthrough == "on":
            term.wait_for(lambda t: kitty_images(t), what="the picture through tmux")
        out = term.text()
    finally:
        term.close()
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, env=env, timeout=20)
    if passthrough == "on":
        assert "\x1b_Gi=31,s=1,v=1,a=q" in out  # Kitty's query reached the terminal outside tmux
        [sent] = kitty_images(out)  # tmux unwrapped the passthrough: the terminal got the picture itself
        assert sent.image().size == (int(sent.keys["c"]) * CELL[0], int(sent.keys["r"]) * CELL[1])
    else:
        assert "\x1b_G" not in out and term.queries_answered == 0
        assert "▀" in out  # tmux drew the half-blocks


def test_a_bad_setting_is_said_on_the_first_screen_and_the_terminal_is_asked(tmp_path, app_home):
    config = app_home / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[preview]\ngraphics = "iterm"\n', encoding="utf-8")
    log = tmp_path / "debug.log"
    term = PtyTerminal(python_argv("-m", "c2m_tui", "--base-url", "http://127.0.0.1:18499/v1", "--debug", str(log)),
                       env=child_env(C2M_TUI_HOME=str(app_home), C2M_USERNAME="someone", C2M_PASSWORD="pw"),
                       kind="sixel", cwd=str(REPO))
    try:
        term.wait_for(lambda t: "'iterm'" in re.sub(r"\x1b\[[\d;?]*[A-Za-z]", "", t), what="the settings notice")
        term.type(b"\x11")
        assert term.wait_exit(30) == 0
    finally:
        term.close()
    assert "page previews: sixel (the terminal says so)" in log.read_text(encoding="utf-8")  # auto, as it says
