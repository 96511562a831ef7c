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


def run_async(coro) -> Any:
    """``asyncio.run(coro)``, handing the result back outside the task. Python 3.11's asyncio.run
    formats its main task's repr on the way out (a SIGINT-handler check), and with it the repr of
    the result: 0.4 s for a tracking answer of 100,000 scans."""
    import asyncio

    box: list = []

    async def holder() -> None:
        box.append(await coro)

    asyncio.run(holder())
    return box[0]


def print_json(obj: Any) -> None:
    # Large chunks: json.dump into the stream makes one write call per token (3.2 million for a
    # 100,000-job status), which cost more than building the text; one write of the whole text
    # would hold all of it (and its pieces) in memory at once.
    write_indented(obj, sys.stdout.write)
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


def dumps_indented(obj: Any) -> str:
    """Exactly ``json.dumps(obj, indent=2, ensure_ascii=False)``."""
    chunks: list[str] = []
    write_indented(obj, chunks.append)
    return "".join(chunks)


_CHUNK_PIECES = 16384  # pieces joined into one write: a few hundred KB of JSON


def write_indented(obj: Any, write) -> None:
    """``json.dumps(obj, indent=2, ensure_ascii=False)`` handed to ``write`` in chunks, faster.

    Python 3.11's C encoder cannot indent, so json.dumps with ``indent`` runs the pure-Python one,
    a generator per dict and list. Here a dict of plain values (the usual row: a job, a scan) is
    one call of the C encoder, its item separator carrying the newline and the indent of its
    depth, and everything else is a list of pieces. The text is made whole before anything is
    written: a value that is not one of JSON's own types (a tuple, a non-str key, a subclass)
    sends the whole object to json.dumps instead, so the text never differs and never stops half
    written."""
    parts: list[str] = []
    try:
        _encode(obj, parts, "\n")
    except _NotPlain:
        write(json.dumps(obj, indent=2, ensure_ascii=False))
        return
    for start in range(0, len(parts), _CHUNK_PIECES):
        write("".join(parts[start:start + _CHUNK_PIECES]))


class _NotPlain(Exception):
    """A value json.dumps converts on its own terms: the whole object is left to it."""


_encode_str = json.encoder.encode_basestring  # the C one where available, ensure_ascii=False
_SCALARS = frozenset({str, int, float, bool, type(None)})
_FLAT_ENCODERS: dict[str, Any] = {}  # the C encoder of a plain dict at each depth (by its newline)


def _reject(value: Any) -> Any:
    raise _NotPlain


def _flat_encoder(inner: str):
    encoder = _FLAT_ENCODERS.get(inner)
    if encoder is None:
        make = getattr(json.encoder, "c_make_encoder", None)
        if make is None:  # no C accelerator: the pieces below do it all
            encoder = False
        else:
            # markers None: a dict of plain values cannot hold itself
            encoder = make(None, _reject, _encode_str, None, ": ", "," + inner, False, False, True)
        _FLAT_ENCODERS[inner] = encoder
    return encoder


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _encode(obj: Any, out: list[str], newline: str) -> None:
    cls = obj.__class__
    if cls is str:
        out.append(_encode_str(obj))
    elif obj is None:
        out.append("null")
    elif obj is True:
        out.append("true")
    elif obj is False:
        out.append("false")
    elif cls is int:
        out.append(int.__repr__(obj))
    elif cls is float:
        out.append(_float(obj))
    elif cls is dict:
        if not obj:
            out.append("{}")
            return
        inner = newline + "  "
        if all(map(_SCALARS.__contains__, map(type, obj.values()))):
            flat = _flat_encoder(inner)
            if flat:  # {"k": v,<inner>"k2": v2}: the C encoder's own text between the braces
                text = "".join(flat(obj, 0))
                out.append("{" + inner + text[1:-1] + newline + "}")
                return
        sep = "{" + inner
        for key, value in obj.items():
            if key.__class__ is not str:
                raise _NotPlain
            out.append(sep)
            out.append(_encode_str(key))
            out.append(": ")
            _encode(value, out, inner)
            sep = "," + inner
        out.append(newline + "}")
    elif cls is list:
        if not obj:
            out.append("[]")
            return
        inner = newline + "  "
        sep = "[" + inner
        for value in obj:
            out.append(sep)
            _encode(value, out, inner)
            sep = "," + inner
        out.append(newline + "]")
    else:
        raise _NotPlain


def batch_id_of(value: str) -> str:
    """A batch id as typed (digits), or a usage error."""
    from c2m_tui.core.errors import UsageError

    batch_id = value.strip()
    if not batch_id.isdigit():
        raise UsageError(f"a batch id is a number, not {value!r}")
    return batch_id


def app_journal():
    """This machine's journal, or JournalUnavailableError (nothing is sent without it)."""
    from c2m_tui.config.paths import journal_file, journal_marker
    from c2m_tui.core.journal import open_journal

    return open_journal(journal_file(), marker=journal_marker())


def journal_server(journal, batch_id: str) -> str:
    """The one server the journal knows this batch id on (ids repeat across servers), or an error."""
    from c2m_tui.core.errors import UsageError
    from c2m_tui.core.journal import JournalError

    servers = journal.servers_for(batch_id)
    if not servers:
        raise JournalError(f"batch {batch_id} is not in this machine's journal",
                           hint="c2m-tui batches lists the batches it knows")
    if len(servers) > 1:
        raise UsageError(f"batch id {batch_id} is in the journal for {len(servers)} servers "
                         f"({', '.join(servers)}): choose one with --profile or --base-url")
    return servers[0]


def journal_recipients(batch_id: str, base_url: str) -> dict:
    """Who each job of the batch went to, from this machine's journal ({} when it did not send it).
    A reading command works without the journal: an unusable one is said on stderr, never fatal."""
    from c2m_tui.config.paths import journal_file, journal_marker
    from c2m_tui.core.errors import C2MError, describe
    from c2m_tui.core.journal import open_journal
    from c2m_tui.core.journal.views import recipients_by_job

    if not journal_file().exists():
        return {}
    try:
        journal = open_journal(journal_file(), marker=journal_marker(), wait=2.0)
    except C2MError as err:
        stderr(f"c2m-tui: note: recipients are not named, the journal is unavailable: {describe(err)}")
        return {}
    try:
        return recipients_by_job(journal, batch_id, base_url)
    except C2MError:
        return {}
    finally:
        journal.close()


def journal_remembers_status(batch_id: str, base_url: str, status) -> None:
    """The status just read, for a batch this machine's journal knows (what `batches` and the home
    screen show as its last status); a batch it does not know costs nothing. Never fatal."""
    from c2m_tui.config.paths import journal_file, journal_marker
    from c2m_tui.core.errors import C2MError
    from c2m_tui.core.journal import open_journal

    if not journal_file().exists():
        return
    try:
        journal = open_journal(journal_file(), marker=journal_marker(), wait=2.0)
    except C2MError:
        return  # journal_recipients has said why
    try:
        if journal.find(batch_id, base_url) is not None:
            journal.record_status(batch_id, status, base_url=base_url)
    except (C2MError, OSError):
        pass
    finally:
        journal.close()


def stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
