"""The status board and tracking viewer in every built-in theme, and as a 256-colour, a
16-colour and a NO_COLOR terminal shows them (colours reduced the way Rich reduces them)."""

from __future__ import annotations

import pytest

from tests.snapshots.batch_fixtures import (  # noqa: F401 - prepared is a fixture
    SIZE,
    prepared,
    screen_app,
    status_screen,
    tracking_screen,
    until_polled,
    until_tracking,
)


@pytest.mark.parametrize("theme", ["c2m-dark", "c2m-light", "c2m-high-contrast"])
def test_status_board_in_theme(snap_compare, prepared, theme):
    app = screen_app(prepared.mailed_sim, status_screen(prepared.mailed_id), theme=theme)
    assert snap_compare(app, terminal_size=SIZE, run_before=until_polled)


@pytest.mark.parametrize(
    ("theme", "color_system"),
    [("c2m-dark", "256"), ("c2m-16", "16")],
)
def test_status_board_with_fewer_colours(snap_compare, prepared, theme, color_system):
    app = screen_app(prepared.mailed_sim, status_screen(prepared.mailed_id), theme=theme, color_system=color_system)
    assert snap_compare(app, terminal_size=SIZE, run_before=until_polled)


@pytest.mark.parametrize(
    ("theme", "color_system"),
    [("c2m-dark", "256"), ("c2m-16", "16")],
)
def test_tracking_with_fewer_colours(snap_compare, prepared, theme, color_system):
    app = screen_app(prepared.mailed_sim, tracking_screen(prepared.mailed_id), theme=theme, color_system=color_system)
    assert snap_compare(app, terminal_size=SIZE, run_before=until_tracking)


def test_no_color(snap_compare, prepared, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")  # read when the App is created
    app = screen_app(prepared.mailed_sim, tracking_screen(prepared.mailed_id))
    assert app.no_color
    assert snap_compare(app, terminal_size=SIZE, run_before=until_tracking)


# the SVG's window frame: its background and the three title-bar dots
FRAME = {"#292929", "#ff5f57", "#febc2e", "#28c840"}


def _colours(svg: str) -> set[str]:
    import re

    return {c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}\b", svg)} - FRAME


async def test_no_color_leaves_only_greys(prepared, monkeypatch):
    from c2m_tui.tui.capture import export_svg

    monkeypatch.setenv("NO_COLOR", "1")
    app = screen_app(prepared.mailed_sim, tracking_screen(prepared.mailed_id))
    async with app.run_test(size=SIZE) as pilot:
        await until_tracking(pilot)
        svg = export_svg(app)
    greys = [c for c in _colours(svg) if abs(int(c[1:3], 16) - int(c[3:5], 16)) <= 8 and abs(int(c[3:5], 16) - int(c[5:7], 16)) <= 8]
    assert greys and set(greys) == _colours(svg)


async def test_sixteen_colours_use_only_the_terminal_palette(prepared):
    from rich.terminal_theme import SVG_EXPORT_THEME

    from c2m_tui.tui.capture import export_svg

    palette = {SVG_EXPORT_THEME.ansi_colors[i].hex.lower() for i in range(16)}
    palette |= {SVG_EXPORT_THEME.foreground_color.hex.lower(), SVG_EXPORT_THEME.background_color.hex.lower()}
    app = screen_app(prepared.mailed_sim, status_screen(prepared.mailed_id), theme="c2m-16", color_system="16")
    async with app.run_test(size=SIZE) as pilot:
        await until_polled(pilot)
        svg = export_svg(app, color_system="16")
        truecolor = export_svg(app)
    used = _colours(svg)
    assert used <= palette, used - palette
    assert len(used) >= 3  # still coloured: status words are not all one colour
    assert _colours(truecolor) <= palette  # c2m-16 is made of ANSI colours anyway


async def test_reducing_to_16_colours_maps_a_truecolor_theme_onto_the_palette(prepared):
    from rich.terminal_theme import SVG_EXPORT_THEME

    from c2m_tui.tui.capture import export_svg

    palette = {SVG_EXPORT_THEME.ansi_colors[i].hex.lower() for i in range(16)}
    palette |= {SVG_EXPORT_THEME.foreground_color.hex.lower(), SVG_EXPORT_THEME.background_color.hex.lower()}
    app = screen_app(prepared.mailed_sim, status_screen(prepared.mailed_id), theme="c2m-dark")
    async with app.run_test(size=SIZE) as pilot:
        await until_polled(pilot)
        reduced = export_svg(app, color_system="16")
        full = export_svg(app)
    assert not _colours(full) <= palette
    assert _colours(reduced) <= palette
