"""c2m-tui login [--profile P] [--base-url URL] [--username U] [--password-stdin]"""

from __future__ import annotations

import argparse

HELP = "check a username and password against the server and keep the password in the OS keyring"
DESCRIPTION = (
    "Ask for the password (or read it from standard input with --password-stdin), check it against the "
    "profile's server, and keep it in the OS keyring (never in a file). A rejected password is not "
    "stored. --profile NAME --base-url URL creates or updates a profile of your own. "
    "Exit 0 ok, 2 usage (e.g. no terminal to ask on), 3 rejected or no usable keyring, 4 unreachable."
)


def add_arguments(parser) -> None:
    parser.add_argument("--profile", metavar="NAME", default=argparse.SUPPRESS,
                        help="profile to log in to (default: the configured default)")
    parser.add_argument("--base-url", metavar="URL", default=argparse.SUPPRESS,
                        help="create or update profile NAME with this API base URL")
    parser.add_argument("--username", metavar="USER", help="account name (default: the profile's, or C2M_USERNAME)")
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the password from standard input (there is no --password: arguments are visible to others)")


def run(args) -> int:
    import asyncio
    import sys

    from c2m_tui.config import credentials as creds
    from c2m_tui.config import profiles as prof
    from c2m_tui.config.debuglog import register_secret
    from c2m_tui.core.errors import CredentialsError, KeyringUnavailableError, TransportError, UsageError

    profile = _chosen_profile(args, prof)

    status = creds.keyring_status()
    if not status.usable:
        # Say so before asking for a password that could not be kept.
        raise KeyringUnavailableError(f"cannot keep the password: {status.problem}. {creds.NO_KEYRING_HELP}")

    username = creds.effective_username(profile, getattr(args, "username", None))
    if not username:
        if args.password_stdin or not sys.stdin.isatty():
            raise UsageError(f"no username for profile {profile.name}: give --username NAME")
        username = input(f"Username for {profile.name} ({profile.base_url}): ").strip()
        if not username:
            raise UsageError("no username given")
    password = _read_password(args, profile, username)
    register_secret(password)

    try:
        asyncio.run(_check(profile.base_url, username, password, args))
    except CredentialsError:
        raise CredentialsError(
            f"the server at {profile.base_url} rejected the password for {username} "
            f"(profile {profile.name}); nothing was stored"
        ) from None
    except TransportError as err:
        raise type(err)(f"{err}; nothing was stored") from None

    previous = profile.username
    backend = creds.store_password(profile, username, password)
    if previous and previous != username:
        try:  # one account per profile: don't leave the old password behind
            creds.delete_password(profile, previous)
        except CredentialsError:
            pass
    saved = prof.save_profile(profile.with_username(username))
    print(f"logged in: profile {saved.name} ({saved.base_url}) as {username}; "
          f"password kept in the OS keyring ({backend})")
    if creds._env(creds.PASSWORD_ENV):
        print(f"note: {creds.PASSWORD_ENV} is set in this shell and is used before the keyring", file=sys.stderr)
    return 0


def _chosen_profile(args, prof):
    """The profile to log in to; with --base-url, created or updated (saved after a good login)."""
    import os

    from c2m_tui.core.errors import UsageError

    name = getattr(args, "profile", None)
    base_url = getattr(args, "base_url", None)
    if not base_url:
        return prof.get_profile(name)
    name = name or os.environ.get(prof.PROFILE_ENV, "").strip()
    if not name:
        raise UsageError("--base-url needs --profile NAME: the profile to create or update")
    prof.check_profile_name(name)
    existing = prof.load_profiles().get(name)
    if existing is None:
        url = prof.normalize_base_url(base_url)
        return prof.Profile(name, url, None, prof.environment_of(name, url))
    changed = existing.with_base_url(base_url)
    if existing.name in prof.BUILTINS and existing.name != "demo" and changed.base_url != existing.base_url:
        raise UsageError(
            f"the {name} profile always uses {existing.base_url}; for another server make a profile of "
            f"your own: `c2m-tui login --profile NAME --base-url {changed.base_url}`"
        )
    return changed


def _read_password(args, profile, username: str) -> str:
    import getpass
    import sys

    from c2m_tui.core.errors import UsageError

    if args.password_stdin:
        password = sys.stdin.read()
        # one trailing line ending comes from `echo`/heredocs; anything else is part of the password
        if password.endswith("\n"):
            password = password[:-1]
            if password.endswith("\r"):
                password = password[:-1]
        if not password:
            raise UsageError("--password-stdin: standard input was empty")
        return password
    if not sys.stdin.isatty():
        raise UsageError(
            "no terminal to ask for the password on: pipe it in with --password-stdin "
            "(e.g. `printf %s \"$PW\" | c2m-tui login --password-stdin`)"
        )
    password = getpass.getpass(f"Password for {username} on {profile.name}: ")
    if not password:
        raise UsageError("no password given")
    return password


async def _check(base_url: str, username: str, password: str, args) -> None:
    from c2m_tui.commands._common import debug_logger
    from c2m_tui.core.client import BatchClient

    async with BatchClient(base_url, username, password, retries=1, debug_log=debug_logger(args)) as client:
        await client.check_credentials()
