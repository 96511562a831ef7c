"""Asking a person before money is spent. Production asks for the number of mail pieces."""

from __future__ import annotations

import sys

from c2m_tui.core.errors import UsageError


def summary(prepared, profile, base_url: str) -> str:
    from c2m_tui.core.preflight import human_size

    env = profile.environment.upper()
    return (
        f"About to send to {env} ({base_url}, profile {profile.name}):\n"
        f"  PDF {prepared.pdf} ({prepared.pdf_pages} pages, {human_size(prepared.pdf_bytes)})\n"
        f"  XML {prepared.xml_path}: {prepared.jobs} job(s), {prepared.pieces} mail piece(s), "
        f"{prepared.report.pages} printed page(s) per set"
    )


def price_words(quote) -> str:
    """", estimated $12.34" or ", and the price is unknown" for a production prompt ("" without a quote)."""
    if quote is None:
        return ""
    words = quote.confirmation_words()
    return f", {words}" if quote.estimate is not None else f", and {words}"


def _ask(prompt: str) -> str:
    sys.stderr.write(prompt)
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        raise UsageError("no answer on standard input; not sent")
    return line.strip()


def confirm_send(prepared, profile, base_url: str, *, assume_yes: bool, quote=None) -> bool:
    """True to go ahead. With --yes it states what it sends; without a terminal it refuses (exit 2)."""
    text = summary(prepared, profile, base_url)
    print(text, file=sys.stderr, flush=True)
    if assume_yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError("no terminal to confirm on: re-run with --yes to send without asking")
    if profile.environment == "production":
        answer = _ask(
            f"This is PRODUCTION: real letters, real money{price_words(quote)}. Type the number of mail "
            f"pieces ({prepared.pieces}) to send: "
        )
        return answer == str(prepared.pieces)
    return _ask("Send it? [y/N] ").lower() in ("y", "yes")
