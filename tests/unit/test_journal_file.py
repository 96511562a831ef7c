"""A corrupt, missing or unusable journal file: a clear message, and the app still starts."""

from __future__ import annotations

import os
import subprocess
import sys

from c2m_tui.config.paths import journal_file
from c2m_tui.core.journal import DONE, open_journal


def _entry(journal) -> int:
    key = journal.new_entry(
        profile="demo", environment="demo", base_url="http://127.0.0.1:8025/v1", pdf_path="/x.pdf",
        pdf_size=1, pdf_sha256="a" * 64, pdf_pages=1, xml=b"<batch/>", xml_sha256="b" * 64, jobs=1, pieces=1,
    )
    journal.end_step(journal.begin_step(key, "create"), DONE, batch_id="3")
    return key


def test_a_corrupt_file_is_moved_aside_and_a_fresh_journal_starts(app_home):
    path = app_home / "data" / "journal.db"
    path.parent.mkdir(parents=True)
    garbage = b"this is not SQLite at all\n" * 200
    path.write_bytes(garbage)
    journal = open_journal(journal_file())
    assert journal.path == path
    aside = sorted(path.parent.glob("journal.db.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == garbage  # kept, for a person to look at
    assert str(aside[0]) in journal.notice and "could not be read" in journal.notice
    assert journal.entries() == []
    _entry(journal)  # and it works
    assert len(journal.entries()) == 1
    journal.close()
    again = open_journal(journal_file())
    assert again.notice is None and len(again.entries()) == 1
    again.close()


def test_a_damaged_page_inside_a_real_journal_is_caught(app_home):
    journal = open_journal(journal_file())
    for _ in range(30):
        _entry(journal)
    journal.close()
    path = app_home / "data" / "journal.db"
    data = bytearray(path.read_bytes())
    assert len(data) > 4096 * 2
    data[4096 : 4096 + 512] = os.urandom(512)  # scribble over the second page
    path.write_bytes(bytes(data))
    reopened = open_journal(journal_file())
    assert reopened.notice is not None and "moved to" in reopened.notice
    assert reopened.entries() == []
    reopened.close()


def test_a_foreign_sqlite_database_is_not_taken_for_a_journal(app_home):
    import sqlite3

    path = app_home / "data" / "journal.db"
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE batches (something TEXT)")
    conn.commit()
    conn.close()
    journal = open_journal(journal_file())
    assert "not a c2m-tui journal" in journal.notice
    _entry(journal)
    journal.close()


def test_a_vanished_journal_is_noticed(app_home):
    journal = open_journal(journal_file())
    _entry(journal)
    journal.close()
    for name in ("journal.db", "journal.db-wal", "journal.db-shm"):
        (app_home / "data" / name).unlink(missing_ok=True)
    again = open_journal(journal_file())
    assert "was missing" in again.notice and "journal.db" in again.notice
    assert again.entries() == []
    again.close()


def test_first_run_is_quiet(app_home):
    journal = open_journal(journal_file())
    assert journal.notice is None
    journal.close()


def test_an_unusable_location_falls_back_to_memory_with_a_message(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data directory should be")
    journal = open_journal(blocker / "journal.db")
    assert journal.path is None and "in memory only" in journal.notice
    key = _entry(journal)
    assert journal.get(key).state == "created"
    journal.close()


def test_the_cli_still_starts_with_a_corrupt_journal(app_home):
    path = app_home / "data" / "journal.db"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00garbage" * 100)
    out = subprocess.run(
        [sys.executable, "-m", "c2m_tui", "batches", "--json"], capture_output=True, text=True, timeout=60,
        env={**os.environ, "C2M_TUI_HOME": str(app_home)},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
    assert "could not be read" in out.stderr and "journal.db.corrupt-" in out.stderr
