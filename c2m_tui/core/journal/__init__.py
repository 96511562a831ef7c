"""The journal remembers: every batch this machine sent, step by step, in one SQLite file.

- ``store``: the file's tables and the Journal object (entries, steps, the duplicate guard,
  what the server last said);
- ``entry``: one batch as read back, and the state its step rows add up to;
- ``file``: opening the file (integrity, schema, moving a corrupt file aside);
- ``locks``: one lock file per entry, so two processes never send one batch at once;
- ``views``: what the home screen and ``batches`` show (recent batches, where each can resume).

The journal knows nothing of where it lives: callers pass its path (the app's data directory is
``c2m_tui.config.paths.journal_file()``). What the steps *mean* lives in ``c2m_tui.core.sending``.
"""

from c2m_tui.core.journal.entry import (
    ABANDONED, AMBIGUOUS, DONE, FAILED, NOT_TAKEN, ORPHAN, STEPS, SUPERSEDED, UNCONFIRMED, UNSETTLED,
    CachedTracking, JournalEntry, StepRecord,
)
from c2m_tui.core.journal.locks import BatchBusyError, BatchLock
from c2m_tui.core.journal.store import DuplicateBatchError, Journal, JournalError, duplicate_error, open_journal

__all__ = [
    "ABANDONED", "AMBIGUOUS", "DONE", "FAILED", "NOT_TAKEN", "ORPHAN", "STEPS", "SUPERSEDED", "UNCONFIRMED",
    "UNSETTLED", "CachedTracking", "JournalEntry", "StepRecord", "BatchBusyError", "BatchLock",
    "DuplicateBatchError", "Journal", "JournalError", "duplicate_error", "open_journal",
]
