"""The shell: home, banners, help, login, open-by-id, profile switching, journal-backed recent
batches and resume, --demo. Pilot against the simulator on a real loopback port where a server is needed."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Button, DataTable, Input, Static

from c2m_tui.config.paths import journal_file
from c2m_tui.config.credentials import NO_KEYRING_HELP_IN_APP, Credentials
from c2m_tui.config.profiles import Profile, get_profile, save_profile
from c2m_tui.core.errors import UsageError
from c2m_tui.tui.app import C2MApp
from c2m_tui.tui.screens.confirm_submit import ConfirmSubmitScreen
from c2m_tui.tui.screens.help import HelpScreen, bindings_of
from c2m_tui.tui.screens.home import HomeScreen
from c2m_tui.tui.screens.login import LoginScreen
from c2m_tui.tui.screens.open_batch import OpenBatchScreen
from c2m_tui.tui.screens.wizard import WizardScreen
from c2m_tui.tui.session import Session, session_for_profile
from c2m_tui.tui.widgets.env_banner import EnvironmentBanner
from tests.tui.shell_harness import FIXED_URL, app_on, notifications, wait_for

SECRET = "Zq7-unusual-Passw0rd"


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def production_app() -> C2MApp:
    profile = get_profile("production")
    session = Session(profile, profile.base_url, Credentials("someone", "not-used", "session"), "production")
    return C2MApp(session, theme="c2m-dark")


async def test_home_shows_profile_server_user_and_actions():
    app = app_on(FIXED_URL)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        home = app.screen
        info = text_of(home, "#home-session")
        assert "demo" in info and FIXED_URL in info and "User         demo" in info
        assert "DEMO" in str(home.query_one(EnvironmentBanner).render())
        actions = text_of(home, "#home-actions")
        for words in ("n New batch", "o Open by id", "p Switch profile", "l Log in again", "f1 Help"):
            assert words in actions
        assert "No batches yet" in text_of(home, "#recent-empty")
        assert app.animation_level == "none"
        await pilot.click("#home-actions", offset=(4, 0))  # the mouse works too: "New batch" is a link
        await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen), what="wizard from the link")


async def test_production_is_marked_on_every_screen_and_needs_the_piece_count():
    app = production_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        seen = []
        for open_screen in (lambda: None, lambda: app.push_screen(HelpScreen()),
                            lambda: app.push_screen(WizardScreen()), lambda: app.push_screen(OpenBatchScreen())):
            open_screen()
            await pilot.pause()
            banner = await wait_for(pilot, lambda: app.screen.query(EnvironmentBanner), what="banner")
            banner = banner.first()
            assert banner.has_class("-production")
            assert "PRODUCTION" in str(banner.render())
            seen.append(type(app.screen).__name__)
        assert seen == ["HomeScreen", "HelpScreen", "WizardScreen", "OpenBatchScreen"]

        answers = []
        app.push_screen(ConfirmSubmitScreen("123", 3, production=True, label="PRODUCTION"), callback=answers.append)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmSubmitScreen))
        await pilot.press("2", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmSubmitScreen) and answers == []
        assert "not 3" in text_of(app.screen, "#confirm-problem")
        app.screen.query_one("#confirm-pieces", Input).value = ""
        await pilot.press("3", "enter")
        await wait_for(pilot, lambda: answers == [True], what="confirmed")


async def test_help_lists_every_key_of_every_screen():
    app = app_on(FIXED_URL)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("f1")
        help_screen = await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen) and app.screen)
        from rich.console import Console

        console = Console(width=100, record=True, file=open("/dev/null", "w"))
        console.print(help_screen.table)
        text = console.export_text()
        for cls in (C2MApp, HomeScreen, WizardScreen, LoginScreen):
            for binding in bindings_of(cls):
                key = binding.key_display or app.get_key_display(binding)
                line = re.compile(rf"^{re.escape(key)}\s+{re.escape(binding.description)}\s*$", re.M)
                assert line.search(text), f"{cls.__name__}: {binding.key} missing from help"
                assert binding.id, f"{cls.__name__}: {binding.key} has no id"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))


def test_bindings_use_keys_that_survive_ssh_and_tmux():
    from c2m_tui.tui.screens import confirm_submit, open_batch, profile_picker

    allowed = re.compile(r"^(?:[a-z]|f\d{1,2}|ctrl\+[a-z]|escape|enter|up|down|left|right)$")
    for cls in (C2MApp, HomeScreen, WizardScreen, LoginScreen, HelpScreen, confirm_submit.ConfirmSubmitScreen,
                open_batch.OpenBatchScreen, profile_picker.ProfilePickerScreen):
        for binding in bindings_of(cls):
            for key in binding.key.split(","):
                assert allowed.match(key), f"{cls.__name__}: {key!r} may not survive SSH/tmux"


async def test_login_without_a_keyring_offers_this_session_only(sim_factory, app_home):
    server = sim_factory("--user", f"alice:{SECRET}")
    # a profile made without any keyring, by the command a person without one would use
    made = subprocess.run([sys.executable, "-m", "c2m_tui", "profiles", "add", "mysim", "--base-url",
                           server.base_url, "--username", "alice"], capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    assert "password: not stored" in made.stdout
    session = session_for_profile("mysim")
    assert session.credentials is None
    app = C2MApp(session, theme="c2m-dark")
    async with app.run_test(size=(80, 24)) as pilot:
        login = await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen) and app.screen, what="login")
        await wait_for(pilot, lambda: "No usable keyring" in text_of(login, "#keyring-state"), what="keyring")
        assert NO_KEYRING_HELP_IN_APP[:40] in text_of(login, "#keyring-state")
        assert "start the app" not in text_of(login, "#keyring-state")  # we are in it
        save = login.query_one("#login-save", Button)
        assert save.disabled and not save.display  # "remember" is not offered when nothing can
        assert login.query_one("#username", Input).value == "alice"
        assert login.query_one("#password", Input).password  # masked

        login.query_one("#username", Input).value = "alice"
        login.query_one("#password", Input).value = "wrong-password"
        await pilot.click("#login-session")
        await wait_for(pilot, lambda: "refused" in text_of(login, "#login-result"), what="refusal")
        assert app.screen is login and session.credentials is None

        login.query_one("#password", Input).value = SECRET
        await pilot.click("#login-session")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), what="back home")
        assert session.credentials.source == "session" and session.username == "alice"
        assert "alice" in str(app.screen.query_one(EnvironmentBanner).render())
    for path in Path(app_home).rglob("*"):  # the password is never written anywhere
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


async def test_open_a_batch_by_id(sim):
    from c2m_tui.core.client import BatchClient
    from c2m_tui.tui.screens.status import StatusScreen

    async with BatchClient(sim.base_url, "demo", "demo") as client:
        batch_id = (await client.create_batch()).id
    app = app_on(sim.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("o")
        dialog = await wait_for(pilot, lambda: isinstance(app.screen, OpenBatchScreen) and app.screen)
        await pilot.press("x", "y", "enter")
        assert "number" in text_of(dialog, "#batch-id-problem") and app.screen is dialog
        dialog.query_one("#batch-id", Input).value = ""
        await pilot.press(*str(batch_id), "enter")
        status = await wait_for(pilot, lambda: isinstance(app.screen, StatusScreen) and app.screen)
        assert str(status.batch_id) == str(batch_id)


async def test_switching_profile_asks_to_log_in_when_it_has_no_password():
    app = app_on(FIXED_URL)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("p")
        picker = await wait_for(pilot, lambda: type(app.screen).__name__ == "ProfilePickerScreen" and app.screen)
        options = picker.query_one("#profiles")
        names = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert "production" in names
        options.highlighted = names.index("staging")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), what="login after switch")
        assert app.session.profile_name == "staging" and app.session.environment == "staging"
        assert not app.session.logged_in
        await pilot.press("escape")
        home = await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen)
        assert "staging" in str(home.query_one(EnvironmentBanner).render()).lower()


async def test_wrong_password_in_the_wizard_is_a_notification_not_a_crash(sim):
    app = app_on(sim.base_url, password="not-the-password")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        wizard = await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen) and app.screen)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: any("log in" in n.lower() for n in notifications(app)), what="notice")
        assert app.is_running and not wizard.done[0]


async def test_recent_batches_come_back_from_the_journal_and_resume(sim, pdf_factory):
    pdf = pdf_factory(2)
    first = app_on(sim.base_url)
    async with first.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        wizard = await wait_for(pilot, lambda: isinstance(first.screen, WizardScreen) and first.screen)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: wizard.current == 1, what="created")
        wizard.query_one("#pdf-path", Input).value = str(pdf)
        wizard.query_one("#pdf-path", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: wizard.pdf)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: wizard.current == 2, what="pdf uploaded")
        batch_id = wizard.batch_id
        await pilot.press("escape")
        home = await wait_for(pilot, lambda: isinstance(first.screen, HomeScreen) and first.screen)
        table = home.query_one("#recent", DataTable)
        assert table.get_row(batch_id)[:2] == [batch_id, "pdf uploaded"]

    second = app_on(sim.base_url)  # a new run: only the journal knows the batch
    async with second.run_test(size=(100, 30)) as pilot:
        home = await wait_for(pilot, lambda: isinstance(second.screen, HomeScreen) and second.screen)
        await wait_for(pilot, lambda: home.query("#recent"), what="recent table")
        table = home.query_one("#recent", DataTable)
        await wait_for(pilot, lambda: batch_id in [k.value for k in table.rows], what="journal rows")
        assert table.get_row(batch_id)[:2] == [batch_id, "pdf uploaded"]
        table.focus()
        await pilot.press("r")
        resumed = await wait_for(pilot, lambda: isinstance(second.screen, WizardScreen) and second.screen)
        await wait_for(pilot, lambda: resumed.current == 2, what="resumed at step 3")
        assert resumed.batch_id == batch_id and resumed.done[:2] == [True, True]


def test_demo_session_runs_a_simulator_with_sample_files():
    from c2m_tui.commands.app import build_session
    from c2m_tui.core.validate import validate_batch

    session = build_session(argparse.Namespace(demo=True, profile=None, base_url=None))
    try:
        assert session.demo and session.label == "DEMO" and session.base_url.startswith("http://127.0.0.1:")
        assert session.credentials.username == "demo"
        import httpx

        answer = httpx.get(session.base_url + "/batches/1", auth=("demo", "demo"), timeout=10)
        assert answer.status_code in (200, 404)
        report = validate_batch(session.samples["xml"], session.samples["pdf"])
        assert report.valid, report.to_json()
    finally:
        session.stop_simulator()


def test_demo_refuses_a_profile_or_base_url():
    from c2m_tui.commands.app import build_session

    with pytest.raises(UsageError):
        build_session(argparse.Namespace(demo=True, profile="staging", base_url=None))


async def test_password_lookup_happens_after_the_first_screen(sim):
    from c2m_tui.commands.app import build_session

    # a simulator is running at the URL, so the demo profile uses it instead of starting its own
    session = build_session(argparse.Namespace(demo=False, profile="demo", base_url=sim.base_url))
    assert session.credentials_pending and session.credentials is None
    app = C2MApp(session, theme="c2m-dark")
    async with app.run_test(size=(80, 24)) as pilot:
        home = await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen)
        await wait_for(pilot, lambda: session.logged_in, what="credentials resolved")
        await wait_for(pilot, lambda: "password from demo" in text_of(home, "#home-session"), what="home updated")
        assert "demo" in str(home.query_one(EnvironmentBanner).render())

    staging = build_session(argparse.Namespace(demo=False, profile="staging", base_url=None))
    app = C2MApp(staging, theme="c2m-dark")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), what="login when nothing is stored")
        assert not staging.credentials_pending


async def test_a_submit_with_no_answer_is_settled_by_the_status_before_the_wizard_resumes(sim):
    """As ``c2m-tui resume`` does: the home screen's r reads the status first. Here the server says
    the batch was never submitted, so the submit is settled as not taken and the wizard opens where
    the batch stands (its PDF was never recorded); nothing is submitted."""
    from c2m_tui.core.client import BatchClient
    from c2m_tui.core.journal import DONE, NOT_TAKEN, Journal
    from c2m_tui.tui.screens.wizard import WizardScreen

    async with BatchClient(sim.base_url, "demo", "demo") as client:
        batch_id = (await client.create_batch()).id
    journal = Journal.open(journal_file())
    key = journal.new_entry(profile="demo", environment="demo", base_url=sim.base_url, pdf_path="x.pdf", pdf_size=1,
                            pdf_sha256="a", pdf_pages=1, xml=b"<batch/>", xml_sha256="b", jobs=1, pieces=1)
    journal.end_step(journal.begin_step(key, "create"), DONE, batch_id=str(batch_id))
    journal.claim_submit(key)  # the intent is recorded, the answer never came
    journal.close()

    app = app_on(sim.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        home = await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen)
        await wait_for(pilot, lambda: home.query("#recent"), what="recent table")
        table = home.query_one("#recent", DataTable)
        await wait_for(pilot, lambda: str(batch_id) in [k.value for k in table.rows], what="journal row")
        assert table.get_row(str(batch_id))[1] == "ambiguous"
        table.focus()
        await pilot.press("r")
        wizard = await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen) and app.screen, what="wizard")
        assert wizard.batch_id == str(batch_id) and wizard.current == 1  # the PDF step: none was recorded
    journal = Journal.open(journal_file())
    assert journal.get(key).latest("submit").outcome == NOT_TAKEN
    journal.close()
    assert [b for b in sim.state()["batches"] if str(b["id"]) == str(batch_id)][0]["submit_count"] == 0


async def test_a_profile_is_added_in_the_app_without_a_keyring(sim):
    from c2m_tui.config.profiles import load_profiles
    from c2m_tui.tui.screens.new_profile import NewProfileScreen

    app = app_on(FIXED_URL)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("p")
        picker = await wait_for(pilot, lambda: type(app.screen).__name__ == "ProfilePickerScreen" and app.screen)
        await pilot.press("a")
        dialog = await wait_for(pilot, lambda: isinstance(app.screen, NewProfileScreen) and app.screen)
        await pilot.press(*"bad name", "enter", "enter", "enter")
        await wait_for(pilot, lambda: "invalid profile name" in text_of(dialog, "#new-profile-note"), what="refusal")
        dialog.query_one("#new-name", Input).value = "mine"
        dialog.query_one("#new-url", Input).value = sim.base_url
        dialog.query_one("#new-user", Input).value = "demo"
        dialog.query_one("#new-user", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is picker, what="back in the picker")
        options = picker.query_one("#profiles")
        assert options.get_option_at_index(options.highlighted).id == "mine"
        await pilot.press("enter")  # use it: no password anywhere, so the login screen asks
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), what="login")
        assert app.session.profile_name == "mine"
    assert load_profiles()["mine"].username == "demo"
