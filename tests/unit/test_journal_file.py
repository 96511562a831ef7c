"""A journal that cannot be trusted is refused, never replaced: a corrupt, foreign, emptied,
vanished, newer, linked or unusable journal file stops the opening with one clear line, and the
file is left exactly where and as it was (no moving aside, no journal in memory)."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from c2m_tui.config.paths import journal_file, journal_marker
from c2m_tui.core.journal import DONE, open_journal
from c2m_tui.core.journal.file import JournalUnavailableError


def _open():
    return open_journal(journal_file(), marker=journal_marker(), wait=0.5)


def _entry(journal) -> int:
    key = journal.new_entry(
        profile="demo", environment="demo", base_url="http://127.0.0.1:8025/v1", pdf_path="/x.pdf",
        pdf_size=1, pdf_sha256="a" * 64, pdf_pages=1, xml=b"<batch/>", xml_sha256="b" * 64, jobs=1, pieces=1,
    )
    journal.end_step(journal.begin_step(key, "create"), DONE, batch_id="3")
    return key


def _refused(match: str) -> JournalUnavailableError:
    with pytest.raises(JournalUnavailableError, match=match) as caught:
        _open()
    assert "nothing was sent" in str(caught.value)
    return caught.value


@pytest.fixture
def kept(app_home):
    """A journal with one batch in it, closed: the marker in the config folder says it was kept."""
    journal = _open()
    _entry(journal)
    journal.close()
    assert journal_marker().exists()
    return app_home / "data" / "journal.db"


def test_first_run_creates_a_private_journal_and_its_marker(app_home):
    journal = _open()
    assert journal.notice is None and journal.path == app_home / "data" / "journal.db"
    _entry(journal)
    journal.close()
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600  # recipient addresses live in it
    assert str(journal.path) in journal_marker().read_text()


def test_a_garbage_file_is_refused_and_left_as_it_was(app_home):
    path = app_home / "data" / "journal.db"
    path.parent.mkdir(parents=True)
    garbage = b"this is not SQLite at all\n" * 200
    path.write_bytes(garbage)
    err = _refused("cannot be read as a journal")
    assert "left where it is" in str(err) and "move it aside" in str(err)
    assert path.read_bytes() == garbage and not list(path.parent.glob("journal.db.corrupt-*"))


def test_a_damaged_page_inside_a_real_journal_is_refused(kept):
    journal = _open()
    for _ in range(30):
        _entry(journal)
    journal.close()
    data = bytearray(kept.read_bytes())
    assert len(data) > 4096 * 2
    data[4096 : 4096 + 512] = os.urandom(512)  # scribble over the second page
    kept.write_bytes(bytes(data))
    _refused("cannot be read as a journal")
    assert kept.read_bytes() == bytes(data)


def test_a_truncated_journal_is_refused(kept):
    journal = _open()
    for _ in range(30):
        _entry(journal)
    journal.close()
    kept.write_bytes(kept.read_bytes()[: 4096 + 100])
    _refused("cannot be read as a journal")


def test_a_foreign_sqlite_database_is_not_taken_for_a_journal(app_home):
    path = app_home / "data" / "journal.db"
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE batches (something TEXT)")
    conn.commit()
    conn.close()
    _refused("not a c2m-tui journal")


def test_an_emptied_journal_is_refused(kept):
    kept.write_bytes(b"")  # `: > journal.db`
    for side in ("-wal", "-shm"):
        kept.with_name(kept.name + side).unlink(missing_ok=True)
    _refused(r"is empty \(0 bytes\)")
    assert kept.stat().st_size == 0


def test_a_vanished_journal_is_refused_while_the_marker_says_one_was_kept(kept):
    for side in ("", "-wal", "-shm"):
        kept.with_name(kept.name + side).unlink(missing_ok=True)
    err = _refused("is missing, though a journal was kept there before")
    assert str(journal_marker()) in str(err)
    assert not kept.exists()  # nothing was quietly made in its place


def test_a_vanished_data_folder_is_refused_too(kept):
    import shutil

    shutil.rmtree(kept.parent)  # the lock folder went with it: the marker in the config folder remains
    _refused("is missing")


def test_a_journal_of_a_newer_version_is_refused(kept):
    conn = sqlite3.connect(kept)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    _refused("newer c2m-tui")


def test_a_journal_locked_by_another_program_is_refused_after_a_short_wait(kept):
    holder = sqlite3.connect(kept, isolation_level=None)
    holder.execute("PRAGMA journal_mode = DELETE")  # another program, not in WAL: its lock blocks readers
    holder.execute("BEGIN EXCLUSIVE")
    try:
        _refused("is locked by another program")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_journal_behind_a_symbolic_link_is_refused(app_home, tmp_path):
    other = tmp_path / "someone-elses.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    path = app_home / "data" / "journal.db"
    path.parent.mkdir(parents=True)
    path.symlink_to(other)
    _refused("symbolic link")
    assert other.read_bytes() == before  # no tables of ours, no WAL switch


def test_an_unusable_location_is_refused(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data directory should be")
    with pytest.raises(JournalUnavailableError, match="cannot be"):
        open_journal(blocker / "journal.db")


def test_a_full_disk_while_writing_is_one_journal_error_and_the_journal_stays_sound(app_home):
    from c2m_tui.core.journal import JournalError

    journal = _open()
    key = _entry(journal)
    journal._conn.execute(f"PRAGMA max_page_count = {journal._conn.execute('PRAGMA page_count').fetchone()[0]}")
    with pytest.raises(JournalError, match="could not be written"):
        for _ in range(200):  # until the database is full
            journal.begin_step(key, "pdf", "x" * 4000)
    journal.close()
    again = _open()
    assert again.get(key).batch_id == "3"  # what was committed before is intact
    again.close()


def test_the_lock_files_never_follow_a_link(kept, tmp_path):
    from c2m_tui.core.journal import BatchBusyError

    journal = _open()
    key = _entry(journal)
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    lock = journal.lock_for(key)
    lock.path.parent.mkdir(parents=True, exist_ok=True)
    lock.path.symlink_to(target)
    with pytest.raises(BatchBusyError, match="cannot use this lock file"):
        lock.try_acquire()
    assert target.read_text() == "keep me"
    journal.close()
