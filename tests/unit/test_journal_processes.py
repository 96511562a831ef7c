"""The journal and its locks across real processes: an intent survives SIGKILL, a lock dies with its
holder, and only one of several racing processes can claim the submit of the same content."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from c2m_tui.config.paths import journal_file
from c2m_tui.core.journal import open_journal
from c2m_tui.core.journal.locks import BatchBusyError, BatchLock

ENTRY = dict(
    profile="demo", environment="demo", base_url="http://127.0.0.1:8025/v1", pdf_path="/x.pdf", pdf_size=10,
    pdf_sha256="a" * 64, pdf_pages=1, xml=b"<batch/>", xml_sha256="b" * 64, jobs=1, pieces=1,
)


def _python(code: str, *args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kw)


def test_an_intent_committed_before_a_crash_is_still_there(app_home):
    code = f"""
import os, signal
from c2m_tui.core.journal import open_journal, DONE
from c2m_tui.config.paths import journal_file
j = open_journal(journal_file())
key = j.new_entry(**{ENTRY!r})
j.end_step(j.begin_step(key, "create"), DONE, batch_id="5")
j.begin_step(key, "submit")   # the intent; the call it announces would come next
os.kill(os.getpid(), signal.SIGKILL)
"""
    proc = _python(code)
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read()
    journal = open_journal(journal_file())
    [entry] = journal.entries()
    assert entry.batch_id == "5" and entry.state == "ambiguous"
    assert entry.unsettled.step == "submit" and entry.unsettled.pid == proc.pid
    assert not journal.busy(entry.key)  # its process is gone: nobody is still waiting for the answer
    journal.close()


def test_a_lock_excludes_other_processes_and_dies_with_its_holder(tmp_path):
    path = tmp_path / "locks" / "batch-1.lock"
    code = f"""
import sys, time
from pathlib import Path
from c2m_tui.core.journal.locks import BatchLock
lock = BatchLock(Path({str(path)!r}))
assert lock.try_acquire()
print("held", flush=True)
time.sleep(60)
"""
    holder = _python(code)
    try:
        assert holder.stdout.readline().strip() == "held"
        lock = BatchLock(path)
        assert not lock.try_acquire()
        assert lock.is_held_elsewhere() and lock.holder() == holder.pid
        with pytest.raises(BatchBusyError, match=f"another c2m-tui is sending .*pid {holder.pid}"):
            import asyncio

            asyncio.run(lock.acquire(0.2, what="batch 1"))
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
    assert lock.try_acquire()  # the kernel dropped the dead holder's lock
    lock.release()


def test_two_locks_in_one_process_exclude_each_other(tmp_path):
    a, b = BatchLock(tmp_path / "x.lock"), BatchLock(tmp_path / "x.lock")
    assert a.try_acquire()
    assert not b.try_acquire() and b.is_held_elsewhere()
    a.release()
    assert b.try_acquire()
    b.release()


def test_only_one_of_racing_processes_claims_the_submit_of_the_same_content(app_home):
    journal = open_journal(journal_file())
    from c2m_tui.core.journal import DONE

    keys = []
    for n in range(4):
        key = journal.new_entry(**ENTRY)
        for step in ("create", "pdf", "xml"):
            journal.end_step(journal.begin_step(key, step), DONE, batch_id=str(100 + n) if step == "create" else None)
        keys.append(key)
    start_at = time.time() + 1.5  # every process is ready by then; they all claim at once
    code = """
import json, sys, time
from c2m_tui.core.journal import open_journal, DuplicateBatchError
from c2m_tui.config.paths import journal_file
j = open_journal(journal_file())
key, start_at = int(sys.argv[1]), float(sys.argv[2])
time.sleep(max(0.0, start_at - time.time()))
try:
    j.claim_submit(key)
    print(json.dumps({"key": key, "claimed": True}))
except DuplicateBatchError as err:
    print(json.dumps({"key": key, "claimed": False, "error": str(err)}))
"""
    procs = [_python(code, str(k), str(start_at), env={**os.environ}) for k in keys]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        results.append(json.loads(out))
    winners = [r for r in results if r["claimed"]]
    assert len(winners) == 1
    winner_id = str(100 + keys.index(winners[0]["key"]))
    for r in results:
        if not r["claimed"]:
            assert f"batch {winner_id}" in r["error"]  # the refusal names the one that went ahead
    claimed = [e for e in journal.entries() if e.latest("submit") is not None]
    assert len(claimed) == 1
    journal.close()
