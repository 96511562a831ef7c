"""Writing a file so that it is either wholly there or not changed at all: a temporary file in the
same folder, renamed over the target on success. A crash, a full disk or a bad row half-way never
leaves half a batch XML, config or export behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO, Any

from c2m_tui.core.errors import InputError


class atomic_write:
    """``with atomic_write(path) as out: out.file.write(...)``; ``out.discard()`` keeps the old file.

    ``text=True`` opens the temporary file as UTF-8 text; ``mode`` sets its permissions before the
    rename (0o600 for files that hold anything personal); ``fsync`` makes the rename durable.
    OSErrors become one InputError naming the path.
    """

    def __init__(self, path: str | Path, *, text: bool = False, newline: str | None = None,
                 mode: int | None = None, fsync: bool = False) -> None:
        self.path = Path(path)
        self.text = text
        self.newline = newline
        self.mode = mode
        self.fsync = fsync
        self.file: IO[Any]
        self._tmp = ""
        self._discard = False

    def discard(self) -> None:
        """Do not replace the target: the temporary file is removed on exit."""
        self._discard = True

    def __enter__(self) -> "atomic_write":
        folder = self.path.parent if str(self.path.parent) else Path(".")
        try:
            fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=folder)
        except OSError as err:
            raise InputError(f"{self.path}: cannot write here: {err.strerror or err}") from None
        if self.text:
            self.file = os.fdopen(fd, "w", encoding="utf-8", newline=self.newline)
        else:
            self.file = os.fdopen(fd, "wb")
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        committed = False
        try:
            if exc_type is None and not self._discard:
                self.file.flush()
                if self.fsync:
                    os.fsync(self.file.fileno())
            self.file.close()
            if exc_type is None and not self._discard:
                if self.mode is not None:
                    os.chmod(self._tmp, self.mode)
                os.replace(self._tmp, self.path)
                committed = True
        except OSError as err:
            raise InputError(f"{self.path}: cannot write: {err.strerror or err}") from None
        finally:
            if not committed:
                try:
                    os.unlink(self._tmp)
                except FileNotFoundError:
                    pass
