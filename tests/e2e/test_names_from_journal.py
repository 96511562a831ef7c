"""Names on every piece (issue "Tracking and status as Click2Mail answers them", part 3): the journal
keeps the XML that was uploaded, so `status` names who each job went to, with the list's own id,
even though the Batch API's status answer names nobody."""

from __future__ import annotations

import json

from tests.e2e.sendflow import cli, make_batch_files


def test_status_names_the_recipients_of_each_job_from_the_journal(sim, tmp_path, app_home):
    pdf, xml = make_batch_files(tmp_path)
    sent = cli(app_home, "send", "--pdf", str(pdf), "--xml", str(xml), "--yes", "--base-url", sim.base_url)
    assert sent.returncode == 0, sent.stderr
    batch_id = sent.stdout.strip().splitlines()[-1]
    out = cli(app_home, "status", batch_id, "--json", "--watch", "--base-url", sim.base_url, timeout=90)
    doc = json.loads(out.stdout)
    [job] = doc["jobs"]
    names = [r["name"] for r in job["recipients"]]
    assert names == ["Ada Lovelace", "Alan Turing"]
    assert job["recipients"][0]["city"] == "Springfield" and job["recipients"][0]["listId"] == "job 1 #1"

    # from another machine (no journal of it) nobody is named, and nothing fails
    other_home = tmp_path / "elsewhere"
    other_home.mkdir()
    out = cli(other_home, "status", batch_id, "--json", "--base-url", sim.base_url)
    assert out.returncode in (0, 1) and "recipients" not in json.loads(out.stdout)["jobs"][0]


def test_an_unusable_journal_does_not_stop_a_status_read(sim, tmp_path, app_home):
    pdf, xml = make_batch_files(tmp_path)
    sent = cli(app_home, "send", "--pdf", str(pdf), "--xml", str(xml), "--yes", "--base-url", sim.base_url)
    batch_id = sent.stdout.strip().splitlines()[-1]
    journal = app_home / "data" / "journal.db"
    journal.write_bytes(b"garbage" * 100)
    for side in ("-wal", "-shm"):
        journal.with_name(journal.name + side).unlink(missing_ok=True)
    out = cli(app_home, "status", batch_id, "--base-url", sim.base_url)
    assert out.returncode in (0, 1) and batch_id in out.stdout
    assert "the journal is unavailable" in out.stderr
