"""Opening the journal file so that the app always starts: a corrupt file is moved aside (and the
person told where), a vanished one is noticed, an unusable location falls back to memory."""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

JOURNAL_NAME = "journal.db"
MARKER_NAME = "journal-locks"  # the lock directory doubles as "a journal lived here before"


def _connect(target: str) -> sqlite3.Connection:
    # isolation_level=None: we open transactions ourselves (BEGIN IMMEDIATE for every write).
    conn = sqlite3.connect(target, timeout=15.0, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 15000")
    return conn


def _prepare(conn: sqlite3.Connection, schema: str, version: int) -> None:
    """Check the file is a sound journal and bring its schema up; raises sqlite3.DatabaseError if not."""
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if mode.lower() not in ("wal", "memory"):
        raise sqlite3.OperationalError(f"cannot switch to WAL mode (got {mode})")
    # FULL: an intent committed before an HTTP call must survive a crash of the machine, not only of us.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    check = conn.execute("PRAGMA quick_check").fetchone()[0]
    if check != "ok":
        raise NotAJournal(f"integrity check failed: {check}")
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    if found > version:
        raise NotAJournal(f"written by a newer c2m-tui (journal version {found}, this one knows {version})")
    # the tables must be ours: a foreign database that happens to be SQLite is no journal
    cols = {r[1] for r in conn.execute("PRAGMA table_info(batches)")}
    if cols and not {"key", "batch_id", "pdf_sha256", "xml_sha256", "xml_zlib"} <= cols:
        raise NotAJournal("it holds a table named batches but is not a c2m-tui journal")
    # one transaction, so two processes opening a new journal at once never see half a schema
    conn.executescript(f"BEGIN IMMEDIATE;\n{schema}\nCOMMIT;")
    conn.execute(f"PRAGMA user_version = {version}")


class NotAJournal(sqlite3.DatabaseError):
    """The file is readable but is not a sound c2m-tui journal: the only case that moves it aside."""


def _is_corrupt(err: sqlite3.DatabaseError) -> bool:
    """Corruption, not contention. OperationalError (locked, busy, disk I/O while another process
    sets the file up) is transient: moving a good journal aside then would forget every batch and
    with them the guard against submitting twice."""
    return isinstance(err, NotAJournal) or not isinstance(err, sqlite3.OperationalError)


@contextmanager
def _open_lock(path: Path) -> Iterator[None]:
    """Serialise opening (WAL switch, schema, integrity check) across processes."""
    try:
        import fcntl
    except ImportError:  # not POSIX: SQLite's own busy timeout is all we have
        yield
        return
    fd = os.open(path.with_name(path.name + ".open-lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _open_and_prepare(path: Path, schema: str, version: int, attempts: int = 5) -> sqlite3.Connection:
    """Open and prepare, retrying transient errors; corruption is raised at once."""
    for attempt in range(attempts):
        conn = _connect(str(path))
        try:
            _prepare(conn, schema, version)
            return conn
        except sqlite3.DatabaseError as err:
            conn.close()
            if _is_corrupt(err) or attempt == attempts - 1:
                raise
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")


def _move_aside(path: Path) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    dest = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while dest.exists():
        n += 1
        dest = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    path.rename(dest)
    for suffix in ("-wal", "-shm"):  # a stale WAL replayed into a fresh file would corrupt it again
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(dest.with_name(dest.name + suffix))
    return dest


def open_journal_connection(path: Path, schema: str, version: int) -> tuple[sqlite3.Connection, Path | None, str | None]:
    """Return (connection, path or None for memory, notice for the person or None)."""
    notice: str | None = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        marker = path.parent / MARKER_NAME
        if not path.exists() and marker.is_dir():
            notice = (
                f"the batch journal {path} was missing; a new one was started "
                "(batches sent before are not listed, and their duplicates are not caught)"
            )
        with _open_lock(path):
            try:
                conn = _open_and_prepare(path, schema, version)
            except sqlite3.DatabaseError as err:
                if not _is_corrupt(err):
                    raise  # contention that outlasted the retries: memory fallback below, file untouched
                moved = _move_aside(path)
                conn = _open_and_prepare(path, schema, version)
                notice = (
                    f"the batch journal {path} could not be read ({err}); it was moved to {moved} "
                    "and a new one was started"
                )
        marker.mkdir(mode=0o700, exist_ok=True)
        return conn, path, notice
    except (OSError, sqlite3.Error) as err:
        conn = _connect(":memory:")
        _prepare(conn, schema, version)
        where = f" at {path}" if path else ""
        return conn, None, (
            f"the batch journal{where} cannot be used ({err}); this session's batches are kept in memory "
            "only and will not be remembered"
        )
