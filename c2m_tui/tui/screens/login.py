"""Log in: ask username and password (masked), check them against the server, then keep the
password in the OS keyring, or, without a usable keyring, in memory for this session only.

The password lives only in the Input widget, the Credentials object and the client's auth header;
it is never written to a file, a log or a notification.
"""

from __future__ import annotations

import asyncio

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from c2m_tui.core.errors import C2MError, CredentialsError
from c2m_tui.tui.widgets.key_footer import KeyFooter


class LoginScreen(Screen[bool]):
    CSS_PATH = "login.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="login.cancel"),
        Binding("ctrl+l", "login_session", "Session only", id="login.session-only"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._keyring_usable: bool | None = None

    def compose(self) -> ComposeResult:
        session = self.app.session
        with VerticalScroll(id="login-body"):
            yield Label(f"Log in to {session.profile_name} ({session.label.lower()})", classes="section-title")
            yield Static(f"Server {session.base_url}", classes="hint", markup=False)
            with Vertical(id="login-form"):
                yield Label("Username")
                yield Input(value=session.username or session.profile.username or "",
                            placeholder="your Click2Mail username", id="username")
                yield Label("Password")
                yield Input(placeholder="password (not shown)", password=True, id="password")
            with Horizontal(id="login-buttons"):
                yield Button("Log in and remember", id="login-save", variant="primary", disabled=True)
                yield Button("This session only", id="login-session")
                yield Button("Cancel", id="login-cancel")
            yield Static("Checking the keyring…", id="keyring-state", classes="hint", markup=False)
            yield Static("", id="login-result", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.check_keyring()
        fields = list(self.query(Input))
        if len(fields) == 2:  # the username is often known: start on the password then
            (fields[1] if fields[0].value else fields[0]).focus()

    # ------------------------------------------------------------------ keyring: can we remember?

    @work(group="keyring", thread=True, exclusive=True, exit_on_error=False)
    def check_keyring(self) -> None:
        from c2m_tui.config.credentials import NO_KEYRING_HELP_IN_APP as NO_KEYRING_HELP
        from c2m_tui.config.credentials import keyring_status

        try:
            status = keyring_status()
        except Exception as err:  # a broken D-Bus must not stop the login
            self.app.call_from_thread(self._keyring_known, False, f"{err}", NO_KEYRING_HELP)
            return
        self.app.call_from_thread(self._keyring_known, status.usable, status.problem or status.backend, NO_KEYRING_HELP)

    def _keyring_known(self, usable: bool, detail: str, help_text: str) -> None:
        self._keyring_usable = usable
        state = self.query_one("#keyring-state", Static)
        save = self.query_one("#login-save", Button)
        save.disabled = not usable
        save.display = usable  # only what can work is offered: no "remember" without a keyring
        if not usable:
            self.query_one("#login-session", Button).variant = "primary"
        if usable:
            state.update(f"The password will be kept in the OS keyring ({detail}).")
            state.set_classes("hint")
        else:
            state.update(f"No usable keyring: {detail}\n{help_text}")
            state.set_classes("warning-text")

    # ------------------------------------------------------------------ logging in

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "username":
            self.query_one("#password", Input).focus()
        else:
            self._start(remember=bool(self._keyring_usable))

    @on(Button.Pressed, "#login-save")
    def _save(self) -> None:
        self._start(remember=True)

    @on(Button.Pressed, "#login-session")
    def action_login_session(self) -> None:
        self._start(remember=False)

    @on(Button.Pressed, "#login-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)

    def _start(self, remember: bool) -> None:
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        result = self.query_one("#login-result", Static)
        if not username or not password:
            result.update("Type a username and a password.")
            result.set_classes("error-text")
            return
        result.update("Checking with the server…")
        result.set_classes("hint")
        self.login(username, password, remember)

    @work(group="login", exclusive=True, exit_on_error=False, description="login")
    async def login(self, username: str, password: str, remember: bool) -> None:
        from c2m_tui.config.credentials import Credentials, store_password
        from c2m_tui.core.client import BatchClient

        session = self.app.session
        result = self.query_one("#login-result", Static)
        try:
            async with BatchClient(session.base_url, username, password, retries=1) as client:
                await client.check_credentials()
        except CredentialsError:
            result.update("The server refused this username and password.")
            result.set_classes("error-text")
            return
        except C2MError as err:
            result.update(f"Could not check: {err}")
            result.set_classes("error-text")
            return
        source = "session"
        if remember:
            try:
                # keyring backends block (D-Bus): keep the event loop free
                await asyncio.to_thread(store_password, session.profile, username, password)
                source = "keyring"
            except C2MError as err:
                self.app.notify(f"Not remembered: {err}. Using it for this session only.",
                                title="Keyring", severity="warning", timeout=12)
        session.set_credentials(Credentials(username, password, source))
        if source == "keyring":
            self._remember_username(username)
        self.query_one("#password", Input).value = ""
        self.app.notify(f"Logged in as {username}" + (" (saved in the keyring)" if source == "keyring"
                                                      else " for this session only"), title="Log in")
        self.dismiss(True)

    def _remember_username(self, username: str) -> None:
        """The profile remembers who logs in (never the password), so next time only that is asked."""
        profile = self.app.session.profile
        if getattr(profile, "username", None) == username or self.app.session.demo:
            return
        try:
            from c2m_tui.config.profiles import get_profile, save_profile

            stored = get_profile(profile.name)
            if stored.base_url != profile.base_url:  # a --base-url override is not saved behind your back
                return
            self.app.session.profile = save_profile(stored.with_username(username))
        except C2MError as err:
            self.app.notify(f"username not saved in the profile: {err}", severity="warning")

