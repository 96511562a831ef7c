"""The tracking viewer against a real simulator with simulated USPS scans, and its explanations."""

from __future__ import annotations

import csv

import pytest

from c2m_tui.core.tracking_rows import build_piece_rows
from c2m_tui.tui.screens.tracking import NOT_AVAILABLE, TrackingScreen
from c2m_tui.tui.screens.tracking_dialogs import ExportDialog, StatusFilterDialog
from c2m_tui.tui.widgets.tracking_view import TrackingView
from tests.tui.batch_harness import (
    BatchScreensApp,
    client_for,
    screen_text,
    send_batch,
    wait_for_status,
    wait_for_tracking,
    wait_until,
)


def all_delivered(tracking) -> bool:
    pieces = tracking.pieces()
    return tracking.available and bool(pieces) and all(evs[-1].status == "Delivered" for evs in pieces.values())


@pytest.fixture
def tracked_sim(sim_factory):
    return sim_factory("--queue-seconds", "0.2", "--job-seconds", "0.2", "--tracking", "simulated",
                       "--day-seconds", "0.15")


async def test_viewer_shows_pieces_history_filter_search_and_export(tracked_sim, tmp_path, monkeypatch):
    client = client_for(tracked_sim)
    batch_id = await send_batch(client, tmp_path, recipients=4)
    truth = await wait_for_tracking(client, batch_id, all_delivered)
    pieces = truth.pieces()
    barcodes = list(pieces)
    rows_by_code = {r.barcode: r for r in build_piece_rows(truth)[0]}
    monkeypatch.chdir(tmp_path)  # not where the CSV goes: the export folder (C2M_TUI_HOME/exports here)

    app = BatchScreensApp(client, lambda: TrackingScreen(batch_id))
    async with app.run_test(size=(110, 32)) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: screen.loaded is not None, what="tracking to load")
        await pilot.pause()
        view = screen.query_one(TrackingView)
        first = screen_text(app)
        assert len(view.rows) == 4
        assert view.has_focus

        await pilot.press("down")
        await pilot.pause()
        second_piece = view.cursor_row
        history_text = screen_text(app)

        await pilot.press("enter")
        await pilot.pause()
        history_focused = screen.query_one("#tracking-history").has_focus
        await pilot.press("escape")  # back to the list, not off the screen
        await pilot.pause()
        assert app.screen is screen and view.has_focus

        # search by the shortest tail of one barcode that no other barcode has
        tail = next(barcodes[2][-k:] for k in range(1, 40) if sum(b.endswith(barcodes[2][-k:]) for b in barcodes) == 1)
        await pilot.press("slash")
        for ch in tail:
            await pilot.press(ch)
        await pilot.pause()
        searched = [r.barcode for r in view.rows]
        await pilot.press("enter")
        await pilot.press("slash")
        await pilot.press("escape")  # escape in the search box clears it: all pieces again
        await pilot.pause()
        assert view.has_focus and not screen.query_one("#tracking-search").display
        assert len(view.rows) == 4

        # filter by status through the dialog
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, StatusFilterDialog)
        await pilot.press("down", "enter")  # the first status after "All statuses"
        await pilot.pause()
        filtered_by = screen.status_filter
        filtered_rows = len(view.rows)

        # export: the dialog proposes tracking-ID.csv here; enter confirms
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("enter")
        await pilot.pause()

    assert barcodes[0] in first and "Delivered" in first and "4 piece(s)" in first
    assert "Delivered: 4" in first
    assert second_piece is not None and second_piece.barcode == barcodes[1]
    # the detail pane shows every scan of the highlighted piece, newest first
    who = rows_by_code[barcodes[1]].recipient.label()
    assert f"Piece {barcodes[1]} to {who}: {len(pieces[barcodes[1]])} scan(s)" in history_text
    assert "Accepted" in history_text and "Out for delivery" in history_text
    assert history_focused
    assert searched == [barcodes[2]]
    assert filtered_by == "Delivered" and filtered_rows == 4

    from c2m_tui.config.paths import export_dir

    out = export_dir() / f"tracking-{batch_id}.csv"
    assert not (tmp_path / f"tracking-{batch_id}.csv").exists()
    with open(out, newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[0] == ["barCode", "status", "dateTime", "statusLocation", "latest", "name", "city", "postalCode", "listId"]
    assert len(lines) == 1 + len(truth.events)
    latest = [row for row in lines[1:] if row[4] == "yes"]
    assert sorted(r[0] for r in latest) == sorted(barcodes)
    assert all(r[1] == "Delivered" for r in latest)


async def test_not_available_is_explained_and_impb_switch(tracked_sim, tmp_path):
    client = client_for(tracked_sim)
    batch_id = await send_batch(client, tmp_path, recipients=2)
    await wait_for_tracking(client, batch_id, all_delivered)
    app = BatchScreensApp(client, lambda: TrackingScreen(batch_id))
    async with app.run_test(size=(110, 32)) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: screen.loaded is not None, what="IMB tracking")
        await pilot.press("i")  # First-Class letters have no package barcodes
        await wait_until(pilot, lambda: screen.loaded is not None and screen.tracking_type == "IMPB", what="IMPB")
        await pilot.pause()
        text = screen_text(app)
        await pilot.press("i")
        await wait_until(pilot, lambda: screen.loaded is not None and screen.tracking_type == "IMB", what="IMB again")
        back = len(screen.query_one(TrackingView).rows)
    assert "tracking (IMPB)" in text
    assert NOT_AVAILABLE in text
    assert "Staging never has tracking data" in text and "once a" in text and "day" in text
    assert "Press i to try IMB" in text
    assert back == 2


async def test_staging_batch_without_tracking(sim_factory, tmp_path):
    sim = sim_factory("--queue-seconds", "0.1", "--job-seconds", "0.1", "--tracking", "none")
    client = client_for(sim)
    batch_id = await send_batch(client, tmp_path, recipients=1)
    await wait_for_status(client, batch_id, lambda s: s.done)
    app = BatchScreensApp(client, lambda: TrackingScreen(batch_id), environment="staging")
    async with app.run_test(size=(110, 32)) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: screen.loaded is not None, what="the answer")
        await pilot.pause()
        text = screen_text(app)
        await pilot.press("x")  # nothing to export: said, not crashed
        await pilot.pause()
    assert NOT_AVAILABLE in text
    assert "You are on staging: staging never has tracking data" in text
    assert any("no tracking data to export" in n for n in app.notifications_seen)


async def test_tracking_of_unknown_batch_is_a_notification(sim):
    client = client_for(sim)
    app = BatchScreensApp(client, lambda: TrackingScreen("424242"))
    async with app.run_test(size=(110, 32)) as pilot:
        await wait_until(pilot, lambda: any("424242" in n for n in app.notifications_seen), what="the error")
        text = screen_text(app)
    assert "Could not read the tracking" in text
