"""The ``--debug FILE`` log: everything useful for a bug report, nothing secret.

A logging.Filter on the file's handler rewrites each record before it is written: Authorization
headers, ``Basic``/``Bearer`` tokens, passwords in URLs, and every password the app has seen at run
time (``register_secret``) become ``***``. The filter sits on the file's handler, so records that
reach the file from other loggers (httpx, httpcore) are redacted too, and on the app's debug logger
itself, so any other handler attached there (a test runner's capture) sees redacted records only.
"""

from __future__ import annotations

import base64
import binascii
import errno
import json
import logging
import os
import re
import stat
import threading
from pathlib import Path
from urllib.parse import quote, quote_plus

MASK = "***"
LOGGER_NAME = "c2m_tui.debug"
# Libraries whose debug output is worth having in the same file (requests, connections).
CAPTURED_LOGGERS = ("httpx", "httpcore")

_secrets: set[str] = set()
_raw_secrets: set[str] = set()
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


# Text that may be base64 (a Basic token without its "Basic", or any other base64 of the password)
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{8,}={0,2}")
_PERCENT = re.compile(r"%[0-9A-F]{2}")


def secret_forms(secret: str) -> set[str]:
    """Every spelling of ``secret`` a log line may carry: as is, %-encoded (upper and lower case hex,
    with "+" or "%20" for a space), JSON-escaped (with and without ``\\u`` escapes), and as Python's
    repr shows it inside a str or a bytes value."""
    quoted = {quote(secret, safe=""), quote_plus(secret)}
    forms = {secret, *quoted, *(_PERCENT.sub(lambda m: m.group(0).lower(), q) for q in quoted)}
    forms.add(json.dumps(secret)[1:-1])
    forms.add(json.dumps(secret, ensure_ascii=False)[1:-1])
    forms.add(repr(secret)[1:-1])
    forms.add(repr(secret.encode("utf-8"))[2:-1])
    return {f for f in forms if f}


def register_secret(secret: str | None) -> None:
    """Remember a password so that it is masked wherever it appears in the debug log, in any of
    ``secret_forms``; base64 that decodes to text holding it (a bare Basic token) is masked too."""
    if not secret:
        return
    with _secrets_lock:
        _secrets.update(secret_forms(secret))
        _raw_secrets.add(secret)


def forget_secrets() -> None:
    """Clear the registered passwords (tests; logout)."""
    with _secrets_lock:
        _secrets.clear()
        _raw_secrets.clear()


def redact(text: str) -> str:
    """``text`` with every known secret and credential-looking token replaced by ``***``."""
    if not text:
        return text
    with _secrets_lock:
        secrets = sorted(_secrets, key=len, reverse=True)  # longest first: no partial leftovers
        raw = tuple(_raw_secrets)
    if raw:
        text = _BASE64_RUN.sub(lambda m: MASK if _decodes_to_secret(m.group(0), raw) else m.group(0), text)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _decodes_to_secret(candidate: str, secrets: tuple[str, ...]) -> bool:
    """Is ``candidate`` base64 (standard or URL-safe, padded or not) of text holding a secret?"""
    body = candidate.rstrip("=")
    padded = body + "=" * (-len(body) % 4)
    for altchars in (None, b"-_"):
        try:
            decoded = base64.b64decode(padded, altchars=altchars, validate=True)
        except (binascii.Error, ValueError):
            continue
        text = decoded.decode("utf-8", "replace")
        if any(secret in text for secret in secrets):
            return True
    return False


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
    fd = _open_log_file(Path(path))
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


def _open_log_file(target: Path) -> int:
    """The debug file opened for appending, created 0600, without following a symlink: a link
    planted at the path would make us append to (and chmod) whatever it points at. A symlink to a
    terminal or a pipe (``/dev/stderr``) is fine: it is opened without creating and never chmodded."""
    from c2m_tui.core.errors import InputError

    flags = os.O_WRONLY | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(target, flags | os.O_CREAT | nofollow, 0o600)
    except OSError as err:
        if err.errno != errno.ELOOP or not target.is_symlink():
            raise InputError(f"{target}: cannot open the debug log: {err.strerror or err}") from None
        fd = _open_stream_link(target, flags)
    try:
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) != 0o600:
            os.fchmod(fd, 0o600)  # an existing file keeps its mode on open: make it private now
    except (OSError, AttributeError):  # not ours to chmod; fchmod is missing on old Windows
        pass
    return fd


def _open_stream_link(target: Path, flags: int) -> int:
    from c2m_tui.core.errors import InputError

    refused = InputError(f"{target}: is a symbolic link; give the debug log's real path")
    try:
        fd = os.open(target, flags | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        raise refused from None
    mode = os.fstat(fd).st_mode
    if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        os.close(fd)
        raise refused
    os.set_blocking(fd, True)
    return fd


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
