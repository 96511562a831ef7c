"""Issue 11: a problem row is edited in place on the problems screen (row 8's missing city, typed,
makes it import; an edit that is still wrong shows its new problem), and the choices of an import
are remembered for the next import of the same columns (not for other columns; a damaged saved
file is one warning and the defaults). Driven by keyboard with Pilot, offline."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from textual.widgets import DataTable, Input, Select, Static

from c2m_tui.config.paths import mappings_file
from c2m_tui.core.addresses import USING_REMEMBERED
from c2m_tui.tui.screens.address_mapping import AddressMappingScreen
from c2m_tui.tui.widgets.recipient_table import RecipientTable
from c2m_tui.tui.screens.address_problems import AddressProblemsScreen
from c2m_tui.tui.screens.row_edit import RowEditScreen
from tests.tui.shell_harness import FIXED_URL, app_on, wait_for
from tests.tui.test_address_screens import column, focus_on, open_mapping, open_wizard_at_recipients, outlook_csv
from tests.tui.test_recipient_list import enter_path

OUTLOOK_25 = Path(__file__).resolve().parent.parent / "fixtures" / "addresses" / "outlook_25.csv"


def text(widget) -> str:
    return str(widget.render())


async def problems_ready(pilot) -> AddressProblemsScreen:
    app = pilot.app
    screen = await wait_for(pilot, lambda: isinstance(app.screen, AddressProblemsScreen) and app.screen.scans
                            and app.screen, what="the problems screen")
    await wait_for(pilot, lambda: not screen.query_one("#problems-ok").disabled, what="the check")
    return screen


async def edit_highlighted_row(pilot) -> RowEditScreen:
    await pilot.press("e")
    return await wait_for(pilot, lambda: isinstance(pilot.app.screen, RowEditScreen) and pilot.app.screen,
                          what="the row editor")


async def type_into(pilot, field: Input, value: str) -> None:
    await focus_on(pilot, field)
    field.value = ""
    await pilot.press(*value)


async def test_typing_row_8s_missing_city_imports_it(tmp_path):
    path = shutil.copy(OUTLOOK_25, tmp_path / "contacts.csv")
    app = app_on(FIXED_URL)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await open_wizard_at_recipients(pilot)
        form = wizard.query_one("#jobs-form")
        await enter_path(pilot, wizard, path)
        problems = await problems_ready(pilot)
        assert "25 row(s) read: 21 to mail, 4 skipped" in text(problems.query_one("#problems-summary"))
        rows = problems.query_one("#problem-rows", DataTable)
        assert problems.highlighted_kind() == "missing-city"
        assert column(rows, "row") == ["8"] and column(rows, "who") == ["Ann Lee"]  # the row names the person

        editor = await edit_highlighted_row(pilot)
        city = editor.query_one("#edit-city", Input)
        assert pilot.app.focused is city  # the field of the problem, ready to type into
        assert editor.query_one("#edit-name", Input).value == "Ann Lee"
        assert editor.query_one("#edit-postal_code", Input).value == "89501"
        check = editor.query_one("#row-edit-check", Static)
        assert "Still wrong: no city (missing-city)" in text(check)
        await pilot.press(*"Reno")
        await wait_for(pilot, lambda: "✓ No problem left: the row will be imported" in text(check), what="the live check")
        await pilot.press("enter")

        await wait_for(pilot, lambda: problems.scans >= 2 and app.screen is problems, what="the check with the edit")
        note = problems.query_one("#problems-note", Static)
        await wait_for(pilot, lambda: "row 8 (Ann Lee) fixed by hand: it will be imported" in text(note),
                       what="the outcome")
        assert "25 row(s) read: 22 to mail, 3 skipped" in text(problems.query_one("#problems-summary"))
        assert problems.highlighted_kind() == "hand-edit"  # the cursor follows the row
        assert "missing-city" not in column(problems.query_one("#problem-kinds", DataTable), "kind")
        assert column(rows, "row") == ["8 ✎"] and column(rows, "done") == ["typed Reno"]
        assert problems.edits == {8: {"city": "Reno"}}

        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: len(form.recipients) == 22, what="the import")
        ann = next(a for a in form.recipients if a.name == "Ann Lee")
        assert (ann.city, ann.state, ann.postal_code) == ("Reno", "NV", "89501")
        table = wizard.query_one("#rcp-table", RecipientTable)
        assert ("Ann Lee", "Reno") in [(a.name, a.city) for a in table.rows]
        csv_note = text(wizard.query_one("#csv-note", Static))
        assert "22 will be mailed, 3 skipped" in csv_note and "1 x hand-edit" in csv_note
        assert path.read_bytes() == OUTLOOK_25.read_bytes()  # the file is never written


async def test_an_edit_that_is_still_wrong_shows_the_new_problem(tmp_path):
    path = shutil.copy(OUTLOOK_25, tmp_path / "contacts.csv")
    app = app_on(FIXED_URL)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await open_wizard_at_recipients(pilot)
        await enter_path(pilot, wizard, path)
        problems = await problems_ready(pilot)
        editor = await edit_highlighted_row(pilot)
        await pilot.press(*"Reno")
        await type_into(pilot, editor.query_one("#edit-postal_code", Input), "8950")  # a digit short, NV
        check = editor.query_one("#row-edit-check", Static)
        # its zero back would make it NJ's 08950, not Nevada's: said, and not fixed
        wrong = "ZIP '8950' with its leading zero back would be '08950', a NJ ZIP, not NV's"
        await wait_for(pilot, lambda: f"Still wrong: {wrong}" in text(check), what="the live check")
        await pilot.press("ctrl+o")  # OK all the same: the screen shows what is wrong with it

        note = problems.query_one("#problems-note", Static)
        await wait_for(pilot, lambda: "row 8 (Ann Lee) is still wrong" in text(note), what="the outcome")
        assert wrong in text(note) and "(bad-zip: row skipped)" in text(note)
        assert problems.highlighted_kind() == "bad-zip"
        rows = problems.query_one("#problem-rows", DataTable)
        assert column(rows, "row") == ["8 ✎", "20"]  # the edited row, then the file's own bad ZIP
        assert rows.cursor_row == 0
        assert "missing-city" not in column(problems.query_one("#problem-kinds", DataTable), "kind")
        assert "25 row(s) read: 21 to mail, 4 skipped" in text(problems.query_one("#problems-summary"))

        # again: the editor starts from the edit, on the ZIP; the file's values can be put back
        editor = await edit_highlighted_row(pilot)
        assert editor.query_one("#edit-city", Input).value == "Reno"
        zip_field = editor.query_one("#edit-postal_code", Input)
        assert pilot.app.focused is zip_field and zip_field.value == "8950"
        await pilot.press(*"89501", "enter")  # the wrong value is selected: typing replaces it
        await wait_for(pilot, lambda: "row 8 (Ann Lee) fixed by hand" in text(note), what="fixed now")
        assert problems.edits == {8: {"city": "Reno"}}  # the ZIP is the file's again: no edit of it
        assert column(rows, "row") == ["8 ✎"]
        editor = await edit_highlighted_row(pilot)
        editor.query_one("#row-edit-revert").press()
        await wait_for(pilot, lambda: "row 8 (Ann Lee): back to the file's values: no city" in text(note), what="reverted")
        assert problems.edits == {} and problems.highlighted_kind() == "missing-city"


def reordered_copy(src: Path, dest: Path, city: str) -> Path:
    """The same columns in another order (another export of the same contacts), one city changed."""
    with open(src, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        headers = list(reversed(reader.fieldnames or []))
        rows = list(reader)
    rows[0]["Business City"] = city
    with open(dest, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, headers, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return dest


async def test_the_next_import_of_the_same_columns_starts_from_the_last_choices(tmp_path):
    first = shutil.copy(OUTLOOK_25, tmp_path / "march.csv")
    app = app_on(FIXED_URL)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await open_wizard_at_recipients(pilot)
        form = wizard.query_one("#jobs-form")
        screen = await open_mapping(pilot, wizard, first)
        assert USING_REMEMBERED not in text(screen.query_one("#mapping-facts"))  # nothing imported yet
        screen.query_one("#map-name", Select).value = ("First Name", "Last Name")
        await pilot.press("ctrl+o")
        problems = await problems_ready(pilot)
        assert not problems.query_one("#problems-note").display
        kinds = problems.query_one("#problem-kinds", DataTable)
        kinds.move_cursor(row=column(kinds, "kind").index("international"))
        await focus_on(pilot, kinds)
        await pilot.press("a")  # keep -> skip: no foreign mail this time
        assert problems.policy["international"] == "skip"
        await wait_for(pilot, lambda: "^r Defaults" in "".join(str(k.render()) for k in problems.query("FooterKey")),
                       what="ctrl+r offered once a choice differs from the defaults")
        kinds.move_cursor(row=column(kinds, "kind").index("missing-city"))
        await edit_highlighted_row(pilot)
        await pilot.press(*"Reno", "enter")  # a hand edit: kept for this file only
        await wait_for(pilot, lambda: problems.edits and not problems.query_one("#problems-ok").disabled,
                       what="the edit checked")
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: len(form.recipients) == 21, what="the first import")  # 22 less Hans

        # another export with the same columns (in another order): the columns screen starts from them
        second = reordered_copy(first, tmp_path / "april.csv", city="Cambridge")
        screen = await open_mapping(pilot, wizard, second)
        facts = text(screen.query_one("#mapping-facts"))
        assert USING_REMEMBERED in facts
        # the footer is redrawn with the screen's bindings after it opens: wait for it
        await wait_for(pilot, lambda: "^r Use the guess" in "".join(str(k.render()) for k in screen.query("FooterKey")),
                       what="the reset key in the footer")
        assert screen.query_one("#map-name", Select).value == ("First Name", "Last Name")
        await pilot.press("ctrl+o")
        problems = await problems_ready(pilot)
        assert problems.policy["international"] == "skip" and problems.policy["zip-lost-zero"] == "fix"
        note = problems.query_one("#problems-note", Static)
        assert note.display and USING_REMEMBERED in text(note)
        assert problems.edits == {}  # row 8's city was typed for march.csv, not for this file
        assert "missing-city" in column(problems.query_one("#problem-kinds", DataTable), "kind")
        await pilot.press("ctrl+r")  # the way back to the defaults
        await wait_for(pilot, lambda: problems.policy["international"] == "keep", what="the defaults")
        assert "back to the default choices" in text(note)
        footer = lambda: "".join(str(k.render()) for k in problems.query("FooterKey"))  # noqa: E731
        await wait_for(pilot, lambda: "Defaults" not in footer(), what="ctrl+r gone: nothing left to reset")
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: app.screen is wizard, what="the wizard")

        # enter on the path: the same remembered choices, said on the problems screen
        await enter_path(pilot, wizard, second)
        problems = await problems_ready(pilot)
        assert problems.mapping["name"] == ["First Name", "Last Name"]
        assert problems.policy["international"] == "skip"
        assert USING_REMEMBERED in text(problems.query_one("#problems-note"))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is wizard, what="the wizard")

        # ctrl+r on the columns screen: this import starts from the guess and the default choices
        screen = await open_mapping(pilot, wizard, second)
        await pilot.press("ctrl+r")
        name = screen.query_one("#map-name", Select)
        await wait_for(pilot, lambda: name.value == ("First Name", "Middle Name", "Last Name"), what="the guess")
        assert USING_REMEMBERED not in text(screen.query_one("#mapping-facts"))
        await pilot.press("ctrl+o")
        problems = await problems_ready(pilot)
        assert problems.policy["international"] == "keep" and not problems.query_one("#problems-note").display
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: app.screen is wizard, what="the wizard")

        # a list with other columns starts from its own guess and the defaults
        other = outlook_csv(tmp_path)
        screen = await open_mapping(pilot, wizard, other)
        assert USING_REMEMBERED not in text(screen.query_one("#mapping-facts"))
        assert screen.query_one("#map-name", Select).value == ("First Name", "Middle Name", "Last Name")
        await pilot.press("ctrl+o")
        problems = await problems_ready(pilot)
        assert problems.policy["international"] == "keep" and not problems.query_one("#problems-note").display


async def test_a_damaged_saved_file_is_one_warning_and_the_defaults(tmp_path):
    path = shutil.copy(OUTLOOK_25, tmp_path / "contacts.csv")
    store = mappings_file()
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_text("{ this is not json", encoding="utf-8")
    app = app_on(FIXED_URL)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await open_wizard_at_recipients(pilot)
        form = wizard.query_one("#jobs-form")
        screen = await open_mapping(pilot, wizard, path)
        facts = text(screen.query_one("#mapping-facts"))
        assert facts.count("unreadable") == 1 and "starting from the defaults" in facts
        assert not screen.query_one("#mapping-ok").disabled  # never blocks the import
        assert screen.query_one("#map-name", Select).value == ("First Name", "Middle Name", "Last Name")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is wizard, what="the wizard")

        await enter_path(pilot, wizard, path)
        problems = await problems_ready(pilot)
        note = text(problems.query_one("#problems-note"))
        assert "unreadable" in note and "starting from the defaults" in note
        assert problems.policy["international"] == "keep"  # the defaults
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: len(form.recipients) == 21, what="the import all the same")
        csv_note = text(wizard.query_one("#csv-note", Static))
        assert "21 will be mailed" in csv_note and csv_note.count("unreadable") == 1
        assert store.read_text(encoding="utf-8") == "{ this is not json"  # left for the person to look at


async def test_at_80_columns_the_highlighted_rows_problem_is_said_in_full(tmp_path):
    """The Problem column is cut at 80 columns ("state 'Pensylvan"): the line under the rows says the
    highlighted row's problem whole, the state it is close to included."""
    path = tmp_path / "contacts.csv"
    path.write_text("First Name,Last Name,Business Street,Business City,Business State,Business Postal Code\n"
                    "Sarah,Miller,12 Walnut St,Philadelphia,Pensylvania,19103\n"
                    "Ann,Lee,1 Main St,Reno,NV,89501\n", encoding="utf-8")
    app = app_on(FIXED_URL)
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard_at_recipients(pilot)
        await enter_path(pilot, wizard, path)
        problems = await problems_ready(pilot)
        assert problems.highlighted_kind() == "state-typo"
        detail = problems.query_one("#problem-detail", Static)
        said = "Row 2 · Sarah Miller: state 'Pensylvania' is not a state's name; did you mean 'Pennsylvania' (PA)?"
        await wait_for(pilot, lambda: text(detail) == said, what="the row's problem in full")
        assert problems.query_one("#problems-dialog").region.contains_region(detail.region)  # on screen, whole
        assert detail.region.height == 2  # wrapped at 80 columns, not cut
        await pilot.press("a")  # the kind's action: skip -> fix
        await wait_for(pilot, lambda: text(detail) == f"{said} (fixed to PA)", what="the fix said too")
