"""A path Input that completes from the directory listing as you type (→ accepts), and a
DirectoryTree that shows only folders and the files you may pick (keyboard: arrows, enter)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from textual.suggester import Suggester
from textual.widgets import DirectoryTree


def typed_path(value: str) -> Path:
    """A path as a person types or pastes it: surrounding quotes removed ('~/My Letter.pdf', as a
    shell or a file manager's "copy as path" gives it), backslash-escaped spaces (a file dragged
    onto the terminal) unescaped, ``~`` expanded."""
    text = value.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    elif "\\ " in text and not os.path.exists(os.path.expanduser(text)):
        text = text.replace("\\ ", " ")
    return Path(os.path.expanduser(text))


class PathSuggester(Suggester):
    """Completes the last path component from the folder's listing; folders get a trailing ``/``."""

    def __init__(self, suffixes: tuple[str, ...] = (".pdf",)) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.suffixes = suffixes

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        expanded = os.path.expanduser(value)
        folder, _, prefix = expanded.rpartition(os.sep)
        base = Path(folder or ("/" if expanded.startswith(os.sep) else "."))
        try:
            names = sorted(os.listdir(base))
        except OSError:
            return None
        for name in names:
            if not name.startswith(prefix) or name == prefix or name.startswith("."):
                continue
            full = base / name
            if full.is_dir():
                completion = name + os.sep
            elif name.lower().endswith(self.suffixes):
                completion = name
            else:
                continue
            head = value[: len(value) - len(prefix)]
            return head + completion
        return None


class FileTree(DirectoryTree):
    """Folders and files with the given suffixes only; hidden entries are left out."""

    def __init__(self, path: str | Path, *, suffixes: tuple[str, ...] = (".pdf",), id: str | None = None) -> None:
        self.suffixes = suffixes
        super().__init__(path, id=id)

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p for p in paths
            if not p.name.startswith(".") and (p.is_dir() or p.name.lower().endswith(self.suffixes))
        ]
