"""The layers import downward only: every module of core and config loads without textual, the
TUI or the simulator (as harlequin guards its core), and the simulator never imports the TUI."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = r"""
import importlib, pkgutil, sys
import c2m_tui.{pkg} as root
names = [root.__name__] + [m.name for m in pkgutil.walk_packages(root.__path__, root.__name__ + ".")]
for name in names:
    importlib.import_module(name)
bad = sorted(m for m in sys.modules if m.split(".")[0] == "textual" or any(
    m == f or m.startswith(f + ".") for f in {forbidden}))
print(len(names), bad)
sys.exit(1 if bad else 0)
"""


@pytest.mark.parametrize(
    "pkg,forbidden",
    [
        ("core", ("c2m_tui.tui", "c2m_tui.sim")),
        ("config", ("c2m_tui.tui", "c2m_tui.sim")),
        ("sim", ("c2m_tui.tui",)),
    ],
)
def test_layer_imports_nothing_above_it(pkg, forbidden):
    code = CHECK.replace("{pkg}", pkg).replace("{forbidden}", repr(set(forbidden)))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    count = int(proc.stdout.split()[0])
    assert count > 3  # the walk really found the package's modules
