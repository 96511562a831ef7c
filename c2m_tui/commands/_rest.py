"""The REST ("molpro") client for a command: ``--rest-url`` and the profile's REST host."""

from __future__ import annotations

import argparse


def add_rest_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rest-url", metavar="URL", default=argparse.SUPPRESS,
        help="REST API base URL (default: the profile's rest_url, else staging's or production's "
        "https://…/molpro, or /molpro on a loopback --base-url's host)",
    )


def rest_url_from_args(args: argparse.Namespace, profile, base_url: str) -> str | None:
    from c2m_tui.config.profiles import rest_url_of

    return rest_url_of(profile, profile.environment, base_url, getattr(args, "rest_url", None))


def rest_client_from_args(args: argparse.Namespace, *, required: bool = True):
    """A RestClient for the chosen profile (use it with ``async with``); None when no REST host is
    known and ``required`` is False, else a UsageError saying how to name one."""
    from c2m_tui.commands._common import debug_logger, resolve_target
    from c2m_tui.core.errors import UsageError
    from c2m_tui.core.rest import RestClient

    profile, base_url, credentials = resolve_target(args)
    url = rest_url_from_args(args, profile, base_url)
    if url is None:
        if not required:
            return None
        raise UsageError(f"no REST API host is known for {base_url} (profile {profile.name}): give --rest-url URL "
                         "or set rest_url in the profile")
    return RestClient(url, credentials.username, credentials.password, debug_log=debug_logger(args))


def quote_before_send(args: argparse.Namespace, xml: bytes | None):
    """For ``send`` and ``resume``, before they ask: print the estimate per group, the total, the
    balance and what remains (or why each is unknown) on stderr, and refuse (InsufficientCreditError,
    exit 1, one line with both amounts) when the account cannot pay and may not go negative.
    Returns the Quote, for the confirmation to name the amount."""
    import asyncio

    from c2m_tui.commands._common import stderr
    from c2m_tui.core.pricing import Quote, check_affordable, estimate_for

    if xml is None:
        quote = Quote(estimate_problem="the batch XML is not recorded yet", credit_problem="not asked")
    else:
        rest = rest_client_from_args(args, required=False)

        async def ask() -> Quote:
            if rest is None:
                return await estimate_for(None, xml)
            async with rest:
                return await estimate_for(rest, xml)

        quote = asyncio.run(ask())
    for line in quote.lines():
        stderr(line)
    check_affordable(quote)
    return quote
