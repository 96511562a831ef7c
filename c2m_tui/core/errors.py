"""Typed errors the core raises; each carries the CLI exit code and a message a person can read."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_CREDENTIALS = 3
EXIT_UNREACHABLE = 4


class C2MError(Exception):
    """Base of every error the core raises on purpose. ``str(err)`` is one clear line."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} ({self.hint})"


class InputError(C2MError):
    """Bad local input: a missing file, not a PDF, malformed XML. Says what and where."""


class UsageError(C2MError):
    exit_code = EXIT_USAGE


class CredentialsError(C2MError):
    """Credentials missing, or rejected by the server (HTTP 401)."""

    exit_code = EXIT_CREDENTIALS


class KeyringUnavailableError(CredentialsError):
    """No usable OS keyring (no backend, locked, D-Bus error)."""


class APIError(C2MError):
    """The server answered, but not with success."""

    def __init__(self, message: str, *, status_code: int | None = None, body: str = "", hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status_code = status_code
        self.body = body


class AnswerTooLargeError(APIError):
    """The server's answer was bigger than any real answer (refused while streaming, never held)."""


class NotFoundError(APIError):
    """The batch id is unknown to this server (HTTP 404)."""


class BadRequestError(APIError):
    """The server refused the request (4xx other than 401/404); carries the server's message."""


class ServerError(APIError):
    """The server failed (5xx)."""


class TransportError(C2MError):
    """The request may or may not have reached the server."""

    exit_code = EXIT_UNREACHABLE


class UnreachableError(TransportError):
    """Could not connect at all: nothing was sent."""


class RequestTimeoutError(TransportError):
    """No answer in time: the request may have been processed."""


class AmbiguousSubmitError(C2MError):
    """A create or submit call failed in a way that leaves open whether it took effect."""


def describe(err: BaseException, where: object = None) -> str:
    """The one line a person reads for any error, in the CLI and the app alike: our own message,
    the operating system's (with the file), or, for a bug, the exception named: never a traceback.
    ``where`` names the file or thing being worked on when the error does not."""
    if isinstance(err, C2MError):
        return str(err)
    prefix = f"{where}: " if where is not None else ""
    if isinstance(err, OSError):
        name = err.filename if err.filename is not None else where
        return (f"{name}: " if name is not None else "") + str(err.strerror or err)
    return f"{prefix}unexpected {type(err).__name__}: {err}"
