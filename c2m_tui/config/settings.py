"""App settings in ``config.toml`` (see paths.config_file()): top-level keys such as
``default_profile`` and ``theme``. Profiles live in the same file under ``[profiles.NAME]`` and are
handled by profiles.py; passwords never live here.

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
from c2m_tui.core.errors import InputError, UsageError

HEADER = """c2m-tui settings and profiles. c2m-tui rewrites this file (values you edit are kept, comments are not).
Passwords are never stored here: they live in the OS keyring (see `c2m-tui profiles`)."""

PROFILES_KEY = "profiles"


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


def load_settings() -> dict[str, Any]:
    """The app settings (every top-level key except the profiles table)."""
    return {k: v for k, v in read_config().items() if k != PROFILES_KEY}


def update_settings(**kv: Any) -> dict[str, Any]:
    """Set settings (a value of None removes the key); returns the new settings.

    ``default_profile`` is checked: it must name a known profile, and never a production one
    (production is always chosen explicitly, with --profile or C2M_PROFILE).
    """
    if PROFILES_KEY in kv:
        raise UsageError("profiles are changed with profiles.save_profile, not update_settings")
    if kv.get("default_profile") is not None:
        _check_default_profile(kv["default_profile"])

    def change(doc: dict[str, Any]) -> None:
        for key, value in kv.items():
            if value is None:
                doc.pop(key, None)
            else:
                doc[key] = value

    doc = modify_config(change)
    return {k: v for k, v in doc.items() if k != PROFILES_KEY}


def _check_default_profile(name: Any) -> None:
    from c2m_tui.config import profiles  # profiles imports this module

    if not isinstance(name, str):
        raise UsageError(f"default_profile must be a profile name, not {name!r}")
    profile = profiles.load_profiles().get(name)
    if profile is None:
        raise UsageError(f"cannot make {name!r} the default profile: there is no such profile")
    if profiles.is_production(profile):
        raise UsageError(profiles.PRODUCTION_DEFAULT_REFUSED.format(name=name))


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # Windows: atomic replace alone; concurrent writers are rare there
        yield
        return
    lock_path = config_dir() / ".config.lock"
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as err:
        raise InputError(f"{lock_path}: cannot lock the config file: {err.strerror or err}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
