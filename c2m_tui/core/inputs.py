"""Input files the user names (``--pdf``, ``--xml``, address lists) must be regular files.

A FIFO would block a reader forever and ``/dev/zero`` would fill memory, so both are refused with
one clear line before anything opens them. ``os.stat`` never blocks on a FIFO.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from c2m_tui.core.errors import InputError

_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def require_regular_file(path: str | Path, what: str) -> Path:
    """``path`` as a Path if it names a regular file (symlinks followed); else InputError saying what
    it is instead. ``what`` names the expected content with its article: "a PDF", "a batch XML file"."""
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror or err}") from None
    if stat.S_ISREG(mode):
        return path
    if stat.S_ISDIR(mode):
        raise InputError(f"{path}: is a directory, not {what}")
    kind = next((name for test, name in _KINDS if test(mode)), "something other than a file")
    raise InputError(f"{path}: is {kind}, not {what}; give a regular file")
