"""No journal, no send (issue "The guard holds under damage", finding 1): after one batch was
sent, a journal that is emptied, garbled, truncated, deleted, of a newer version, locked by another
program, or on a read-only home stops the next `send` before anything is created on the server,
with one line saying what is wrong; reading commands (`status`) still work."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading

import pytest

from tests.conftest import require_tool
from tests.e2e.sendflow import cli, env_for, make_batch_files, sim_batches


def _empty(path):
    path.write_bytes(b"")


def _garbage(path):
    path.write_bytes(b"\x00garbage, not SQLite\n" * 300)


def _truncated(path):
    path.write_bytes(path.read_bytes()[:100])


def _deleted(path):
    path.unlink()


def _newer(path):
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()


DAMAGE = {"empty": (_empty, "is empty"), "garbage": (_garbage, "cannot be read as a journal"),
          "truncated": (_truncated, "cannot be read as a journal"), "deleted": (_deleted, "is missing"),
          "newer": (_newer, "newer c2m-tui")}


def _send(home, sim, pdf, xml, *extra):
    return cli(home, "send", "--pdf", str(pdf), "--xml", str(xml), "--yes", "--base-url", sim.base_url, *extra)


def _sent_once(sim, tmp_path, home):
    pdf, xml = make_batch_files(tmp_path)
    first = _send(home, sim, pdf, xml)
    assert first.returncode == 0, first.stderr
    batch_id = first.stdout.strip().splitlines()[-1]
    journal = home / "data" / "journal.db"
    # fold the WAL in and drop it, so the damage is to the whole journal
    conn = sqlite3.connect(journal)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return pdf, xml, batch_id, journal


def _refused(out, needle: str, sim, before: int) -> None:
    assert out.returncode == 1, out.stderr
    lines = out.stderr.strip().splitlines()
    assert needle in lines[-1] and "nothing was sent" in lines[-1], out.stderr
    assert len(sim_batches(sim)) == before  # not even a create reached the server


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_a_damaged_journal_stops_the_send_and_status_still_works(kind, sim, tmp_path, app_home):
    pdf, xml, batch_id, journal = _sent_once(sim, tmp_path, app_home)
    damage, needle = DAMAGE[kind]
    damage(journal)
    kept = journal.read_bytes() if journal.exists() else None
    for extra in ((), ("--allow-duplicate",)):  # the override does not switch the guard off either
        _refused(_send(app_home, sim, pdf, xml, *extra), needle, sim, 1)
    assert (journal.read_bytes() if journal.exists() else None) == kept  # left exactly as it was
    status = cli(app_home, "status", batch_id, "--base-url", sim.base_url)
    assert status.returncode in (0, 1) and batch_id in status.stdout + status.stderr  # reading still works


def test_a_journal_locked_by_another_program_stops_the_send(sim, tmp_path, app_home):
    pdf, xml, _batch_id, journal = _sent_once(sim, tmp_path, app_home)
    holder = sqlite3.connect(journal, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        _refused(_send(app_home, sim, pdf, xml), "is locked by another program", sim, 1)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.mark.realpart
def test_a_read_only_home_with_a_journal_stops_the_send(sim, tmp_path, app_home):
    require_tool("unshare", "mount")
    pdf, xml, _batch_id, _journal = _sent_once(sim, tmp_path, app_home)
    script = 'mount --bind -o ro "$1" "$1" && shift && exec "$@"'
    out = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", str(app_home), sys.executable, "-m", "c2m_tui", "send",
         "--pdf", str(pdf), "--xml", str(xml), "--yes", "--base-url", sim.base_url],
        capture_output=True, text=True, env=env_for(app_home), timeout=60,
    )
    if "unshare failed" in out.stderr or "mount:" in out.stderr:
        pytest.skip(f"no private mount namespace here: {out.stderr.strip()}")
    assert "Traceback" not in out.stderr
    _refused(out, "cannot be written", sim, 1)
