"""Themes: built-in files, the person's own (broken ones skipped and reported), the semantic
colours every theme carries, how the start-up theme is chosen, and remembering the choice."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from rich.color import Color as RichColor
from rich.color import ColorSystem
from textual.app import App, ComposeResult
from textual.color import Color
from textual.widgets import Static

from c2m_tui.config.paths import config_dir
from c2m_tui.config.settings import load_settings, update_settings
from c2m_tui.tui import themes
from c2m_tui.tui.themes import (
    SEMANTIC_VARIABLES,
    builtin_theme_dirs,
    load_theme_file,
    load_themes,
    register_themes,
    resolve_theme_name,
    theme_problems_message,
)
from tests.tui.shell_harness import wait_for

REPO = Path(__file__).resolve().parents[2]
BUILT_IN = ("c2m-dark", "c2m-light", "c2m-high-contrast", "c2m-16")


class ThemedApp(App[None]):
    CSS = "Static { color: $status-mailed; background: $panel; border: round $status-error; }"

    def __init__(self) -> None:
        super().__init__()
        self.problems = register_themes(self)

    def compose(self) -> ComposeResult:
        yield Static("hello")


def test_built_in_theme_files_define_every_semantic_colour():
    files = {p.stem: p for p in (REPO / "themes").glob("*.toml")}
    assert set(BUILT_IN) <= set(files)
    for name in BUILT_IN:
        data = tomllib.loads(files[name].read_text())
        assert set(SEMANTIC_VARIABLES) <= set(data["variables"]), name
        theme = load_theme_file(files[name])
        assert theme.name == name


def test_built_ins_are_found_and_shipped_in_the_wheel():
    assert REPO / "themes" in builtin_theme_dirs()
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    include = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert include["themes"] == "c2m_tui/_themes"  # builtin_theme_dirs looks there in an install


def test_c2m_16_uses_only_ansi_colours():
    theme = load_theme_file(REPO / "themes" / "c2m-16.toml")
    assert theme.ansi
    for value in [theme.primary, theme.error, theme.success, *theme.variables.values()]:
        assert value.startswith("ansi_") or value == "none", value


@pytest.mark.parametrize("name", ["c2m-dark", "c2m-light", "c2m-high-contrast"])
def test_panels_and_status_colours_stay_distinct_at_256_colours(name):
    theme = load_theme_file(REPO / "themes" / f"{name}.toml")
    generated = theme.to_color_system().generate()

    def at_256(value: str) -> str:
        rgb = Color.parse(value).rgb
        return RichColor.from_rgb(*rgb).downgrade(ColorSystem.EIGHT_BIT).name

    grounds = [at_256(generated[k]) for k in ("background", "surface", "panel")]
    assert len(set(grounds[::2])) == 2, f"{name}: background and panel merge at 256 colours"
    statuses = [at_256(theme.variables[k]) for k in ("status-queued", "status-processing", "status-mailed", "status-error")]
    assert len(set(statuses)) == 4, f"{name}: status colours merge at 256 colours: {statuses}"
    assert not set(statuses) & {at_256(generated["background"])}


def test_no_hex_codes_in_stylesheets():
    hex_colour = re.compile(r"#[0-9a-fA-F]{3,8}\b")
    sheets = list((REPO / "c2m_tui").rglob("*.tcss"))
    assert sheets
    offenders = []
    for sheet in sheets:
        for number, line in enumerate(sheet.read_text().splitlines(), 1):
            code = line.split("/*")[0]
            # an id selector such as #status-phase is not a colour: only flag after a colon
            if ":" in code and hex_colour.search(code.split(":", 1)[1]):
                offenders.append(f"{sheet.relative_to(REPO)}:{number}: {line.strip()}")
    assert not offenders, offenders


def test_broken_user_theme_is_skipped_and_reported_once():
    folder = config_dir() / "themes"
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text('primary = "#112233"\nbackground = "#000000"\n[variables]\nstatus-mailed = "#00ff00"\n')
    (folder / "bad-toml.toml").write_text("primary = \n")
    (folder / "bad-colour.toml").write_text('primary = "not-a-colour"\n')
    (folder / "no-primary.toml").write_text('background = "#000000"\n')
    (folder / "typo.toml").write_text('primary = "#112233"\nbackgroud = "#000000"\n')
    loaded, problems = load_themes()
    assert "mine" in loaded and set(BUILT_IN) <= set(loaded)
    assert loaded["mine"].variables["status-mailed"] == "#00ff00"
    assert loaded["mine"].variables["status-error"]  # derived from its palette
    assert len(problems) == 4
    joined = "\n".join(problems)
    assert "bad-toml.toml: not valid TOML" in joined
    assert "bad-colour.toml: primary = 'not-a-colour' is not a colour" in joined
    assert "no-primary.toml: 'primary' is required" in joined
    assert "typo.toml: unknown key(s) backgroud" in joined
    message = theme_problems_message(problems)
    assert message.startswith("4 theme files were skipped")


async def test_user_theme_and_textual_themes_work_with_our_stylesheet():
    folder = config_dir() / "themes"
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text('primary = "#112233"\n[variables]\nstatus-mailed = "#00ff00"\n')
    (folder / "broken.toml").write_text("{{{")
    app = ThemedApp()
    async with app.run_test() as pilot:
        for name in ("mine", "nord", "textual-light", *BUILT_IN):
            app.theme = name  # every theme, ours or Textual's, resolves $status-mailed
            await pilot.pause()
        app.theme = "mine"
        await pilot.pause()
        colour = app.query_one(Static).styles.color
        app.notify(themes.theme_problems_message(app.problems), title="Themes", severity="warning")
        await wait_for(pilot, lambda: app._notifications, what="the notification (a message, handled later)")
        shown = [n.message for n in app._notifications]
    assert colour.hex.upper() == "#00FF00"
    assert len(app.problems) == 1 and "broken.toml" in app.problems[0]
    assert len(shown) == 1 and "broken.toml" in shown[0]


def test_resolve_theme_name_order(monkeypatch):
    monkeypatch.delenv("TEXTUAL_COLOR_SYSTEM", raising=False)
    assert resolve_theme_name(None) == "c2m-dark"
    monkeypatch.setenv("TEXTUAL_COLOR_SYSTEM", "16")
    assert resolve_theme_name(None) == "c2m-16"  # a 16-colour terminal gets the readable theme
    update_settings(theme="c2m-light")
    assert resolve_theme_name(None) == "c2m-light"
    monkeypatch.setenv("C2M_THEME", "c2m-high-contrast")
    assert resolve_theme_name(None) == "c2m-high-contrast"
    assert resolve_theme_name("nord") == "nord"


async def test_the_choice_is_remembered_but_not_the_environment_default(monkeypatch):
    app = ThemedApp()
    async with app.run_test() as pilot:
        app.theme = "c2m-dark"  # what would be chosen anyway: nothing to save
        await pilot.pause()
        assert "theme" not in load_settings()
        app.theme = "c2m-high-contrast"  # e.g. from the command palette
        await pilot.pause()
        assert load_settings()["theme"] == "c2m-high-contrast"
    assert resolve_theme_name(None) == "c2m-high-contrast"

    monkeypatch.setenv("C2M_THEME", "c2m-light")
    app = ThemedApp()
    async with app.run_test() as pilot:
        app.theme = "c2m-light"  # chosen by the environment for this run only
        await pilot.pause()
    assert load_settings()["theme"] == "c2m-high-contrast"


def test_apply_theme_reports_an_unknown_name():
    app = ThemedApp()
    problem = themes.apply_theme(app, "no-such-theme")
    assert app.theme == "c2m-dark"
    assert problem is not None and "unknown theme 'no-such-theme'" in problem and "c2m-16" in problem
    assert themes.apply_theme(app, "c2m-light") is None and app.theme == "c2m-light"
