"""Snapshot of the address check at 80x24: a realistic list corrected by the simulator's
/molpro/addressCorrection on loopback (its rules are deterministic: the ZIP+4 comes from a CRC of
the street). The app's own base URL is never called; the REST client goes to the simulator.
Update with ``uv run pytest tests/snapshots/test_snap_address_check.py --snapshot-update`` after
reading the new picture."""

from __future__ import annotations

from c2m_tui.core.rest import RestClient
from c2m_tui.tui.screens.address_check import AddressCheckScreen
from tests.tui.shell_harness import FIXED_URL, app_on, wait_for
from tests.tui.test_address_check import realistic_list


def test_address_check_80x24(snap_compare, sim):
    app = app_on(FIXED_URL)
    rest = lambda _session: RestClient(f"{sim.root}/molpro", "demo", "demo")  # noqa: E731
    screen = AddressCheckScreen(realistic_list(), rest_client=rest)
    app.call_later(lambda: app.push_screen(screen))

    async def ready(pilot):
        await wait_for(pilot, lambda: screen.result is not None or screen.error, what="the answers")
        assert screen.error is None, screen.error
        await pilot.press("tab", "down")  # the rows, on Li Wei's: a lower-case street and city corrected
        await wait_for(pilot, lambda: screen.highlighted_row() == 1, what="the second row")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=ready)
