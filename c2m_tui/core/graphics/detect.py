"""Which graphics protocol this terminal speaks: asked of the terminal itself, safely.

Three queries go out in one write: Kitty's graphics query (``a=q``: "would you take this
image?"), the cell size in pixels (``CSI 16 t``) and the primary device attributes (``CSI c``,
DA1). Every terminal answers DA1, and answers in order, so its reply is the sentinel: once it has
come, every reply that will come has come, and there is no waiting on a terminal that ignores the
others. A DA1 that lists 4 means Sixel; Kitty's ``OK`` means Kitty's protocol. Sixel is preferred
when both are offered: WezTerm and Konsole answer Kitty's query but do not draw its placeholders,
and Kitty itself has no Sixel.

Nothing is asked, and half-blocks are used, when the answer could not be read safely or the
protocol could not get through: stdin or stdout not a terminal, the process not in the terminal's
foreground, a dumb or Linux console, GNU screen, tmux without ``allow-passthrough``. Reading has a
deadline (``TIMEOUT``); no answer by then is half-blocks. The terminal is put in no-echo mode while
the replies are read, so they are never shown, and put back as it was.

The app asks *before* Textual starts (Textual's input thread would read the replies as
keystrokes), in a thread that runs while the app's modules are imported, so the answer costs the
first screen nothing; ``c2m-tui preview`` asks as it starts.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

from c2m_tui.core.graphics import CHOICES, DEFAULT_CELL_PX, HALFBLOCK, TerminalGraphics, tmux_wrap

TIMEOUT = 0.5  # seconds for the terminal's replies (a slow SSH link answers in a round trip)

KITTY_QUERY = "\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\"
CELL_SIZE_QUERY = "\x1b[16t"
DA1_QUERY = "\x1b[c"

_DA1 = re.compile(rb"\x1b\[\?([\d;]*)c")
_KITTY = re.compile(rb"\x1b_Gi=31[^;\x1b]*;([^\x1b]*)\x1b\\")
_CELL = re.compile(rb"\x1b\[6;(\d+);(\d+)t")
_NO_QUERY_TERMS = ("dumb", "linux", "eterm", "eterm-color", "cons25", "vt100", "vt220")


@dataclass(slots=True, frozen=True)
class Replies:
    """What the terminal said: Kitty's status (None: no reply), DA1's attributes (None: no
    reply), the cell size in pixels (None: not said)."""

    kitty: str | None = None
    da1: tuple[int, ...] | None = None
    cell_px: tuple[int, int] | None = None


def parse_replies(data: bytes) -> Replies:
    kitty = _KITTY.search(data)
    da1 = _DA1.search(data)
    cell = _CELL.search(data)
    attributes = tuple(int(v) for v in da1.group(1).split(b";") if v.isdigit()) if da1 else None
    size = (int(cell.group(2)), int(cell.group(1))) if cell else None
    return Replies(kitty.group(1).decode("ascii", "replace") if kitty else None, attributes,
                   size if size and size[0] > 0 and size[1] > 0 else None)


def choice_problem(choice: object) -> str | None:
    """Why ``choice`` is not a graphics setting (None: it is one)."""
    if isinstance(choice, str) and choice.strip().lower() in CHOICES:
        return None
    return f"graphics = {choice!r} is not one of {', '.join(CHOICES)}"


def detect(choice: str = "auto", *, environ: dict[str, str] | None = None, stdin_fd: int = 0, stdout_fd: int = 1,
           timeout: float = TIMEOUT) -> TerminalGraphics:
    """The graphics to draw with: ``choice`` ("auto", or a protocol to force) on this terminal."""
    env = os.environ if environ is None else environ
    choice = (choice or "auto").strip().lower()
    if choice_problem(choice):
        choice = "auto"
    if choice == "halfblock":
        return TerminalGraphics(reason="half-block characters (the graphics setting)")
    in_tmux = bool(env.get("TMUX"))
    why_not = _cannot_ask(env, stdin_fd, stdout_fd)
    if choice in ("kitty", "sixel"):  # forced: only the cell size is asked, where it safely can be
        cell = _ioctl_cell_px(stdout_fd)
        if cell is None and why_not is None and not in_tmux:
            cell = _ask(stdin_fd, stdout_fd, CELL_SIZE_QUERY + DA1_QUERY, timeout).cell_px
        return TerminalGraphics(choice, cell or DEFAULT_CELL_PX, in_tmux, f"{choice} (the graphics setting)")
    if why_not:
        return TerminalGraphics(reason=f"half-block characters ({why_not})")
    if in_tmux:
        passthrough = _tmux_passthrough(env)
        if passthrough not in ("on", "all"):
            return TerminalGraphics(reason="half-block characters (tmux without allow-passthrough)")
        # the queries go through to the outer terminal, and its replies come back as input
        replies = _ask(stdin_fd, stdout_fd, tmux_wrap(KITTY_QUERY) + tmux_wrap(DA1_QUERY), timeout)
        if replies.kitty == "OK":  # Sixel cannot keep its place in tmux; Kitty's placeholders can
            return TerminalGraphics("kitty", _ioctl_cell_px(stdout_fd) or DEFAULT_CELL_PX, True,
                                    "kitty (through tmux's passthrough)")
        return TerminalGraphics(reason="half-block characters (the terminal outside tmux has no Kitty graphics)")
    replies = _ask(stdin_fd, stdout_fd, KITTY_QUERY + CELL_SIZE_QUERY + DA1_QUERY, timeout)
    cell = _ioctl_cell_px(stdout_fd) or replies.cell_px or DEFAULT_CELL_PX
    if replies.da1 is None:
        return TerminalGraphics(cell_px=cell, reason=f"half-block characters (no answer from the terminal in {timeout:g} s)")
    if 4 in replies.da1:
        return TerminalGraphics("sixel", cell, False, "sixel (the terminal says so)")
    if replies.kitty == "OK":
        return TerminalGraphics("kitty", cell, False, "kitty (the terminal says so)")
    return TerminalGraphics(cell_px=cell, reason="half-block characters (the terminal has no graphics protocol)")


def _cannot_ask(env, stdin_fd: int, stdout_fd: int) -> str | None:
    """Why the terminal cannot be asked (None: it can)."""
    if sys.platform == "win32":
        return "Windows console"
    try:
        if not (os.isatty(stdin_fd) and os.isatty(stdout_fd)):
            return "not a terminal"
        if os.tcgetpgrp(stdin_fd) != os.getpgrp():
            return "running in the background"
    except OSError:
        return "not a terminal"
    term = env.get("TERM", "")
    if not term or term in _NO_QUERY_TERMS:
        return f"TERM={term or '(unset)'}"
    if env.get("STY") or (term.startswith("screen") and not env.get("TMUX")):
        return "GNU screen"
    return None


def _tmux_passthrough(env) -> str:
    """tmux's ``allow-passthrough`` for this pane: "on", "all", or "off" (and "off" when tmux
    cannot say: tmux before 3.3 has no such option)."""
    tmux = shutil.which("tmux", path=env.get("PATH"))
    if tmux is None:
        return "off"
    try:
        done = subprocess.run([tmux, "show-options", "-Apv", "allow-passthrough"], capture_output=True, text=True,
                              timeout=1, env=dict(env), stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return "off"
    value = done.stdout.strip().splitlines()[-1:] if done.returncode == 0 else []
    return value[0].strip() if value else "off"


def _ioctl_cell_px(fd: int) -> tuple[int, int] | None:
    """The cell size from the terminal's window size in pixels, where the kernel knows it."""
    try:
        import fcntl
        import struct
        import termios

        rows, columns, width, height = struct.unpack("HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8))
    except (ImportError, OSError):
        return None
    if rows and columns and width >= columns and height >= rows:
        return (width // columns, height // rows)
    return None


def _ask(stdin_fd: int, stdout_fd: int, queries: str, timeout: float) -> Replies:
    """Write ``queries`` and read the replies until DA1's (the last) or ``timeout``, with echo and
    line editing off; the terminal's modes are restored however this ends."""
    import termios
    import tty

    try:
        saved = termios.tcgetattr(stdin_fd)
    except termios.error:
        return Replies()
    data = b""
    try:
        tty.setcbreak(stdin_fd, termios.TCSANOW)
        mode = termios.tcgetattr(stdin_fd)
        mode[3] &= ~termios.ECHO  # from Python 3.12 on, setcbreak leaves echo on
        termios.tcsetattr(stdin_fd, termios.TCSANOW, mode)
        os.write(stdout_fd, queries.encode("ascii"))
        data = _read_until_da1(stdin_fd, time.monotonic() + timeout)
    except OSError:
        pass
    finally:
        try:
            termios.tcsetattr(stdin_fd, termios.TCSANOW, saved)
        except termios.error:
            pass
    return parse_replies(data)


def _read_until_da1(fd: int, deadline: float) -> bytes:
    import select

    data = b""
    while not _DA1.search(data):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            break
        chunk = os.read(fd, 1024)
        if not chunk:
            break
        data += chunk
    return data


class Detection:
    """``detect()`` in a thread, started early so that it overlaps other start-up work;
    ``result()`` waits for it (never past its deadline) and returns what it found."""

    def __init__(self, choice: str = "auto", *, timeout: float = TIMEOUT) -> None:
        self._result: TerminalGraphics = HALFBLOCK
        self._timeout = timeout
        self._thread = threading.Thread(target=self._run, args=(choice,), name="c2m-graphics-detect", daemon=True)
        self._thread.start()

    def _run(self, choice: str) -> None:
        try:
            self._result = detect(choice, timeout=self._timeout)
        except Exception as err:  # noqa: BLE001 - never fail the start over a picture
            self._result = TerminalGraphics(reason=f"half-block characters (detection failed: {err})")

    def result(self) -> TerminalGraphics:
        # the thread's own deadline bounds this; the margin covers the tmux query and thread start
        self._thread.join(self._timeout + 2.0)
        return self._result
