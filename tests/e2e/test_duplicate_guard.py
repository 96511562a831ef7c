"""The duplicate guard and the per-batch lock, through the real CLI against the simulator:
the same content is never mailed twice by accident, and a batch is never submitted twice."""

from __future__ import annotations

import subprocess
import sys

from tests.e2e.sendflow import arm, cli, env_for, make_batch_files, run_driver, sim_batches


def _send(home, sim, pdf, xml, *extra):
    return cli(home, "send", "--pdf", str(pdf), "--xml", str(xml), "--yes", "--base-url", sim.base_url, *extra)


def test_the_same_content_is_refused_naming_the_earlier_batch_unless_allowed(sim, tmp_path, app_home):
    pdf, xml = make_batch_files(tmp_path)
    first = _send(app_home, sim, pdf, xml)
    assert first.returncode == 0, first.stderr
    first_id = first.stdout.strip().splitlines()[-1]

    again = _send(app_home, sim, pdf, xml)
    assert again.returncode == 1
    assert f"already submitted in demo as batch {first_id}" in again.stderr
    assert "--allow-duplicate" in again.stderr
    assert list(sim_batches(sim)) == [first_id]  # refused before create: no stray batch on the server

    on_purpose = _send(app_home, sim, pdf, xml, "--allow-duplicate")
    assert on_purpose.returncode == 0, on_purpose.stderr
    second_id = on_purpose.stdout.strip().splitlines()[-1]
    server = sim_batches(sim)
    assert second_id != first_id and len(server) == 2
    assert all(b["submit_count"] == 1 for b in server.values())


def test_two_processes_resuming_one_batch_submit_it_once(sim, tmp_path, app_home):
    pdf, xml = make_batch_files(tmp_path)
    killed = run_driver(sim, app_home, pdf=pdf, xml=xml, kill_step="xml", kill_state="done")
    assert killed.returncode < 0
    [batch_id] = sim_batches(sim)
    # hold the first submit at the server, so the second process arrives while it is in flight
    arm(sim, method="POST", path="submit", kind="delay", delay_ms=800, count=1)
    cmd = [sys.executable, "-m", "c2m_tui", "resume", batch_id, "--yes"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              stdin=subprocess.DEVNULL, env=env_for(app_home)) for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert out.strip().splitlines()[-1] == batch_id
    assert sim_batches(sim)[batch_id]["submit_count"] == 1
    submitted_by = [err for _, err in outs if "[submit] submit: done" in err]
    skipped_by = [err for _, err in outs if "[submit] submit: skipped" in err]
    assert len(submitted_by) == 1 and len(skipped_by) == 1


def test_two_processes_sending_the_same_content_submit_it_once(sim, tmp_path, app_home):
    pdf, xml = make_batch_files(tmp_path)
    arm(sim, method="POST", path="submit", kind="delay", delay_ms=800, count=1)
    cmd = [sys.executable, "-m", "c2m_tui", "send", "--pdf", str(pdf), "--xml", str(xml), "--yes",
           "--base-url", sim.base_url]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              stdin=subprocess.DEVNULL, env=env_for(app_home)) for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes == [0, 1], outs
    winner = next(out for p, (out, _) in zip(procs, outs) if p.returncode == 0).strip().splitlines()[-1]
    loser_err = next(err for p, (_, err) in zip(procs, outs) if p.returncode == 1)
    assert f"as batch {winner}" in loser_err
    server = sim_batches(sim)
    assert sum(b["submit_count"] for b in server.values()) == 1 and server[winner]["submit_count"] == 1


def test_the_cli_says_the_duplicate_with_its_submit_time_before_it_asks(sim, tmp_path, app_home):
    """Issue 11: the earlier batch and its real submit time (the journal's submit step, not the
    creation time) are said before any question; without --yes and without a terminal it is the
    duplicate that is named, not "no terminal"."""
    pdf, xml = make_batch_files(tmp_path)
    first = _send(app_home, sim, pdf, xml)
    assert first.returncode == 0, first.stderr
    first_id = first.stdout.strip().splitlines()[-1]
    assert "Pieces:" in first.stderr and "Per piece:" in first.stderr  # the review's words
    again = cli(app_home, "send", "--pdf", str(pdf), "--xml", str(xml), "--base-url", sim.base_url)  # no --yes
    assert again.returncode == 1
    assert f"already submitted in demo as batch {first_id} on " in again.stderr
    assert "no terminal" not in again.stderr and "Send it?" not in again.stderr
    on_purpose = _send(app_home, sim, pdf, xml, "--allow-duplicate")
    assert on_purpose.returncode == 0
    warning = on_purpose.stderr.index(f"WARNING: this PDF and XML were already submitted in demo as batch {first_id}")
    assert warning < on_purpose.stderr.index("[create]")
