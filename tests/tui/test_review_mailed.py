"""Issue 11: the review shows what will be mailed (the core's mail_summary, the same rows as the
CLI's confirmation), a search over the recipients, and the duplicate warning BEFORE any Submit,
with the earlier batch's id and its real submit time (the journal's submit step)."""

from __future__ import annotations

from textual.widgets import Input, Static

from c2m_tui.tui.screens.confirm_submit import ConfirmSubmitScreen
from c2m_tui.tui.screens.wizard import WizardScreen
from c2m_tui.tui.widgets.review_step import ReviewStep
from tests.tui.shell_harness import app_on, wait_for
from tests.tui.test_wizard_flow import activate, walk_to_review


def text_of(static: Static) -> str:
    from rich.console import Console

    console = Console(width=200, record=True, file=open("/dev/null", "w"))
    console.print(static.content)
    return console.export_text()


async def test_review_shows_what_is_mailed_and_warns_of_a_duplicate_before_submit(sim, pdf_factory):
    from c2m_tui.core.journal import open_journal as open_core_journal
    from c2m_tui.config.paths import journal_file

    pdf = pdf_factory(2, "invoice.pdf")
    app = app_on(sim.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        first = await walk_to_review(pilot, app, sim, pdf)
        review = first.query_one(ReviewStep)
        summary = text_of(review.query_one("#review-summary", Static))
        assert "1 in 1 job(s): 1 domestic, 0 international" in summary
        assert "2 page(s) on 2 sheet(s)" in summary and "Letter 8.5 x 11 · #10 Double Window" in summary
        assert "Sender Co, 1 Main St, Oakton, VA 22124" in summary
        assert "#1 Ada Lovelace · Baltimore MD 21201 · pages 1-2" in summary
        review.query_one("#review-search", Input).value = "baltim"
        await wait_for(pilot, lambda: "Ada Lovelace" in str(review.query_one("#review-found", Static).render()),
                       what="search")
        await pilot.pause(0.3)
        assert review.duplicate is None  # nothing sent before
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmSubmitScreen), what="confirmation")
        await activate(pilot, "#confirm-submit")
        await wait_for(pilot, lambda: first.done[3], what="first submit")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, WizardScreen), what="home")

        second = await walk_to_review(pilot, app, sim, pdf)  # the very same letters again
        review = second.query_one(ReviewStep)
        await wait_for(pilot, lambda: review.duplicate, what="the duplicate warning on the review")
        journal = open_core_journal(journal_file())
        try:
            entry = next(e for e in journal.entries(base_url=sim.base_url.rstrip("/")) if e.batch_id == first.batch_id)
            finished = entry.latest("submit").finished_at
        finally:
            journal.close()
        assert f"as batch {first.batch_id}" in review.duplicate
        assert f"as batch {first.batch_id} on {finished[:19].replace('T', ' ')} UTC" in review.duplicate
        assert review.query_one("#review-duplicate", Static).display
        assert not isinstance(app.screen, ConfirmSubmitScreen)  # shown before anything is pressed
        assert str(review.query_one("#submit").label) == "Submit AGAIN (already sent)"
