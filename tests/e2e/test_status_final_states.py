"""`c2m-tui status --watch` ends on every final state (reference §9.3), says it in plain words with
each failed job's errorMessage, and exits 0 only when every job is mailed. The simulator's
/__sim__/jobs hook forces one job's state, as Click2Mail would report it."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import make_pdf
from tests.e2e.helpers import run_cli
from tests.e2e.test_cli_flow import SHELL_SAMPLE  # five one-page-range jobs, two recipients each


@pytest.fixture
def quick_sim(sim_factory):
    return sim_factory("--queue-seconds", "0.1", "--job-seconds", "0.2", "--tracking", "none")


def send(sim, tmp_path) -> str:
    pdf = make_pdf(tmp_path / "letters.pdf", 10)
    r = run_cli("send", "--pdf", str(pdf), "--xml", str(SHELL_SAMPLE), "--yes", sim=sim)
    assert r.code == 0, r.err
    return r.last_line


def force(sim, batch_id: str, job: int, status: str, message: str = "") -> None:
    r = httpx.post(f"{sim.root}/__sim__/jobs", json={"batch": batch_id, "job": job, "status": status,
                                                     "errorMessage": message}, timeout=10)
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("word, message, expected", [
    ("ERROR", "Address not mailable: 1 of 1 recipients",
     "partly failed: 4 of 5 jobs mailed, 1 failed (job 3: Address not mailable: 1 of 1 recipients)"),
    ("ON_HOLD", "", "on hold (Click2Mail needs something from you): 4 of 5 jobs mailed, 1 on hold (job 3: ON_HOLD)"),
    ("CANCELLED", "", "partly mailed: 4 of 5 jobs mailed, 1 cancelled (job 3: CANCELLED)"),
    ("RECALLED", "", "unknown status (ask Click2Mail): 4 of 5 jobs mailed, 1 in an unknown state (job 3: RECALLED)"),
], ids=["error", "on-hold", "cancelled", "unknown"])
def test_watch_ends_on_each_final_state_with_exit_1(quick_sim, tmp_path, word, message, expected):
    batch_id = send(quick_sim, tmp_path)
    force(quick_sim, batch_id, 3, word, message)
    r = run_cli("status", batch_id, "--watch", sim=quick_sim, timeout=60)
    assert r.code == 1, r.out + r.err
    last = r.out.strip().split(f"batch {batch_id}: ")[-1]
    assert last.splitlines()[0] == expected
    if message:  # the text output shows the failed job's errorMessage
        assert f"    errorMessage: {message}" in last
    assert "job 3 (id " in last and f": {word}" in last


def test_watch_of_an_all_mailed_batch_is_exit_0(quick_sim, tmp_path):
    batch_id = send(quick_sim, tmp_path)
    r = run_cli("status", batch_id, "--watch", sim=quick_sim, timeout=60)
    assert r.code == 0, r.out + r.err
    assert r.out.strip().split(f"batch {batch_id}: ")[-1].startswith("mailed: all 5 job(s) are in the mail")


def test_the_status_read_is_what_batches_lists_next(quick_sim, tmp_path):
    """A new user's run: `status --watch` ended on mailed, and `batches` still said "queued"."""
    import json

    batch_id = send(quick_sim, tmp_path)
    r = run_cli("status", batch_id, "--watch", sim=quick_sim, timeout=60)
    assert r.code == 0, r.out + r.err
    listed = run_cli("batches", "--json")
    assert listed.code == 0, listed.err
    [entry] = [b for b in json.loads(listed.out) if b["id"] == batch_id]
    assert entry["last_status"] == "mailed"
