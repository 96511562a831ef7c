"""The wizard's recipients table (a line-API list, widgets.recipient_table): a 100,000-row list is
shown at once, only the lines on screen are drawn, keys page through it, and delete in the form
removes exactly the highlighted recipient."""

from __future__ import annotations

from textual.app import App, ComposeResult

from c2m_tui.core.models import Address
from c2m_tui.tui.themes import register_themes
from c2m_tui.tui.widgets.recipient_table import RecipientTable
from tests.tui.batch_harness import screen_text
from tests.tui.shell_harness import FIXED_URL, app_on, wait_for
from tests.tui.test_address_screens import focus_on, open_wizard_at_recipients


def people(n: int) -> list[Address]:
    return [Address(name=f"Person {i}", address1=f"{i} Main St", city="Springfield", state="MA",
                    postal_code=f"{1000 + i % 9000:05d}") for i in range(n)]


class TableApp(App[None]):
    def __init__(self, rows: list[Address]) -> None:
        super().__init__()
        register_themes(self)
        self.theme = "c2m-dark"
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield RecipientTable(self.rows)

    def on_mount(self) -> None:
        self.query_one(RecipientTable).focus()


async def test_a_hundred_thousand_rows_page_and_end():
    rows = people(100_000)
    app = TableApp(rows)
    async with app.run_test(size=(90, 20)) as pilot:
        table = app.query_one(RecipientTable)
        await pilot.pause()
        assert table.row_count == 100_000
        assert 0 < len(table._strips) <= 20  # only what is on screen was drawn
        text = screen_text(app)
        assert "Name" in text and "ZIP" in text and "Person 0 " in text and "Person 30 " not in text
        await pilot.press("pagedown")
        assert table.cursor == table._page
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor == 99_999 and table.cursor_row is rows[-1]
        assert "Person 99999" in screen_text(app)
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor == 0 and "Person 0 " in screen_text(app)


async def test_a_long_value_is_cut_with_an_ellipsis():
    rows = [Address(name="A" * 60, address1="1 Main St", city="Springfield", state="MA", postal_code="01001")]
    app = TableApp(rows)
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "A" * 25 + "…" in text and "A" * 27 not in text


async def test_delete_removes_the_highlighted_recipient_and_the_cursor_stays_in_place():
    app = app_on(FIXED_URL)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await open_wizard_at_recipients(pilot)
        form = wizard.query_one("#jobs-form")
        form.set_recipients(people(5000))
        table = wizard.query_one("#rcp-table", RecipientTable)
        await focus_on(pilot, table)
        await pilot.press("pagedown", "down")
        at = table.cursor
        doomed = form.recipients[at]
        await pilot.press("delete")
        await wait_for(pilot, lambda: len(form.recipients) == 4999, what="the delete")
        assert doomed not in form.recipients and table.row_count == 4999
        assert table.cursor == at and table.cursor_row is form.recipients[at]


async def test_a_narrow_pane_keeps_state_and_zip_in_sight():
    rows = [Address(name="Margaret Hamilton-Smythe", address1="1200 Massachusetts Avenue NW",
                    city="Washington", state="DC", postal_code="20005-4501")]
    app = TableApp(rows)
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        line = screen_text(app).splitlines()[1]
        assert "DC" in line and "20005" in line and "Margaret" in line
