"""Snapshots of the status board, details view and tracking viewer (fixed size, frozen times)."""

from __future__ import annotations

import pytest

from tests.snapshots.batch_fixtures import (  # noqa: F401 - prepared is a fixture
    SIZE,
    details_screen,
    prepared,
    screen_app,
    status_screen,
    tracking_screen,
    until_details,
    until_polled,
    until_tracking,
)

# every screen at the usual size and at 80x24 (an SSH window: nothing essential may be cut)
SIZES = pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=["100x30", "80x24"])


@SIZES
def test_status_board_mailed(snap_compare, prepared, size):
    app = screen_app(prepared.mailed_sim, status_screen(prepared.mailed_id))
    assert snap_compare(app, terminal_size=size, run_before=until_polled)


@SIZES
def test_status_board_queued(snap_compare, prepared, size):
    app = screen_app(prepared.queued_sim, status_screen(prepared.queued_id))
    assert snap_compare(app, terminal_size=size, run_before=until_polled)


@SIZES
def test_details_view(snap_compare, prepared, size):
    app = screen_app(prepared.mailed_sim, details_screen(prepared.mailed_id))
    assert snap_compare(app, terminal_size=size, run_before=until_details)


@SIZES
def test_tracking_viewer_with_history(snap_compare, prepared, size):
    app = screen_app(prepared.mailed_sim, tracking_screen(prepared.mailed_id))

    async def run_before(pilot) -> None:
        await until_tracking(pilot)
        await pilot.press("down", "down")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_tracking_not_available(snap_compare, prepared, size):
    app = screen_app(prepared.mailed_sim, tracking_screen(prepared.mailed_id, "IMPB"))
    assert snap_compare(app, terminal_size=size, run_before=until_tracking)
