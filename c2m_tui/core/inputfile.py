"""Opening the person's input files (PDF, batch XML, address lists) safely: regular files only.

A FIFO, a device (``/dev/zero``), a socket or a directory named as an input would block for ever
or fill memory; it is refused with one line before anything is read. The file is opened with
``O_NONBLOCK`` so that opening a FIFO with no writer cannot block either, and checked with
``fstat`` on the opened descriptor (no race between a check and the open).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from c2m_tui.core.errors import InputError

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "something other than a file"


def missing_words(path: str | os.PathLike[str]) -> str:
    """"PATH: no such file", with the file of a close name in the same folder when there is one
    (a typo: "letters.pdf" for "Letters.pdf" or "leters.pdf"), or the folder that is missing."""
    import difflib
    from itertools import islice

    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        return f"{path}: no such file (no folder {folder})"
    try:  # a folder of a million files is not listed whole for a hint
        names = [entry.name for entry in islice(os.scandir(folder), 10_000) if entry.is_file()]
    except OSError:
        names = []
    by_case = [n for n in names if n.lower() == path.name.lower()]
    close = by_case or difflib.get_close_matches(path.name, names, n=1, cutoff=0.8)
    return f"{path}: no such file; did you mean {folder / close[0]}?" if close else f"{path}: no such file"


def open_regular(path: str | os.PathLike[str], what: str = "input") -> int:
    """A read-only descriptor of ``path``, which must be a regular file (symlinks to one are fine).

    ``what`` names the file's role in the message ("the PDF", "the batch XML")."""
    path = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise InputError(missing_words(path)) from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not {what}") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror or err}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(f"{path}: is {_kind(mode)}, not {what}; give a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)  # no effect on a regular file's reads; keeps later readers plain
    except BaseException:
        os.close(fd)
        raise
    return fd


def require_regular_file(path: str | os.PathLike[str], what: str) -> Path:
    """``path`` as a Path if it names a regular file (symlinks followed); else InputError saying what
    it is instead. ``what`` names the expected content with its article: "a PDF", "an address list"."""
    os.close(open_regular(path, what))
    return Path(path)


def regular_size(path: str | os.PathLike[str], what: str = "input") -> int:
    """The size of ``path``, which must be a regular file (InputError otherwise; never blocks)."""
    fd = open_regular(path, what)
    try:
        return os.fstat(fd).st_size
    finally:
        os.close(fd)


def read_regular(path: str | os.PathLike[str], what: str, limit: int) -> bytes:
    """The whole content of a regular file of at most ``limit`` bytes (InputError otherwise)."""
    path = Path(path)
    fd = open_regular(path, what)
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            raise InputError(f"{path}: {what} is {_mib(size)}, over the {_mib(limit)} limit")
        parts: list[bytes] = []
        total = 0
        want = size + 1  # the whole file in one read, one allocation (parts then a join held it twice)
        while True:
            try:
                chunk = os.read(fd, want)
                want = 1024 * 1024
            except OSError as err:
                raise InputError(f"{path}: cannot read: {err.strerror or err}") from None
            if not chunk:
                break
            total += len(chunk)
            if total > limit:  # it grew while being read
                raise InputError(f"{path}: {what} grew past the {_mib(limit)} limit while being read")
            parts.append(chunk)
        return parts[0] if len(parts) == 1 else b"".join(parts)
    finally:
        os.close(fd)


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MiB" if n >= 1024 * 1024 else f"{n} bytes"
