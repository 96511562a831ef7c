"""The status board's job table: rows by job id, changed cell by cell, recoloured with the theme."""

from __future__ import annotations

from textual.app import App, ComposeResult

from c2m_tui.core.models import JobStatus
from c2m_tui.tui.themes import register_themes
from c2m_tui.tui.widgets.job_table import JobTable, job_category


class TableApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        register_themes(self)
        self.theme = "c2m-dark"

    def compose(self) -> ComposeResult:
        yield JobTable()


def test_job_categories():
    assert job_category("MAILED") == "mailed"
    assert job_category("ERROR") == "error"
    assert job_category(None) == "queued"
    assert job_category("ORDER_SUBMITTED") == "processing"  # taken into production
    assert job_category("PRINTING") == "processing"


async def test_rows_are_updated_in_place_and_keep_the_cursor():
    app = TableApp()
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(JobTable)
        table.show_jobs([JobStatus("11", "1", "PENDING"), JobStatus("12", "2", "PENDING")])
        await pilot.pause()
        keys_before = list(table.rows)
        table.focus()
        await pilot.press("down")
        cleared = []
        table.clear = lambda *a, **k: cleared.append(1)  # a refill would go through clear()
        table.show_jobs([JobStatus("11", "1", "PRINTING"), JobStatus("12", "2", "PENDING", mailing_date="2026-11-30")])
        await pilot.pause()
        table.show_jobs([JobStatus("11", "1", "PRINTING"), JobStatus("12", "2", "PENDING", mailing_date="2026-11-30"),
                         JobStatus("13", "3", "PENDING")])  # a new job is added, the others untouched
        await pilot.pause()
        cells = {str(k.value): (str(table.get_cell(k, "job_status")), table.get_cell(k, "mailing_date"))
                 for k in table.rows}
        cursor_row = table.cursor_row
    assert list(table.rows)[:2] == keys_before
    assert cleared == []
    assert table.updates == 2  # one status cell, one mailing-date cell
    assert cells == {"11": ("PRINTING", ""), "12": ("PENDING", "2026-11-30"), "13": ("PENDING", "")}
    assert cursor_row == 1


async def test_status_cells_follow_the_theme():
    app = TableApp()
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(JobTable)
        table.show_jobs([JobStatus("11", "1", "MAILED")])
        await pilot.pause()
        dark = table.get_cell("11", "job_status").style.color.triplet.hex.upper()
        app.theme = "c2m-light"
        await pilot.pause()
        await pilot.pause()
        light = table.get_cell("11", "job_status").style.color.triplet.hex.upper()
    assert dark == "#57AB5A"
    assert light == "#1A7F37"
