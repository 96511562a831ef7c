"""Opening the journal file, or refusing to: no send goes ahead without a journal it can trust.

A journal that is missing where one was kept before, empty, unreadable, not ours, of a newer
version, locked past a short wait, behind a symbolic link, or that cannot be written stops the
opening with one ``JournalUnavailableError`` saying what is wrong and what to do. The file is
always left where it is: nothing is moved aside and no memory stand-in is used, because a journal
that forgot its batches would let the same letters be mailed twice.

"A journal was kept here before" is known from a marker file the caller names (the app keeps it in
its config folder, away from the data folder the journal lives in), and from the journal's lock
folder beside it.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from c2m_tui.core.journal.store import JournalError

JOURNAL_NAME = "journal.db"
LOCKS_NAME = "journal-locks"  # the lock folder doubles as "a journal lived here before"
OPEN_WAIT = 10.0  # seconds a locked journal is waited for before the command stops


class JournalUnavailableError(JournalError):
    """The journal cannot be trusted or written: nothing that could create or submit a batch runs."""


def _connect(target: str) -> sqlite3.Connection:
    # isolation_level=None: we open transactions ourselves (BEGIN IMMEDIATE for every write).
    conn = sqlite3.connect(target, timeout=2.0, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 2000")
    return conn


def _prepare(conn: sqlite3.Connection, schema: str, version: int) -> None:
    """Check the file is a sound journal and bring its schema up; raises sqlite3.DatabaseError if not.
    Whose and which version it is, and whether it is whole, are read before anything is written to it."""
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    if found > version:
        raise NotAJournal(f"written by a newer c2m-tui (journal version {found}, this one knows {version})")
    # the tables must be ours: a foreign database that happens to be SQLite is no journal
    cols = {r[1] for r in conn.execute("PRAGMA table_info(batches)")}
    if cols and not {"key", "batch_id", "pdf_sha256", "xml_sha256", "xml_zlib"} <= cols:
        raise NotAJournal("it holds a table named batches but is not a c2m-tui journal")
    check = conn.execute("PRAGMA quick_check").fetchone()[0]
    if check != "ok":
        raise NotAJournal(f"integrity check failed: {check}")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if mode.lower() not in ("wal", "memory"):
        raise sqlite3.OperationalError(f"cannot switch to WAL mode (got {mode})")
    # FULL: an intent committed before an HTTP call must survive a crash of the machine, not only of us.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    # one transaction, so two processes opening a new journal at once never see half a schema
    conn.executescript(f"BEGIN IMMEDIATE;\n{schema}\nCOMMIT;")
    conn.execute(f"PRAGMA user_version = {version}")


class NotAJournal(sqlite3.DatabaseError):
    """The file is readable but is not a sound c2m-tui journal."""


def _is_corrupt(err: sqlite3.DatabaseError) -> bool:
    """Corruption, not contention. OperationalError (locked, busy, disk I/O while another process
    sets the file up) may pass: it is retried until the wait runs out."""
    return isinstance(err, NotAJournal) or not isinstance(err, sqlite3.OperationalError)


@contextmanager
def _open_lock(path: Path) -> Iterator[None]:
    """Serialise opening (WAL switch, schema, integrity check) across processes."""
    try:
        import fcntl
    except ImportError:  # not POSIX: SQLite's own busy timeout is all we have
        yield
        return
    fd = os.open(path.with_name(path.name + ".open-lock"), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _open_and_prepare(path: Path, schema: str, version: int, wait: float) -> sqlite3.Connection:
    """Open and prepare, retrying transient errors for up to ``wait`` seconds; corruption is raised at once."""
    deadline = time.monotonic() + wait
    attempt = 0
    while True:
        conn = _connect(str(path))
        try:
            _prepare(conn, schema, version)
            return conn
        except sqlite3.DatabaseError as err:
            conn.close()
            if _is_corrupt(err) or time.monotonic() >= deadline:
                raise
            time.sleep(min(0.05 * 2**attempt, 0.5))
            attempt += 1


def _refuse(path: Path, what: str, todo: str) -> JournalUnavailableError:
    return JournalUnavailableError(f"the batch journal {path} {what}; nothing was sent", hint=todo)


def _kept_before(path: Path, marker: Path | None) -> bool:
    return (marker is not None and marker.exists()) or (path.parent / LOCKS_NAME).is_dir()


def _check_file(path: Path, marker: Path | None) -> None:
    """Refuse a link, a non-file, a vanished or an emptied journal; create a new one (0600) where
    none was ever kept."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        if _kept_before(path, marker):
            where = marker if marker is not None and marker.exists() else path.parent / LOCKS_NAME
            raise _refuse(path, "is missing, though a journal was kept there before",
                          f"restore it (from a backup) before sending; only if you are sure no batch of it could be "
                          f"sent again, delete {where} to start a new journal") from None
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:  # made just now by an opener without the open lock (not POSIX)
            return
        os.close(fd)
        return
    if stat.S_ISLNK(st.st_mode):
        raise _refuse(path, "is a symbolic link", "the journal is never opened through a link: put the real file there")
    if not stat.S_ISREG(st.st_mode):
        raise _refuse(path, "is not a regular file", "move it away")
    if st.st_size == 0 and _kept_before(path, marker):
        raise _refuse(path, "is empty (0 bytes): its batches are gone",
                      f"restore it from a backup; only if you are sure, delete {path} to start a new journal")
    if stat.S_IMODE(st.st_mode) & 0o077:
        os.chmod(path, 0o600)  # recipient addresses live in it: nobody else reads it


def _why(err: sqlite3.Error) -> tuple[str, str]:
    text = str(err)
    low = text.lower()
    if isinstance(err, NotAJournal) and "newer" in low:
        return f"was {text}", "use that newer c2m-tui (or upgrade this one) to send"
    if isinstance(err, sqlite3.DatabaseError) and _is_corrupt(err):
        return (f"cannot be read as a journal ({text}); it is left where it is",
                "restore it from a backup, or move it aside to start a new journal (batches in it are then not "
                "guarded against being sent twice)")
    if "locked" in low or "busy" in low:
        return f"is locked by another program (waited {OPEN_WAIT:.0f} s)", "close that program, or try again"
    if "full" in low:
        return "cannot be written: the disk is full", "free some space and try again"
    if "readonly" in low or "read-only" in low or "unable to open" in low:
        return f"cannot be written ({text})", "check that its folder is writable (or set C2M_TUI_HOME)"
    return f"cannot be used ({text})", "check the file and its folder"


def open_journal_connection(path: Path, schema: str, version: int, *, marker: Path | None = None,
                            wait: float = OPEN_WAIT) -> sqlite3.Connection:
    """A connection to a sound journal at ``path``, or JournalUnavailableError. ``marker`` is a file
    that says a journal was kept here; it is written once the journal is open."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with _open_lock(path):  # one opener at a time: two first runs must not race to create the file
            _check_file(path, marker)
            conn = _open_and_prepare(path, schema, version, wait)
        (path.parent / LOCKS_NAME).mkdir(mode=0o700, exist_ok=True)
        if marker is not None and not marker.exists():
            marker.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o600)
            try:
                os.write(fd, f"c2m-tui keeps its batch journal at {path}; if that file is gone, batches sent "
                             f"before could be sent again, so nothing is sent until it is back.\n".encode())
            finally:
                os.close(fd)
    except JournalUnavailableError:
        raise
    except sqlite3.Error as err:
        what, todo = _why(err)
        raise _refuse(path, what, todo) from None
    except OSError as err:
        what, todo = _why(sqlite3.OperationalError(err.strerror or str(err)))
        if err.errno == 28:
            what, todo = "cannot be written: the disk is full", "free some space and try again"
        raise _refuse(path, what, todo) from None
    return conn
