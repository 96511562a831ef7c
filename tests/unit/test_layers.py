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


# What each layer may not import anywhere, at module level or inside a function (a lazy import is
# still a dependency): read from the source, so a branch never taken in the walk above is checked too.
FORBIDDEN = {
    "core": ("c2m_tui.config", "c2m_tui.tui", "c2m_tui.sim", "c2m_tui.commands", "textual"),
    "config": ("c2m_tui.tui", "c2m_tui.sim", "c2m_tui.commands", "textual"),
    "sim": ("c2m_tui.tui", "c2m_tui.commands", "textual"),
}


def _imports(path):
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.lineno, node.module


@pytest.mark.parametrize("pkg", sorted(FORBIDDEN))
def test_no_import_anywhere_reaches_above_its_layer(pkg):
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "c2m_tui" / pkg
    files = sorted(root.rglob("*.py"))
    assert len(files) > 3
    bad = [
        f"{path.relative_to(root.parent)}:{line} imports {name}"
        for path in files
        for line, name in _imports(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[pkg])
    ]
    assert not bad, "\n".join(bad)
