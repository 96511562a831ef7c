"""A small App that shows one of the batch screens (status, details, tracking) with a real
BatchClient against a simulator, without depending on the full C2MApp; and a helper that sends
a real batch through that simulator."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable

from textual.app import App
from textual.screen import Screen

from c2m_tui.core.batchxml import batch_xml_bytes
from c2m_tui.core.client import BatchClient
from c2m_tui.core.models import Address, Batch, BatchStatus, Job, PrintOptions, ReturnAddress
from c2m_tui.tui.capture import export_svg
from c2m_tui.tui.themes import register_themes
from c2m_tui.tui.session import Session
from tests.conftest import make_pdf


class BatchScreensApp(App[None]):
    """Pushes ``make_screen()`` on start; ``app.session.client`` is the given client."""

    def __init__(self, client: Any, make_screen: Callable[[], Screen], *, theme: str = "c2m-dark",
                 environment: str = "demo", color_system: str = "truecolor", sim: Any = None) -> None:
        super().__init__()
        self.animation_level = "none"
        # with ``sim``: its credentials, for the REST calls (proof, cancel) on the loopback /molpro
        credentials = SimpleNamespace(username=sim.username, password=sim.password) if sim is not None else None
        self.session = SimpleNamespace(client=client, environment=environment, label=environment.upper(),
                                       base_url=getattr(client, "base_url", ""), credentials=credentials,
                                       profile=SimpleNamespace(name="test", rest_url=None),
                                       profile_name="test", logged_in=credentials is not None, debug_log=None)
        # the app's own way to its REST client (the real Session.rest_client, on this stand-in session)
        self.session.rest_client = lambda: Session.rest_client(self.session)
        self.theme_problems = register_themes(self)
        self.theme = theme
        self.color_system = color_system
        self._make_screen = make_screen
        self.notifications_seen: list[str] = []

    def on_mount(self) -> None:
        self.push_screen(self._make_screen())

    def notify(self, message: str, **kw: Any) -> None:  # keep a record for assertions
        self.notifications_seen.append(f"{kw.get('title') or ''}|{message}")
        super().notify(message, **kw)

    def export_screenshot(self, *, title: str | None = None, simplify: bool = False) -> str:
        return export_svg(self, color_system=self.color_system, title=title)

    async def on_unmount(self) -> None:
        close = getattr(self.session.client, "aclose", None)
        if close is not None:
            await close()


def client_for(sim) -> BatchClient:
    return BatchClient(sim.base_url, sim.username, sim.password, timeout=10, retries=1)


def sample_batch(pdf_name: str, recipients: int, mail_class: str = "First Class") -> Batch:
    sender = ReturnAddress(name="Test Sender", address1="1 Sample St", city="Oakton", state="VA", postal_code="22124")
    people = [
        Address(name=f"Person {i}", address1=f"{i} Main St", city="Baltimore", state="MD", postal_code=f"2120{i % 10}")
        for i in range(1, recipients + 1)
    ]
    job = Job(1, 1, options=PrintOptions(mail_class=mail_class), recipients=people, return_address=sender)
    return Batch(filename=pdf_name, jobs=[job])


async def send_batch(client: BatchClient, folder: Path, recipients: int = 3, jobs: int = 1,
                     submit: bool = True) -> str:
    """Create, upload and (unless ``submit=False``) submit a real batch; returns its id."""
    pdf = make_pdf(folder / "letters.pdf", 1)
    created = await client.create_batch()
    batch = sample_batch(pdf.name, recipients)
    batch.jobs = list(batch.jobs) * jobs  # the same one-page letter, as several jobs
    await client.upload_pdf(created.id, pdf)
    await client.upload_xml(created.id, batch_xml_bytes(batch))
    if submit:
        await client.submit(created.id)
    return created.id


async def wait_for_status(client: BatchClient, batch_id: str, check: Callable[[BatchStatus], bool],
                          timeout: float = 20) -> BatchStatus:
    deadline = time.monotonic() + timeout
    while True:
        status = await client.status(batch_id)
        if check(status):
            return status
        if time.monotonic() > deadline:
            raise AssertionError(f"batch {batch_id} did not reach the state in {timeout}s: {status.describe()}")
        await asyncio.sleep(0.1)


async def wait_for_tracking(client: BatchClient, batch_id: str, check: Callable[[Any], bool], tracking_type: str = "IMB",
                            timeout: float = 20):
    deadline = time.monotonic() + timeout
    while True:
        tracking = await client.tracking(batch_id, tracking_type)
        if check(tracking):
            return tracking
        if time.monotonic() > deadline:
            raise AssertionError(f"tracking of {batch_id} did not reach the state in {timeout}s")
        await asyncio.sleep(0.1)


async def wait_until(pilot, check: Callable[[], bool], timeout: float = 60, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


def screen_text(app: App) -> str:
    """What the screen shows, as plain text (one line per row)."""
    update = app.screen._compositor.render_update(full=True)
    return "\n".join("".join(seg.text for strip in line for seg in strip) for line in update.strips)
