"""The tracking viewer at 80x24 with a 50-letter batch, as a new user first sees it: the list keeps
rows on screen (also while searching) and its Location column stays readable."""

from __future__ import annotations

import pytest

from c2m_tui.core.batchxml import batch_xml_bytes
from c2m_tui.core.models import Address, Batch, Job, PrintOptions, ReturnAddress
from c2m_tui.tui.screens.tracking import TrackingScreen
from c2m_tui.tui.widgets.tracking_view import TrackingView
from tests.conftest import make_pdf
from tests.tui.batch_harness import BatchScreensApp, client_for, screen_text, wait_for_tracking, wait_until

PIECES = 50
# names as long as real ones get: the recipient column's widest (22 cells) is reached
NAMES = ("Margaret Featherstonehaugh", "Christopher Vanderbilt", "Alexandra Konstantinou", "Bartholomew Whitaker",
         "Helen Miller")
CITIES = (("Boston", "MA", "02108"), ("Chicago", "IL", "60601"), ("Springfield", "IL", "62701"))


def names(i: int) -> str:
    return "Helen Miller" if i == 23 else f"{NAMES[i % 4]} {i}"


async def send_fifty(client, folder) -> str:
    pdf = make_pdf(folder / "letters.pdf", 1)
    sender = ReturnAddress(name="Test Sender", address1="1 Sample St", city="Oakton", state="VA", postal_code="22124")
    people = [Address(name=names(i), address1=f"{i} Main St", city=CITIES[i % 3][0], state=CITIES[i % 3][1],
                      postal_code=CITIES[i % 3][2]) for i in range(PIECES)]
    batch = Batch(filename=pdf.name, jobs=[Job(1, 1, options=PrintOptions(), recipients=people,
                                               return_address=sender)])
    created = await client.create_batch()
    await client.upload_pdf(created.id, pdf)
    await client.upload_xml(created.id, batch_xml_bytes(batch))
    await client.submit(created.id)
    return created.id


def delivered(tracking) -> bool:
    pieces = tracking.pieces()
    return len(pieces) == PIECES and all(evs[-1].status == "Delivered" for evs in pieces.values())


@pytest.fixture
async def mailed(sim_factory, tmp_path):
    sim = sim_factory("--queue-seconds", "0.1", "--job-seconds", "0.1", "--tracking", "simulated",
                      "--day-seconds", "0.1")
    client = client_for(sim)
    batch_id = await send_fifty(client, tmp_path)
    await wait_for_tracking(client, batch_id, delivered, timeout=40)
    return client, batch_id


def list_lines(text: str) -> list[str]:
    """The list's lines on screen: its rows show the barcode cut in the middle (the history
    pane's title shows it whole)."""
    return [line for line in text.splitlines() if "…" in line and "Delivered" in line]


async def test_at_80x24_the_list_shows_rows_and_a_readable_location(mailed):
    client, batch_id = mailed
    app = BatchScreensApp(client, lambda: TrackingScreen(batch_id))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: screen.loaded is not None, what="tracking")
        await pilot.pause()
        view = screen.query_one(TrackingView)
        text = screen_text(app)
        rows_on_screen = list_lines(text)
        header = next(line for line in text.splitlines() if "Barcode" in line)
    assert len(view.rows) == PIECES
    assert "Location" in header
    # Boston, Chicago and Springfield pieces end their trip in their own city
    assert any("BOSTON MA" in line for line in rows_on_screen), rows_on_screen
    assert any("SPRINGFIELD IL" in line for line in rows_on_screen), rows_on_screen
    assert len(rows_on_screen) >= 7, text  # 3 before


async def test_at_80x24_a_search_shows_the_matching_row(mailed):
    client, batch_id = mailed
    app = BatchScreensApp(client, lambda: TrackingScreen(batch_id))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: screen.loaded is not None, what="tracking")
        await pilot.press("slash", *"Miller")
        await wait_until(pilot, lambda: len(screen.query_one(TrackingView).rows) == 1, what="the search")
        await pilot.pause()
        typing = screen_text(app)
        await pilot.press("enter")  # to the list, the search still applied
        await pilot.pause()
        listed = screen_text(app)
    for text in (typing, listed):
        assert "Showing 1 of 50" in text
        assert [line for line in list_lines(text) if "Helen Miller" in line], text

