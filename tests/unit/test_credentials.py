"""credentials.py: the order of sources, and which keyrings may hold a password.

The order and keyring calls run against a small in-memory keyring backend (a real keyring
KeyringBackend subclass, since no Secret Service runs inside unit tests); the real Secret Service
is exercised in tests/e2e/test_keyring_secret_service.py. The refusals use keyring's own fail,
null and chainer backends and a plain-text file backend like keyrings.alt's (tests/plaintext_keyring.py).
"""

from __future__ import annotations

import keyring
import keyring.backend
import pytest
from keyring.backends import chainer, fail, null

from c2m_tui.config import credentials as creds
from c2m_tui.config import profiles
from c2m_tui.core.errors import CredentialsError, KeyringUnavailableError


class MemoryKeyring(keyring.backend.KeyringBackend):
    @keyring.backend.properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("test-only backend, never auto-selected")

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        del self.store[(service, username)]


class LockedKeyring(MemoryKeyring):
    def get_password(self, service, username):
        from keyring.errors import KeyringLocked

        raise KeyringLocked("Failed to unlock the collection!")

    set_password = get_password


@pytest.fixture
def use_backend():
    previous = keyring.get_keyring()

    def use(backend):
        keyring.set_keyring(backend)
        return backend

    yield use
    keyring.set_keyring(previous)


@pytest.fixture
def memory(use_backend):
    return use_backend(MemoryKeyring())


STAGING = profiles.BUILTINS["staging"].with_username("alice")
PASSWORDS = ("s3cret-pw", "from-keyring", "from-env", "carols-pw", "never-stored", "pw-in-real", "stored", "typed")


@pytest.fixture(autouse=True)
def no_password_on_disk(app_home):
    yield
    for path in app_home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not [pw for pw in PASSWORDS if pw.encode() in data], path
DEMO = profiles.BUILTINS["demo"]


def test_keyring_round_trip_uses_profile_and_user_key(memory):
    assert creds.keyring_status() == creds.KeyringStatus(True, f"{__name__}.MemoryKeyring", None)
    creds.store_password(STAGING, "alice", "s3cret-pw")
    assert memory.store == {("c2m-tui", "staging:alice"): "s3cret-pw"}
    got = creds.resolve_credentials(STAGING)
    assert (got.username, got.password, got.source) == ("alice", "s3cret-pw", "keyring")
    assert "s3cret-pw" not in repr(got)
    assert creds.delete_password(STAGING, "alice") is True
    assert creds.delete_password(STAGING, "alice") is False
    assert memory.store == {}


def test_environment_beats_keyring(memory, monkeypatch):
    creds.store_password(STAGING, "alice", "from-keyring")
    monkeypatch.setenv("C2M_USERNAME", "env-user")
    monkeypatch.setenv("C2M_PASSWORD", "from-env")
    got = creds.resolve_credentials(STAGING)
    assert (got.username, got.password, got.source) == ("env-user", "from-env", "environment")


def test_username_from_environment_looks_up_the_keyring(memory, monkeypatch):
    creds.store_password(STAGING, "carol", "carols-pw")
    monkeypatch.setenv("C2M_USERNAME", "carol")
    got = creds.resolve_credentials(STAGING)
    assert (got.username, got.password, got.source) == ("carol", "carols-pw", "keyring")


def test_password_in_environment_needs_a_username(monkeypatch, memory):
    monkeypatch.setenv("C2M_PASSWORD", "pw")
    with pytest.raises(CredentialsError, match="C2M_USERNAME"):
        creds.resolve_credentials(profiles.BUILTINS["staging"])


def test_keyring_beats_session_and_session_beats_nothing(memory):
    assert creds.resolve_credentials(STAGING, session_password="typed").source == "session"
    creds.store_password(STAGING, "alice", "stored")
    got = creds.resolve_credentials(STAGING, session_password="typed")
    assert (got.password, got.source) == ("stored", "keyring")


def test_demo_fallback_only_for_the_demo_profile(memory):
    got = creds.resolve_credentials(DEMO)
    assert (got.username, got.password, got.source) == ("demo", "demo", "demo")
    with pytest.raises(CredentialsError) as info:
        creds.resolve_credentials(STAGING)
    assert info.value.exit_code == 3
    assert "c2m-tui login --profile staging" in str(info.value) and "C2M_PASSWORD" in str(info.value)
    # a profile of your own on loopback is not the demo
    own = profiles.Profile("mysim", "http://127.0.0.1:9/v1", "demo", "custom")
    with pytest.raises(CredentialsError):
        creds.resolve_credentials(own)


def test_no_username_says_so(memory):
    with pytest.raises(CredentialsError, match="no username for profile staging"):
        creds.resolve_credentials(profiles.BUILTINS["staging"])


def test_secret_source_never_raises(memory):
    assert creds.secret_source(STAGING) == "none"
    assert creds.secret_source(DEMO) == "demo"
    assert creds.secret_source(STAGING, session_password="x") == "session"
    creds.store_password(STAGING, "alice", "p")
    assert creds.secret_source(STAGING) == "keyring"


def _assert_refused(problem: str | None) -> None:
    assert problem
    with pytest.raises(KeyringUnavailableError) as info:
        creds.store_password(STAGING, "alice", "never-stored")
    msg = str(info.value)
    assert info.value.exit_code == 3
    # the one message names every choice
    for choice in ("session only", "C2M_USERNAME and C2M_PASSWORD", "dbus-run-session", "gnome-keyring-daemon --unlock"):
        assert choice in msg


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()], ids=["fail", "null"])
def test_no_backend_is_explained(use_backend, backend):
    use_backend(backend)
    status = creds.keyring_status()
    assert not status.usable and "no OS keyring" in status.problem
    _assert_refused(status.problem)
    # resolving without a password names the keyring problem
    with pytest.raises(CredentialsError, match="no OS keyring"):
        creds.resolve_credentials(STAGING)


def test_empty_chainer_is_refused(use_backend, monkeypatch):
    # an empty chainer silently stores nothing: keyring's "limit" leaves it with no backends
    monkeypatch.setattr(keyring.backend, "_limit", lambda kr: False)
    backend = use_backend(chainer.ChainerBackend())
    assert list(backend.backends) == []
    status = creds.keyring_status()
    assert not status.usable and "no OS keyring" in status.problem
    _assert_refused(status.problem)


@pytest.fixture
def plaintext(use_backend, tmp_path, monkeypatch):
    from tests.plaintext_keyring import PlaintextKeyring

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path))
    return PlaintextKeyring()


def test_plaintext_file_keyring_is_refused(use_backend, plaintext, tmp_path):
    use_backend(plaintext)
    status = creds.keyring_status()
    assert not status.usable and "file on disk" in status.problem
    _assert_refused(status.problem)
    assert not any(p.is_file() for p in tmp_path.rglob("*")), "nothing may be written"


def test_chainer_skips_a_file_backend_for_a_real_one(use_backend, plaintext, monkeypatch, tmp_path):
    real = MemoryKeyring()
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [plaintext, real])
    use_backend(chainer.ChainerBackend())
    assert creds.keyring_status().usable
    creds.store_password(STAGING, "alice", "pw-in-real")
    assert real.store == {("c2m-tui", "staging:alice"): "pw-in-real"}
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_chainer_of_only_file_backends_is_refused(use_backend, plaintext, monkeypatch):
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [plaintext])
    use_backend(chainer.ChainerBackend())
    status = creds.keyring_status()
    assert not status.usable and "file on disk" in status.problem


def test_locked_keyring_is_explained_not_raised(use_backend):
    use_backend(LockedKeyring())
    status = creds.keyring_status()
    assert not status.usable and "locked" in status.problem
    _assert_refused(status.problem)
    with pytest.raises(CredentialsError, match="locked"):
        creds.resolve_credentials(STAGING)
    # the demo still works with a locked keyring
    assert creds.resolve_credentials(DEMO).source == "demo"


def test_dbus_failure_is_explained(use_backend):
    class DBusBroken(MemoryKeyring):
        def get_password(self, service, username):
            from jeepney.wrappers import DBusErrorResponse

            raise DBusErrorResponse(
                type("Msg", (), {"header": type("H", (), {"fields": {4: "org.freedesktop.DBus.Error.NoReply"}})(),
                                 "body": ("Did not receive a reply",)})()
            )

    pytest.importorskip("jeepney")
    use_backend(DBusBroken())
    status = creds.keyring_status()
    assert not status.usable and "D-Bus" in status.problem


def test_backend_that_keeps_nothing_is_caught(use_backend):
    class Forgetful(MemoryKeyring):
        def set_password(self, service, username, password):
            pass

    use_backend(Forgetful())
    with pytest.raises(KeyringUnavailableError, match="did not keep the password"):
        creds.store_password(STAGING, "alice", "pw")


def test_broken_backend_setting_is_explained(monkeypatch):
    def broken():
        raise ValueError("bad backend name")

    monkeypatch.setattr(keyring, "get_keyring", broken)
    status = creds.keyring_status()
    assert not status.usable and "could not be loaded" in status.problem
