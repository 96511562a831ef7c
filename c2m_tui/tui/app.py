"""The Textual app: one Session, an environment banner on every screen, the home screen first."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen, SystemModalScreen
from textual.widget import Widget

from c2m_tui.core.errors import C2MError, CredentialsError, describe
from c2m_tui.core.graphics import HALFBLOCK, TerminalGraphics
from c2m_tui.tui.messages import SessionChanged
from c2m_tui.tui.session import Session
from c2m_tui.tui.widgets.env_banner import EnvironmentBanner


def _palette_commands():
    """The palette's app actions (imported when the palette first opens, not at start-up)."""
    from c2m_tui.tui.commands_palette import AppCommands

    return AppCommands


class C2MApp(App[None]):
    """c2m-tui's terminal app. ``session`` says where and as whom; screens use ``session.client``."""

    TITLE = "c2m-tui"
    SUB_TITLE = "paper mail through Click2Mail"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {_palette_commands}
    BINDINGS = [
        Binding("f1", "help", "Help", id="help"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]

    def __init__(self, session: Session, *, theme: str | None = None, graphics: TerminalGraphics = HALFBLOCK,
                 notices: list[str] | None = None) -> None:
        """``graphics``: how page previews are drawn, found before Textual took the terminal
        (core.graphics.detect); ``notices``: start-up warnings to show (a bad setting)."""
        super().__init__()
        self.exit_notes: list[str] = []  # printed on the terminal once the app has closed
        self.session = session
        self.requested_theme = theme
        self.graphics = graphics
        self._start_notices = list(notices or [])
        self.animation_level = "none"  # SSH-friendly: nothing slides or fades
        # Themes are chosen before the first stylesheet parse: choosing later parses it all again.
        self._theme_notices = self._apply_theme()

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """$production and $demo for themes that lack them (the theme files set their own):
        from the theme's own error and success colours, so every theme can be picked."""
        colours = self.current_theme.to_color_system().generate()
        return {"production": colours["error"], "demo": colours["success"]}

    # ------------------------------------------------------------------ start-up

    def on_mount(self) -> None:
        for notice in self._theme_notices:
            self.notify(notice, title="Theme", severity="warning", timeout=12)
        for notice in self._start_notices:
            self.notify(notice, title="Settings", severity="warning", timeout=12)
        if self.session.debug_log is not None:
            self.session.debug_log.info("page previews: %s", self.graphics.reason)
        self.screen_change_signal.subscribe(self, self._ensure_banner)
        self.apply_keymap()
        from c2m_tui.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        if self.session.credentials_pending:
            # after the first paint: importing keyring and asking it takes a while
            self.call_after_refresh(self.resolve_credentials)
        elif not self.session.logged_in:
            self.action_login()

    @work(group="credentials", thread=True, exclusive=True, exit_on_error=False)
    def resolve_credentials(self) -> None:
        """Environment, then keyring (which may block on D-Bus): in a thread, after the first screen."""
        from c2m_tui.config.credentials import resolve_credentials

        session = self.session
        try:
            credentials = resolve_credentials(session.profile)
        except CredentialsError:
            credentials = None
        except Exception as err:  # a broken keyring: say so and ask for the password
            self.call_from_thread(self.show_error, err, "keyring")
            credentials = None
        self.call_from_thread(self._credentials_known, session, credentials)

    def _credentials_known(self, session: Session, credentials: Any) -> None:
        if session is not self.session or not session.credentials_pending:
            return  # the person logged in or switched profile meanwhile
        session.set_credentials(credentials)
        self.refresh_banners()
        self.post_message(SessionChanged(session.label))
        if credentials is None:
            self.action_login()

    def _apply_theme(self) -> list[str]:
        """Register the theme files and pick one (--theme, C2M_THEME, the saved setting, a default);
        returns what to tell the person once the app runs."""
        from c2m_tui.tui import themes

        notices: list[str] = []
        try:
            problems = themes.register_themes(self)
            if problems:
                notices.append(themes.theme_problems_message(problems))
            problem = themes.apply_theme(self, themes.resolve_theme_name(self.requested_theme))
        except Exception as err:  # a bad theme must never stop the app
            problem = f"themes could not be loaded: {err}"
        if problem:
            notices.append(problem)
        return notices

    def apply_keymap(self) -> None:
        """``[keymap]`` from config.toml (binding id = keys), applied with Textual's set_keymap."""
        from c2m_tui.tui.commands_palette import load_keymap

        keymap, problems = load_keymap()
        if keymap:
            self.set_keymap(keymap)
        for problem in problems:
            self.notify(problem, title="Keymap", severity="warning", timeout=12)

    def _ensure_banner(self, screen: Screen) -> None:
        """Every screen (and modal) shows the environment banner; system modals (palette) don't."""
        if isinstance(screen, SystemModalScreen):
            return
        screen.call_after_refresh(self.calm_widgets, screen)
        banners = screen.query(EnvironmentBanner)
        if banners:
            for banner in banners:
                banner.refresh_banner()
        else:
            screen.mount(EnvironmentBanner())

    @staticmethod
    def calm_widgets(node: Widget) -> None:
        """No animation: a steady cursor (over SSH a blinking one redraws twice a second for
        nothing, and it keeps snapshots deterministic) and no 0.2 s button-press effect (during
        which Textual ignores a second press, e.g. a quick retry)."""
        from textual.widgets import Button, Input

        for field in node.query(Input):
            field.cursor_blink = False
        for button in node.query(Button):
            button.active_effect_duration = 0

    def refresh_banners(self) -> None:
        for screen in self.screen_stack:
            for banner in screen.query(EnvironmentBanner):
                banner.refresh_banner()

    # ------------------------------------------------------------------ errors in user words

    def show_error(self, err: BaseException, what: str = "") -> None:
        """Turn an error into a notification a person can act on; never a crash."""
        title = what.capitalize() if what else "Error"
        text = describe(err)  # the same words the command line prints
        if isinstance(err, CredentialsError):
            text += " Press L on the home screen to log in."
        self.notify(text, title=title, severity="error", timeout=12 if isinstance(err, C2MError) else 15)

    # ------------------------------------------------------------------ actions

    def action_help(self) -> None:
        from c2m_tui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_login(self) -> None:
        from c2m_tui.tui.screens.login import LoginScreen

        if not isinstance(self.screen, LoginScreen):
            self.push_screen(LoginScreen(), callback=self._after_login)

    def _after_login(self, logged_in: Any) -> None:
        if logged_in:
            self.refresh_banners()
            self.post_message(SessionChanged(self.session.label))

    def on_session_changed(self, message: SessionChanged) -> None:
        from c2m_tui.tui.screens.home import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.refresh_view()

    async def action_quit(self) -> None:
        """Quit; while the wizard has a call in flight, it asks first (keep waiting / cancel and quit)."""
        from c2m_tui.tui.screens.wizard import WizardScreen

        for screen in self.screen_stack:
            if isinstance(screen, WizardScreen) and screen.calls_in_flight():
                screen.leave_then(self._quit_now)
                return
        await self._quit_now()

    async def _quit_now(self) -> None:
        from c2m_tui.tui.screens.wizard import WizardScreen

        # a batch left half-way is said on the terminal once the screen is gone (the journal has it)
        self.exit_notes = [f"c2m-tui: batch {screen.batch_id} is not submitted; `c2m-tui resume {screen.batch_id}` "
                           "continues it (or the home screen's list)"
                           for screen in self.screen_stack
                           if isinstance(screen, WizardScreen) and screen.batch_id and not screen.done[3]]
        await self._close_session()
        self.exit()

    async def _close_session(self) -> None:
        await self.session.aclose()

    async def on_unmount(self) -> None:
        await self.session.aclose()
