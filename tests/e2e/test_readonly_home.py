"""A home c2m-tui cannot write gives one clear line and exit 1 on the first run, not an OSError
traceback from config/paths.py. Reproduced for real: a read-only bind mount (EROFS, in a private
mount namespace), a folder owned by someone else for an unprivileged user (EACCES), and a file where
the folder must be (ENOTDIR)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO, require_tool

COMMANDS = (["profiles"], ["batches"], ["status", "123", "--base-url", "http://127.0.0.1:9/v1"])


def _check(proc: subprocess.CompletedProcess, where: str) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 1 and len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"c2m-tui: {where}") and "cannot create c2m-tui's folder" in lines[0]
    assert "C2M_TUI_HOME" in lines[0]


@pytest.mark.realpart
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_read_only_home_on_first_run(tmp_path, command):
    require_tool("unshare", "mount")
    home = tmp_path / "home"
    home.mkdir()
    script = 'mount --bind -o ro "$1" "$1" && shift && exec "$@"'
    proc = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", str(home), sys.executable, "-m", "c2m_tui", *command],
        capture_output=True, text=True, env={**os.environ, "C2M_TUI_HOME": str(home)}, timeout=60, cwd=REPO,
    )
    if "unshare failed" in proc.stderr or "mount:" in proc.stderr:
        pytest.skip(f"no private mount namespace here: {proc.stderr.strip()}")
    _check(proc, str(home))
    assert "Read-only file system" in proc.stderr


def test_a_home_that_is_a_file(tmp_path):
    home = tmp_path / "home"
    home.write_text("not a folder")
    proc = subprocess.run([sys.executable, "-m", "c2m_tui", "profiles"], capture_output=True, text=True,
                          env={**os.environ, "C2M_TUI_HOME": str(home)}, timeout=60)
    _check(proc, str(home))


@pytest.mark.realpart
def test_a_home_the_user_may_not_write(tmp_path):
    require_tool("setpriv")
    if os.geteuid() != 0:
        pytest.skip("needs root to become another user")
    home = tmp_path / "home"
    home.mkdir(mode=0o500)
    os.chmod(tmp_path, 0o755)
    proc = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m", "c2m_tui", "profiles"],
        capture_output=True, text=True, env={**os.environ, "C2M_TUI_HOME": str(home)}, timeout=60, cwd=REPO,
    )
    _check(proc, str(home))
    assert "Permission denied" in proc.stderr
