"""Issue 11 in the app: the jobs step shows the validator's own messages, and an option outside
the catalog is an error until the visible override is ticked (the app's --allow-unknown-options)."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, Static

from tests.tui.shell_harness import FIXED_URL, app_on, wait_for
from tests.tui.test_address_screens import open_wizard_at_recipients
from tests.unit.test_validate_strict import batch


async def test_unknown_option_is_an_error_until_the_override_is_ticked(tmp_path):
    path = tmp_path / "typo.xml"
    path.write_bytes(batch(mailClass="First-Class"))
    app = app_on(FIXED_URL)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await open_wizard_at_recipients(pilot)
        box = wizard.query_one("#allow-unknown", Checkbox)
        assert not box.display  # nothing to override yet
        wizard.query_one("#xml-path", Input).value = str(path)
        wizard.query_one("#xml-path", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: wizard.check is not None and wizard.check.unknown_options, what="the check")
        # the same words as `c2m-tui validate` prints (Problem.text), led by the line
        assert wizard.check.errors == [
            'line 7: job 1, mailClass: "First-Class" is not in the product catalog (did you mean "First Class"?)']
        assert not wizard.check.valid and box.display
        box.value = True
        await wait_for(pilot, lambda: wizard.check.valid, what="valid with the override")
        assert wizard.check.warnings[0].startswith('line 7: job 1, mailClass: "First-Class"')
        assert "✓ valid" in str(wizard.query_one("#validation", Static).render())
        assert box.display  # stays visible while it is on


async def test_misspelt_element_has_the_same_message_as_the_cli(tmp_path):
    path = tmp_path / "pge.xml"
    path.write_bytes(batch(first="<startingPge>1</startingPge>"))
    app = app_on(FIXED_URL)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await open_wizard_at_recipients(pilot)
        wizard.query_one("#xml-path", Input).value = str(path)
        wizard.query_one("#xml-path", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: wizard.check is not None and wizard.check.errors
                       and wizard.check.errors[0].startswith("line"), what="the check of the file")
        assert wizard.check.errors == [
            "line 5: job 1, startingPge: <startingPge> is not a batch XML element (did you mean <startingPage>?)"]
