"""``config.toml`` as one document (see paths.config_file()): read it, or change it under a lock.

Both halves of the file use this and nothing else of each other: settings.py reads and writes the
top-level keys (``theme``, ...), profiles.py the ``[profiles.NAME]`` tables and ``default_profile``
(whose rule, never production, belongs to the profiles). Passwords never live here.

Every change is a read-modify-write under a lock file, so the TUI saving a theme and a
``c2m-tui login`` in another terminal cannot lose each other's change.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import Any

from c2m_tui.config.paths import config_dir, config_file
from c2m_tui.config.tomlfile import read_toml, write_toml
from c2m_tui.core.errors import InputError

HEADER = """c2m-tui settings and profiles. c2m-tui rewrites this file (values you edit are kept, comments are not).
Passwords are never stored here: they live in the OS keyring (see `c2m-tui profiles`)."""

PROFILES_KEY = "profiles"
DEFAULT_PROFILE_KEY = "default_profile"


def read_config() -> dict[str, Any]:
    """The whole config document (settings and the ``profiles`` table)."""
    return read_toml(config_file())


def modify_config(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """Apply ``change`` to the document in place and write it back, under the lock."""
    with _locked():
        doc = read_config()
        change(doc)
        write_toml(config_file(), doc, HEADER)
        return doc


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # Windows: atomic replace alone; concurrent writers are rare there
        yield
        return
    lock_path = config_dir() / ".config.lock"
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError as err:
        raise InputError(f"{lock_path}: cannot lock the config file: {err.strerror or err}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
