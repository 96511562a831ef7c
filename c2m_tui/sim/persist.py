"""A simulator that remembers: its batches, queue, jobs and uploads kept in a folder across runs.

``SimOptions.state_dir`` names the folder (``c2m-tui --demo`` uses the data directory's
``demo-sim``). Uploads live in its ``uploads`` folder and everything else in ``state.json``,
rewritten (atomically) after every request that changes something and after each intake, so a
demo closed yesterday still answers for yesterday's batches. A batch that was in intake when the
simulator stopped is taken again by the worker at the next start. Test hooks' forced tracking
answers are not kept (they are for one test's simulator).

One process at a time owns a state folder: ``claim`` takes an exclusive lock on ``lock`` (held
until the process ends); a second demo started meanwhile is told where the first one listens
(``url``) and uses that one instead of a simulator of its own.
"""

from __future__ import annotations

import json
import os
from collections import deque
from pathlib import Path
from typing import Any

from c2m_tui.sim.store import BatchStore, SimBatch, SimJob

STATE_FILE = "state.json"
URL_FILE = "url"
LOCK_FILE = "lock"
FORMAT = 1

_COUNTERS = ("_next_id", "_next_job_id", "_next_invoice", "_next_serial", "processed")
_JOB_FIELDS = ("job_id", "index", "pieces", "mail_class", "invoice", "started_at", "first_serial")
_BATCH_FIELDS = ("id", "owner", "created_at", "pdf_bytes", "xml_bytes", "upload_name", "document_name",
                 "submit_count", "submitted_at", "received_at", "processed_at", "has_errors", "error_message",
                 "pieces", "processed_seq")


def dump(store: BatchStore, started_at: float, balances: dict | None = None) -> dict[str, Any]:
    """The store (and the users' credit balances, as text) as plain JSON data."""
    batches = []
    for b in store.batches.values():
        item: dict[str, Any] = {name: getattr(b, name) for name in _BATCH_FIELDS}
        item["pdf"] = b.pdf_path.name if b.pdf_path else None
        item["xml"] = b.xml_path.name if b.xml_path else None
        item["jobs"] = [{name: getattr(j, name) for name in _JOB_FIELDS} for j in b.jobs]
        item["job_overrides"] = {str(k): list(v) for k, v in b.job_overrides.items()}
        item["piece_overrides"] = {str(k): list(v) for k, v in b.piece_overrides.items()}
        batches.append(item)
    return {
        "format": FORMAT,
        "started_at": started_at,
        "counters": {name: getattr(store, name) for name in _COUNTERS},
        "batches": batches,
        "pending": [b.id for b in store.pending],
        "in_intake": store.in_intake.id if store.in_intake else None,
        "balances": {user: str(amount) for user, amount in (balances or {}).items()},
    }


def restore(store: BatchStore, data: dict[str, Any], balances: dict | None = None) -> float | None:
    """Fill an empty store (and ``balances``, the ledger's) from ``dump``'s data; returns the saved
    ``started_at`` (None: unusable data)."""
    from decimal import Decimal, InvalidOperation

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    if balances is not None:
        for user, amount in (data.get("balances") or {}).items():
            try:
                balances[str(user)] = Decimal(str(amount))
            except InvalidOperation:
                pass
    for name, value in (data.get("counters") or {}).items():
        if name in _COUNTERS and isinstance(value, int):
            setattr(store, name, value)
    for item in data.get("batches") or []:
        batch = SimBatch(**{name: item[name] for name in _BATCH_FIELDS if name in item})
        batch.pdf_path = store.workdir / item["pdf"] if item.get("pdf") else None
        batch.xml_path = store.workdir / item["xml"] if item.get("xml") else None
        batch.jobs = [SimJob(**{name: j[name] for name in _JOB_FIELDS}) for j in item.get("jobs") or []]
        batch.job_overrides = {int(k): (v[0], v[1]) for k, v in (item.get("job_overrides") or {}).items()}
        batch.piece_overrides = {int(k): (v[0], v[1]) for k, v in (item.get("piece_overrides") or {}).items()}
        store.batches[batch.id] = batch
    store.pending = deque(store.batches[i] for i in data.get("pending") or [] if i in store.batches)
    store.in_intake = store.batches.get(data.get("in_intake"))  # type: ignore[arg-type]
    started = data.get("started_at")
    return float(started) if isinstance(started, (int, float)) else None


def load(store: BatchStore, folder: Path, balances: dict | None = None) -> float | None:
    """Restore ``folder``'s saved state into ``store``; None when there is none (or it cannot be read:
    the demo then starts empty rather than not at all)."""
    try:
        data = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
        return restore(store, data, balances)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(store: BatchStore, started_at: float, folder: Path, balances: dict | None = None) -> None:
    from c2m_tui.core.atomic import atomic_write

    with atomic_write(folder / STATE_FILE, text=True, mode=0o600) as out:
        json.dump(dump(store, started_at, balances), out.file)


def claim(folder: Path) -> int | None:
    """Lock ``folder`` for this process: the lock's file descriptor, or None when another process
    holds it (its simulator's URL is then in ``URL_FILE``)."""
    import fcntl

    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def release(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)


def write_url(folder: Path, url: str) -> None:
    from c2m_tui.core.atomic import atomic_write

    with atomic_write(folder / URL_FILE, text=True, mode=0o600) as out:
        out.file.write(url + "\n")


def read_url(folder: Path) -> str | None:
    try:
        return (folder / URL_FILE).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


class PersistLayer:
    """Saves the state after every request that is not a read (GET/HEAD), once its answer is sent."""

    def __init__(self, app: Any, sim: Any) -> None:
        self.app = app
        self.sim = sim

    async def __call__(self, scope, receive, send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            if scope["type"] == "http" and scope.get("method") not in ("GET", "HEAD"):
                try:
                    self.sim.persist()
                except Exception:  # noqa: BLE001 - a full disk must not break the demo's answers
                    pass
