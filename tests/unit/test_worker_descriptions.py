"""Every @work method that takes arguments names its worker (``description=``): without one,
Textual builds the name from ``repr()`` of each argument, on the event loop. That put a password
in the login worker's name, and a 30 MB XML's repr (or a 100,000-recipient form's) on the UI
thread: the wizard with a 100,000-row list stalled 30-170 ms per validation and per upload."""

from __future__ import annotations

import ast
from pathlib import Path

TUI = Path(__file__).resolve().parents[2] / "c2m_tui" / "tui"


def unnamed_workers() -> list[str]:
    found = []
    for path in sorted(TUI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            takes = [a.arg for a in node.args.args[1:] + node.args.kwonlyargs] + \
                ([node.args.vararg.arg] if node.args.vararg else [])
            for deco in node.decorator_list:
                call = deco if isinstance(deco, ast.Call) else None
                name = (call.func if call else deco)
                if getattr(name, "id", getattr(name, "attr", None)) != "work" or not takes:
                    continue
                if call is None or not any(k.arg == "description" for k in call.keywords):
                    found.append(f"{path.relative_to(TUI.parent.parent)}:{node.lineno} {node.name}({', '.join(takes)})")
    return found


def test_workers_with_arguments_are_named():
    assert unnamed_workers() == []


def test_the_check_sees_a_worker_without_a_name(tmp_path, monkeypatch):
    (tmp_path / "screen.py").write_text(
        "from textual import work\n"
        "class S:\n"
        "    @work(group='x')\n"
        "    async def login(self, password):\n"
        "        pass\n", encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.TUI", tmp_path)
    found = unnamed_workers()
    assert len(found) == 1 and found[0].endswith("login(password)")
