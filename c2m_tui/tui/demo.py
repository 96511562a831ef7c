"""``--demo``: the built-in simulator on a well-known loopback port, and sample files to walk the wizard.

The simulator runs in a daemon thread (EmbeddedSimulator) with short timings, so a demo batch goes
from submitted to MAILED in well under two minutes, and tracking events appear as it goes.

The demo remembers: the simulator keeps its batches and uploads in the data directory's
``demo-sim`` folder (sim/persist.py) and listens on the demo profile's port (8025 unless
config.toml moves it), the port the journal recorded, so yesterday's demo batches are still listed,
openable and resumable. When that port is taken by another program the simulator takes a free one
and says so (batches of earlier runs then belong to the other port). A second demo started while
one runs with the same data directory uses the running one's simulator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEMO_USER = "demo"
DEMO_PASSWORD = "demo"
SAMPLE_PAGES_PER_LETTER = 2
SAMPLE_RECIPIENTS = (
    ("Ada Lovelace", "12 Analytical Way", "Baltimore", "MD", "21201"),
    ("Grace Hopper", "400 Compiler Ct", "Arlington", "VA", "22201"),
    ("Alan Turing", "7 Enigma Rd", "Princeton", "NJ", "08540"),
)


DEMO_STATE_FOLDER = "demo-sim"


@dataclass
class DemoServer:
    """The demo's simulator: our own (``simulator``), or another running demo's (``simulator`` None)."""

    base_url: str
    simulator: Any = None
    notices: list[str] = field(default_factory=list)
    _lock: int | None = None

    def stop(self) -> None:
        from c2m_tui.sim.persist import release

        try:
            if self.simulator is not None:
                self.simulator.stop()
        finally:
            self.simulator = None
            release(self._lock)
            self._lock = None


def demo_port(base_url: str) -> int:
    from urllib.parse import urlsplit

    return urlsplit(base_url).port or 8025


def start_demo_simulator(state_dir: Path | None = None, base_url: str = "http://127.0.0.1:8025/v1", *,
                         job_seconds: float = 4.0, queue_seconds: float = 3.0,
                         day_seconds: float = 5.0) -> DemoServer:
    """The demo simulator on 127.0.0.1 at ``base_url``'s port (another free one, with a notice, when
    that is taken), keeping its state in ``state_dir`` (None: forgets at exit)."""
    from c2m_tui.core.errors import C2MError
    from c2m_tui.sim import persist
    from c2m_tui.sim.runner import EmbeddedSimulator, SimOptions

    port = demo_port(base_url)
    lock = None
    if state_dir is not None:
        lock = persist.claim(state_dir)
        if lock is None:  # another demo with this data directory runs: share its simulator
            running = persist.read_url(state_dir)
            if running and _answers(running):
                return DemoServer(running, notices=[f"Another c2m-tui demo is running: using its simulator at {running}."])
            return _without_state(port, "another c2m-tui demo holds the demo's saved batches (its lock in "
                                        f"{state_dir}), so this run's batches are not kept", job_seconds,
                                  queue_seconds, day_seconds)

    def simulator_on(chosen: int) -> EmbeddedSimulator:
        options = SimOptions(
            users={DEMO_USER: DEMO_PASSWORD}, queue_seconds=queue_seconds, job_seconds=job_seconds,
            tracking="simulated", day_seconds=day_seconds, host="127.0.0.1", port=chosen,
            state_dir=str(state_dir) if state_dir is not None else None,
        )
        simulator = EmbeddedSimulator(options)
        # returns once the socket listens (a port taken is known here); uvicorn and the app are
        # imported and started in its thread when the first call knocks, not before the first screen
        simulator.start(wait=False)
        return simulator

    notices: list[str] = []
    try:
        try:
            simulator = simulator_on(port)
        except C2MError:
            if not port:
                raise
            simulator = simulator_on(0)
            notices.append(f"Port {port} is taken by another program: the demo simulator listens on "
                           f"{simulator.url} this time (batches of earlier demos are on port {port}).")
        if state_dir is not None:
            persist.write_url(state_dir, simulator.url)
    except BaseException:
        persist.release(lock)
        raise
    return DemoServer(simulator.url, simulator, notices, lock)


def _without_state(port: int, why: str, job_seconds: float, queue_seconds: float, day_seconds: float) -> DemoServer:
    server = start_demo_simulator(None, f"http://127.0.0.1:{port}/v1", job_seconds=job_seconds,
                                  queue_seconds=queue_seconds, day_seconds=day_seconds)
    server.notices.insert(0, why[0].upper() + why[1:] + ".")
    return server


def _answers(base_url: str) -> bool:
    """Does a simulator answer at ``base_url``? (its test hook; loopback, so quick)"""
    import httpx

    try:
        return httpx.get(base_url.rsplit("/v1", 1)[0] + "/__sim__/state", timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def write_samples(folder: Path) -> dict[str, Path]:
    """A small letter PDF (2 pages for each of 3 people) and a batch XML that mails it; reused if present
    (then nothing is imported: pypdf alone takes 0.1 s, on the way to the first screen)."""
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / "sample-letters.pdf"
    xml = folder / "sample-batch.xml"
    if not pdf.exists():
        from pypdf import PdfWriter

        writer = PdfWriter()
        for _ in range(SAMPLE_PAGES_PER_LETTER * len(SAMPLE_RECIPIENTS)):
            writer.add_blank_page(width=612, height=792)
        tmp = pdf.with_suffix(".tmp")
        with open(tmp, "wb") as fh:
            writer.write(fh)
        tmp.replace(pdf)
    if not xml.exists():
        from c2m_tui.core.batchxml import write_batch
        from c2m_tui.core.models import Address, Batch, Job, PrintOptions, ReturnAddress

        sender = ReturnAddress(name="c2m-tui demo", address1="1 Sample St", city="Oakton", state="VA", postal_code="22124")
        jobs = []
        for i, (name, street, city, state, zip_code) in enumerate(SAMPLE_RECIPIENTS):
            first = i * SAMPLE_PAGES_PER_LETTER + 1
            jobs.append(
                Job(
                    starting_page=first,
                    ending_page=first + SAMPLE_PAGES_PER_LETTER - 1,
                    options=PrintOptions(),
                    recipients=[Address(name=name, address1=street, city=city, state=state, postal_code=zip_code)],
                    return_address=sender,
                )
            )
        tmp = xml.with_suffix(".tmp")
        write_batch(Batch(filename=pdf.name, jobs=jobs), tmp)
        tmp.replace(xml)
    return {"pdf": pdf, "xml": xml}
