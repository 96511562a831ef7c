"""A simulator with a state folder (sim/persist.py) keeps its batches across restarts: their
uploads, jobs and ids; a batch that was in intake when it stopped is processed after the restart."""

from __future__ import annotations

import asyncio
import time

from c2m_tui.core.client import BatchClient
from c2m_tui.sim.runner import EmbeddedSimulator, SimOptions
from c2m_tui.tui.demo import write_samples


def _sim(state, queue_seconds: float) -> EmbeddedSimulator:
    return EmbeddedSimulator(SimOptions(queue_seconds=queue_seconds, job_seconds=0.1, state_dir=str(state)))


async def _status_when(client: BatchClient, batch_id: str, done, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while True:
        status = await client.status(batch_id)
        if done(status) or time.monotonic() > deadline:
            return status
        await asyncio.sleep(0.05)


async def test_batches_survive_a_restart_and_intake_resumes(tmp_path):
    samples = write_samples(tmp_path / "samples")
    state = tmp_path / "state"
    with _sim(state, queue_seconds=60) as sim:  # intake takes long: the stop comes in the middle
        async with BatchClient(sim.url, "demo", "demo") as client:
            created = (await client.create_batch()).id
            await client.upload_pdf(created, samples["pdf"])
            await client.upload_xml(created, samples["xml"].read_bytes())
            await client.submit(created)
            before = await client.status(created)
            assert before.submitted and not before.jobs
            untouched = (await client.create_batch()).id
    assert (state / "state.json").is_file()
    with _sim(state, queue_seconds=0.1) as sim:
        async with BatchClient(sim.url, "demo", "demo") as client:
            after = await _status_when(client, created, lambda s: len(s.jobs) == 3)
            assert after.submitted and len(after.jobs) == 3 and not after.has_errors
            assert not (await client.status(untouched)).submitted
            newer = (await client.create_batch()).id
            assert int(newer) > int(untouched)  # ids go on from where they were, never reused
    assert sorted(p.name for p in (state / "uploads").iterdir()) == [f"{created}.pdf", f"{created}.xml"]


def test_without_a_state_folder_nothing_is_kept(tmp_path):
    with EmbeddedSimulator(SimOptions()) as sim:
        workdir = sim.app.state.sim.workdir
        assert workdir.is_dir()
    assert not workdir.exists()


def test_the_sim_command_keeps_state_with_state_dir(tmp_path):
    from tests.conftest import start_sim

    import httpx

    state = tmp_path / "kept"
    first = start_sim("--state-dir", str(state), "--quiet")
    try:
        created = httpx.post(first.base_url + "/batches", auth=("demo", "demo"), timeout=10)
        batch_id = created.text.split("<id>")[1].split("</id>")[0]
    finally:
        first.stop()
    second = start_sim("--state-dir", str(state), "--quiet")
    try:
        again = httpx.get(f"{second.base_url}/batches/{batch_id}", auth=("demo", "demo"), timeout=10)
        assert again.status_code == 201 and f"<id>{batch_id}</id>" in again.text
    finally:
        second.stop()


async def test_the_credit_spent_stays_spent_across_a_restart(tmp_path):
    """A new user's run: the demo's balance was $10,000.00 again after a restart, its batches kept."""
    samples = write_samples(tmp_path / "samples")
    state = tmp_path / "state"
    with _sim(state, queue_seconds=0.1) as sim:
        async with BatchClient(sim.url, "demo", "demo") as client:
            created = (await client.create_batch()).id
            await client.upload_pdf(created, samples["pdf"])
            await client.upload_xml(created, samples["xml"].read_bytes())
            await client.submit(created)
            await _status_when(client, created, lambda s: len(s.jobs) == 3)
        ledger = sim.app.state.sim.ledger
        spent = ledger.balance("demo")
        assert spent < ledger.start
    with _sim(state, queue_seconds=0.1) as sim:
        assert sim.app.state.sim.ledger.balance("demo") == spent
