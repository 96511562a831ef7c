"""Where a profile's password comes from, and keeping it in the OS keyring.

Order: the environment (C2M_USERNAME / C2M_PASSWORD), then the OS keyring (service "c2m-tui",
one entry per profile and user, "PROFILE:USER"), then a password typed for this session only (the
TUI keeps it in memory), and for the demo profile only the simulator's public demo/demo account.

The keyring is used only when it is a real one. keyring's "no backend" stand-ins (fail, null, an
empty chainer, which silently stores nothing) and keyrings.alt's file backends (a password in a
file on disk) are refused; a locked keyring or a D-Bus failure is reported in words, with the
choices that remain (NO_KEYRING_HELP), never as a traceback and never by writing a file instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from c2m_tui.config.debuglog import register_secret
from c2m_tui.config.profiles import Profile
from c2m_tui.core.errors import CredentialsError, KeyringUnavailableError

SERVICE = "c2m-tui"
USERNAME_ENV = "C2M_USERNAME"
PASSWORD_ENV = "C2M_PASSWORD"
DEMO_USERNAME = DEMO_PASSWORD = "demo"  # the local simulator's public account, never a real one
SOURCES = ("environment", "keyring", "session", "demo", "none")
_PROBE_KEY = "c2m-tui:keyring-probe"
NO_BACKEND_PROBLEM = (
    "no OS keyring is available here (the usual case over SSH: no desktop session and no Secret Service)"
)

NO_KEYRING_HELP = (
    "Choose one: (1) use the password for this session only: type it when the app (`c2m-tui`) or a "
    "command on a terminal asks; it is kept in memory and asked once per run (a profile of your own is "
    "made without a password by `c2m-tui profiles add NAME --base-url URL --username USER`); "
    "(2) set C2M_USERNAME and C2M_PASSWORD in this shell (e.g. `read -rs C2M_PASSWORD; export C2M_PASSWORD`); "
    "(3) start a Secret Service for this shell: `dbus-run-session -- bash`, then in that shell "
    "`read -rs KP; printf %s \"$KP\" | gnome-keyring-daemon --unlock --components=secrets`, then "
    "`c2m-tui login` again (see docs/credentials.md)."
)
# the same choices as said inside the app, where "start the app" would make no sense
NO_KEYRING_HELP_IN_APP = (
    "The password you type is kept in memory for this session only and asked again next run. To not "
    "type it: set C2M_USERNAME and C2M_PASSWORD before starting c2m-tui, or start a Secret Service "
    "(see docs/credentials.md)."
)


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)  # never in a repr, a log line or a traceback's locals dump
    source: str = "none"  # one of SOURCES


@dataclass(frozen=True)
class KeyringStatus:
    usable: bool
    backend: str  # e.g. "keyring.backends.SecretService.Keyring"
    problem: str | None = None  # why it cannot be used, in words


def keyring_key(profile: Profile | str, username: str) -> str:
    """The keyring "username" under SERVICE for this profile and user."""
    name = profile if isinstance(profile, str) else profile.name
    return f"{name}:{username}"


# --- the keyring backend --------------------------------------------------------------------------


def _name_of(obj) -> str:
    cls = obj if isinstance(obj, type) else type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"


def _refusal(backend) -> str | None:
    """Why this backend must not hold passwords, or None if it may. A backend that keeps them in a
    file is refused: keyrings.alt's, and any other that says where its file is (``file_path``, as
    keyrings.alt's file backends and their kin do)."""
    modules = [c.__module__ for c in type(backend).__mro__]
    if any(m.startswith("keyrings.alt") for m in modules) or hasattr(type(backend), "file_path"):
        return (f"the keyring backend here is {_name_of(backend)}, which keeps passwords in a file on "
                "disk; c2m-tui refuses it")
    if any(m in ("keyring.backends.fail", "keyring.backends.null") for m in modules):
        return NO_BACKEND_PROBLEM
    return None


def _select_backend():
    """(backend to use or None, name, problem). A chainer is opened up: its first acceptable
    backend is used directly, so a file-based fallback in the chain can never receive a password."""
    try:
        import keyring
        from keyring.backends.chainer import ChainerBackend

        backend = keyring.get_keyring()
    except Exception as err:  # a broken keyringrc.cfg or PYTHON_KEYRING_BACKEND
        if _from_dbus(err):
            return None, "unknown", _describe(err)
        return None, "unknown", f"the keyring could not be loaded: {_describe(err)}"
    if isinstance(backend, ChainerBackend):
        chained = list(backend.backends)
        for candidate in chained:
            if _refusal(candidate) is None:
                return candidate, _name_of(candidate), None
        if chained:
            return None, _name_of(backend), _refusal(chained[0])
        return None, _name_of(backend), NO_BACKEND_PROBLEM
    refusal = _refusal(backend)
    return (None if refusal else backend), _name_of(backend), refusal


def _describe(err: BaseException) -> str:
    """One line about a keyring or D-Bus failure, naming the likely cause."""
    kind = type(err).__name__
    text = " ".join(str(err).split()) or kind
    if kind == "KeyringLocked" or "locked" in text.lower():
        return ("the keyring is locked and could not be unlocked (no desktop here to ask for its "
                f"password, or the prompt was dismissed): {text}")
    if _from_dbus(err) or "dbus" in text.lower() or kind == "InitError":
        address = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
        where = f" at {address}" if address else " (DBUS_SESSION_BUS_ADDRESS is not set)"
        return f"the Secret Service could not be reached over D-Bus{where}: {kind}: {text}"
    return f"{kind}: {text}" if text != kind else kind


def _from_dbus(err: BaseException) -> bool:
    """True if the error came out of the D-Bus libraries (even as a plain OSError from a socket)."""
    seen = 0
    while err is not None and seen < 5:
        if (type(err).__module__ or "").startswith(_DBUS_MODULES):
            return True
        tb = err.__traceback__
        while tb is not None:
            if str(tb.tb_frame.f_globals.get("__name__", "")).startswith(_DBUS_MODULES):
                return True
            tb = tb.tb_next
        err, seen = err.__cause__ or err.__context__, seen + 1
    return False


_DBUS_MODULES = ("jeepney", "secretstorage", "dbus")


def keyring_status(*, probe: bool = True) -> KeyringStatus:
    """Whether passwords can be kept in the OS keyring here, and if not, why.

    With ``probe`` the backend is asked for a non-existent entry, which finds a locked keyring or a
    dead D-Bus connection (a desktop may show its unlock prompt, as any keyring use would).
    """
    backend, name, problem = _select_backend()
    if backend is None:
        return KeyringStatus(False, name, problem)
    if probe:
        try:
            backend.get_password(SERVICE, _PROBE_KEY)
        except Exception as err:
            return KeyringStatus(False, name, _describe(err))
    return KeyringStatus(True, name, None)


def _usable_backend():
    backend, _name, problem = _select_backend()
    if backend is None:
        raise KeyringUnavailableError(f"cannot use the OS keyring: {problem}. {NO_KEYRING_HELP}")
    return backend


def _keyring_failed(err: BaseException) -> KeyringUnavailableError:
    return KeyringUnavailableError(f"cannot use the OS keyring: {_describe(err)}. {NO_KEYRING_HELP}")


def get_password(profile: Profile | str, username: str) -> str | None:
    """The stored password, None if there is none; KeyringUnavailableError if the keyring can't be used."""
    backend = _usable_backend()
    try:
        password = backend.get_password(SERVICE, keyring_key(profile, username))
    except Exception as err:
        raise _keyring_failed(err) from None
    if password:
        register_secret(password)
    return password or None


def store_password(profile: Profile | str, username: str, password: str) -> str:
    """Keep the password in the OS keyring; returns the backend's name. Refuses an unusable keyring."""
    if not password:
        raise CredentialsError("refusing to store an empty password")
    register_secret(password)
    backend = _usable_backend()
    try:
        backend.set_password(SERVICE, keyring_key(profile, username), password)
        # Read it back: some backends accept a write and keep nothing.
        stored = backend.get_password(SERVICE, keyring_key(profile, username))
    except Exception as err:
        raise _keyring_failed(err) from None
    if stored != password:
        raise KeyringUnavailableError(
            f"the keyring backend {_name_of(backend)} did not keep the password. {NO_KEYRING_HELP}"
        )
    return _name_of(backend)


def delete_password(profile: Profile | str, username: str) -> bool:
    """Remove the stored password; False if none was stored."""
    backend = _usable_backend()
    key = keyring_key(profile, username)
    try:
        if backend.get_password(SERVICE, key) is None:
            return False
        backend.delete_password(SERVICE, key)
    except Exception as err:
        raise _keyring_failed(err) from None
    return True


# --- resolving ------------------------------------------------------------------------------------


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value else None


def effective_username(profile: Profile, username: str | None = None) -> str | None:
    """The username a request would use: given > C2M_USERNAME > the profile's."""
    return username or _env(USERNAME_ENV) or profile.username


def resolve_credentials(
    profile: Profile, *, session_password: str | None = None, username: str | None = None
) -> Credentials:
    """The credentials for ``profile``: environment, keyring, session, then (demo only) demo/demo.

    Raises CredentialsError (exit 3) naming the choices when nothing provides a password.
    """
    user = effective_username(profile, username)
    env_password = _env(PASSWORD_ENV)
    if env_password:
        if not user:
            raise CredentialsError(
                f"{PASSWORD_ENV} is set but no username is known for profile {profile.name}: "
                f"set {USERNAME_ENV} too"
            )
        register_secret(env_password)
        return Credentials(user, env_password, "environment")
    keyring_problem = None
    if user:
        try:
            stored = get_password(profile, user)
        except KeyringUnavailableError as err:
            keyring_problem = err.message
            stored = None
        if stored:
            return Credentials(user, stored, "keyring")
        if session_password:
            register_secret(session_password)
            return Credentials(user, session_password, "session")
    if profile.environment == "demo" and user in (None, DEMO_USERNAME):
        return Credentials(DEMO_USERNAME, DEMO_PASSWORD, "demo")
    raise CredentialsError(_missing_message(profile, user, keyring_problem))


def _missing_message(profile: Profile, user: str | None, keyring_problem: str | None) -> str:
    flag = "" if profile.name == "demo" else f" --profile {profile.name}"
    if not user:
        head = (f"no username for profile {profile.name}: run `c2m-tui login{flag} --username NAME`, "
                f"or set {USERNAME_ENV} and {PASSWORD_ENV}")
    else:
        head = f"no password for {user} on profile {profile.name}"
        if keyring_problem is None:
            head += f": run `c2m-tui login{flag}`, or set {USERNAME_ENV} and {PASSWORD_ENV}"
    if keyring_problem:
        return f"{head}; {keyring_problem}"
    return head


def secret_source(profile: Profile, *, session_password: str | None = None) -> str:
    """Where ``profile``'s password would come from now (one of SOURCES), without raising."""
    try:
        return resolve_credentials(profile, session_password=session_password).source
    except CredentialsError:
        return "none"
