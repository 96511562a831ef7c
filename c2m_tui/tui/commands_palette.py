"""The command palette (ctrl+p): every app action by name, and the keymap from config.toml.

``AppCommands`` offers the app's actions wherever you are (New batch, Open batch by id, Resume,
Switch profile, Log in, Theme, Help, Quit) and, after them, every key of the screen you are on
(Export tracking CSV on the tracking screen, Do this step in the wizard...), so a key that a
narrow footer leaves out is still one search away. Each entry runs the same action as its key.

``[keymap]`` in config.toml maps binding ids (listed by ``c2m-tui`` help, f1, and README) to
keys, applied with Textual's ``App.set_keymap``::

    [keymap]
    "wizard.do" = "ctrl+g,f5"
    "home.new-batch" = "n,ctrl+n"

An unknown id or a value that is not a key string is reported once and left out; the rest apply.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

KEYMAP_KEY = "keymap"


@dataclass(frozen=True)
class PaletteCommand:
    name: str
    help: str
    run: Callable[[], Any]


def _home(app) -> Any:
    from c2m_tui.tui.screens.home import HomeScreen

    for screen in reversed(app.screen_stack):
        if isinstance(screen, HomeScreen):
            return screen
    return None


def _new_batch(app) -> None:
    home = _home(app)
    if home is not None and app.screen is home:
        home.action_new_batch()
        return
    if not app.session.logged_in:
        app.notify("Log in first.", severity="warning")
        app.action_login()
        return
    from c2m_tui.tui.screens.wizard import WizardScreen

    app.push_screen(WizardScreen())


def _open_batch(app) -> None:
    from c2m_tui.tui.screens.open_batch import OpenBatchScreen
    from c2m_tui.tui.screens.status import StatusScreen

    def opened(batch_id: str | None) -> None:
        if batch_id:
            app.push_screen(StatusScreen(batch_id))

    app.push_screen(OpenBatchScreen(), callback=opened)


def _resume(app) -> None:
    """Resume the batch highlighted on the home screen; elsewhere ask for its id first."""
    home = _home(app)
    if home is None:
        return
    if app.screen is home and home._selected_batch() is not None:
        home.action_resume()
        return
    from c2m_tui.tui.screens.open_batch import OpenBatchScreen

    def chosen(batch_id: str | None) -> None:
        if batch_id:
            home.find_resume_point(batch_id)

    app.push_screen(OpenBatchScreen(), callback=chosen)


def _switch_profile(app) -> None:
    from c2m_tui.tui.screens.profile_picker import ProfilePickerScreen

    home = _home(app)
    app.push_screen(ProfilePickerScreen(), callback=home._after_switch if home is not None else None)


def app_commands(app) -> list[PaletteCommand]:
    """The actions that work from any screen."""
    return [
        PaletteCommand("New batch", "start the four-step wizard (create, PDF, jobs, submit)", partial(_new_batch, app)),
        PaletteCommand("Open batch by id", "the status board of any batch on this server", partial(_open_batch, app)),
        PaletteCommand("Resume batch", "finish a batch this machine started (the highlighted one, or by id)",
                       partial(_resume, app)),
        PaletteCommand("Switch profile", "demo, staging, production or your own", partial(_switch_profile, app)),
        PaletteCommand("Log in", "username and password for this profile", app.action_login),
        PaletteCommand("Theme", "choose a colour theme (remembered)", app.action_change_theme),
        PaletteCommand("Help", "every key of every screen", app.action_help),
        PaletteCommand("Quit", "leave c2m-tui", partial(app.run_action, "app.quit")),
    ]


def screen_commands(screen) -> list[PaletteCommand]:
    """The current screen's keys, by their label (and the key that does the same)."""
    out: list[PaletteCommand] = []
    seen: set[str] = set()
    app = screen.app
    for _node, binding, enabled, _tooltip in screen.active_bindings.values():
        if not enabled or not binding.description or binding.action in seen:
            continue
        if binding.action.removeprefix("app.") in ("quit", "help", "command_palette"):
            continue
        seen.add(binding.action)
        node = _node
        out.append(PaletteCommand(
            f"{binding.description}", f"key {app.get_key_display(binding)} on this screen",
            partial(_run_binding, node, binding.action),
        ))
    # a key a focused text box would type ("v" in the wizard's path box) is not among the active
    # bindings: the screen's own commands are offered all the same (leaving the box is the key's way)
    for bindings in screen._bindings.key_to_bindings.values():
        for binding in bindings:
            if (not binding.description or binding.action in seen
                    or screen.check_action(binding.action, ()) is not True):
                continue
            seen.add(binding.action)
            out.append(PaletteCommand(
                f"{binding.description}", f"key {app.get_key_display(binding)} on this screen, outside a text box",
                partial(_run_binding, screen, binding.action),
            ))
    return out


def _run_binding(node, action: str) -> None:
    node.app.call_later(node.run_action, action)


class AppCommands(Provider):
    """Every app action, then the current screen's keys."""

    def _commands(self) -> list[PaletteCommand]:
        app_level = app_commands(self.app)
        names = {c.name.lower() for c in app_level}
        own = [c for c in screen_commands(self.screen) if c.name.lower() not in names]
        return app_level + own

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.run, help=command.help)


# ---------------------------------------------------------------------- keymap from config.toml


def known_binding_ids() -> set[str]:
    """Every binding id of the app and its screens (the ones help lists)."""
    from c2m_tui.tui.screens.help import SCREENS

    ids: set[str] = set()
    for _title, module_name, class_name in SCREENS:
        cls = getattr(importlib.import_module(module_name), class_name)
        ids.update(b.id for b in Binding.make_bindings(getattr(cls, "BINDINGS", [])) if b.id)
    return ids


def keymap_from_config(table: Any, known: set[str]) -> tuple[dict[str, str], list[str]]:
    """The usable part of a ``[keymap]`` table, and what is wrong with the rest (one line each)."""
    if table is None:
        return {}, []
    if not isinstance(table, dict):
        return {}, ["[keymap] must be a table of binding id = \"keys\""]
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in table.items():
        if binding_id not in known:
            problems.append(f"[keymap] {binding_id!r}: no such binding id (f1 lists the keys; README the ids)")
        elif not isinstance(keys, str) or not keys.strip() or any(not k.strip() for k in keys.split(",")):
            problems.append(f"[keymap] {binding_id!r}: expected keys like \"ctrl+g\" or \"f5,ctrl+g\"")
        else:
            keymap[binding_id] = ",".join(k.strip() for k in keys.split(","))
    return keymap, problems


def load_keymap() -> tuple[dict[str, str], list[str]]:
    """config.toml's keymap (reading the file may fail: that is a problem to report, not a crash)."""
    try:
        from c2m_tui.config.settings import load_settings

        table = load_settings().get(KEYMAP_KEY)
    except Exception as err:  # noqa: BLE001 - the app starts with its own keys
        return {}, [f"keymap not applied: {err}"]
    if table is None:  # no [keymap]: nothing to check, and no screen imported before the first paint
        return {}, []
    return keymap_from_config(table, known_binding_ids())
