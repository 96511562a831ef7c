"""``c2m-tui resume`` as a person (or a script) runs it: confirmation on a terminal, refusal without
one, the batches already done, unknown ids, an unreachable server, and ids known on two servers."""

from __future__ import annotations

import os
import subprocess
import sys

from c2m_tui.config.paths import journal_file
from c2m_tui.core.journal import DONE, open_journal
from tests.e2e.sendflow import cli, env_for, journal_rows, make_batch_files, run_driver, sim_batches


def _stopped_after_xml(sim, tmp_path, home) -> str:
    pdf, xml = make_batch_files(tmp_path)
    killed = run_driver(sim, home, pdf=pdf, xml=xml, kill_step="xml", kill_state="done")
    assert killed.returncode < 0
    [batch_id] = sim_batches(sim)
    return batch_id


def _on_terminal(home, answer: str, *args: str) -> tuple[int, str]:
    """Run the CLI with a real pseudo-terminal on stdin, type ``answer``, return (exit code, stderr)."""
    master, slave = os.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "c2m_tui", *args], stdin=slave, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env_for(home))
        os.write(master, answer.encode() + b"\n")
        _, err = proc.communicate(timeout=60)
    finally:
        os.close(master)
        os.close(slave)
    return proc.returncode, err


def test_without_a_terminal_or_yes_it_refuses_and_sends_nothing(sim, tmp_path, app_home):
    batch_id = _stopped_after_xml(sim, tmp_path, app_home)
    out = cli(app_home, "resume", batch_id)
    assert out.returncode == 2
    assert "no terminal to confirm on" in out.stderr and "--yes" in out.stderr
    assert "still to do: submit" in out.stderr  # it said what it would have done
    assert sim_batches(sim)[batch_id]["submit_count"] == 0


def test_on_a_terminal_it_asks_and_no_means_nothing_happens(sim, tmp_path, app_home):
    batch_id = _stopped_after_xml(sim, tmp_path, app_home)
    code, err = _on_terminal(app_home, "n", "resume", batch_id)
    assert code == 1 and "Continue? [y/N]" in err and "nothing done" in err
    assert sim_batches(sim)[batch_id]["submit_count"] == 0
    code, err = _on_terminal(app_home, "y", "resume", batch_id)
    assert code == 0, err
    assert sim_batches(sim)[batch_id]["submit_count"] == 1
    [row] = journal_rows(app_home)
    assert row["state"] == "submitted" and row["step"] == "submit"


def test_a_submitted_batch_is_left_alone(sim, tmp_path, app_home):
    batch_id = _stopped_after_xml(sim, tmp_path, app_home)
    assert cli(app_home, "resume", batch_id, "--yes").returncode == 0
    again = cli(app_home, "resume", batch_id, "--yes")
    assert again.returncode == 0 and "already submitted; nothing to do" in again.stderr
    assert again.stdout.strip() == batch_id
    assert sim_batches(sim)[batch_id]["submit_count"] == 1


def test_unknown_and_malformed_ids(app_home):
    out = cli(app_home, "resume", "424242", "--yes")
    assert out.returncode == 1 and "batch 424242 is not in this machine's journal" in out.stderr
    out = cli(app_home, "resume", "12; rm -rf /", "--yes")
    assert out.returncode == 2 and "a batch id is a number" in out.stderr


def test_an_unreachable_server_loses_nothing(sim, tmp_path, app_home):
    batch_id = _stopped_after_xml(sim, tmp_path, app_home)
    sim.stop()
    out = cli(app_home, "resume", batch_id, "--yes")
    assert out.returncode == 4 and "cannot reach" in out.stderr
    [row] = journal_rows(app_home)
    assert row["state"] == "xml uploaded"  # still resumable once the server is back


def test_an_id_known_on_two_servers_needs_a_choice(app_home):
    journal = open_journal(journal_file())
    for base in ("http://127.0.0.1:8025/v1", "https://stage-batch.click2mail.com/v1"):
        key = journal.new_entry(
            profile="demo", environment="demo", base_url=base, pdf_path="/x.pdf", pdf_size=1, pdf_sha256="a" * 64,
            pdf_pages=1, xml=b"<batch/>", xml_sha256="b" * 64, jobs=1, pieces=1,
        )
        journal.end_step(journal.begin_step(key, "create"), DONE, batch_id="31")
    journal.close()
    out = cli(app_home, "resume", "31", "--yes")
    assert out.returncode == 2
    assert "2 servers" in out.stderr and "stage-batch.click2mail.com" in out.stderr and "--base-url" in out.stderr


def test_batches_lists_the_journal_in_words(sim, tmp_path, app_home):
    batch_id = _stopped_after_xml(sim, tmp_path, app_home)
    out = cli(app_home, "batches")
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    assert lines[0].split()[:3] == ["ID", "STATE", "ENVIRONMENT"]
    assert lines[1].startswith(batch_id) and "xml uploaded" in lines[1]
    assert f"batch {batch_id}: unfinished: c2m-tui resume {batch_id} continues it" in out.stdout
