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


_CHUNK_PIECES = 16384  # pieces joined into one write: about 200 KB of JSON


def write_indented(obj: Any, write) -> None:
    """``json.dumps(obj, indent=2, ensure_ascii=False)`` handed to ``write`` in chunks, faster.

    Python 3.11's C encoder cannot indent, so json.dumps with ``indent`` runs the pure-Python one,
    a generator per dict and list; here strings go through the C string encoder and the rest is
    a list of pieces, written out whenever it is long. Anything but JSON's own types (dict with
    str keys, list, str, int, float, bool, None) is left to json.dumps, so the text never differs."""
    if not _plain(obj):
        write(json.dumps(obj, indent=2, ensure_ascii=False))
        return
    parts: list[str] = []
    _encode(obj, parts, "\n", write)
    write("".join(parts))


def _plain(obj: Any) -> bool:
    """Whether ``obj`` holds only JSON's own types (checked first, as nothing may be written before)."""
    cls = obj.__class__
    if cls is dict:
        return all(k.__class__ is str and _plain(v) for k, v in obj.items())
    if cls is list:
        return all(map(_plain, obj))
    if cls is float:
        return obj == obj and obj not in (float("inf"), float("-inf"))
    return cls in (str, int, bool) or obj is None


_encode_str = json.encoder.encode_basestring  # the C one where available, ensure_ascii=False


def _encode(obj: Any, out: list[str], newline: str, write) -> None:
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
        out.append(float.__repr__(obj))
    elif cls is dict:
        if not obj:
            out.append("{}")
            return
        inner = newline + "  "
        sep = "{" + inner
        for key, value in obj.items():
            out.append(sep)
            out.append(_encode_str(key))
            out.append(": ")
            _encode(value, out, inner, write)
            sep = "," + inner
        out.append(newline + "}")
    else:  # a list (_plain let nothing else through)
        if not obj:
            out.append("[]")
            return
        inner = newline + "  "
        sep = "[" + inner
        for value in obj:
            out.append(sep)
            _encode(value, out, inner, write)
            sep = "," + inner
            if len(out) > _CHUNK_PIECES:
                write("".join(out))
                out.clear()
        out.append(newline + "]")


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


def stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
