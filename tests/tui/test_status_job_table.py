"""The status board's job table: rows by job id, changed in place, coloured with the theme, the
recipient cut with "…" and kept in sight at 80 columns."""

from __future__ import annotations

from textual.app import App, ComposeResult

from c2m_tui.core.models import JobStatus, Recipient
from c2m_tui.tui.themes import register_themes
from c2m_tui.tui.widgets.job_table import JobTable, job_category


class TableApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        register_themes(self)
        self.theme = "c2m-dark"

    def compose(self) -> ComposeResult:
        yield JobTable()


def line_text(table: JobTable, y: int) -> str:
    return "".join(seg.text for seg in table.render_line(y))


def status_colour(table: JobTable, y: int, word: str) -> str:
    segment = next(seg for seg in table.render_line(y) if seg.text.strip() == word)
    return segment.style.color.triplet.hex.upper()


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
        table.focus()
        await pilot.press("down")
        table.show_jobs([JobStatus("11", "1", "PRINTING"), JobStatus("12", "2", "PENDING", mailing_date="2026-11-30")])
        await pilot.pause()
        table.show_jobs([JobStatus("11", "1", "PRINTING"), JobStatus("12", "2", "PENDING", mailing_date="2026-11-30"),
                         JobStatus("13", "3", "PENDING")])  # a new job is added, the others untouched
        await pilot.pause()
        cells = {job_id: (table.cell(job_id, "job_status"), table.cell(job_id, "mailing_date"))
                 for job_id in table.job_ids}
        shown = [line_text(table, y) for y in range(4)]
        cursor_job = table.cursor_job
    assert table.job_ids == ["11", "12", "13"]
    assert table.updates == 2  # one status cell, one mailing-date cell
    assert cells == {"11": ("PRINTING", ""), "12": ("PENDING", "2026-11-30"), "13": ("PENDING", "")}
    assert cursor_job.job_id == "12"  # the cursor stayed on its job
    assert shown[0].split() == ["#", "Job", "id", "Status", "Submitted", "Mailing", "date", "Invoice", "Error"]
    assert shown[2].split()[:4] == ["2", "12", "PENDING", "2026-11-30"]


async def test_status_cells_follow_the_theme():
    app = TableApp()
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(JobTable)
        table.show_jobs([JobStatus("11", "1", "MAILED"), JobStatus("12", "2", "MAILED")])
        await pilot.pause()
        dark = status_colour(table, 2, "MAILED")  # not the cursor's row
        app.theme = "c2m-light"
        await pilot.pause()
        await pilot.pause()
        light = status_colour(table, 2, "MAILED")
    assert dark == "#57AB5A"
    assert light == "#1A7F37"


async def test_recipient_is_cut_with_an_ellipsis_and_stays_in_sight_at_80_columns():
    def job(i: int, status: str = "IN_PRODUCTION") -> JobStatus:
        who = Recipient(name=f"Linus Clark{i}", city="Baltimore", postal_code="21201")
        return JobStatus(str(1_000_000 + i), str(i), status, recipients=(who,))

    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(JobTable)
        table.show_jobs([job(i) for i in range(1, 2001)])
        await pilot.pause()
        header, first = line_text(table, 0), line_text(table, 1)
        table.show_jobs([job(i, "MAILED") for i in range(1, 2001)])  # every row changes at once
        await pilot.pause()
        after = line_text(table, 1)
    assert header.split()[:5] == ["#", "Job", "id", "Status", "Recipient"]
    assert "Linus Clark1, Baltim…" in first or "Linus Clark1, Baltimore 21201" in first, first
    assert len(first) <= 80
    assert "MAILED" in after and "Linus Clark1" in after
