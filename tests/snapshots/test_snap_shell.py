"""Snapshots of the shell and of each wizard step (pytest-textual-snapshot).

Deterministic: fixed sizes, the c2m-dark theme, a fixed base URL that is never called, fixed
batch ids (the wizard resumed at a step), files in a folder of fixed name, a steady cursor.
Update with ``uv run pytest tests/snapshots/test_snap_shell.py --snapshot-update`` after checking
the differences by eye.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from c2m_tui.config.credentials import Credentials
from c2m_tui.config.profiles import get_profile
from c2m_tui.tui.app import C2MApp
from c2m_tui.tui.demo import write_samples
from c2m_tui.core.journal.views import ResumePoint
from c2m_tui.tui.screens.login import LoginScreen
from c2m_tui.tui.screens.wizard import WizardScreen
from c2m_tui.tui.session import Session
from c2m_tui.tui.widgets.review_step import ReviewStep
from tests.snapshots.still import until_still
from tests.tui.batch_harness import screen_text
from tests.tui.shell_harness import FIXED_URL, app_on, wait_for

SHELL_SIZE = (80, 24)
WIZARD_SIZE = (100, 30)
# the wizard at its usual size and at 80x24 (an SSH window: the batch id and esc/quit/help stay)
WIZARD_SIZES = pytest.mark.parametrize("size", [WIZARD_SIZE, SHELL_SIZE], ids=["100x30", "80x24"])


@pytest.fixture
def files(tmp_path, monkeypatch):
    """The demo sample PDF and XML in ./letters (relative paths show the same in every run)."""
    folder = tmp_path / "letters"
    samples = write_samples(folder)
    monkeypatch.chdir(folder)
    return {k: Path(v.name) for k, v in samples.items()}


def wizard_app(resume: ResumePoint | None = None, rest_url: str | None = None) -> C2MApp:
    """The wizard on FIXED_URL (never called); ``rest_url``: a simulator's /molpro for the review's price."""
    app = app_on(FIXED_URL)
    if rest_url:
        app.session.profile = replace(app.session.profile, rest_url=rest_url)

    def open_wizard() -> None:
        app.push_screen(WizardScreen(resume=resume))

    app.call_later(open_wizard)
    return app


async def settle(pilot, predicate=lambda: True, what="ready") -> None:
    await wait_for(pilot, predicate, what=what)
    await until_still(pilot)


def checked(app) -> bool:
    """The wizard knows its PDF and the last validation has run (no edit or worker pending)."""
    screen = app.screen
    if not isinstance(screen, WizardScreen) or screen.pdf is None or screen.check is None:
        return False
    jobs = screen.query("#step-jobs")
    if jobs and jobs.first()._timer is not None:
        return False
    return not any(w.group == "validate" and w.is_running for w in app.workers)


def test_home(snap_compare):
    assert snap_compare(app_on(FIXED_URL), terminal_size=SHELL_SIZE)


def test_home_production(snap_compare):
    profile = get_profile("production")
    session = Session(profile, profile.base_url, Credentials("acme-mail", "x", "keyring"), "production")
    assert snap_compare(C2MApp(session, theme="c2m-dark"), terminal_size=SHELL_SIZE)


def test_help(snap_compare):
    assert snap_compare(app_on(FIXED_URL), press=["f1"], terminal_size=SHELL_SIZE)


def test_login(snap_compare):
    profile = get_profile("staging")
    app = C2MApp(Session(profile, profile.base_url, None, "staging"), theme="c2m-dark")

    async def ready(pilot):
        await settle(pilot, lambda: isinstance(app.screen, LoginScreen)
                     and "keyring" in str(app.screen.query_one("#keyring-state").render()).lower()
                     and "Checking" not in str(app.screen.query_one("#keyring-state").render()), "login")

    assert snap_compare(app, terminal_size=SHELL_SIZE, run_before=ready)


@WIZARD_SIZES
def test_wizard_step1_create(snap_compare, size):
    app = wizard_app()

    async def ready(pilot):
        await settle(pilot, lambda: isinstance(app.screen, WizardScreen))

    assert snap_compare(app, terminal_size=size, run_before=ready)


@WIZARD_SIZES
def test_wizard_step2_pdf(snap_compare, files, size):
    app = wizard_app(ResumePoint("100001", next_step="pdf", pdf=files["pdf"]))

    async def ready(pilot):
        await settle(pilot, lambda: isinstance(app.screen, WizardScreen) and app.screen.pdf is not None
                     and app.screen.query_one("#pdf-tree").root.children, "pdf step")

    assert snap_compare(app, terminal_size=size, run_before=ready)


@WIZARD_SIZES
def test_wizard_step3_jobs(snap_compare, files, size):
    app = wizard_app(ResumePoint("100001", next_step="xml", pdf=files["pdf"], xml=files["xml"].read_bytes()))

    async def ready(pilot):
        await settle(pilot, lambda: checked(app), "check")

    assert snap_compare(app, terminal_size=size, run_before=ready)


def molpro_of(sim) -> str:
    """The simulator's REST calls: the review's estimate and balance come from its price table."""
    return sim.base_url[: -len("/v1")] + "/molpro"


def review_settled(app) -> bool:
    """The estimate is drawn (its rows, not the asking line) and Submit, focused, is on the screen: the
    review has put it in sight under the price (ReviewStep), whichever came first."""
    screen = app.screen
    if not isinstance(screen, WizardScreen) or screen.quote is None or not screen.query("#submit"):
        return False
    shown = screen_text(app)
    return screen.query_one("#submit").has_focus and "Estimated cost" in shown and "Submit batch" in shown


async def review_ready(pilot, app) -> None:
    await settle(pilot, lambda: checked(app) and app.screen.check.valid, "review")
    await settle(pilot, lambda: app.screen.query("#review-preview") and app.screen.query_one("#review-preview").shown,
                 "the page preview")  # drawn in a worker
    try:
        await settle(pilot, lambda: review_settled(app), "the estimate drawn and Submit in sight")
    except AssertionError as err:  # once in a loaded full run: say which part never came
        screen = app.screen
        submit = screen.query("#submit")
        raise AssertionError(f"{err}: quote={getattr(screen, 'quote', None)!r}, submit focused="
                             f"{bool(submit) and submit.first().has_focus}, focused={app.focused!r}, "
                             f"workers={[w.name for w in app.workers if w.is_running]}, screen:\n"
                             f"{screen_text(app)}") from None


@WIZARD_SIZES
def test_wizard_step4_review(snap_compare, files, size, sim):
    xml = files["xml"].read_bytes()
    app = wizard_app(ResumePoint("100001", next_step="submit", pdf=files["pdf"], xml=xml), rest_url=molpro_of(sim))

    async def ready(pilot):
        await review_ready(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=ready)


@WIZARD_SIZES
async def test_wizard_step4_review_scrolls_the_same_in_any_order(files, size, sim):
    """The picture above whichever came first: the estimate at once, or held back (the simulator
    paused) until the rest of the review is drawn and Submit has its focus; and Submit focused again
    after the review was scrolled elsewhere. Each time the review settles on the same place."""
    xml = files["xml"].read_bytes()
    point = ResumePoint("100001", next_step="submit", pdf=files["pdf"], xml=xml)

    app = wizard_app(point, rest_url=molpro_of(sim))
    async with app.run_test(size=size) as pilot:
        await review_ready(pilot, app)
        settled = app.screen.query_one(ReviewStep).scroll_y

    app = wizard_app(point, rest_url=molpro_of(sim))
    sim.pause()  # the estimate waits for sim.resume()
    try:
        async with app.run_test(size=size) as pilot:
            await wait_for(pilot, lambda: checked(app) and app.screen.query("#review-preview")
                           and app.screen.query_one("#review-preview").shown and app.screen.query_one("#submit").has_focus
                           and "Asking Click2Mail" in screen_text(app), what="the review drawn, the price asked")
            step = app.screen.query_one(ReviewStep)
            sim.resume()
            await settle(pilot, lambda: review_settled(app), "the estimate drawn and Submit in sight")
            assert step.scroll_y == settled

            app.screen.query_one("#review-search").focus()
            step.scroll_home(animate=False, immediate=True)
            await settle(pilot, lambda: step.scroll_y == 0 and not app.screen.query_one("#submit").has_focus,
                         "scrolled to the top, the search focused")
            app.screen.query_one("#submit").focus()
            await settle(pilot, lambda: review_settled(app), "Submit focused again")
            assert step.scroll_y == settled
    finally:
        sim.resume()


@WIZARD_SIZES
def test_wizard_confirm_production(snap_compare, files, size, sim_factory):
    """Production's confirmation names the estimated amount (the review's quote) and wants the pieces typed."""
    from c2m_tui.tui.screens.confirm_submit import ConfirmSubmitScreen

    sim = sim_factory("--user", "acme-mail:x")  # the account the banner names

    profile = replace(get_profile("production"), rest_url=molpro_of(sim))
    session = Session(profile, profile.base_url, Credentials("acme-mail", "x", "keyring"), "production")
    app = C2MApp(session, theme="c2m-dark")
    xml = files["xml"].read_bytes()
    app.call_later(lambda: app.push_screen(WizardScreen(resume=ResumePoint("100001", next_step="submit",
                                                                             pdf=files["pdf"], xml=xml))))

    async def ready(pilot):
        await review_ready(pilot, app)
        wizard = app.screen
        app.push_screen(ConfirmSubmitScreen("100001", wizard.check.counts[1], production=True, label=session.label,
                                            quote=wizard.quote))  # what the wizard's Submit opens
        await settle(pilot, lambda: isinstance(app.screen, ConfirmSubmitScreen), "the confirmation")

    assert snap_compare(app, terminal_size=size, run_before=ready)


def test_open_batch_dialog(snap_compare):
    assert snap_compare(app_on(FIXED_URL), press=["o"], terminal_size=SHELL_SIZE)


def test_profile_picker(snap_compare):
    app = app_on(FIXED_URL)

    async def ready(pilot):
        await pilot.press("p")
        await settle(pilot, lambda: type(app.screen).__name__ == "ProfilePickerScreen", "picker")

    assert snap_compare(app, terminal_size=SHELL_SIZE, run_before=ready)


def test_home_with_recent_batches(snap_compare):
    """The Note column is cut at 80 columns: the highlighted batch's note shows in full below."""
    from c2m_tui.tui.session import RecentBatch

    app = app_on(FIXED_URL)
    when = 1796000000.0  # a fixed day, so the When column shows its date
    app.session.recent[:] = [
        RecentBatch("400123", "pdf uploaded", "unfinished: c2m-tui resume 400123 uploads the XML and submits",
                    when),
        RecentBatch("400122", "mailed", "", when - 3600),
    ]

    async def ready(pilot):
        await settle(pilot, lambda: app.screen.query("#recent"), "recent")
        app.screen.query_one("#recent").focus()
        await settle(pilot)

    assert snap_compare(app, terminal_size=SHELL_SIZE, run_before=ready)
