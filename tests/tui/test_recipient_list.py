"""Issue 11: one recipient list per batch. Enter on a path with problems opens the problems screen
(nobody dropped silently); a second import asks replace / add and replace really replaces;
duplicates are found across the whole list; delete removes a row, ctrl+k clears the list."""

from __future__ import annotations

from textual.widgets import Button, DataTable, Input, Select, Static

from c2m_tui.tui.screens.address_problems import AddressProblemsScreen
from c2m_tui.tui.screens.replace_or_add import ReplaceOrAddScreen
from c2m_tui.tui.widgets.recipient_table import RecipientTable
from tests.tui.shell_harness import FIXED_URL, app_on, wait_for
from tests.tui.test_address_screens import focus_on, open_wizard_at_recipients, outlook_csv


async def enter_path(pilot, wizard, path) -> None:
    wizard.query_one("#csv-path", Input).value = str(path)
    await focus_on(pilot, wizard.query_one("#csv-path", Input))
    await pilot.press("enter")


async def test_enter_opens_problems_and_reimport_asks_then_replaces(tmp_path):
    path = outlook_csv(tmp_path)  # 4 rows: a lost-zero ZIP (fixed by default) and a row with no city
    app = app_on(FIXED_URL)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await open_wizard_at_recipients(pilot)
        form = wizard.query_one("#jobs-form")
        note = lambda: str(wizard.query_one("#csv-note", Static).render())  # noqa: E731
        await enter_path(pilot, wizard, path)
        problems = await wait_for(pilot, lambda: isinstance(app.screen, AddressProblemsScreen) and app.screen.scans
                                  and app.screen, what="the problems screen opened by enter")
        assert "4 row(s) read: 3 to mail, 1 skipped" in str(problems.query_one("#problems-summary", Static).render())
        # the problem row names the person it is about
        assert [str(v) for v in problems.query_one("#problem-rows", DataTable).get_column("who")] == ["Ann Lee"]
        await wait_for(pilot, lambda: not problems.query_one("#problems-ok").disabled, what="ready")
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: len(form.recipients) == 3, what="the first import")
        assert "4 row(s) read, 3 will be mailed, 1 skipped" in note() and "missing-city" in note()
        assert "3 recipient(s) in the list" in str(wizard.query_one("#rcp-count", Static).render())

        # the same file again: asked, and "Replace" replaces (no 6 recipients, no duplicates)
        await enter_path(pilot, wizard, path)
        problems = await wait_for(pilot, lambda: isinstance(app.screen, AddressProblemsScreen) and app.screen.scans
                                  and app.screen, what="the problems screen again")
        await wait_for(pilot, lambda: not problems.query_one("#problems-ok").disabled, what="ready")
        await pilot.press("ctrl+o")
        ask = await wait_for(pilot, lambda: isinstance(app.screen, ReplaceOrAddScreen) and app.screen,
                             what="replace or add")
        assert ask.current == 3 and ask.imported == 3
        # the small centred dialog (its styles were scoped to another screen: it filled the left side)
        await pilot.pause()
        box, screen = ask.query_one("#leave-call-box").region, ask.region
        assert box.height < screen.height // 2 and box.x > 0 and box.y > 0, (box, screen)
        await pilot.press("enter")  # Replace is focused
        await wait_for(pilot, lambda: not isinstance(app.screen, ReplaceOrAddScreen), what="the answer")
        await wait_for(pilot, lambda: "will be mailed" in note(), what="the note")
        assert [a.name for a in form.recipients] == ["Jane Doe", "Li Wei", "Bob Ray"]

        # add: everybody is already in the list, so nobody is added twice
        await enter_path(pilot, wizard, path)
        problems = await wait_for(pilot, lambda: isinstance(app.screen, AddressProblemsScreen) and app.screen.scans
                                  and app.screen, what="the problems screen, third time")
        await wait_for(pilot, lambda: not problems.query_one("#problems-ok").disabled, what="ready")
        await pilot.press("ctrl+o")
        ask = await wait_for(pilot, lambda: isinstance(app.screen, ReplaceOrAddScreen) and app.screen, what="ask")
        ask.query_one("#import-add", Button).press()
        await wait_for(pilot, lambda: "already in the list" in note(), what="the merge")
        assert len(form.recipients) == 3 and "0 will be mailed" in note() and "3 already in the list" in note()

        # delete removes the highlighted row; ctrl+k clears the list
        table = wizard.query_one("#rcp-table", RecipientTable)
        await focus_on(pilot, table)
        await pilot.press("delete")
        await wait_for(pilot, lambda: len(form.recipients) == 2, what="delete")
        assert [a.name for a in form.recipients] == ["Li Wei", "Bob Ray"] and table.row_count == 2
        await pilot.press("ctrl+k")
        await wait_for(pilot, lambda: not form.recipients, what="cleared")
        assert "Cleared the list (2 recipient(s) removed)" in note()


async def test_cancel_on_the_problems_screen_imports_nothing(tmp_path):
    path = outlook_csv(tmp_path)
    app = app_on(FIXED_URL)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await open_wizard_at_recipients(pilot)
        await enter_path(pilot, wizard, path)
        await wait_for(pilot, lambda: isinstance(app.screen, AddressProblemsScreen) and app.screen.scans,
                       what="problems")
        await pilot.press("escape")
        note = lambda: str(wizard.query_one("#csv-note", Static).render())  # noqa: E731
        await wait_for(pilot, lambda: "not imported; the list is unchanged" in note(), what="the note")
        assert wizard.query_one("#jobs-form").recipients == []


async def test_mail_merge_with_skipped_rows_follows_the_original_rows(tmp_path):
    from c2m_tui.core.batchxml import read_batch
    from c2m_tui.tui.widgets.jobs_form import JobsForm

    path = outlook_csv(tmp_path)  # row 4 (Ann Lee, the third data row) has no city: skipped
    app = app_on(FIXED_URL)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await open_wizard_at_recipients(pilot)
        form = wizard.query_one(JobsForm)
        form.set_pdf("merge.pdf", 8)  # 4 rows x 2 pages, made from the whole list
        await enter_path(pilot, wizard, path)
        problems = await wait_for(pilot, lambda: isinstance(app.screen, AddressProblemsScreen) and app.screen.scans
                                  and app.screen, what="problems")
        await wait_for(pilot, lambda: not problems.query_one("#problems-ok").disabled, what="ready")
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: len(form.recipients) == 3, what="the import")
        # the plan that fits is proposed: 8 pages = 4 rows x 2
        assert form.query_one("#page-spec", Input).value == "2"
        assert "4 rows x 2" in str(form.query_one("#page-hint", Static).render())

        def jobs():
            xml = wizard.check.xml if wizard.check and wizard.check.valid else None
            if xml is None:
                return None
            return [(j.starting_page, j.ending_page, j.recipients[0].name) for j in read_batch(xml).batch.jobs]

        await wait_for(pilot, lambda: jobs() and len(jobs()) == 3, what="a valid mail merge")
        assert jobs() == [(1, 2, "Jane Doe"), (3, 4, "Li Wei"), (7, 8, "Bob Ray")]  # Ann's pages 5-6 not mailed
        # another layout chosen by hand: the proposal's words go (they said "4 rows x 2" of another plan)
        form.query_one("#page-mode", Select).value = "same"
        await wait_for(pilot, lambda: not str(form.query_one("#page-hint", Static).render()), what="no hint")


async def test_same_many_pages_to_everyone_warns_in_the_panel(tmp_path):
    from c2m_tui.tui.widgets.jobs_form import JobsForm

    path = outlook_csv(tmp_path)
    app = app_on(FIXED_URL)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await open_wizard_at_recipients(pilot)
        form = wizard.query_one(JobsForm)
        form.set_pdf("long.pdf", 7)  # 7 pages: no mail merge fits 4 rows, so "same 1-7" is proposed
        await enter_path(pilot, wizard, path)
        problems = await wait_for(pilot, lambda: isinstance(app.screen, AddressProblemsScreen) and app.screen.scans
                                  and app.screen, what="problems")
        await wait_for(pilot, lambda: not problems.query_one("#problems-ok").disabled, what="ready")
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: wizard.check is not None and wizard.check.notes, what="the warning")
        assert wizard.check.notes == ["each of the 3 letter(s) has 7 pages (21 printed pages in all)"]
        assert "! each of the 3 letter(s) has 7 pages" in str(wizard.query_one("#validation", Static).render())
