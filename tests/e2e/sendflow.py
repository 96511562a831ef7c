"""Shared by the journal's end-to-end tests: real batch files, a send driver that can SIGKILL itself
at a chosen step, the CLI as a subprocess, and the simulator's test endpoints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from c2m_tui.config.paths import journal_file
from c2m_tui.core.batchxml import batch_xml_bytes
from c2m_tui.core.models import Address, Batch, Job
from tests.conftest import make_pdf

# A real send through submission.send (or resume) whose on_step callback SIGKILLs the process at
# (kill_step, kill_state): at once, or after kill_after seconds from a timer thread (to die while a
# request is in flight). Prints each step; prints "BATCH <id>" if it lives to the end.
DRIVER = r"""
import asyncio, json, os, signal, sys, threading
from pathlib import Path
from c2m_tui.config.paths import journal_file
from c2m_tui.core.client import BatchClient
from c2m_tui.core.journal import open_journal
from c2m_tui.core.sending import SendPlan, resume, send

cfg = json.loads(sys.argv[1])

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def on_step(step, state):
    print(f"STEP {step} {state}", flush=True)
    if step == cfg.get("kill_step") and state == cfg.get("kill_state"):
        if cfg.get("kill_after") is None:
            die()
        threading.Timer(cfg["kill_after"], die).start()

async def main():
    journal = open_journal(journal_file())
    async with BatchClient(cfg["base_url"], "demo", "demo", timeout=30, retries=0) as client:
        if cfg["mode"] == "send":
            plan = SendPlan(pdf=Path(cfg["pdf"]), xml=Path(cfg["xml"]).read_bytes(), profile="demo",
                            environment="demo", base_url=cfg["base_url"], jobs=1, pieces=2, pages=2)
            bid = await send(client, plan, journal, on_step=on_step, allow_duplicate=cfg.get("allow_duplicate", False))
        else:
            bid = await resume(client, journal, cfg["batch_id"], on_step=on_step)
    print("BATCH", bid, flush=True)

asyncio.run(main())
"""


def make_batch_files(directory: Path, pages: int = 2, name: str = "letters") -> tuple[Path, Path]:
    """A real PDF of ``pages`` pages and a valid batch XML mailing them to two people."""
    pdf = make_pdf(directory / f"{name}.pdf", pages)
    people = [
        Address(name="Ada Lovelace", address1="12 Analytical Way", city="Springfield", state="IL",
                postal_code="62701", country="US"),
        Address(name="Alan Turing", address1="1 Bletchley Rd", city="Madison", state="WI",
                postal_code="53703", country="US"),
    ]
    xml = directory / f"{name}.xml"
    xml.write_bytes(batch_xml_bytes(Batch(filename=pdf.name, jobs=[Job(1, pages, recipients=people)])))
    return pdf, xml


def env_for(home: Path) -> dict[str, str]:
    return {**os.environ, "C2M_TUI_HOME": str(home), "C2M_USERNAME": "demo", "C2M_PASSWORD": "demo"}


def run_driver(sim, home: Path, **cfg) -> subprocess.CompletedProcess:
    cfg.setdefault("base_url", sim.base_url)
    cfg.setdefault("mode", "send")
    return subprocess.run(
        [sys.executable, "-c", DRIVER, json.dumps(cfg, default=str)], capture_output=True, text=True, timeout=60,
        env=env_for(home),
    )


def cli(home: Path, *args: str, stdin=subprocess.DEVNULL, timeout: float = 60) -> subprocess.CompletedProcess:
    out = subprocess.run(
        [sys.executable, "-m", "c2m_tui", *args], capture_output=True, text=True, timeout=timeout,
        env=env_for(home), stdin=stdin,
    )
    assert "Traceback" not in out.stderr, out.stderr
    return out


def arm(sim, **fault) -> None:
    r = httpx.post(f"{sim.root}/__sim__/faults", json=fault, timeout=10)
    assert r.status_code < 300, r.text


def sim_batches(sim) -> dict[str, dict]:
    return {b["id"]: b for b in sim.state()["batches"]}


def wait_until(predicate, timeout: float = 10.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def journal_rows(home: Path) -> list[dict]:
    out = cli(home, "batches", "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)
