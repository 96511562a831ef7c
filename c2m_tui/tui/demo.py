"""``--demo``: the built-in simulator on a free loopback port, and sample files to walk the wizard.

The simulator runs in a daemon thread (EmbeddedSimulator) with short timings, so a demo batch goes
from submitted to MAILED in well under two minutes, and tracking events appear as it goes.
"""

from __future__ import annotations

from pathlib import Path

DEMO_USER = "demo"
DEMO_PASSWORD = "demo"
SAMPLE_PAGES_PER_LETTER = 2
SAMPLE_RECIPIENTS = (
    ("Ada Lovelace", "12 Analytical Way", "Baltimore", "MD", "21201"),
    ("Grace Hopper", "400 Compiler Ct", "Arlington", "VA", "22201"),
    ("Alan Turing", "7 Enigma Rd", "Princeton", "NJ", "08540"),
)


def start_demo_simulator(*, job_seconds: float = 4.0, queue_seconds: float = 3.0, day_seconds: float = 5.0,
                         wait: bool = False):
    """Start the simulator on 127.0.0.1 (a free port); returns (simulator, base_url) once its socket
    listens. Unless ``wait``, it finishes starting in its thread while the app draws its first
    screen (requests wait in the socket's backlog until then)."""
    from c2m_tui.sim.runner import EmbeddedSimulator, SimOptions

    options = SimOptions(
        users={DEMO_USER: DEMO_PASSWORD},
        queue_seconds=queue_seconds,
        job_seconds=job_seconds,
        tracking="simulated",
        day_seconds=day_seconds,
        host="127.0.0.1",
        port=0,
    )
    simulator = EmbeddedSimulator(options)
    base_url = simulator.start(wait=wait)
    return simulator, base_url


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
