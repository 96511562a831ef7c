"""Snapshots of the address screens (column mapping, problems) on an Outlook-shaped export.

Deterministic: 100x30, the c2m-dark theme, a base URL that is never called, the file in a folder
of fixed name (only its name is shown). Update with
``uv run pytest tests/snapshots/test_snap_addresses.py --snapshot-update`` after checking by eye.
"""

from __future__ import annotations

import pytest

from c2m_tui.tui.screens.address_mapping import AddressMappingScreen
from c2m_tui.tui.screens.address_problems import AddressProblemsScreen
from tests.snapshots.still import until_still
from tests.tui.shell_harness import FIXED_URL, app_on, wait_for
from tests.tui.test_address_screens import outlook_csv

SIZE = (100, 30)
SIZES = pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=["100x30", "80x24"])


@pytest.fixture
def contacts(tmp_path):
    folder = tmp_path / "lists"
    folder.mkdir()
    return outlook_csv(folder)


async def settle(pilot) -> None:
    await until_still(pilot)


@SIZES
def test_address_mapping(snap_compare, contacts, size):
    app = app_on(FIXED_URL)
    app.call_later(lambda: app.push_screen(AddressMappingScreen(contacts)))

    async def ready(pilot):
        await wait_for(pilot, lambda: isinstance(app.screen, AddressMappingScreen) and app.screen.facts, what="facts")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=ready)


def problems_app(contacts):
    """The app with the problems screen of ``contacts`` (its guessed columns) pushed."""
    from c2m_tui.core.addresses import guess_mapping, open_table, preview

    headers = open_table(contacts).info.headers
    mapping = guess_mapping(headers, [r for _, r in preview(contacts, 10).rows]).mapping
    app = app_on(FIXED_URL)
    app.call_later(lambda: app.push_screen(AddressProblemsScreen(contacts, mapping)))
    return app


@SIZES
def test_address_problems(snap_compare, contacts, size):
    app = problems_app(contacts)

    async def ready(pilot):
        await wait_for(pilot, lambda: isinstance(app.screen, AddressProblemsScreen) and app.screen.scans
                       and app.screen.query_one("#problem-kinds").row_count >= 2, what="scan")
        await pilot.press("down")  # the ZIP kind, with its row
        await wait_for(pilot, lambda: app.screen.query_one("#problem-kinds").cursor_row == 1, what="the ZIP kind")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=ready)


@SIZES
def test_address_row_edit(snap_compare, contacts, size):
    """Row 4 (Ann Lee, no city) opened for editing from the problems screen, the city typed."""
    from c2m_tui.tui.screens.row_edit import RowEditScreen

    app = problems_app(contacts)

    async def ready(pilot):
        await wait_for(pilot, lambda: isinstance(app.screen, AddressProblemsScreen) and app.screen.scans, what="scan")
        await pilot.press("e")  # missing-city is highlighted, with row 4
        editor = await wait_for(pilot, lambda: isinstance(app.screen, RowEditScreen) and app.screen, what="editor")
        await pilot.press(*"Reno")
        await wait_for(pilot, lambda: "No problem left" in str(editor.query_one("#row-edit-check").render()),
                       what="the check")
        for field in editor.query("Input"):
            field.cursor_blink = False
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=ready)
