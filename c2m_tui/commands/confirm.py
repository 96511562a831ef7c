"""Asking a person before money is spent. Production asks for the number of mail pieces."""

from __future__ import annotations

import sys

from c2m_tui.core.errors import UsageError


def summary(prepared, profile, base_url: str) -> str:
    from c2m_tui.core.preflight import human_size

    env = profile.environment.upper()
    text = (
        f"About to send to {env} ({base_url}, profile {profile.name}):\n"
        f"  PDF {prepared.pdf} ({prepared.pdf_pages:,} pages, {human_size(prepared.pdf_bytes)})\n"
        f"  XML {prepared.xml_path}: {prepared.jobs:,} job(s), {prepared.pieces:,} mail piece(s), "
        f"{prepared.report.pages:,} printed page(s) per set"
    )
    return text + "".join(f"\n  {label + ':' if label else '':<16}{value}" for label, value in mailed_rows(prepared))


def mailed_rows(prepared) -> list[tuple[str, str]]:
    """What will be mailed, in the review page's words (core.mail_summary)."""
    from c2m_tui.core.mail_summary import mail_summary

    try:
        return mail_summary(prepared.xml).lines()
    except Exception:  # validated already; the summary must never stop a send by itself
        return []


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


def confirm_send(prepared, profile, base_url: str, *, assume_yes: bool, quote=None, earlier=None,
                 allow_duplicate: bool = False) -> bool:
    """True to go ahead. With --yes it states what it sends; without a terminal it refuses (exit 2).
    ``earlier`` (journal.views.EarlierSubmit: the same PDF and XML submitted before) is said BEFORE
    asking: refused (DuplicateBatchError, as the send itself would) unless ``allow_duplicate``, then
    a warning above the question."""
    from c2m_tui.core.journal import DuplicateBatchError

    text = summary(prepared, profile, base_url)
    print(text, file=sys.stderr, flush=True)
    if earlier is not None:
        if not allow_duplicate:
            raise DuplicateBatchError(earlier.describe(), hint="use --allow-duplicate to mail them again on purpose")
        print(f"WARNING: {earlier.describe()}; sending again mails every letter a second time",
              file=sys.stderr, flush=True)
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
