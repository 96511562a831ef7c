"""The wizard by keyboard at 80x24 (issue 15): step 2 starts in the path box and takes a quoted
path; a new path clears the old error; the stepper says the next key and keeps the batch id; step
3's keys jump to its sections and Tab reaches every control, the empty recipients table too."""

from __future__ import annotations

from textual.widgets import Input

from c2m_tui.tui.screens.wizard import WizardScreen
from c2m_tui.tui.widgets.stepper import Stepper
from tests.conftest import make_pdf
from tests.tui.shell_harness import app_on, wait_for


def stepper_text(wizard) -> str:
    return str(wizard.query_one(Stepper).render())


async def test_step_two_starts_in_the_path_box_and_step_three_has_section_keys(sim, tmp_path):
    folder = tmp_path / "My Letters"
    folder.mkdir()
    pdf = make_pdf(folder / "My Letter.pdf", 2)
    app = app_on(sim.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        wizard = await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen) and app.screen)
        assert "^g do it" in stepper_text(wizard)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: wizard.done[0] and wizard.current == 1, what="create")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "pdf-path", what="path box focus")
        text = stepper_text(wizard)
        assert f"batch {wizard.batch_id}" in text and "^g do it" in text  # at 80 columns

        # a path that does not exist: the error; typing again clears it
        await pilot.press(*"nope.pdf", "enter")
        facts = wizard.query_one("#pdf-facts")
        await wait_for(pilot, lambda: facts.has_class("error-text"), what="the error")
        await pilot.press("backspace")
        await wait_for(pilot, lambda: not facts.has_class("error-text"), what="the old error gone")

        # a quoted path as a file manager copies it
        wizard.query_one("#pdf-path", Input).value = f"'{pdf}'"
        await pilot.press("enter")
        await wait_for(pilot, lambda: wizard.pdf, what="the quoted path read")
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: wizard.done[1], what="upload")
        # the wizard moves on by itself; back on step 2, a done step names the key to go on
        await wait_for(pilot, lambda: wizard.current == 2 and app.focused is not None, what="step 3")
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: wizard.current == 1 and "^n next" in stepper_text(wizard), what="next key")
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: wizard.current == 2 and app.focused is not None, what="step 3 again")

        for key, target in (("ctrl+r", "rcp-name"), ("ctrl+f", "opt-documentClass"), ("ctrl+l", "csv-path"),
                            ("f4", "page-mode"), ("ctrl+o", "xml-path")):
            await pilot.press(key)
            await wait_for(pilot, lambda: app.focused is not None and app.focused.id == target, what=target)

        # Tab from the XML path reaches every control of the step once, in reading order
        seen: list[str] = []
        for _ in range(80):
            await pilot.press("tab")
            focused = app.focused
            if focused is None or focused.id == "xml-path":
                break
            seen.append(focused.id or type(focused).__name__)
        for wanted in ("xml-load", "opt-documentClass", "ret-name", "rcp-name", "rcp-add", "rcp-table",
                       "csv-path", "csv-import", "csv-map", "page-mode", "page-spec"):
            assert wanted in seen, (wanted, seen)
        order = [seen.index(w) for w in ("opt-documentClass", "ret-name", "rcp-name", "rcp-table", "csv-path",
                                          "page-mode")]
        assert order == sorted(order), seen
