"""SIGKILL a real send at every step against the simulator, then finish it: every batch ends
submitted exactly once (the simulator's submit_count) and no batch on the server is unexplained."""

from __future__ import annotations

import signal

import pytest
from tests.e2e.sendflow import arm, cli, make_batch_files, run_driver, sim_batches, wait_until

from c2m_tui.config.paths import journal_file
from c2m_tui.commands.batches import rows
from c2m_tui.core.client import BatchClient
from c2m_tui.core.journal import open_journal
from c2m_tui.core.sending import SendPlan, resume, send

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
    journal = open_journal(journal_file())
    try:
        return rows(journal)
    finally:
        journal.close()


async def _finish(sim, pdf, xml, batch_id: str | None) -> tuple[str, list[tuple[str, str]], list]:
    """Finish in this process: resume the batch, or (no id) send the same files again."""
    steps: list[tuple[str, str]] = []
    settled: list = []
    journal = open_journal(journal_file())
    try:
        async with BatchClient(sim.base_url, "demo", "demo", timeout=30) as client:
            if batch_id is None:
                plan = SendPlan(pdf=pdf, xml=xml.read_bytes(), profile="demo", environment="demo",
                                base_url=sim.base_url, jobs=1, pieces=2, pages=2)
                batch_id = await send(client, plan, journal, on_step=lambda *a: steps.append(a),
                                      on_settle=settled.append)
            else:
                batch_id = await resume(client, journal, batch_id, on_step=lambda *a: steps.append(a),
                                        on_settle=settled.append)
    finally:
        journal.close()
    return batch_id, steps, settled


@pytest.mark.parametrize(
    "step,state,in_flight", CASES, ids=[f"{s}-{st}{'-in-flight' if f else ''}" for s, st, f in CASES]
)
async def test_killed_send_is_finished_exactly_once(sim, tmp_path, app_home, step, state, in_flight):
    pdf, xml = make_batch_files(tmp_path)
    if in_flight:
        arm(sim, method=METHOD[step], path=step, kind="delay", delay_ms=DELAY_MS, count=1)
    killed = run_driver(
        sim, app_home, pdf=pdf, xml=xml, kill_step=step, kill_state=state, kill_after=0.7 if in_flight else None
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert f"STEP {step} {state}" in killed.stdout and "BATCH" not in killed.stdout

    if in_flight:  # let the server finish what it was doing with the dead client's request
        wait_until(lambda: any("[fault delay]" in line for line in list(sim.log)), timeout=30,
                   what="the held call to end on the server")
        if step == "create":
            wait_until(lambda: len(sim_batches(sim)) == 1, what="the orphan create to land")
        if step == "submit":
            wait_until(lambda: any(b["submit_count"] for b in sim_batches(sim).values()), what="the lost submit")

    [entry] = _journal_rows()
    if step == "create" and state == "start":
        # no id came back: it cannot be resumed, and it is said so, never silently
        assert entry["id"] is None and entry["state"] == "possibly created"
        assert "unknown" in entry["note"]
    else:
        assert entry["id"] is not None
        expected_state = {
            ("create", "done"): "created", ("pdf", "done"): "pdf uploaded", ("xml", "done"): "xml uploaded",
            ("submit", "start"): "ambiguous",  # asked, no answer: settled only by reading the status
            ("submit", "done"): "submitted",
        }.get((step, state))
        if expected_state:
            assert entry["state"] == expected_state
    # the guard lets a re-send through after a lost create: nothing was submitted
    batch_id, steps, settled = await _finish(sim, pdf, xml, entry["id"])

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
    if step == "create" and state == "start":
        assert [r.outcome for r in settled] == ["possibly created"]
        assert len(unexplained) == (1 if in_flight else 0) and len(possibly) == 1
    if step in ("pdf", "xml") and state == "start":  # an unconfirmed upload is sent again, nothing else
        assert [r.outcome for r in settled] == ["upload unconfirmed"]
        assert (step, "done") in steps
    if step == "submit" and state == "start":
        assert [r.outcome for r in settled] == ["submitted" if in_flight else "not submitted"]
        assert (("submit", "skipped") in steps) == in_flight
    if step == "submit" and state == "done":
        assert settled == [] and ("submit", "start") not in steps


def test_the_cli_resume_says_how_a_lost_submit_was_settled(sim, tmp_path, app_home):
    pdf, xml = make_batch_files(tmp_path)
    arm(sim, method="POST", path="submit", kind="delay", delay_ms=DELAY_MS, count=1)
    killed = run_driver(sim, app_home, pdf=pdf, xml=xml, kill_step="submit", kill_state="start", kill_after=0.7)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    wait_until(lambda: any(b["submit_count"] for b in sim_batches(sim).values()), what="the lost submit")
    [batch_id] = sim_batches(sim)
    out = cli(app_home, "resume", batch_id, "--yes")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == batch_id
    assert "its submit got no answer: the status is read first" in out.stderr
    assert f"settled: batch {batch_id}: submit had no answer; the server's status says it was submitted" in out.stderr
    assert "[submit] submit: skipped" in out.stderr
    assert sim_batches(sim)[batch_id]["submit_count"] == 1
