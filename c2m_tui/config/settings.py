"""App settings: the top-level keys of ``config.toml`` such as ``theme`` (the file itself is
configfile.py's). The default profile is set with ``profiles.set_default_profile`` (it must never
be production), profiles with ``profiles.save_profile``; passwords never live here."""

from __future__ import annotations

from typing import Any

from c2m_tui.config.configfile import DEFAULT_PROFILE_KEY, PROFILES_KEY, modify_config, read_config
from c2m_tui.core.errors import UsageError

__all__ = ["load_settings", "update_settings", "read_config", "modify_config", "PROFILES_KEY", "graphics_setting"]


def load_settings() -> dict[str, Any]:
    """The app settings (every top-level key except the profiles table)."""
    return {k: v for k, v in read_config().items() if k != PROFILES_KEY}


def update_settings(**kv: Any) -> dict[str, Any]:
    """Set settings (a value of None removes the key); returns the new settings."""
    if PROFILES_KEY in kv:
        raise UsageError("profiles are changed with profiles.save_profile, not update_settings")
    if DEFAULT_PROFILE_KEY in kv:
        raise UsageError("the default profile is set with profiles.set_default_profile (never production)")

    def change(doc: dict[str, Any]) -> None:
        for key, value in kv.items():
            if value is None:
                doc.pop(key, None)
            else:
                doc[key] = value

    doc = modify_config(change)
    return {k: v for k, v in doc.items() if k != PROFILES_KEY}


def graphics_setting() -> tuple[str, str | None]:
    """``[preview] graphics`` (auto, kitty, sixel or halfblock; auto when unset), and what is
    wrong with the file's value when it is not one of those (then auto is used)."""
    from c2m_tui.core.graphics.detect import choice_problem

    try:
        table = load_settings().get("preview")
    except Exception as err:  # noqa: BLE001 - a broken config file is reported elsewhere; draw anyway
        return "auto", f"[preview] not read: {err}"
    if table is None:
        return "auto", None
    if not isinstance(table, dict):
        return "auto", "[preview] in config.toml is not a table; graphics = auto"
    value = table.get("graphics", "auto")
    problem = choice_problem(value)
    if problem:
        return "auto", f"[preview] {problem} in config.toml; using auto"
    return value.strip().lower(), None
