"""`c2m-tui login` at a real terminal (tmux): it asks for the username and the password, the password
is not echoed, and it ends up in a real Secret Service (gnome-keyring in dbus-run-session)."""

from __future__ import annotations

import json
import secrets
import shlex
import subprocess
import sys
import time

import pytest

from tests.conftest import require_tool
from tests.e2e.test_keyring_secret_service import cli, files_containing, secret_service  # noqa: F401 - fixture

pytestmark = pytest.mark.realpart


def wait_for(sock: str, text: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = subprocess.run(["tmux", "-L", sock, "capture-pane", "-p", "-t", "login"],
                                capture_output=True, text=True).stdout
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared; screen:\n{screen}")


def test_login_asks_at_the_terminal_without_echo(secret_service, sim_factory, app_home):  # noqa: F811
    require_tool("tmux")
    env = secret_service
    password = "pw-" + secrets.token_urlsafe(12)
    sim = sim_factory("--user", f"alice:{password}")
    sock = "c2m-login-" + secrets.token_hex(4)
    command = " ".join(shlex.quote(a) for a in (sys.executable, "-m", "c2m_tui", "login", "--profile", "local",
                                               "--base-url", sim.base_url))
    subprocess.run(["tmux", "-L", sock, "-f", "/dev/null", "new-session", "-d", "-s", "login", "-x", "150", "-y", "20",
                    f"{command}; echo EXIT=$?; sleep 60"], env=env, check=True)
    try:
        wait_for(sock, "Username for local")
        subprocess.run(["tmux", "-L", sock, "send-keys", "-t", "login", "-l", "alice"], check=True)
        subprocess.run(["tmux", "-L", sock, "send-keys", "-t", "login", "Enter"], check=True)
        wait_for(sock, "Password for alice on local:")
        subprocess.run(["tmux", "-L", sock, "send-keys", "-t", "login", "-l", password], check=True)
        subprocess.run(["tmux", "-L", sock, "send-keys", "-t", "login", "Enter"], check=True)
        screen = wait_for(sock, "EXIT=")
    finally:
        subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
    assert "EXIT=0" in screen, screen
    assert "logged in: profile local" in screen
    assert password not in screen  # getpass: nothing echoed
    rows = {p["name"]: p for p in json.loads(cli("profiles", "--json", env=env).stdout)}
    assert rows["local"]["secret_source"] == "keyring" and rows["local"]["username"] == "alice"
    assert files_containing(app_home, password) == []
