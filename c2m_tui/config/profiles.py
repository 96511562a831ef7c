"""Profiles: a named server (base URL) and the username used there; never a password.

Built-ins: ``demo`` (the local simulator), ``staging`` and ``production`` (Click2Mail's servers).
Custom profiles live in config.toml as ``[profiles.NAME]`` with their own base URL; a built-in's
entry there only records its username (and, for demo, another simulator port).

Production is deliberate: it is never the default. It is used only when named for this run, with
``--profile production`` or ``C2M_PROFILE=production`` (an environment variable is set on purpose
for one shell or one script, unlike the saved default, which silently applies to every later run).
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from c2m_tui.config.configfile import DEFAULT_PROFILE_KEY, PROFILES_KEY, modify_config, read_config
from c2m_tui.config.paths import config_file
from c2m_tui.core.errors import InputError, UsageError

ENVIRONMENTS = ("demo", "staging", "production", "custom")
PROFILE_ENV = "C2M_PROFILE"
DEFAULT_PROFILE = "demo"

DEMO_BASE_URL = "http://127.0.0.1:8025/v1"
STAGING_BASE_URL = "https://stage-batch.click2mail.com/v1"
PRODUCTION_BASE_URL = "https://batch.click2mail.com/v1"
# Hosts as ``canonical_host`` spells them (lower case, no trailing dot, no port).
PRODUCTION_HOSTS = frozenset({"batch.click2mail.com"})
STAGING_HOSTS = frozenset({"stage-batch.click2mail.com"})

PRODUCTION_DEFAULT_REFUSED = (
    "{name} is a production profile and cannot be the default: production mail costs money, so it is "
    "chosen for each run with --profile {name} (or C2M_PROFILE={name} in a script)"
)

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class Profile:
    name: str
    base_url: str
    username: str | None
    environment: str  # one of ENVIRONMENTS; derived from the name and base URL, never stored
    builtin: bool = False
    rest_url: str | None = None  # the REST ("molpro") API's base URL when not the environment's own

    def with_base_url(self, base_url: str) -> "Profile":
        """This profile pointed at another server (``--base-url``); the environment follows the URL."""
        url = normalize_base_url(base_url)
        return replace(self, base_url=url, environment=environment_of(self.name, url))

    def with_username(self, username: str | None) -> "Profile":
        return replace(self, username=username or None)


BUILTINS: dict[str, Profile] = {
    "demo": Profile("demo", DEMO_BASE_URL, "demo", "demo", builtin=True),
    "staging": Profile("staging", STAGING_BASE_URL, None, "staging", builtin=True),
    "production": Profile("production", PRODUCTION_BASE_URL, None, "production", builtin=True),
}
# Built-ins whose server is fixed: pointing them elsewhere would make the label lie.
_FIXED_URL = frozenset({"staging", "production"})


def is_production(profile: Profile | str) -> bool:
    """True for any profile that sends to Click2Mail's production server, whatever its name."""
    if isinstance(profile, str):
        found = load_profiles().get(profile)
        if found is None:
            return profile == "production"
        profile = found
    return profile.environment == "production"


def is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def canonical_host(url: str) -> str:
    """The host of ``url`` as DNS resolves it: lower case, IDNA-encoded, without the trailing dot(s),
    the port, the path or any user part ("HTTPS://Batch.Click2Mail.COM.:443/v1/" ->
    "batch.click2mail.com")."""
    try:
        host = urlsplit((url or "").strip()).hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".").lower()
    try:
        return host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return host


def classify(url: str) -> str:
    """The environment a base URL reaches by its host alone: "production", "staging" or "custom"."""
    host = canonical_host(url)
    if host in PRODUCTION_HOSTS:
        return "production"
    if host in STAGING_HOSTS:
        return "staging"
    return "custom"


def environment_of(name: str, base_url: str) -> str:
    """A profile's environment: its URL's (``classify``), or "demo" for the demo profile on loopback."""
    environment = classify(base_url)
    if environment == "custom" and name == "demo" and is_loopback_host(canonical_host(base_url)):
        return "demo"
    return environment


def check_profile_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise UsageError(
            f"invalid profile name {name!r}: use letters, digits, '.', '_' or '-' (at most 64, starting "
            "with a letter or digit)"
        )
    return name


def rest_url_of(profile: "Profile", environment: str, base_url: str, override: str | None = None) -> str | None:
    """The REST ("molpro") API's base URL for a profile: ``override`` (``--rest-url``), else the
    profile's ``rest_url``, else the environment's own host (the core's rule); None when none is known.
    One rule for the CLI and the app."""
    from c2m_tui.core.rest import rest_url_for

    chosen = override or profile.rest_url
    return rest_url_for(environment, base_url, normalize_base_url(chosen) if chosen else None)


def normalize_base_url(url: str) -> str:
    """The URL without a trailing slash; refuses what would not work or would leak the password."""
    raw = (url or "").strip()
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"invalid base URL {url!r}: expected http(s)://HOST[:PORT]/PATH, e.g. {STAGING_BASE_URL}")
    if parts.username or parts.password:
        raise UsageError("the base URL must not contain a username or password: use `c2m-tui login`")
    if parts.query or parts.fragment:
        raise UsageError(f"invalid base URL {url!r}: no '?' or '#' part expected")
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise UsageError(f"invalid base URL {url!r}: bad port") from None
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        # HTTP Basic auth over plain http would send the password readable to anyone on the path.
        raise UsageError(f"refusing plain-http base URL {url!r}: use https (plain http only for 127.0.0.1/localhost)")
    return raw.rstrip("/")


def load_profiles() -> dict[str, Profile]:
    """Built-ins merged with config.toml's ``[profiles.NAME]`` tables, built-ins first."""
    path = config_file()
    table = read_config().get(PROFILES_KEY, {})
    if not isinstance(table, dict):
        raise InputError(f"{path}: 'profiles' must be a table ([profiles.NAME])")
    result = dict(BUILTINS)
    for name, entry in table.items():
        result[name] = _profile_from_entry(name, entry, path)
    return result


def _profile_from_entry(name: str, entry: Any, path) -> Profile:
    where = f"{path}: [profiles.{name}]"
    if not isinstance(entry, dict):
        raise InputError(f"{where} must be a table with base_url and username")
    try:
        check_profile_name(name)
    except UsageError as err:
        raise InputError(f"{where}: {err}") from None
    base_url, username, rest_url = entry.get("base_url"), entry.get("username"), entry.get("rest_url")
    for key, value in (("base_url", base_url), ("username", username), ("rest_url", rest_url)):
        if value is not None and not isinstance(value, str):
            raise InputError(f"{where}: {key} must be a string")
    builtin = BUILTINS.get(name)
    if builtin is not None and builtin.name in _FIXED_URL and base_url and base_url.rstrip("/") != builtin.base_url:
        raise InputError(f"{where}: the {name} profile's base_url is fixed ({builtin.base_url}); "
                         "make a profile of your own for another server")
    if builtin is None and not base_url:
        raise InputError(f"{where}: base_url is missing")
    url = base_url or builtin.base_url  # type: ignore[union-attr]
    try:
        url = normalize_base_url(url)
    except UsageError as err:
        raise InputError(f"{where}: {err}") from None
    if username is None and builtin is not None:
        username = builtin.username
    try:
        rest_url = normalize_base_url(rest_url) if rest_url else None
    except UsageError as err:
        raise InputError(f"{where}: rest_url: {err}") from None
    return Profile(name, url, username or None, environment_of(name, url), builtin=builtin is not None,
                   rest_url=rest_url)


def default_profile_name() -> str:
    """The saved default (settings ``default_profile``), else demo. Never a production profile."""
    name = read_config().get(DEFAULT_PROFILE_KEY) or DEFAULT_PROFILE
    if not isinstance(name, str):
        raise InputError(f"{config_file()}: default_profile must be a profile name")
    return name


def get_profile(name: str | None = None) -> Profile:
    """The named profile; None means C2M_PROFILE, else the saved default, else demo.

    A production profile reached through the saved default is refused (the file was edited by hand):
    production must be named for the run.
    """
    explicit = name or os.environ.get(PROFILE_ENV, "").strip() or None
    chosen = explicit or default_profile_name()
    profiles = load_profiles()
    profile = profiles.get(chosen)
    if profile is None:
        known = ", ".join(profiles)
        raise UsageError(
            f"no profile named {chosen!r} (known: {known}); create it with "
            f"`c2m-tui login --profile {chosen} --base-url URL`"
        )
    if explicit is None and is_production(profile):
        raise UsageError(f"{config_file()}: default_profile: " + PRODUCTION_DEFAULT_REFUSED.format(name=chosen))
    return profile


def save_profile(profile: Profile) -> Profile:
    """Create or update a profile in config.toml; returns it as it will load."""
    name = check_profile_name(profile.name)
    url = normalize_base_url(profile.base_url)
    builtin = BUILTINS.get(name)
    if builtin is not None and name in _FIXED_URL and url != builtin.base_url:
        raise UsageError(
            f"the {name} profile always uses {builtin.base_url}; for another server make a profile of "
            f"your own: `c2m-tui login --profile NAME --base-url {url}`"
        )
    if profile.username is not None and (not profile.username or any(c in profile.username for c in "\r\n")):
        raise UsageError("the username must be one line of text")
    entry: dict[str, Any] = {}
    if builtin is None or url != builtin.base_url:
        entry["base_url"] = url
    if profile.username and (builtin is None or profile.username != builtin.username):
        entry["username"] = profile.username

    def change(doc: dict[str, Any]) -> None:
        table = doc.setdefault(PROFILES_KEY, {})
        if not isinstance(table, dict):
            raise InputError(f"{config_file()}: 'profiles' must be a table ([profiles.NAME])")
        if entry:
            table[name] = entry
        else:
            table.pop(name, None)  # a built-in back to its defaults

    modify_config(change)
    return load_profiles()[name]


def set_default_profile(name: str) -> None:
    """Make ``name`` the default for later runs; refused for production (see module docstring)."""
    if not isinstance(name, str):
        raise UsageError(f"default_profile must be a profile name, not {name!r}")
    profile = load_profiles().get(name)
    if profile is None:
        raise UsageError(f"cannot make {name!r} the default profile: there is no such profile")
    if is_production(profile):
        raise UsageError(PRODUCTION_DEFAULT_REFUSED.format(name=name))

    def change(doc: dict[str, Any]) -> None:
        doc[DEFAULT_PROFILE_KEY] = name

    modify_config(change)
