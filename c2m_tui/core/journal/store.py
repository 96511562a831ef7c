"""The batch journal: a SQLite file recording every batch this machine sent, step by step.

Intent before action: a step's row is committed (outcome NULL) *before* its HTTP call and
answered after it, so a crash leaves a visible "asked, no answer" row instead of silence.
Several processes (CLI sends, the TUI) write it at once: WAL mode, short IMMEDIATE
transactions, a busy timeout, and ``synchronous=FULL`` so a committed intent survives a crash.
The steps' meaning (what is ambiguous, what resume does) lives in ``submission.py``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import zlib
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from c2m_tui.core.errors import C2MError
from c2m_tui.core.journal.codec import dumps_in_pieces, loads_in_pieces, tracking_from_json
from c2m_tui.core.journal.entry import (  # noqa: F401  (re-exported: callers import them from here)
    AMBIGUOUS, DONE, STEPS, SUPERSEDED, UNSETTLED, CachedTracking, JournalEntry, StepRecord, _iso, is_sha256,
)
from c2m_tui.core.models import BatchDetails, BatchStatus, Tracking

if TYPE_CHECKING:
    from c2m_tui.core.journal.locks import BatchLock

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    key INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id TEXT,                       -- NULL until create answers; ids repeat across servers
    profile TEXT NOT NULL, environment TEXT NOT NULL, base_url TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    pdf_path TEXT NOT NULL, pdf_size INTEGER NOT NULL, pdf_sha256 TEXT NOT NULL, pdf_pages INTEGER NOT NULL,
    xml_sha256 TEXT NOT NULL, xml_zlib BLOB NOT NULL,  -- batch XML compresses ~10x: a million recipients stays small
    jobs INTEGER NOT NULL, pieces INTEGER NOT NULL,
    reviewed_at TEXT, allow_duplicate INTEGER NOT NULL DEFAULT 0,
    last_status TEXT, status_json TEXT, status_at TEXT,
    details_json TEXT, details_at TEXT,
    tracking_json TEXT, tracking_at TEXT
);
CREATE INDEX IF NOT EXISTS batches_by_id ON batches (batch_id, base_url);
CREATE INDEX IF NOT EXISTS batches_by_content ON batches (environment, pdf_sha256, xml_sha256);
CREATE TABLE IF NOT EXISTS steps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_key INTEGER NOT NULL REFERENCES batches (key),
    step TEXT NOT NULL, outcome TEXT, detail TEXT NOT NULL DEFAULT '',
    pid INTEGER NOT NULL, started_at TEXT NOT NULL, finished_at TEXT
);
CREATE INDEX IF NOT EXISTS steps_by_batch ON steps (batch_key, id);
"""


class JournalError(C2MError):
    """The journal cannot be used as asked (unknown batch, unreadable file)."""


class DuplicateBatchError(C2MError):
    """The same PDF and XML were already submitted in this environment."""


_ENTRY_COLUMNS = (
    "key, batch_id, profile, environment, base_url, created_at, updated_at, pdf_path, pdf_size, pdf_sha256, "
    "pdf_pages, xml_sha256, jobs, pieces, reviewed_at, allow_duplicate, last_status, status_at, status_json, "
    "details_json"
)


class Journal:
    """The journal file. Thread-safe (one connection behind a lock); many processes may share the file."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None, notice: str | None = None) -> None:
        self._conn = conn
        self._lock = threading.RLock()
        self.path = path  # None for a journal in memory (tests of the store alone)
        self.notice = notice  # something to tell the person about the file, if any

    @classmethod
    def open(cls, path: Path, *, marker: Path | None = None, wait: float | None = None) -> "Journal":
        """The journal at ``path``; JournalUnavailableError (nothing may be sent) when it cannot be
        trusted: see ``file.py``. ``marker`` says a journal was kept here before."""
        from c2m_tui.core.journal.file import OPEN_WAIT, open_journal_connection

        conn = open_journal_connection(path, SCHEMA, SCHEMA_VERSION, marker=marker,
                                       wait=OPEN_WAIT if wait is None else wait)
        return cls(conn, path)

    @property
    def locks_dir(self) -> Path | None:
        return None if self.path is None else self.path.parent / "journal-locks"

    def lock_for(self, key: int) -> "BatchLock":
        """The cross-process lock a sender holds while it works on entry ``key``."""
        from c2m_tui.core.journal.locks import BatchLock

        base = self.locks_dir
        if base is None:  # in-memory journal: nobody else can see these entries anyway
            import tempfile

            base = Path(tempfile.gettempdir()) / f"c2m-tui-memory-locks-{id(self)}"
        return BatchLock(base / f"batch-{key}.lock")

    def busy(self, key: int) -> bool:
        """True when a live process holds entry ``key`` (its unanswered step is in flight, not dead)."""
        return self.lock_for(key).is_held_elsewhere()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """An IMMEDIATE transaction: takes the write lock up front, so read-then-write is atomic across processes."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
            except sqlite3.Error as err:  # a full disk, a read-only folder, a lock held too long
                if self._conn.in_transaction:
                    try:
                        self._conn.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass
                raise JournalError(f"the batch journal {self.path or '(memory)'} could not be written ({err})",
                                   hint="nothing more was sent; free space or fix the folder, then resume") from None

    # ------------------------------------------------------------------ batches and steps

    def new_entry(
        self, *, profile: str, environment: str, base_url: str, pdf_path: Path | str, pdf_size: int,
        pdf_sha256: str, pdf_pages: int, xml: bytes, xml_sha256: str, jobs: int, pieces: int,
        reviewed_at: str | None = None, allow_duplicate: bool = False,
    ) -> int:
        t = _iso()
        with self._write() as c:
            cur = c.execute(
                "INSERT INTO batches (profile, environment, base_url, created_at, updated_at, pdf_path, pdf_size,"
                " pdf_sha256, pdf_pages, xml_sha256, xml_zlib, jobs, pieces, reviewed_at, allow_duplicate)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (profile, environment, base_url, t, t, str(pdf_path), pdf_size, pdf_sha256, pdf_pages,
                 xml_sha256, sqlite3.Binary(zlib.compress(xml, 6)), jobs, pieces, reviewed_at, int(allow_duplicate)),
            )
            return int(cur.lastrowid)

    _CONTENT_FIELDS = ("pdf_path", "pdf_size", "pdf_sha256", "pdf_pages", "xml_sha256", "jobs", "pieces", "reviewed_at")

    def update_content(self, key: int, *, xml: bytes | None = None, **fields: Any) -> None:
        """Record (or change) an entry's PDF/XML facts before its submit, for a front end that creates
        the batch before the files are chosen. A changed PDF or XML supersedes its confirmed upload,
        so the entry never claims an upload of content that was not sent."""
        unknown = set(fields) - set(self._CONTENT_FIELDS)
        if unknown:
            raise ValueError(f"not content fields: {', '.join(sorted(unknown))}")
        if xml is not None:
            fields["xml_sha256"] = fields.get("xml_sha256") or hashlib.sha256(xml).hexdigest()
        if "pdf_path" in fields:
            fields["pdf_path"] = str(fields["pdf_path"])
        with self._write() as c:
            me = self._entry_in(c, key)
            if me.latest("submit") is not None:
                raise JournalError(f"batch {me.batch_id}: its content cannot change once a submit was asked")
            for step, column in (("pdf", "pdf_sha256"), ("xml", "xml_sha256")):
                before = getattr(me, column)
                # an upload confirmed before any real hash was recorded is taken to be of the first content recorded
                if column in fields and fields[column] != before and is_sha256(before):
                    c.execute(
                        "UPDATE steps SET outcome=?, detail=detail || ' (content replaced)' "
                        "WHERE batch_key=? AND step=? AND outcome=?", (SUPERSEDED, key, step, DONE),
                    )
            sets = [f"{name}=?" for name in fields] + ["updated_at=?"]
            args = [*fields.values(), _iso()]
            if xml is not None:
                sets.append("xml_zlib=?")
                args.append(sqlite3.Binary(zlib.compress(xml, 6)))
            c.execute(f"UPDATE batches SET {', '.join(sets)} WHERE key=?", (*args, key))

    def begin_step(self, key: int, step: str, detail: str = "") -> int:
        """Record the intent to make a remote call; committed before the call is made."""
        if step not in STEPS:
            raise ValueError(f"unknown step {step!r}")
        import os

        t = _iso()
        with self._write() as c:
            cur = c.execute(
                "INSERT INTO steps (batch_key, step, detail, pid, started_at) VALUES (?,?,?,?,?)",
                (key, step, detail, os.getpid(), t),
            )
            c.execute("UPDATE batches SET updated_at=? WHERE key=?", (t, key))
            return int(cur.lastrowid)

    def end_step(self, step_id: int, outcome: str, detail: str = "", *, batch_id: str | None = None) -> None:
        """Record the answer to a step; ``batch_id`` is stored with a create's answer, in the same transaction."""
        t = _iso()
        with self._write() as c:
            row = c.execute("SELECT batch_key FROM steps WHERE id=?", (step_id,)).fetchone()
            if row is None:
                raise JournalError(f"no journal step {step_id}")
            c.execute(
                "UPDATE steps SET outcome=?, detail=?, finished_at=? WHERE id=?", (outcome, detail, t, step_id)
            )
            if batch_id is not None:
                c.execute("UPDATE batches SET batch_id=?, updated_at=? WHERE key=?", (batch_id, t, row[0]))
            else:
                c.execute("UPDATE batches SET updated_at=? WHERE key=?", (t, row[0]))

    def record_step(self, key: int, step: str, outcome: str, detail: str = "") -> int:
        """A step settled without a remote call of its own (e.g. submit found already done by status)."""
        step_id = self.begin_step(key, step, detail)
        self.end_step(step_id, outcome, detail)
        return step_id

    def claim_submit(self, key: int, *, allow_duplicate: bool = False) -> int:
        """Atomically: refuse if this batch is already submitted (or a submit is pending), or if the same
        content was submitted (or may have been) in the same environment; else record the submit intent."""
        import os

        t = _iso()
        with self._write() as c:
            me = self._entry_in(c, key)
            if me.submitted:
                raise JournalError(f"batch {me.batch_id} was already submitted; it is never submitted twice")
            pending = me.unsettled
            if pending is not None:
                raise JournalError(
                    f"batch {me.batch_id} has a {pending.step} step with no answer; settle it first",
                    hint=f"c2m-tui resume {me.batch_id}",
                )
            if not allow_duplicate:
                earlier = self._duplicate_in(c, me.environment, me.base_url, me.pdf_sha256, me.xml_sha256, key)
                if earlier is not None:
                    raise duplicate_error(earlier, self.busy(earlier.key))
            cur = c.execute(
                "INSERT INTO steps (batch_key, step, detail, pid, started_at) VALUES (?,?,?,?,?)",
                (key, "submit", "", os.getpid(), t),
            )
            c.execute("UPDATE batches SET updated_at=? WHERE key=?", (t, key))
            return int(cur.lastrowid)

    def find_duplicate(
        self, environment: str, base_url: str, pdf_sha256: str, xml_sha256: str, exclude_key: int | None = None
    ) -> JournalEntry | None:
        """An earlier batch with this content that was submitted, or whose submit may have gone through."""
        with self._lock:
            return self._duplicate_in(self._conn, environment, base_url, pdf_sha256, xml_sha256, exclude_key)

    def _duplicate_in(self, c, environment, base_url, pdf_sha256, xml_sha256, exclude_key) -> JournalEntry | None:
        sql = "SELECT key FROM batches WHERE environment=? AND pdf_sha256=? AND xml_sha256=? AND key IS NOT ?"
        args: list[Any] = [environment, pdf_sha256, xml_sha256, exclude_key]
        if environment == "custom":  # "custom" names no one server: compare the servers themselves
            sql += " AND base_url=?"
            args.append(base_url)
        for (k,) in c.execute(sql + " ORDER BY key", args).fetchall():
            e = self._entry_in(c, k)
            s = e.latest("submit")
            if e.submitted or (s is not None and s.outcome in UNSETTLED):
                return e
        return None

    # ------------------------------------------------------------------ reading

    def get(self, key: int) -> JournalEntry:
        with self._lock:
            return self._entry_in(self._conn, key)

    def _entry_in(self, c: sqlite3.Connection, key: int) -> JournalEntry:
        row = c.execute(f"SELECT {_ENTRY_COLUMNS} FROM batches WHERE key=?", (key,)).fetchone()
        if row is None:
            raise JournalError(f"no journal entry {key}")
        entry = JournalEntry(*row[:15], bool(row[15]), *row[16:])
        entry.steps = [
            StepRecord(*r)
            for r in c.execute(
                "SELECT id, step, outcome, detail, pid, started_at, finished_at FROM steps WHERE batch_key=? ORDER BY id",
                (key,),
            )
        ]
        return entry

    def find(self, batch_id: str, base_url: str | None = None) -> JournalEntry | None:
        """The newest entry with this batch id (on this server when ``base_url`` is given)."""
        keys = self._keys_for(batch_id, base_url)
        return self.get(keys[0]) if keys else None

    def servers_for(self, batch_id: str) -> list[str]:
        """Every base URL the journal knows this batch id on (ids repeat across servers)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT DISTINCT base_url FROM batches WHERE batch_id=? ORDER BY base_url", (str(batch_id),)
            )
            return [r[0] for r in rows]

    def _keys_for(self, batch_id: str, base_url: str | None) -> list[int]:
        sql, args = "SELECT key FROM batches WHERE batch_id=?", [str(batch_id)]
        if base_url is not None:
            sql += " AND base_url=?"
            args.append(base_url.rstrip("/"))
        with self._lock:
            return [r[0] for r in self._conn.execute(sql + " ORDER BY key DESC", args)]

    def entries(self, *, base_url: str | None = None) -> list[JournalEntry]:
        """Every entry, newest first."""
        sql, args = "SELECT key FROM batches", []
        if base_url is not None:
            sql += " WHERE base_url=?"
            args.append(base_url.rstrip("/"))
        with self._lock:
            keys = [r[0] for r in self._conn.execute(sql + " ORDER BY key DESC", args)]
            return [self._entry_in(self._conn, k) for k in keys]

    def unsettled_entries(self, *, base_url: str | None = None) -> list[JournalEntry]:
        """Entries with a step asked of the server and not clearly answered (what ``settle`` looks at)."""
        sql = (
            "SELECT DISTINCT b.key FROM steps s JOIN batches b ON b.key = s.batch_key"
            " WHERE (s.outcome IS NULL OR s.outcome = ?)"
        )
        args: list[Any] = [AMBIGUOUS]
        if base_url is not None:
            sql += " AND b.base_url = ?"
            args.append(base_url.rstrip("/"))
        with self._lock:
            keys = [r[0] for r in self._conn.execute(sql + " ORDER BY b.key", args)]
            return [self._entry_in(self._conn, k) for k in keys]

    def listing(self) -> list[dict[str, Any]]:
        """Every entry as ``to_json()`` (newest first) for ``batches`` and the TUI; an unanswered step
        that a live process is still waiting on shows as state "sending" instead of "ambiguous"."""
        out = []
        for entry in self.entries():
            doc = entry.to_json()
            if entry.unsettled is not None and not entry.submitted and self.busy(entry.key):
                doc["state"] = "sending"
                doc["note"] = "a running c2m-tui is sending it now"
            out.append(doc)
        return out

    def xml_copy(self, key: int) -> bytes:
        with self._lock:
            row = self._conn.execute("SELECT xml_zlib FROM batches WHERE key=?", (key,)).fetchone()
        if row is None:
            raise JournalError(f"no journal entry {key}")
        return zlib.decompress(row[0])

    # ------------------------------------------------------------------ what the server last said

    def _update_by_id(self, batch_id: str, base_url: str | None, sets: str, args: tuple) -> bool:
        keys = self._keys_for(batch_id, base_url)
        if not keys:
            return False  # a batch sent from elsewhere: nothing to remember it by
        with self._write() as c:
            c.execute(f"UPDATE batches SET {sets} WHERE key=?", (*args, keys[0]))
        return True

    def record_status(self, batch_id: str, status: BatchStatus, *, base_url: str | None = None) -> bool:
        return self._update_by_id(
            batch_id, base_url, "last_status=?, status_json=?, status_at=?",
            (status.phase, json.dumps(status.to_json()), _iso()),
        )

    def record_details(self, batch_id: str, details: BatchDetails, *, base_url: str | None = None) -> bool:
        return self._update_by_id(
            batch_id, base_url, "details_json=?, details_at=?", (json.dumps(details.to_json()), _iso())
        )

    def record_tracking(
        self, batch_id: str, tracking: Tracking, *, base_url: str | None = None, fetched_at: datetime | None = None
    ) -> bool:
        return self._update_by_id(
            batch_id, base_url, "tracking_json=?, tracking_at=?",
            (dumps_in_pieces(tracking.to_json()), _iso(fetched_at)),  # in pieces: the app's loop keeps running
        )

    def cached_tracking(
        self, batch_id: str, max_age: timedelta | float, *, base_url: str | None = None, now: datetime | None = None
    ) -> CachedTracking | None:
        """The tracking fetched less than ``max_age`` ago (seconds or a timedelta), else None.
        Upstream refreshes tracking once a day, so asking more often only costs requests."""
        if not isinstance(max_age, timedelta):
            max_age = timedelta(seconds=max_age)
        keys = self._keys_for(batch_id, base_url)
        if not keys:
            return None
        with self._lock:
            row = self._conn.execute("SELECT tracking_json, tracking_at FROM batches WHERE key=?", (keys[0],)).fetchone()
        if row is None or row[0] is None:
            return None
        cached = CachedTracking(tracking_from_json(loads_in_pieces(row[0])), datetime.fromisoformat(row[1]))
        return cached if cached.age(now) <= max_age else None


def duplicate_error(earlier: JournalEntry, sending_now: bool = False) -> DuplicateBatchError:
    if earlier.submitted:
        how = "submitted"
    elif sending_now:
        how = "being submitted right now by another c2m-tui"
    else:
        how = "possibly submitted (no answer came)"
    return DuplicateBatchError(
        f"this PDF and XML were already {how} in {earlier.environment} as batch {earlier.batch_id} "
        f"on {earlier.created_at[:19].replace('T', ' ')} UTC",
        hint="use --allow-duplicate to mail them again on purpose",
    )


def open_journal(path: Path, *, marker: Path | None = None, wait: float | None = None) -> Journal:
    """The journal at ``path`` (the app's is ``c2m_tui.config.paths.journal_file()``, its marker
    ``journal_marker()``); raises JournalUnavailableError when it cannot be trusted."""
    return Journal.open(path, marker=marker, wait=wait)


