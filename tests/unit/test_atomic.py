"""atomic_write: the target is wholly replaced or not touched; no temporary file is left behind."""

from __future__ import annotations

import os
import stat

import pytest

from c2m_tui.core.atomic import atomic_write
from c2m_tui.core.errors import InputError


def leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_success_replaces_with_mode(tmp_path):
    target = tmp_path / "out.xml"
    target.write_text("old")
    with atomic_write(target, text=True, mode=0o600, fsync=True) as out:
        out.file.write("new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert leftovers(tmp_path) == []


def test_an_error_half_way_keeps_the_old_file(tmp_path):
    target = tmp_path / "out.xml"
    target.write_bytes(b"old")
    with pytest.raises(ValueError):
        with atomic_write(target) as out:
            out.file.write(b"half a batch")
            raise ValueError("bad row 900,000")
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_discard_keeps_the_old_file(tmp_path):
    target = tmp_path / "out.xml"
    with atomic_write(target) as out:
        out.file.write(b"rejected rows")
        out.discard()
    assert not target.exists()
    assert leftovers(tmp_path) == []


def test_a_missing_folder_is_one_clear_error(tmp_path):
    with pytest.raises(InputError, match="nowhere"):
        with atomic_write(tmp_path / "nowhere" / "out.xml") as out:
            out.file.write(b"x")
