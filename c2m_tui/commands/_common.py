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

    profile = get_profile(getattr(args, "profile", None))
    if getattr(args, "base_url", None):
        profile = profile.with_base_url(args.base_url)
    credentials = resolve_credentials(profile)
    return profile, profile.base_url, credentials


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
    if any(p.unknown_option for p in report.errors):
        from c2m_tui.commands.validate import UNKNOWN_HINT

        stderr(f"note: {UNKNOWN_HINT}")
    if report.valid and prepared.credentials_removed:
        from c2m_tui.core.preflight import CREDENTIALS_NOTE

        stderr(f"note: {CREDENTIALS_NOTE}")
    return report.valid


def stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
