"""The address screens of the wizard's recipients step, driven by keyboard with Pilot: the column
mapping with its live preview, the problems table, and the import that follows (offline: the
wizard is resumed at step 3 on an address that is never called)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from textual.widgets import Button, DataTable, Input, Select, Static

from c2m_tui.config.paths import mappings_file
from c2m_tui.core.addresses import list_mappings, load_mapping
from c2m_tui.core.journal.views import ResumePoint
from c2m_tui.tui.screens.address_mapping import AddressMappingScreen
from c2m_tui.tui.screens.address_problems import AddressProblemsScreen
from c2m_tui.tui.screens.wizard import WizardScreen
from tests.tui.shell_harness import FIXED_URL, app_on, wait_for

HEADERS = ["First Name", "Middle Name", "Last Name", "Company", "Business Street", "Business City",
           "Business State", "Business Postal Code", "Business Country/Region", "Home Street", "Home City",
           "Home State", "Home Postal Code", "E-mail Address"]
ROWS = [
    ["Jane", "", "Doe", "Acme Corp", "1 Main St", "Boston", "MA", "02134", "United States",
     "9 Elm St", "Cambridge", "MA", "02139", "jane@acme.example"],
    ["Li", "", "Wei", "Wei & Sons", "20 Church St", "Hartford", "CT", "6103", "United States",  # ZIP lost its 0
     "", "", "", "", "li@wei.example"],
    ["Ann", "", "Lee", "", "4 Oak St", "", "NV", "89501", "", "", "", "", "", "ann@lee.example"],  # no city
    ["Bob", "", "Ray", "", "7 Bay Rd", "Albany", "NY", "12207", "", "", "", "", "", ""],
]


def outlook_csv(folder: Path, encoding: str = "utf-8") -> Path:
    """An Outlook-shaped export (every field quoted, CRLF) with a 4-digit ZIP on row 3 and no city on row 4."""
    path = folder / "contacts.csv"
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(HEADERS)
        writer.writerows(ROWS)
    return path


def cell(table: DataTable, row: str, column: str) -> str:
    return str(table.get_cell(row, column))


def column(table: DataTable, key: str) -> list[str]:
    return [str(v) for v in table.get_column(key)]


async def focus_on(pilot, widget) -> None:
    """Focus is applied on the next turn of the loop: keys pressed before it would go elsewhere."""
    widget.focus()
    await wait_for(pilot, lambda: pilot.app.focused is widget, what=f"focus on {widget.id}")


async def open_wizard_at_recipients(pilot) -> WizardScreen:
    app = pilot.app
    app.push_screen(WizardScreen(resume=ResumePoint("100001", next_step="xml")))
    return await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen) and app.screen.current == 2
                          and app.screen, what="the jobs step")


async def open_mapping(pilot, wizard: WizardScreen, path: Path) -> AddressMappingScreen:
    wizard.query_one("#csv-path", Input).value = str(path)
    await focus_on(pilot, wizard.query_one("#csv-map", Button))
    await pilot.press("enter")
    return await wait_for(pilot, lambda: isinstance(pilot.app.screen, AddressMappingScreen)
                          and pilot.app.screen.facts is not None and pilot.app.screen, what="the mapping screen")


async def test_map_check_fix_and_import_into_the_wizard(tmp_path):
    path = outlook_csv(tmp_path)
    app = app_on(FIXED_URL)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await open_wizard_at_recipients(pilot)
        wizard.query_one("#page-spec", Input).value = "1-2"  # no PDF in this offline test
        mapping_screen = await open_mapping(pilot, wizard, path)

        facts = str(mapping_screen.query_one("#mapping-facts", Static).render())
        assert "CSV, utf-8" in facts and "Outlook" in facts
        assert mapping_screen.query_one("#map-name", Select).value == ("First Name", "Middle Name", "Last Name")
        assert mapping_screen.query_one("#map-city", Select).value == "Business City"
        name_choices = [value for _label, value in mapping_screen.query_one("#map-name", Select)._options]
        assert ("First Name", "Last Name") in name_choices  # the shorter join is offered too
        preview = mapping_screen.query_one("#mapping-preview", DataTable)
        assert column(preview, "row") == ["2", "3", "4", "5"]
        assert column(preview, "city") == ["Boston", "Hartford", "", "Albany"]
        assert cell(preview, "2", "name") == "Jane Doe"
        assert cell(preview, "4", "check") == "missing-city"
        ok = mapping_screen.query_one("#mapping-ok")
        await wait_for(pilot, lambda: app.focused is ok, what="OK focused")  # enter would accept the guess

        # keyboard only: open the City select, move down to "Home City", choose it
        city = mapping_screen.query_one("#map-city", Select)
        await focus_on(pilot, city)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*["down"] * (HEADERS.index("Home City") - HEADERS.index("Business City")), "enter")
        await wait_for(pilot, lambda: city.value == "Home City", what="Home City chosen")
        await wait_for(pilot, lambda: cell(preview, "2", "city") == "Cambridge", what="the preview follows")
        assert cell(preview, "3", "check") == "missing-city, zip-lost-zero"
        await pilot.press("tab")  # tab walks the selects in the order of the fields
        state = mapping_screen.query_one("#map-state", Select)
        await wait_for(pilot, lambda: app.focused is state, what="the next select focused")

        mapping_screen.query_one("#map-name", Select).value = ("First Name", "Last Name")
        city.value = "Business City"  # back to the guess
        await wait_for(pilot, lambda: cell(preview, "2", "city") == "Boston", what="the preview back")
        await focus_on(pilot, mapping_screen.query_one("#mapping-ok", Button))
        await pilot.press("enter")

        problems = await wait_for(pilot, lambda: isinstance(app.screen, AddressProblemsScreen)
                                  and app.screen.scans >= 1 and app.screen, what="the problems screen")
        assert problems.mapping["name"] == ["First Name", "Last Name"]
        kinds = problems.query_one("#problem-kinds", DataTable)
        rows = problems.query_one("#problem-rows", DataTable)
        assert column(kinds, "kind") == ["missing-city", "zip-lost-zero"]
        assert column(kinds, "count") == ["1", "1"]
        # the lost zero (the state, CT, agrees) is a certain fix: "fix" by default, nobody dropped for it
        assert column(kinds, "action") == ["skip row", "fix"]
        assert column(rows, "row") == ["4"]  # missing-city is highlighted first
        summary = str(problems.query_one("#problems-summary", Static).render())
        assert "4 row(s) read: 3 to mail, 1 skipped" in summary

        await pilot.press("down")
        await wait_for(pilot, lambda: column(rows, "row") == ["3"], what="the ZIP rows")
        assert column(rows, "column") == ["Business Postal Code"] and column(rows, "value") == ["6103"]
        assert cell(kinds, "zip-lost-zero", "action") == "fix"
        assert column(rows, "done") == ["fixed to 06103"]
        await wait_for(pilot, lambda: not problems.query_one("#problems-ok").disabled, what="checked")
        await pilot.press("up", "a")  # missing-city: skip -> keep -> skip (never "fix")
        assert problems.policy["missing-city"] == "keep"
        await pilot.press("enter")  # enter on a kind changes it too
        assert problems.policy["missing-city"] == "skip"
        await wait_for(pilot, lambda: not problems.query_one("#problems-ok").disabled, what="checked again")
        await pilot.press("ctrl+o")

        note = lambda: str(wizard.query_one("#csv-note", Static).render())  # noqa: E731
        await wait_for(pilot, lambda: "contacts.csv: 4 row(s) read, 3 will be mailed, 1 skipped" in note(),
                       what="the import")
        assert "skipped rows 4" in note()
        assert "1 x missing-city (no city): skipped" in note()
        assert "1 x zip-lost-zero" in note() and "fixed" in note()
        recipients = wizard.query_one("#jobs-form").recipients
        assert [(a.name, a.postal_code) for a in recipients] == [
            ("Jane Doe", "02134"), ("Li Wei", "06103"), ("Bob Ray", "12207")]
        await wait_for(pilot, lambda: wizard.check is not None and wizard.check.xml
                       and b"06103" in wizard.check.xml, what="the fixed ZIP in the XML")
        xml = wizard.check.xml.decode()
        assert "<Zip>06103</Zip>" in xml or ">06103<" in xml
        assert "Ann Lee" not in xml and "89501" not in xml


async def test_back_keeps_the_mapping_and_cancel_imports_nothing(tmp_path):
    path = outlook_csv(tmp_path)
    app = app_on(FIXED_URL)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await open_wizard_at_recipients(pilot)
        screen = await open_mapping(pilot, wizard, path)
        screen.query_one("#map-city", Select).value = "Home City"
        await pilot.press("ctrl+o")
        problems = await wait_for(pilot, lambda: isinstance(app.screen, AddressProblemsScreen)
                                  and app.screen.scans >= 1 and app.screen, what="the problems screen")
        assert problems.mapping["city"] == "Home City"
        await pilot.press("escape")  # back to the columns, with the choice made there
        again = await wait_for(pilot, lambda: isinstance(app.screen, AddressMappingScreen)
                               and app.screen.facts is not None and app.screen, what="the mapping again")
        assert again.query_one("#map-city", Select).value == "Home City"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is wizard, what="the wizard")
        await pilot.pause(0.1)
        assert wizard.query_one("#jobs-form").recipients == []
        assert str(wizard.query_one("#csv-note", Static).render()) == ""


async def test_latin1_note_saved_mappings_and_a_bad_file(tmp_path):
    path = outlook_csv(tmp_path, encoding="latin-1")
    text = path.read_text(encoding="latin-1").replace("Ray", "Ramírez")
    path.write_text(text, encoding="latin-1")
    app = app_on(FIXED_URL)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await open_wizard_at_recipients(pilot)
        screen = await open_mapping(pilot, wizard, path)
        facts = str(screen.query_one("#mapping-facts", Static).render())
        assert "is not UTF-8" in facts and "Latin-1" in facts
        assert cell(screen.query_one("#mapping-preview", DataTable), "5", "name") == "Bob Ramírez"

        screen.query_one("#map-city", Select).value = "Home City"
        await focus_on(pilot, screen.query_one("#map-save-name", Input))
        await pilot.press(*"outlook-home", "enter")
        await wait_for(pilot, lambda: "outlook-home" in list_mappings(mappings_file()), what="saved")
        assert load_mapping(mappings_file(), "outlook-home")["city"] == "Home City"
        screen.query_one("#map-city", Select).value = "Business City"
        screen.query_one("#map-saved", Select).value = "outlook-home"  # applying it sets the selects
        await wait_for(pilot, lambda: screen.query_one("#map-city", Select).value == "Home City", what="applied")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is wizard, what="the wizard")

        (tmp_path / "broken.csv").write_text('Name,Street\n"Ada,1 Main St\nBob,2 Elm St\n', encoding="utf-8")
        broken = tmp_path / "broken.csv"
        wizard.query_one("#csv-path", Input).value = str(broken)
        await focus_on(pilot, wizard.query_one("#csv-map", Button))
        await pilot.press("enter")
        screen = await wait_for(pilot, lambda: isinstance(app.screen, AddressMappingScreen) and app.screen)
        facts = lambda: str(screen.query_one("#mapping-facts", Static).render())  # noqa: E731
        await wait_for(pilot, lambda: "broken.csv" in facts() and "row" in facts(), what="the problem named")
        assert screen.query_one("#mapping-ok", Button).disabled
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is wizard, what="the wizard")


def test_bindings_have_ids_and_keys_that_survive_ssh_and_tmux():
    allowed = re.compile(r"^(?:[a-z]|f\d{1,2}|ctrl\+[a-z]|escape|enter|up|down|left|right)$")
    for cls in (AddressMappingScreen, AddressProblemsScreen):
        for binding in cls.BINDINGS:
            assert binding.id and binding.id.startswith(("address-mapping.", "address-problems."))
            assert all(allowed.match(key) for key in binding.key.split(",")), (cls.__name__, binding.key)


async def test_an_xlsx_without_problems_goes_straight_through(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append(ROWS[0])
    sheet.append(ROWS[3])
    path = tmp_path / "contacts.xlsx"
    book.save(path)
    app = app_on(FIXED_URL)
    results: list = []
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HomeScreen", what="home")
        screen = AddressMappingScreen(path)
        app.push_screen(screen, results.append)
        await wait_for(pilot, lambda: screen.facts is not None, what="the facts")
        assert str(screen.query_one("#mapping-facts", Static).render()).startswith("XLSX · 14 columns")
        await pilot.press("f2")  # the alias of ctrl+o
        await wait_for(pilot, lambda: results, what="the mapping")
        assert results[0]["postal_code"] == "Business Postal Code"
        problems = AddressProblemsScreen(path, results[0])
        app.push_screen(problems, results.append)
        await wait_for(pilot, lambda: problems.scans, what="the check")
        assert "2 row(s) read: 2 to mail, 0 skipped · no problems found" in str(
            problems.query_one("#problems-summary", Static).render())
        assert problems.query_one("#problem-kinds", DataTable).row_count == 0
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: len(results) == 2, what="the policy")
        assert results[1]["zip-lost-zero"] == "fix"  # the defaults, untouched (a certain fix is made)
