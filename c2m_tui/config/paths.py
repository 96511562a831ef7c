"""Where the app keeps its files: everything under ``C2M_TUI_HOME`` when it is set, else the
platform's user directories (platformdirs). Directories are created on demand, private (0700)."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "c2m-tui"
HOME_ENV = "C2M_TUI_HOME"


def app_home() -> Path | None:
    """The ``C2M_TUI_HOME`` directory when set (tests and portable installs), else None."""
    value = os.environ.get(HOME_ENV, "").strip()
    return Path(value).expanduser() if value else None


def _ensure(path: Path) -> Path:
    # 0700: the config names accounts and the state holds batch ids; nobody else needs to read them.
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as err:  # a read-only home, a file where a folder must be, no permission
        from c2m_tui.core.errors import InputError

        where = err.filename or path
        raise InputError(
            f"{where}: cannot create c2m-tui's folder ({err.strerror or err}); make it writable, or set "
            f"{HOME_ENV} to a writable folder"
        ) from None
    return path


def _platform_dir(kind: str) -> Path:
    import platformdirs  # imported here: C2M_TUI_HOME users (and tests) never need it

    func = getattr(platformdirs, f"user_{kind}_dir")
    return Path(func(APP_NAME, appauthor=False))


def _dir(kind: str) -> Path:
    home = app_home()
    return _ensure(home / kind if home is not None else _platform_dir(kind))


def config_dir() -> Path:
    """Settings and profiles (``config.toml``)."""
    return _dir("config")


def data_dir() -> Path:
    """Things the person made and wants kept (address mappings, user themes, the journal)."""
    return _dir("data")


def state_dir() -> Path:
    """Things the app remembers between runs (recent batches, window state)."""
    return _dir("state")


def cache_dir() -> Path:
    """Things that can be thrown away at any time."""
    return _dir("cache")


def config_file() -> Path:
    """The TOML file holding settings and profiles (never a password)."""
    return config_dir() / "config.toml"


def journal_file() -> Path:
    """The batch journal (``c2m_tui.core.journal``): every batch this machine sent, step by step."""
    return data_dir() / "journal.db"


def mappings_file() -> Path:
    """The named address-list column mappings (``c2m_tui.core.addresses``)."""
    from c2m_tui.core.addresses.mapping import MAPPINGS_FILE

    return data_dir() / MAPPINGS_FILE


def journal_marker() -> Path:
    """A file in the config folder saying a journal was kept: if the journal itself is then gone
    (or emptied), nothing is sent until it is back (``c2m_tui.core.journal.file``)."""
    return config_dir() / "journal-kept"


def export_dir() -> Path:
    """Where a tracking CSV is offered to go: the Downloads folder when there is one, else the home
    folder (not wherever the app was started); ``C2M_TUI_HOME/exports`` under C2M_TUI_HOME."""
    home = app_home()
    if home is not None:
        return _ensure(home / "exports")
    import platformdirs

    downloads = Path(platformdirs.user_downloads_dir())
    return downloads if downloads.is_dir() else Path.home()
