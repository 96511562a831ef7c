"""Many processes and threads opening one new journal at once: every one gets the file, none falls
back to memory, and nothing is moved aside as "corrupt" (that would forget every batch)."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from c2m_tui.core.journal import open_journal

OPENER = r"""
import sys, threading
from pathlib import Path
from c2m_tui.core.journal import open_journal
go = threading.Barrier(int(sys.argv[2]))
out = []
def one():
    go.wait()
    j = open_journal(Path(sys.argv[1]))
    out.append((j.notice or "", str(j.path)))
    j.close()
ts = [threading.Thread(target=one) for _ in range(int(sys.argv[2]))]
[t.start() for t in ts]; [t.join() for t in ts]
for notice, path in out:
    print(path, "|", notice)
"""


def test_concurrent_first_opens_share_one_file(tmp_path):
    path = tmp_path / "journal.db"
    procs = [
        subprocess.Popen([sys.executable, "-c", OPENER, str(path), "4"], stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    lines = []
    for p in procs:
        out, _ = p.communicate(timeout=60)
        assert p.returncode == 0
        lines += out.splitlines()
    assert len(lines) == 16
    for line in lines:
        where, notice = line.split(" | ", 1) if " | " in line else (line.rstrip(" |"), "")
        assert where == str(path), line  # never the in-memory fallback
        assert notice.strip() == "", line
    assert not list(tmp_path.glob("journal.db.corrupt-*"))


def test_a_garbage_file_is_refused_and_kept(tmp_path):
    from c2m_tui.core.journal.file import JournalUnavailableError

    path = tmp_path / "journal.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(JournalUnavailableError, match="cannot be read as a journal"):
        open_journal(path)
    assert path.read_bytes() == b"this is not sqlite at all" * 100 and not list(tmp_path.glob("journal.db.corrupt*"))


def test_threads_in_one_process(tmp_path):
    path = tmp_path / "journal.db"
    barrier = threading.Barrier(6)
    results = []

    def one():
        barrier.wait()
        j = open_journal(path)
        results.append((j.path, j.notice))
        j.close()

    threads = [threading.Thread(target=one) for _ in range(6)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert results and all(p == path and n is None for p, n in results), results
