"""Snapshots of the page viewer: the half-block page with its address zone, in full colour and at
16 colours (the c2m-16 theme), at 80x24."""

from __future__ import annotations

from pathlib import Path

import pytest

from c2m_tui.tui.screens.page_viewer import PageViewerScreen
from c2m_tui.tui.widgets.page_preview import PagePreview, PageRequest
from tests.pdf_maker import letter
from tests.tui.batch_harness import BatchScreensApp
from tests.unit.test_zone_check import FIRST, batch_xml

SIZE = (80, 24)


def viewer_app(folder: Path, theme: str, colours: str) -> BatchScreensApp:
    folder.mkdir(parents=True, exist_ok=True)
    pdf = letter(folder / "letter.pdf", 2, in_zone=True)
    xml = batch_xml(folder / "batch.xml", [(1, 2, FIRST, "#10 Double Window", "Ada Lovelace")]).read_bytes()
    return BatchScreensApp(None, lambda: PageViewerScreen(PageRequest(pdf, xml)), theme=theme, color_system=colours)


async def until_page(pilot) -> None:
    widget = pilot.app.screen.query_one(PagePreview)
    await pilot.wait_for_scheduled_animations()
    for _ in range(400):
        if widget.shown:
            break
        await pilot.pause(0.02)
    await pilot.pause()


@pytest.mark.parametrize("theme,colours", [("c2m-dark", "truecolor"), ("c2m-16", "16")])
def test_page_viewer_with_a_flagged_zone(snap_compare, theme, colours):
    # a fixed folder: the file name is on the screen, the path is not
    app = viewer_app(Path("/tmp/c2m-tui-snap-preview") / theme, theme, colours)
    assert snap_compare(app, terminal_size=SIZE, run_before=until_page)
