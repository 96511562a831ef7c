"""The ``--debug FILE`` log: everything useful for a bug report, nothing secret.

A logging.Filter on the file's handler rewrites each record before it is written: Authorization
headers, ``Basic``/``Bearer`` tokens, passwords in URLs, and every password the app has seen at run
time (``register_secret``) become ``***``. The filter sits on the file's handler, so records that
reach the file from other loggers (httpx, httpcore) are redacted too, and on the app's debug logger
itself, so any other handler attached there (a test runner's capture) sees redacted records only.
"""

from __future__ import annotations

import base64
import logging
import os
import re
import threading
from pathlib import Path
from urllib.parse import quote, quote_plus

MASK = "***"
LOGGER_NAME = "c2m_tui.debug"
# Libraries whose debug output is worth having in the same file (requests, connections).
CAPTURED_LOGGERS = ("httpx", "httpcore")

_secrets: set[str] = set()
_secrets_lock = threading.Lock()

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # "Authorization: Basic abc" up to the end of the line, in headers as printed by HTTP libraries
    (re.compile(r"(?im)\b((?:proxy-)?authorization\s*:\s*)[^\r\n]*"), r"\1" + MASK),
    # ('authorization', 'Basic abc') / {"Authorization": "Basic abc"} / b'authorization', b'...'
    (
        re.compile(r"""(?i)(b?['"](?:proxy-)?authorization['"]\s*[,:=]\s*b?['"])[^'"]*"""),
        r"\1" + MASK,
    ),
    (re.compile(r"(?i)\b(basic|bearer)\s+[A-Za-z0-9+/=._~-]{4,}"), r"\1 " + MASK),
    # scheme://user:password@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/]*@"), r"\1" + MASK + "@"),
    # <password>...</password> in batch XML, which the server ignores but people still send
    (re.compile(r"(?is)(<password>).*?(</password>)"), r"\1" + MASK + r"\2"),
]


def register_secret(secret: str | None) -> None:
    """Remember a password so that it is masked wherever it appears in the debug log.

    Its URL-encoded forms are remembered too; the Basic token that carries it is caught by pattern.
    """
    if not secret:
        return
    forms = {secret, quote(secret, safe=""), quote_plus(secret)}
    with _secrets_lock:
        _secrets.update(f for f in forms if f)


def forget_secrets() -> None:
    """Clear the registered passwords (tests; logout)."""
    with _secrets_lock:
        _secrets.clear()


def redact(text: str) -> str:
    """``text`` with every known secret and credential-looking token replaced by ``***``."""
    if not text:
        return text
    with _secrets_lock:
        secrets = sorted(_secrets, key=len, reverse=True)  # longest first: no partial leftovers
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def basic_token(username: str, password: str) -> str:
    """The base64 part of a Basic header (exposed so tests can check it never reaches the file)."""
    return base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


class RedactingFilter(logging.Filter):
    """Rewrites a record's message (and its formatted traceback) with secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record, nor leak its args
            message = f"{record.msg!r} (unformattable arguments)"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_handlers: list[tuple[logging.Logger, logging.Handler]] = []
_LOGGER_FILTER = RedactingFilter()


def open_debug_log(path: str | os.PathLike[str], *, capture: tuple[str, ...] = CAPTURED_LOGGERS) -> logging.Logger:
    """A DEBUG logger writing to ``path`` (created 0600, appended to), with secrets redacted.

    The same handler is attached to the ``capture`` library loggers. Calling it again replaces the
    previous file.
    """
    close_debug_log()
    target = Path(path)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    fchmod = getattr(os, "fchmod", None)  # not on Windows before Python 3.13
    try:
        if fchmod is not None:
            fchmod(fd, 0o600)  # an existing file keeps its mode on open: make it private now
    except OSError:
        pass  # not ours to chmod (e.g. /dev/stderr); still written through the filter
    stream = os.fdopen(fd, "a", encoding="utf-8", errors="backslashreplace")
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger(LOGGER_NAME)
    if _LOGGER_FILTER not in logger.filters:
        logger.addFilter(_LOGGER_FILTER)
    for name in (LOGGER_NAME, *capture):
        lg = logging.getLogger(name)
        lg.setLevel(logging.DEBUG)
        lg.addHandler(handler)
        if name == LOGGER_NAME:
            lg.propagate = False
        _handlers.append((lg, handler))
    logger.debug("debug log opened (secrets are shown as %s)", MASK)
    return logger


def close_debug_log() -> None:
    """Detach and close the debug log's handler, if open."""
    seen: set[int] = set()
    while _handlers:
        lg, handler = _handlers.pop()
        lg.removeHandler(handler)
        if id(handler) not in seen:
            seen.add(id(handler))
            handler.close()
            try:
                handler.stream.close()
            except Exception:
                pass
