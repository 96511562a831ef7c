"""A real terminal for end-to-end tests: one tmux server on its own socket (``tmux -L``) running the
app in a pane; keys go in with send-keys, the screen comes back with capture-pane. Every screen
read is kept, and none may show a Python traceback."""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from pathlib import Path


def tmux_env(**extra: str) -> dict[str, str]:
    """The environment of a fresh tmux server: this process's, a UTF-8 locale, a 256-colour terminal,
    and not inside another tmux."""
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "xterm-256color", **extra}
    env.pop("TMUX", None)
    return env


class Tmux:
    def __init__(self, env: dict[str, str]) -> None:
        self.socket = f"c2m-test-{uuid.uuid4().hex[:8]}"
        self.env = env
        self.seen: list[str] = []

    def run(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, env=self.env,
                             timeout=20)
        return out.stdout

    def start(self, command: str, width: int = 100, height: int = 30, cwd: Path | None = None,
              keep_dead: bool = False) -> None:
        """A new session "demo" running ``command``; ``keep_dead`` keeps the pane (and the server)
        once the command has died, so its last screen can still be read."""
        where = ["-c", str(cwd)] if cwd is not None else []
        extra = [";", "set-option", "-t", "demo", "remain-on-exit", "on"] if keep_dead else []
        self.run("-u", "new-session", "-d", "-s", "demo", "-x", str(width), "-y", str(height), *where, command,
                 *extra)

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "demo", *keys)

    def type(self, text: str) -> None:
        """Type ``text`` literally (no key names)."""
        self.run("send-keys", "-t", "demo", "-l", text)

    def pane_pid(self) -> int:
        """The pid of the pane's process (the command itself when it was started with ``exec``)."""
        out = self.run("list-panes", "-t", "demo", "-F", "#{pane_pid}").strip()
        return int(out.splitlines()[0])

    def pane_dead(self) -> bool:
        return self.run("list-panes", "-t", "demo", "-F", "#{pane_dead}").strip() == "1"

    def screen(self) -> str:
        text = self.run("capture-pane", "-p", "-J", "-t", "demo")
        self.seen.append(text)
        return text

    def wait_for(self, needle: str, timeout: float = 20.0) -> str:
        return self.wait_for_any(needle, timeout=timeout)[1]

    def appears(self, needle: str, timeout: float) -> bool:
        """Whether ``needle`` is on the screen within ``timeout`` seconds."""
        try:
            self.wait_for(needle, timeout=timeout)
        except AssertionError as err:
            if "Traceback" in str(err):
                raise
            return False
        return True

    def styled_screen(self) -> str:
        """The screen with its colours (escape sequences): shows which widget has the focus."""
        return self.run("capture-pane", "-p", "-e", "-t", "demo")

    def press_and_wait_restyle(self, key: str, timeout: float = 10.0) -> None:
        """Press ``key`` (e.g. Tab) and wait until the screen's colours change (the focus moved).

        A control key (tab, ctrl+u) sent just before printable text can reach the app after that text
        (seen with Textual 8.2 under tmux: the text went to the widget that had the focus before the tab),
        so text is typed only once the key has shown its effect."""
        before = self.styled_screen()
        self.keys(key)
        deadline = time.monotonic() + timeout
        while self.styled_screen() == before:
            if time.monotonic() > deadline:
                raise AssertionError(f"{key} changed nothing on the screen:\n{self.screen()}")
            time.sleep(0.05)

    def fill(self, text: str, attempts: int = 3) -> None:
        """Type ``text`` into the focused, empty text field until the field shows it, then press enter."""
        for _ in range(attempts):
            self.type(text)
            if self.appears(f"▊  {text} ", timeout=3):
                self.keys("Enter")
                return
            before = self.screen()  # lost or garbled: empty the field (ctrl+u) and type it again
            self.keys("C-u")
            deadline = time.monotonic() + 2
            while self.screen() == before and time.monotonic() < deadline:
                time.sleep(0.05)
        raise AssertionError(f"the field never showed {text!r}; the screen was:\n{self.seen[-1]}")

    def wait_for_any(self, *needles: str, timeout: float = 20.0) -> tuple[str, str]:
        """The first of ``needles`` to appear on the screen, and the screen."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.screen()
            assert "Traceback" not in text, text
            for needle in needles:
                if needle in text:
                    return needle, self._settled(needle, text)
            time.sleep(0.1)
        raise AssertionError(f"none of {needles!r} appeared; the screen was:\n{self.seen[-1] if self.seen else ''}")

    def _settled(self, needle: str, text: str, timeout: float = 3.0) -> str:
        """The screen showing ``needle`` once two reads in a row are alike: a read can catch a frame
        half drawn (the home screen's banner before its other lines, on a busy machine)."""
        shown = text
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            again = self.screen()
            assert "Traceback" not in again, again
            if again == text:
                return again if needle in again else shown
            if needle in again:
                shown = again
            text = again
            time.sleep(0.05)
        return shown

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, env=self.env, timeout=20)
