"""Snapshots of the page viewer: the half-block page with its address zone, in full colour and at
16 colours (the c2m-16 theme), at 80x24."""

from __future__ import annotations

from pathlib import Path

import pytest

from c2m_tui.tui.screens.page_viewer import PageViewerScreen
from c2m_tui.tui.widgets.page_preview import PagePreview, PageRequest
from tests.pdf_maker import letter
from tests.snapshots.still import until_still
from tests.tui.batch_harness import BatchScreensApp, wait_until
from tests.unit.test_zone_check import FIRST, batch_xml

SIZE = (80, 24)


def viewer_app(folder: Path, theme: str, colours: str) -> BatchScreensApp:
    folder.mkdir(parents=True, exist_ok=True)
    pdf = letter(folder / "letter.pdf", 2, in_zone=True)
    xml = batch_xml(folder / "batch.xml", [(1, 2, FIRST, "#10 Double Window", "Ada Lovelace")]).read_bytes()
    return BatchScreensApp(None, lambda: PageViewerScreen(PageRequest(pdf, xml)), theme=theme, color_system=colours)


async def until_page(pilot) -> None:
    widget = pilot.app.screen.query_one(PagePreview)
    await wait_until(pilot, lambda: widget.shown, timeout=20, what="the page drawn")
    await until_still(pilot)


@pytest.mark.parametrize("theme,colours", [("c2m-dark", "truecolor"), ("c2m-16", "16")])
def test_page_viewer_with_a_flagged_zone(snap_compare, theme, colours, tmp_path):
    # the file name is on the screen, its folder is not: the test's own (runs at once share no file)
    app = viewer_app(tmp_path / theme, theme, colours)
    assert snap_compare(app, terminal_size=SIZE, run_before=until_page)
