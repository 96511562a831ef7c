"""The command palette has every app action (commands_palette.AppCommands) and the current screen's
keys; ``[keymap]`` in config.toml moves keys (Textual's set_keymap), shown in help and the footer."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import Input

from c2m_tui.config.settings import update_settings
from c2m_tui.tui.screens.help import HelpScreen
from c2m_tui.tui.screens.home import HomeScreen
from c2m_tui.tui.screens.login import LoginScreen
from c2m_tui.tui.screens.open_batch import OpenBatchScreen
from c2m_tui.tui.screens.status import StatusScreen
from c2m_tui.tui.screens.wizard import WizardScreen
from c2m_tui.tui.widgets.key_footer import KeyFooter
from tests.tui.shell_harness import FIXED_URL, app_on, notifications, wait_for


async def _run_from_palette(pilot, app, words: str) -> None:
    await pilot.press("ctrl+p")
    palette = await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette) and app.screen, what="palette")
    await pilot.press(*words)
    # the first hit is the command searched for (its name matches best)
    await wait_for(pilot, lambda: palette._list_visible and palette.query_one("CommandList").option_count,
                   what=f"hits for {words!r}")
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette), what="the palette to close")


async def test_palette_lists_every_app_action():
    from c2m_tui.tui.commands_palette import app_commands

    app = app_on(FIXED_URL)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        names = [c.name for c in app_commands(app)]
        for wanted in ("New batch", "Open batch by id", "Resume batch", "Switch profile", "Log in", "Theme", "Help"):
            assert wanted in names


async def test_palette_commands_open_their_screens(sim):
    app = app_on(sim.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await _run_from_palette(pilot, app, "new batch")
        wizard = await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen) and app.screen, what="wizard")
        # the wizard's own keys are palette commands too: "Do this step" creates the batch
        await _run_from_palette(pilot, app, "do this step")
        # done, and its worker ended too: escape while the create's worker still runs asks first
        await wait_for(pilot, lambda: wizard.done[0] and not wizard.calls_in_flight(),
                       what="the batch created from the palette")
        batch_id = wizard.batch_id
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), what="home")

        await _run_from_palette(pilot, app, "open batch by id")
        dialog = await wait_for(pilot, lambda: isinstance(app.screen, OpenBatchScreen) and app.screen)
        dialog.query_one("#batch-id", Input).value = str(batch_id)
        await pilot.press("enter")
        board = await wait_for(pilot, lambda: isinstance(app.screen, StatusScreen) and app.screen, what="board")
        assert board.batch_id == str(batch_id)

        await _run_from_palette(pilot, app, "log in")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), what="login")
        await pilot.press("escape")
        await _run_from_palette(pilot, app, "help")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")


async def test_a_keymap_in_the_config_moves_a_key():
    update_settings(keymap={"home.new-batch": "ctrl+y", "no.such-id": "x", "home.login": 5})
    app = app_on(FIXED_URL)
    async with app.run_test(size=(80, 24)) as pilot:
        home = await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen)
        def problems() -> list[str]:
            return [n for n in notifications(app) if n.startswith("Keymap|")]

        await wait_for(pilot, lambda: any("no.such-id" in n for n in problems())
                       and any("home.login" in n for n in problems()), what="both keymap problems noticed")
        await pilot.press("n")  # the old key does nothing now
        await pilot.pause()
        assert app.screen is home
        await wait_for(pilot, lambda: "^y New" in "".join(str(k.render()) for k in home.query_one(KeyFooter).children)
                       or "^y New batch" in "".join(str(k.render()) for k in home.query_one(KeyFooter).children),
                       what="the footer showing the new key")
        await pilot.press("ctrl+y")
        await wait_for(pilot, lambda: isinstance(app.screen, (WizardScreen, LoginScreen)), what="the wizard by ctrl+y")
        app.pop_screen()
        await pilot.press("f1")
        helpscreen = await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen) and app.screen)
        assert "^y" in str(helpscreen.table.columns[0]._cells)


def test_readme_names_every_binding_id():
    """The keymap's ids are documented: every one that is not a second key's alias is in README."""
    from pathlib import Path

    from c2m_tui.tui.commands_palette import known_binding_ids

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    missing = [i for i in sorted(known_binding_ids()) if not i.endswith("-alias") and f"`{i}`" not in readme]
    assert not missing, missing


def test_without_a_keymap_no_screen_is_imported_before_the_first_screen():
    """Checking a [keymap] imports every screen to know their binding ids (~90 ms, on the way to the
    first paint: the start-up benchmark went from 1.4x to 2.2x when it ran for everybody); with no
    [keymap], nothing is imported. A fresh process: this one has imported every screen already."""
    import os
    import subprocess
    import sys

    probe = ("import sys\n"
             "from c2m_tui.tui.commands_palette import load_keymap\n"
             "print(load_keymap())\n"
             "print(sorted(m for m in sys.modules if m.startswith('c2m_tui.tui.screens')))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["({}, [])", "[]"]
    update_settings(keymap={"home.new-batch": "ctrl+y"})  # with one, it is checked (and applied)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ))
    assert done.stdout.splitlines()[0] == "({'home.new-batch': 'ctrl+y'}, [])"
    assert "c2m_tui.tui.screens.wizard" in done.stdout.splitlines()[1]


async def test_a_screens_own_commands_are_offered_while_a_text_box_has_the_cursor(sim, pdf_factory):
    """'v' (View pages) was missing from the palette whenever a path box had the cursor (Textual
    leaves out the keys a focused text box would type), which is where an import leaves it."""
    from c2m_tui.tui.commands_palette import screen_commands
    from tests.tui.test_wizard_flow import open_with_pdf

    app = app_on(sim.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        wizard = await open_with_pdf(pilot, app, pdf_factory(2), upload=False)
        box = wizard.query_one("#pdf-path", Input)
        box.focus()
        await wait_for(pilot, lambda: app.focused is box, what="the path box focused")
        assert "v" not in [b.key for _n, b, _e, _t in wizard.active_bindings.values()]  # Textual's filter
        commands = {c.name: c for c in screen_commands(wizard)}
        assert "View pages" in commands and "Next step" in commands
        assert commands["View pages"].help == "key v on this screen, outside a text box"
