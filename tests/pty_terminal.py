"""A pretend terminal for end-to-end tests of the graphics protocols: a real pseudo-terminal whose
far side this process plays. It keeps everything the program writes, answers the graphics
queries as the chosen kind of terminal would (or stays silent), and types keys. tmux cannot stand
in here: it would keep the graphics escapes to itself."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import struct
import sys
import threading
import time

KITTY_QUERY = re.compile(rb"\x1b_Gi=31,[^;]*;AAAA\x1b\\")
ANSWERS = {
    "kitty": {b"\x1b_G": b"\x1b_Gi=31;OK\x1b\\", b"\x1b[16t": b"\x1b[6;18;9t", b"\x1b[c": b"\x1b[?62;22c"},
    "sixel": {b"\x1b[16t": b"\x1b[6;20;10t", b"\x1b[c": b"\x1b[?62;4;22c"},
    "plain": {b"\x1b[c": b"\x1b[?1;2c"},
    "silent": {},
}


class PtyTerminal:
    def __init__(self, argv: list[str], *, env: dict[str, str], kind: str = "plain",
                 answers: dict[bytes, bytes] | None = None, size=(80, 24), pixels=(720, 432),
                 cwd: str | None = None, stdin_devnull: bool = False) -> None:
        """``kind``: a terminal of ANSWERS; ``answers``: or these (query -> reply); ``pixels``:
        the window's size in pixels the kernel reports (0, 0: unknown); ``stdin_devnull``: the
        program's stdin is not the terminal."""
        self.answers = ANSWERS[kind] if answers is None else answers
        self.output = b""
        self.queries_answered = 0
        self._lock = threading.Lock()
        self._pending = b""
        pid, fd = pty.fork()
        if pid == 0:
            try:
                import fcntl
                import termios

                fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], *pixels))
                if cwd:
                    os.chdir(cwd)
                if stdin_devnull:
                    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.status: int | None = None
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.05)
            except (OSError, ValueError):
                return
            if not ready:
                if self.status is not None:
                    return
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self.output += chunk
                self._pending += chunk
                self._answer()

    def _answer(self) -> None:
        """Answer each query in the order it came, as the terminal ``kind`` does."""
        answers = self.answers
        while True:
            found = [(self._pending.find(q), q) for q in answers if q in self._pending]
            if not found:
                # keep only a tail that could be the start of a query split across reads
                self._pending = self._pending[-16:]
                return
            at, query = min(found)
            end = at + len(query)
            if query == b"\x1b_G":  # only Kitty's query is answered, not an image being sent
                match = KITTY_QUERY.match(self._pending, at)
                if match is None:
                    if b"\x1b\\" not in self._pending[at:]:
                        return  # wait for the rest of it
                    self._pending = self._pending[at + 3:]
                    continue
                end = match.end()
            self._pending = self._pending[end:]
            os.write(self.fd, answers[query])
            self.queries_answered += 1

    def type(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def text(self) -> str:
        with self._lock:
            return self.output.decode("utf-8", "replace")

    def wait_for(self, check, timeout: float = 30, what: str = "output") -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.text()
            if check(text):
                return text
            if self.exited():
                text = self.text()
                if check(text):
                    return text
                raise AssertionError(f"the program ended ({self.status}) before {what}: {text[-2000:]!r}")
            time.sleep(0.02)
        raise AssertionError(f"timed out waiting for {what}: {self.text()[-2000:]!r}")

    def exited(self) -> bool:
        if self.status is None:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                self.status = os.waitstatus_to_exitcode(status)
        return self.status is not None

    def wait_exit(self, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        while not self.exited():
            if time.monotonic() > deadline:
                raise AssertionError(f"the program did not end: {self.text()[-2000:]!r}")
            time.sleep(0.02)
        self._thread.join(5)
        return self.status

    def close(self) -> None:
        if not self.exited():
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.status = -9
        self._thread.join(5)
        try:
            os.close(self.fd)
        except OSError:
            pass


def python_argv(*args: str) -> list[str]:
    return [sys.executable, *args]


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TMUX", "STY", "KITTY", "PYTEST"))}
    env.update({"TERM": "xterm-256color", "COLORTERM": "truecolor", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
    env.update(extra)
    return env
