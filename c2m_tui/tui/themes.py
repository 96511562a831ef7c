"""Themes: the built-in theme files, the person's own, and remembering the choice.

A theme is a TOML file whose name (without ``.toml``) is the theme's name. Top-level keys are
Textual ``Theme`` fields (primary, background, dark, ansi ...); the ``[variables]`` table holds
extra CSS variables, among them our semantic colours (``$status-mailed`` ...) that the TCSS uses
instead of hex codes. Built-in files live in ``themes/`` of the source tree and are shipped in the
wheel as ``c2m_tui/_themes``; the person's own go in ``config_dir()/themes``. A broken file is
reported (one line per file) and skipped, never fatal.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

if TYPE_CHECKING:
    from textual.app import App

DEFAULT_THEME = "c2m-dark"
SIXTEEN_COLOUR_THEME = "c2m-16"
THEME_ENV = "C2M_THEME"

# The colours our screens mean something by; every theme gets them (derived when missing).
SEMANTIC_VARIABLES = ("status-queued", "status-processing", "status-mailed", "status-error", "production", "demo")

_COLOUR_FIELDS = (
    "primary", "secondary", "warning", "error", "success", "accent",
    "foreground", "background", "surface", "panel", "boost",
)
_FLOAT_FIELDS = ("luminosity_spread", "text_alpha")
_BOOL_FIELDS = ("dark", "ansi")
# Theme variables that are styles, not colours (Textual's own ansi themes use them).
_NON_COLOUR_VARIABLES = ("input-cursor-text-style", "block-cursor-text-style", "block-cursor-blurred-text-style")

_PACKAGE = Path(__file__).resolve().parent.parent  # c2m_tui/


class ThemeFileError(Exception):
    """A theme file that cannot be used; ``str()`` names the file and the problem."""


def builtin_theme_dirs() -> list[Path]:
    """Where built-in themes live: inside the installed wheel, or ``themes/`` of a checkout."""
    candidates = [_PACKAGE / "_themes", _PACKAGE.parent / "themes"]
    return [d for d in candidates if d.is_dir()]


def user_theme_dir() -> Path:
    """The person's own theme files (not created here: an absent folder just means none)."""
    from c2m_tui.config.paths import config_dir

    return config_dir() / "themes"


def load_theme_file(path: Path) -> Theme:
    """Read one theme file; raises ThemeFileError saying what is wrong and where."""
    name = path.stem
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ThemeFileError(f"{path}: cannot read: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise ThemeFileError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as err:
        raise ThemeFileError(f"{path}: not valid TOML: {err}") from None
    if "primary" not in data:
        raise ThemeFileError(f"{path}: 'primary' is required (a colour such as \"#4EA1D3\")")
    known = {*_COLOUR_FIELDS, *_FLOAT_FIELDS, *_BOOL_FIELDS, "variables", "name"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ThemeFileError(f"{path}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(known))}")
    kwargs: dict[str, Any] = {"name": name}
    for key in _COLOUR_FIELDS:
        if key in data:
            kwargs[key] = _colour(path, key, data[key])
    for key in _FLOAT_FIELDS:
        if key in data:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise ThemeFileError(f"{path}: {key} must be a number from 0 to 1, not {value!r}")
            kwargs[key] = float(value)
    for key in _BOOL_FIELDS:
        if key in data:
            if not isinstance(data[key], bool):
                raise ThemeFileError(f"{path}: {key} must be true or false, not {data[key]!r}")
            kwargs[key] = data[key]
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ThemeFileError(f"{path}: [variables] must be a table of name = \"colour\"")
    checked: dict[str, str] = {}
    for key, value in variables.items():
        if key in _NON_COLOUR_VARIABLES:
            if not isinstance(value, str):
                raise ThemeFileError(f"{path}: variables.{key} must be a string")
            checked[key] = value
        else:
            checked[key] = _colour(path, f"variables.{key}", value)
    kwargs["variables"] = checked
    theme = Theme(**kwargs)
    try:  # the same derivation Textual does when the theme is applied: fail here, not later
        theme.to_color_system().generate()
    except Exception as err:  # noqa: BLE001 - any failure means the file is unusable
        raise ThemeFileError(f"{path}: the colours cannot be combined: {err}") from None
    return with_semantic_variables(theme)


def _colour(path: Path, key: str, value: object) -> str:
    if not isinstance(value, str):
        raise ThemeFileError(f"{path}: {key} must be a colour string, not {value!r}")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeFileError(f"{path}: {key} = {value!r} is not a colour (try \"#RRGGBB\" or \"ansi_red\")") from None
    return value


def with_semantic_variables(theme: Theme) -> Theme:
    """The theme with every semantic variable set; missing ones come from its own palette."""
    derived = {
        "status-queued": theme.warning or theme.primary,
        "status-processing": theme.primary,
        "status-mailed": theme.success or theme.primary,
        "status-error": theme.error or theme.primary,
        "production": theme.error or theme.primary,
        "demo": theme.success or theme.primary,
    }
    missing = {k: v for k, v in derived.items() if k not in theme.variables}
    if not missing:
        return theme
    return dataclasses.replace(theme, variables={**theme.variables, **missing})


def load_themes() -> tuple[dict[str, Theme], list[str]]:
    """Every usable theme file (built-in first, then the person's, which may override by name),
    and one problem line per file that was skipped."""
    themes: dict[str, Theme] = {}
    problems: list[str] = []
    dirs = builtin_theme_dirs()
    try:
        dirs.append(user_theme_dir())
    except Exception as err:  # noqa: BLE001 - no config dir must not cost the built-in themes
        problems.append(f"user themes not loaded: {err}")
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                themes[path.stem] = load_theme_file(path)
            except ThemeFileError as err:
                problems.append(str(err))
    return themes, problems


def register_themes(app: App) -> list[str]:
    """Load the theme files into ``app``'s registry; returns the problems (files skipped).

    Textual's own themes get our semantic variables too, so picking ``nord`` from the command
    palette cannot break a stylesheet that says ``$status-mailed``. Also starts remembering the
    person's choice (see remember_theme_choice).
    """
    themes, problems = load_themes()
    for name, theme in list(app.available_themes.items()):
        if name not in themes:
            app.register_theme(with_semantic_variables(theme))
    for theme in themes.values():
        app.register_theme(theme)
    # the stylesheet took its variables from the theme as it was when the App was created
    app.stylesheet.set_variables(app.get_css_variables())
    remember_theme_choice(app)
    return problems


def theme_problems_message(problems: list[str]) -> str:
    """The one notification text for all skipped theme files."""
    head = "1 theme file was skipped" if len(problems) == 1 else f"{len(problems)} theme files were skipped"
    return head + ":\n" + "\n".join(f"• {p}" for p in problems)


def resolve_theme_name(cli_value: str | None) -> str:
    """The theme to start with: --theme, else C2M_THEME, else the saved setting, else a default
    (c2m-16 when the terminal has only 16 colours, otherwise c2m-dark)."""
    if cli_value:
        return cli_value.strip()
    env = os.environ.get(THEME_ENV, "").strip()
    if env:
        return env
    saved = _saved_theme()
    if saved:
        return saved
    if os.environ.get("TEXTUAL_COLOR_SYSTEM", "").strip().lower() in ("16", "standard"):
        return SIXTEEN_COLOUR_THEME
    return DEFAULT_THEME


def apply_theme(app: App, name: str) -> str | None:
    """Set ``app.theme`` to ``name`` if registered; otherwise keep a default and return why."""
    if name in app.available_themes:
        app.theme = name
        return None
    app.theme = DEFAULT_THEME if DEFAULT_THEME in app.available_themes else app.theme
    known = ", ".join(sorted(n for n in app.available_themes if n.startswith("c2m")))
    return f"unknown theme {name!r}; using {app.theme} (c2m themes: {known})"


def _saved_theme() -> str | None:
    try:
        from c2m_tui.config.settings import load_settings

        value = load_settings().get("theme")
    except Exception:  # noqa: BLE001 - a broken config file is reported elsewhere; start anyway
        return None
    return value.strip() if isinstance(value, str) and value.strip() else None


def remember_theme_choice(app: App) -> None:
    """Save the theme to the settings whenever it changes to something other than what would be
    chosen anyway (C2M_THEME or the saved setting), so a choice from the palette or --theme sticks."""

    def save(_old: str, new: str) -> None:
        if new == resolve_theme_name(None):
            return
        try:
            from c2m_tui.config.settings import update_settings

            update_settings(theme=new)
        except Exception as err:  # noqa: BLE001 - never crash over a preference
            if app.is_running:
                app.notify(f"could not remember the theme: {err}", severity="warning")

    app.watch(app, "theme", save, init=False)
