"""SIGKILL a real send at every step against the simulator, then finish it: every batch ends
submitted exactly once (the simulator's submit_count) and no batch on the server is unexplained."""

from __future__ import annotations

import signal
import time

import pytest
from tests.e2e.sendflow import arm, cli, make_batch_files, run_driver, sim_batches, wait_until

from c2m_tui.commands.batches import rows
from c2m_tui.core.journal import open_journal

DELAY_MS = 2000  # the server holds an in-flight request this long; the driver dies 0.7 s into it
METHOD = {"create": "POST", "pdf": "PUT", "xml": "PUT", "submit": "POST"}

CASES = [
    # (kill step, kill state, a request in flight when killed?)
    ("create", "start", False),  # intent committed, request never sent
    ("create", "start", True),  # create sent, no answer: an orphan batch on the server
    ("create", "done", False),
    ("pdf", "start", False),
    ("pdf", "start", True),
    ("pdf", "done", False),
    ("xml", "start", False),
    ("xml", "start", True),
    ("xml", "done", False),
    ("submit", "start", False),  # submit intent, request never sent: status says not submitted
    ("submit", "start", True),  # submit sent, answer lost: status says submitted, never again
    ("submit", "done", False),
]


def _journal_rows() -> list[dict]:
    journal = open_journal()
    try:
        return rows(journal)
    finally:
        journal.close()


@pytest.mark.parametrize(
    "step,state,in_flight", CASES, ids=[f"{s}-{st}{'-in-flight' if f else ''}" for s, st, f in CASES]
)
def test_killed_send_is_finished_exactly_once(sim, tmp_path, app_home, step, state, in_flight):
    pdf, xml = make_batch_files(tmp_path)
    if in_flight:
        arm(sim, method=METHOD[step], path=step, kind="delay", delay_ms=DELAY_MS, count=1)
    killed = run_driver(
        sim, app_home, pdf=pdf, xml=xml, kill_step=step, kill_state=state, kill_after=0.7 if in_flight else None
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert f"STEP {step} {state}" in killed.stdout and "BATCH" not in killed.stdout

    if in_flight:  # let the server finish what it was doing with the dead client's request
        time.sleep(DELAY_MS / 1000)
        if step == "create":
            wait_until(lambda: len(sim_batches(sim)) == 1, what="the orphan create to land")
        if step == "submit":
            wait_until(lambda: any(b["submit_count"] for b in sim_batches(sim).values()), what="the lost submit")

    [entry] = _journal_rows()
    if step == "create" and state == "start":
        # no id came back: it cannot be resumed, and it is said so, never silently
        assert entry["id"] is None and entry["state"] == "possibly created"
        assert "unknown" in entry["note"]
        out = cli(app_home, "send", "--pdf", str(pdf), "--xml", str(xml), "--yes", "--base-url", sim.base_url)
        assert out.returncode == 0, out.stderr  # the guard lets it through: nothing was submitted
    else:
        assert entry["id"] is not None
        expected_state = {
            ("create", "done"): "created", ("pdf", "done"): "pdf uploaded", ("xml", "done"): "xml uploaded",
            ("submit", "done"): "submitted",
        }.get((step, state))
        if expected_state:
            assert entry["state"] == expected_state
        if step == "submit" and state == "start":
            assert entry["state"] == "ambiguous"  # asked, no answer: settled only by reading the status
        out = cli(app_home, "resume", entry["id"], "--yes")
        assert out.returncode == 0, out.stderr
    batch_id = out.stdout.strip().splitlines()[-1]

    server = sim_batches(sim)
    assert server[batch_id]["submit_count"] == 1 and server[batch_id]["submitted"]
    assert server[batch_id]["pdf_bytes"] == pdf.stat().st_size
    assert server[batch_id]["xml_bytes"] > 0

    final = _journal_rows()
    assert {r["id"]: r["state"] for r in final if r["id"]} == {batch_id: "submitted"}
    possibly = [r for r in final if r["state"] == "possibly created"]
    unexplained = [b for b in server if b != batch_id]
    assert len(unexplained) <= len(possibly)  # each unknown server batch is a "possibly created" entry
    assert all(server[b]["submit_count"] == 0 for b in unexplained)  # and none of them was ever submitted
    if in_flight and step == "create":
        assert len(unexplained) == 1 and len(possibly) == 1
    if step == "submit" and state == "done":
        assert "nothing to do" in out.stderr
    if step == "submit" and state == "start":
        said = "says it was submitted" if in_flight else "says it was not submitted"
        assert f"settled: batch {batch_id}: submit had no answer; the server's status {said}" in out.stderr
        assert ("[submit] submit: skipped" in out.stderr) == in_flight
