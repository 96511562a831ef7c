"""Hashing the batch's PDF off the caller's thread, and the file facts that vouch it is unchanged.

Kept apart from ``c2m_tui.core.sending`` (which imports the journal and the clients) so a command
can start hashing first thing, before those imports are even made.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from c2m_tui.core.errors import InputError

HASH_CHUNK = 1 << 20


def file_stat(path: Path) -> tuple[int, int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


class PdfHash:
    """The PDF's SHA-256, computed in a thread of its own while the caller goes on (validating the
    batch, asking the price and the balance): the duplicate guard needs the hash before anything is
    created, and 150 MB take ~0.1 s to hash, which then overlaps the rest instead of adding to it
    (hashlib lets go of the GIL while it hashes). ``review(plan, pdf_hash=...)`` waits for it.

    Like ``review``'s own hashing it notes the file's (device, inode, size, mtime) before and after:
    a file that changed while it was hashed vouches for nothing, and is hashed again at send. The
    file is opened as a regular file only (a FIFO would block the thread for ever)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._result: tuple[str, int, tuple[int, int, int, int] | None] | None = None
        self._error: BaseException | None = None
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="c2m-pdf-hash", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from c2m_tui.core.inputfile import open_regular

        try:
            before = file_stat(self.path)
            fd = open_regular(self.path, "the PDF")
            h = hashlib.sha256()
            size = 0
            try:
                # 1 MiB reads (a chunk stays in the CPU cache between the read and the hash): bigger
                # reads, with fewer waits for the GIL, measured no faster beside a busy main thread
                while not self._stop and (chunk := os.read(fd, HASH_CHUNK)):
                    h.update(chunk)
                    size += len(chunk)
            finally:
                os.close(fd)
            if self._stop:
                return
            self._result = (h.hexdigest(), size, before if file_stat(self.path) == before else None)
        except OSError as err:
            self._error = InputError(f"{self.path}: cannot read ({err.strerror or err})")
        except BaseException as err:  # noqa: BLE001 - handed to the caller of result()
            self._error = err

    def result(self) -> tuple[str, int, tuple[int, int, int, int] | None]:
        """(hex digest, size, the file's stat when it is vouched unchanged while hashed, else None);
        raises what hashing raised (an InputError for a file that cannot be read)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    def cancel(self) -> None:
        """Stop reading (the send was refused before it needed the hash)."""
        self._stop = True
