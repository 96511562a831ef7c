"""The OS keyring for real: a fresh gnome-keyring inside a private D-Bus session (dbus-run-session),
the simulator on a loopback port, and the c2m-tui CLI as a person runs it.

login (wrong password refused and not stored; no terminal -> exit 2; server down -> exit 4), login
for real, status with the password read from the keyring (none in the environment), logout, and
status again -> exit 3. After it, no file under C2M_TUI_HOME or the keyring's HOME holds the password.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import require_tool

pytestmark = pytest.mark.realpart


def cli(*args: str, env: dict, stdin: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "c2m_tui", *args],
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def files_containing(root: Path, needle: str) -> list[Path]:
    data = needle.encode()
    return [p for p in root.rglob("*") if p.is_file() and not p.is_symlink() and data in p.read_bytes()]


@pytest.fixture
def secret_service(tmp_path, app_home):
    """Environment for subprocesses that talk to a fresh, unlocked gnome-keyring on a private bus."""
    require_tool("dbus-run-session", "gnome-keyring-daemon")
    home = tmp_path / "home"
    runtime = tmp_path / "run"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHON_KEYRING_BACKEND", "DBUS_SESSION_BUS_ADDRESS", "GNOME_KEYRING_CONTROL",
                        "SSH_AUTH_SOCK", "DISPLAY", "WAYLAND_DISPLAY")}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_RUNTIME_DIR=str(runtime),
        C2M_TUI_HOME=str(app_home),
    )
    ready = tmp_path / "bus-address"
    # Unlock (creating) the login keyring with a throw-away password, then report the bus address and
    # wait until the test closes our stdin; leaving ends the bus, and gnome-keyring with it.
    script = (
        'printf %s "$KEYRING_PW" | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 1; '
        'printf %s "$DBUS_SESSION_BUS_ADDRESS" > "$READY.tmp" && mv "$READY.tmp" "$READY"; read -r _'
    )
    log = open(tmp_path / "dbus-session.log", "w")
    proc = subprocess.Popen(
        ["dbus-run-session", "--", "bash", "-c", script],
        stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT,
        env={**env, "KEYRING_PW": "keyring-" + secrets.token_hex(8), "READY": str(ready)},
    )
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(f"gnome-keyring did not start: {(tmp_path / 'dbus-session.log').read_text()[-2000:]}")
            time.sleep(0.05)
        env["DBUS_SESSION_BUS_ADDRESS"] = ready.read_text()
        yield env
    finally:
        proc.stdin.close()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        log.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_login_status_logout_with_a_real_secret_service(secret_service, sim_factory, app_home, tmp_path):
    env = secret_service
    password = "pw-" + secrets.token_urlsafe(12)
    sim = sim_factory("--user", f"alice:{password}", "--queue-seconds", "0.2", "--job-seconds", "0.2")
    login = ["login", "--profile", "local", "--base-url", sim.base_url, "--username", "alice"]

    # The keyring here is the real Secret Service.
    listed = cli("profiles", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "keyring: keyring.backends.SecretService.Keyring" in listed.stdout

    # A wrong password is reported (exit 3) and neither it nor the profile is kept.
    wrong = cli(*login, "--password-stdin", env=env, stdin="not-the-password\n")
    assert wrong.returncode == 3, wrong.stderr
    assert "rejected" in wrong.stderr and "nothing was stored" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    names = [p["name"] for p in json.loads(cli("profiles", "--json", env=env).stdout)]
    assert "local" not in names

    # No terminal and no --password-stdin: exit 2, saying what to do.
    no_tty = cli(*login, env=env)
    assert no_tty.returncode == 2
    assert "--password-stdin" in no_tty.stderr

    # Server down: exit 4, nothing stored.
    down = cli("login", "--profile", "down", "--base-url", f"http://127.0.0.1:{free_port()}/v1",
               "--username", "alice", "--password-stdin", env=env, stdin=password)
    assert down.returncode == 4, down.stderr
    assert "nothing was stored" in down.stderr

    # The real login, with a debug log.
    debug = tmp_path / "debug.log"
    ok = cli("--debug", str(debug), *login, "--password-stdin", env=env, stdin=password + "\n")
    assert ok.returncode == 0, ok.stderr
    assert "SecretService" in ok.stdout
    row = {p["name"]: p for p in json.loads(cli("profiles", "--json", env=env).stdout)}["local"]
    assert row == {"name": "local", "environment": "custom", "base_url": sim.base_url,
                   "username": "alice", "secret_source": "keyring", "default": False}

    # A batch to ask about (created directly, so only `status` reads the keyring).
    created = httpx.post(f"{sim.base_url}/batches", auth=("alice", password), timeout=10)
    assert created.status_code == 201, created.text
    batch_id = re.search(r"<id>(\d+)</id>", created.text).group(1)

    assert "C2M_PASSWORD" not in env and "C2M_USERNAME" not in env
    status = cli("status", batch_id, "--profile", "local", env=env)
    assert status.returncode == 0, status.stderr
    assert batch_id in status.stdout

    out = cli("logout", "--profile", "local", env=env)
    assert out.returncode == 0, out.stderr
    assert "removed" in out.stdout
    again = cli("status", batch_id, "--profile", "local", env=env)
    assert again.returncode == 3
    assert "c2m-tui login --profile local" in again.stderr
    assert "Traceback" not in again.stderr
    twice = cli("logout", "--profile", "local", env=env)
    assert twice.returncode == 0 and "nothing to remove" in twice.stdout

    # The debug log shows the exchange but neither the password nor its Basic token.
    text = debug.read_text()
    assert "batches" in text
    assert password not in text
    assert base64.b64encode(f"alice:{password}".encode()).decode() not in text
    assert oct(debug.stat().st_mode & 0o777) == "0o600"

    # Never in plain text on disk: not in the app's files, not in the keyring's home.
    assert files_containing(app_home, password) == []
    assert files_containing(Path(env["HOME"]), password) == []


LOCK_DEFAULT_COLLECTION = (
    "import secretstorage\n"
    "collection = secretstorage.get_default_collection(secretstorage.dbus_init())\n"
    "collection.lock()\n"
    "assert collection.is_locked()\n"
)


def test_locked_keyring_is_explained(secret_service, sim_factory, app_home):
    env = secret_service
    password = "pw-" + secrets.token_urlsafe(12)
    sim = sim_factory("--user", f"alice:{password}")
    login = ["login", "--profile", "local", "--base-url", sim.base_url, "--username", "alice", "--password-stdin"]
    assert cli(*login, env=env, stdin=password).returncode == 0

    locked = subprocess.run([sys.executable, "-c", LOCK_DEFAULT_COLLECTION], env=env, capture_output=True, text=True,
                            timeout=30)
    assert locked.returncode == 0, locked.stderr

    # Nobody can answer an unlock prompt here (no desktop): said in words, with the choices.
    status = cli("status", "1", "--profile", "local", env=env)
    assert status.returncode == 3
    assert "locked" in status.stderr and "Traceback" not in status.stderr
    again = cli(*login, env=env, stdin=password)
    assert again.returncode == 3
    assert "locked" in again.stderr
    for choice in ("session only", "C2M_USERNAME and C2M_PASSWORD", "dbus-run-session"):
        assert choice in again.stderr
    assert "keyring: not usable: the keyring is locked" in cli("profiles", env=env).stdout
    # the environment still works while the keyring is locked
    created = httpx.post(f"{sim.base_url}/batches", auth=("alice", password), timeout=10)
    batch_id = re.search(r"<id>(\d+)</id>", created.text).group(1)
    ok = cli("status", batch_id, "--profile", "local", env={**env, "C2M_PASSWORD": password})
    assert ok.returncode == 0, ok.stderr
    assert files_containing(app_home, password) == []
