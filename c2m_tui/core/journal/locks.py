"""One lock file per journal entry, so two processes never work on the same batch at once.

``fcntl.flock`` locks belong to an open file description: the kernel drops them when the
process dies (even by SIGKILL), so a crashed sender never leaves a stale lock behind, and two
opens of the same file in one process exclude each other too (the TUI may run two sends).
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from c2m_tui.core.errors import C2MError

try:  # POSIX only; on other systems locking degrades to the journal's own claim (see journal.py)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class BatchBusyError(C2MError):
    """Another process (or another task of this one) is sending this batch right now."""


class BatchLock:
    """An exclusive, non-reentrant lock on ``path`` (created 0600 if missing)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def try_acquire(self) -> bool:
        """Take the lock if it is free; never blocks."""
        if self._fd is not None:
            raise RuntimeError(f"lock {self.path} is already held by this object")
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:  # never through a link: a planted batch-N.lock link must not truncate its target
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        except OSError as err:
            raise BatchBusyError(f"{self.path}: cannot use this lock file ({err.strerror or err})",
                                 hint="a symbolic link is never followed: remove it") from None
        if fcntl is None:  # pragma: no cover
            self._fd = fd
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        # who holds it, for the message another process shows (informational only)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    async def acquire(self, timeout: float, *, what: str = "this batch") -> None:
        """Wait up to ``timeout`` seconds for the lock, polling without blocking the event loop."""
        deadline = time.monotonic() + timeout
        while not self.try_acquire():
            if time.monotonic() >= deadline:
                holder = self.holder()
                who = f" (pid {holder})" if holder else ""
                raise BatchBusyError(
                    f"another c2m-tui is sending {what}{who}",
                    hint="wait for it to finish, then check with c2m-tui batches",
                )
            await asyncio.sleep(0.05)

    def holder(self) -> int | None:
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW)
            try:
                text = os.read(fd, 64).decode().strip()
            finally:
                os.close(fd)
            return int(text) if text else None
        except (OSError, ValueError, UnicodeDecodeError):
            return None

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def is_held_elsewhere(self) -> bool:
        """True when someone else holds the lock now (a probe: takes and drops it if free)."""
        if self._fd is not None:
            return False
        if not self.path.exists():
            return False
        if self.try_acquire():
            self.release()
            return False
        return True

    def __enter__(self) -> "BatchLock":
        if not self.try_acquire():
            raise BatchBusyError(f"{self.path.stem} is being sent by another process")
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __del__(self) -> None:  # a forgotten lock must not outlive its owner object
        try:
            self.release()
        except Exception:
            pass
