"""A list bigger than the form's old limit (5,000) goes all the way through the wizard's recipients
step: the problems screen, the import, the table and the validation of every letter (offline: the
wizard is resumed at step 3 on an address that is never called). Speed is the benchmark's
(benchmarks/bench_wizard_list.py); this holds what a person sees."""

from __future__ import annotations

import sys
from pathlib import Path

from textual.widgets import Input, Static

from c2m_tui.tui.screens.address_problems import AddressProblemsScreen
from c2m_tui.tui.widgets.recipient_table import RecipientTable
from tests.tui.shell_harness import FIXED_URL, app_on, wait_for
from tests.tui.test_address_screens import focus_on, open_wizard_at_recipients

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_wizard_list import make_outlook_csv  # noqa: E402  (the benchmark's own input, smaller)

ROWS = 12_000


async def test_twelve_thousand_rows_are_imported_shown_and_validated(tmp_path):
    path = tmp_path / "contacts.csv"
    missing = make_outlook_csv(path, ROWS)  # one row in 500 has no city
    app = app_on(FIXED_URL)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await open_wizard_at_recipients(pilot)
        wizard.query_one("#page-spec", Input).value = "1-2"  # no PDF in this offline test
        form = wizard.query_one("#jobs-form")
        wizard.query_one("#csv-path", Input).value = str(path)
        await focus_on(pilot, wizard.query_one("#csv-path", Input))
        await pilot.press("enter")
        problems = await wait_for(pilot, lambda: isinstance(app.screen, AddressProblemsScreen) and app.screen.scans
                                  and not app.screen.query_one("#problems-ok").disabled and app.screen,
                                  what="the problems screen")
        summary = str(problems.query_one("#problems-summary", Static).render())
        assert f"{ROWS:,} row(s) read: {ROWS - missing:,} to mail, {missing} skipped" in summary
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: len(form.recipients) == ROWS - missing, what="the import")
        table = wizard.query_one("#rcp-table", RecipientTable)
        assert table.row_count == ROWS - missing and table.rows[-1].name == f"First{ROWS - 1} Last{ROWS - 1}"
        assert f"{ROWS - missing:,} recipient(s) in the list" in str(wizard.query_one("#rcp-count", Static).render())
        await wait_for(pilot, lambda: wizard.check is not None and wizard.check.valid
                       and wizard.check.counts[1] == ROWS - missing, what="the validation of every letter")
        panel = str(wizard.query_one("#validation", Static).render())
        assert f"{ROWS - missing:,} piece(s)" in panel and "Checking" not in panel
        assert wizard.check.summary is not None and wizard.check.summary.pieces == ROWS - missing
