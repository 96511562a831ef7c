"""login, logout, profiles and credential sources through the real CLI when there is no usable
keyring (conftest's default: keyring's fail backend, the usual SSH case), with the simulator on a
loopback port. After each test, no file under C2M_TUI_HOME holds a password."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from c2m_tui.config import profiles

CHOICES = ("session only", "C2M_USERNAME and C2M_PASSWORD", "dbus-run-session", "gnome-keyring-daemon --unlock")
PASSWORD = "pw-" + secrets.token_urlsafe(12)


def cli(*args: str, stdin: str | None = None, **env_changes: str | None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-m", "c2m_tui", *args],
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True, text=True, env=env, timeout=60,
    )


@pytest.fixture(autouse=True)
def no_password_on_disk(app_home):
    yield
    leaked = [p for p in Path(app_home).rglob("*") if p.is_file() and PASSWORD.encode() in p.read_bytes()]
    assert leaked == []


@pytest.fixture
def alice_sim(sim_factory):
    return sim_factory("--user", f"alice:{PASSWORD}", "--queue-seconds", "0.2", "--job-seconds", "0.2")


def make_batch(sim) -> str:
    created = httpx.post(f"{sim.base_url}/batches", auth=("alice", PASSWORD), timeout=10)
    assert created.status_code == 201, created.text
    return re.search(r"<id>(\d+)</id>", created.text).group(1)


def test_login_without_keyring_explains_the_choices(alice_sim):
    r = cli("login", "--profile", "local", "--base-url", alice_sim.base_url, "--username", "alice",
            "--password-stdin", stdin=PASSWORD)
    assert r.returncode == 3
    assert "no OS keyring" in r.stderr
    for choice in CHOICES:
        assert choice in r.stderr
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1  # one message
    assert "local" not in profiles.load_profiles()
    # nothing reached the server: the keyring is checked before the password is even read
    assert alice_sim.state()["batches"] == []


def test_status_works_from_the_environment_without_keyring(alice_sim):
    profiles.save_profile(profiles.Profile("local", alice_sim.base_url, "alice", "custom"))
    batch_id = make_batch(alice_sim)
    r = cli("status", batch_id, "--profile", "local", C2M_USERNAME="alice", C2M_PASSWORD=PASSWORD)
    assert r.returncode == 0, r.stderr
    assert f"batch {batch_id}" in r.stdout

    listed = json.loads(cli("profiles", "--json", C2M_USERNAME="alice", C2M_PASSWORD=PASSWORD).stdout)
    assert {p["name"]: p["secret_source"] for p in listed}["local"] == "environment"

    # without the environment there is no password: exit 3, naming login and the keyring problem
    r = cli("status", batch_id, "--profile", "local")
    assert r.returncode == 3
    assert "no password for alice on profile local" in r.stderr and "no OS keyring" in r.stderr

    # a wrong password from the environment is rejected by the server: exit 3 too
    r = cli("status", batch_id, "--profile", "local", C2M_USERNAME="alice", C2M_PASSWORD="wrong")
    assert r.returncode == 3


def test_demo_profile_falls_back_to_demo_account(sim):
    created = httpx.post(f"{sim.base_url}/batches", auth=("demo", "demo"), timeout=10)
    batch_id = re.search(r"<id>(\d+)</id>", created.text).group(1)
    r = cli("status", batch_id, "--profile", "demo", "--base-url", sim.base_url)
    assert r.returncode == 0, r.stderr
    # ... but a profile of your own on the same simulator does not
    profiles.save_profile(profiles.Profile("mysim", sim.base_url, "demo", "custom"))
    r = cli("status", batch_id, "--profile", "mysim")
    assert r.returncode == 3


def test_plaintext_keyring_backend_is_refused(alice_sim, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    r = cli("login", "--profile", "local", "--base-url", alice_sim.base_url, "--username", "alice",
            "--password-stdin", stdin=PASSWORD, PYTHON_KEYRING_BACKEND="tests.plaintext_keyring.PlaintextKeyring",
            HOME=str(home), XDG_DATA_HOME=str(home / "data"))
    assert r.returncode == 3
    assert "file on disk" in r.stderr
    assert [p for p in home.rglob("*") if p.is_file()] == []


def test_profiles_listing_and_default():
    r = cli("profiles", "--json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert [row["name"] for row in rows] == ["demo", "staging", "production"]
    assert rows[0] == {"name": "demo", "environment": "demo", "base_url": "http://127.0.0.1:8025/v1",
                       "username": "demo", "secret_source": "demo", "default": True}
    assert rows[2]["secret_source"] == "none" and rows[2]["default"] is False

    refused = cli("profiles", "--set-default", "production")
    assert refused.returncode == 2 and "cannot be the default" in refused.stderr
    ok = cli("profiles", "--set-default", "staging")
    assert ok.returncode == 0, ok.stderr
    text = cli("profiles").stdout
    assert re.search(r"^\*\s+staging\s", text, re.M)
    assert "keyring: not usable" in text
    # C2M_PROFILE names production for this run (explicit), and the listing marks it
    rows = json.loads(cli("profiles", "--json", C2M_PROFILE="production").stdout)
    assert [r["name"] for r in rows if r["default"]] == ["production"]


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["login", "--base-url", "http://127.0.0.1:9/v1"], "needs --profile"),
        (["login", "--profile", "x", "--base-url", "http://example.com/v1"], "plain-http"),
        (["login", "--profile", "staging", "--base-url", "https://example.com/v1"], "always uses"),
        (["login", "--profile", "nope"], "no profile named 'nope'"),
        (["logout", "--profile", "nope"], "no profile named 'nope'"),
        (["login", "--password", "x"], "unrecognized arguments"),
    ],
)
def test_usage_errors(args, fragment):
    r = cli(*args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert fragment in r.stderr
    assert "Traceback" not in r.stderr


def test_logout_without_keyring_is_explained():
    r = cli("logout", "--profile", "demo")
    assert r.returncode == 3
    assert "no OS keyring" in r.stderr


def test_dbus_failure_is_explained(tmp_path):
    """The Secret Service backend chosen, but its D-Bus session bus is gone (a stale address)."""
    pytest.importorskip("secretstorage")
    r = cli("login", "--profile", "staging", "--username", "alice", "--password-stdin", stdin=PASSWORD,
            PYTHON_KEYRING_BACKEND="keyring.backends.SecretService.Keyring",
            DBUS_SESSION_BUS_ADDRESS=f"unix:path={tmp_path}/no-such-bus")
    assert r.returncode == 3
    assert "could not be reached over D-Bus" in r.stderr and "no-such-bus" in r.stderr
    for choice in CHOICES:
        assert choice in r.stderr
    assert "Traceback" not in r.stderr


def test_profiles_add_makes_a_profile_without_a_keyring(alice_sim):
    # no keyring here (conftest's fail backend): login cannot keep a password, yet the profile is made
    r = cli("profiles", "add", "mine", "--base-url", alice_sim.base_url, "--username", "alice")
    assert r.returncode == 0, r.stderr
    assert "password: not stored" in r.stdout
    rows = {row["name"]: row for row in json.loads(cli("profiles", "--json").stdout)}
    assert rows["mine"]["username"] == "alice" and rows["mine"]["base_url"] == alice_sim.base_url
    assert rows["mine"]["secret_source"] == "none"
    # the password then comes from the environment, for one run
    ok = cli("status", "1", "--profile", "mine", C2M_PASSWORD=PASSWORD)
    assert ok.returncode in (0, 1), ok.stderr  # authenticated: 404 for an unknown id is 1, never 3
    assert "not found" in ok.stderr
    # without one and without a terminal to ask on: exit 3 naming the choices
    missing = cli("status", "1", "--profile", "mine")
    assert missing.returncode == 3 and "C2M_PASSWORD" in missing.stderr
    # a built-in with a fixed server and a bad name are refused in one line
    assert cli("profiles", "add", "production", "--base-url", alice_sim.base_url).returncode == 2
    bad = cli("profiles", "add", "no name", "--base-url", alice_sim.base_url)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
