"""The help screen lists the keys of every screen and dialog that has any."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.screen import Screen

import c2m_tui.tui.screens as screens_pkg
from c2m_tui.tui.screens.help import SCREENS, bindings_of


def test_every_screen_with_keys_is_in_help():
    listed = {(m, c) for _, m, c in SCREENS}
    missing = []
    for info in pkgutil.iter_modules(screens_pkg.__path__, screens_pkg.__name__ + "."):
        module = importlib.import_module(info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or not issubclass(cls, Screen):
                continue
            if bindings_of(cls) and (module.__name__, name) not in listed:
                missing.append(f"{module.__name__}.{name}")
    assert not missing, f"screens with keys missing from help: {missing}"


def test_every_listed_screen_exists():
    for _, module_name, class_name in SCREENS:
        assert hasattr(importlib.import_module(module_name), class_name), class_name
