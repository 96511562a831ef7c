"""Helpers shared by the network commands: profile and credential resolution, output."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def add_network_arguments(parser: argparse.ArgumentParser) -> None:
    """--profile and --base-url on a sub-command (also accepted before the command)."""
    parser.add_argument(
        "--profile", metavar="NAME", default=argparse.SUPPRESS,
        help="profile: demo, staging, production or your own (default: the configured default, never production)",
    )
    parser.add_argument(
        "--base-url", metavar="URL", default=argparse.SUPPRESS, help="API base URL, overriding the profile's"
    )


def resolve_target(args: argparse.Namespace):
    """The profile, its base URL (``--base-url`` wins) and its credentials, or a clear error (exit 3)."""
    from c2m_tui.config.credentials import resolve_credentials
    from c2m_tui.config.profiles import get_profile
    from c2m_tui.core.errors import CredentialsError

    profile = get_profile(getattr(args, "profile", None))
    if getattr(args, "base_url", None):
        profile = profile.with_base_url(args.base_url)
    try:
        credentials = resolve_credentials(profile)
    except CredentialsError as err:
        credentials = _ask_password(profile, err)
    return profile, profile.base_url, credentials


def _ask_password(profile, err):
    """On a terminal, a profile with a username but no stored password (no keyring: see
    ``profiles add``) gets its password asked for this run only; elsewhere the error stands (exit 3)."""
    import getpass

    from c2m_tui.config.credentials import Credentials, effective_username
    from c2m_tui.config.debuglog import register_secret

    user = effective_username(profile)
    if not user or not sys.stdin.isatty() or not sys.stderr.isatty():
        raise err
    try:
        password = getpass.getpass(f"Password for {user} on {profile.name} ({profile.base_url}), this run only: ",
                                   stream=sys.stderr)
    except EOFError:
        raise err from None
    if not password:
        raise err
    register_secret(password)
    return Credentials(user, password, "session")


def client_from_args(args: argparse.Namespace):
    """A BatchClient for the chosen profile (use it with ``async with``)."""
    from c2m_tui.core.client import BatchClient

    profile, base_url, credentials = resolve_target(args)
    return BatchClient(base_url, credentials.username, credentials.password, debug_log=debug_logger(args))


def debug_logger(args: argparse.Namespace):
    path = getattr(args, "debug", None)
    if not path:
        return None
    from c2m_tui.config.debuglog import open_debug_log

    return open_debug_log(path)


def print_json(obj: Any) -> None:
    json.dump(obj, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def report_problems(prepared, where: str) -> bool:
    """Print a prepared batch's problems (core.preflight) as send and resume do; True when it is valid."""
    report = prepared.report
    for problem in report.errors + report.warnings:
        stderr(problem.format(where))
    if report.valid and prepared.credentials_removed:
        stderr("note: the <username>/<password> inside the XML are removed before upload (HTTP Basic auth is used)")
    return report.valid


def stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
