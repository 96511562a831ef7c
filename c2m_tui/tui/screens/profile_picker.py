"""Switch profile: pick one of the configured profiles; production is marked in the list."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from c2m_tui.core.errors import C2MError, CredentialsError


class ProfilePickerScreen(ModalScreen[bool]):
    CSS_PATH = "profile_picker.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="profiles.cancel"),
        Binding("a", "add_profile", "Add profile", id="profiles.add"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Switch profile", classes="section-title")
            yield OptionList(id="profiles")
            yield Static("enter: use this profile · a: add a profile of your own · escape: cancel", classes="hint")

    def on_mount(self) -> None:
        self._fill(self.app.session.profile_name)

    def action_add_profile(self) -> None:
        from c2m_tui.tui.screens.new_profile import NewProfileScreen

        def added(name: str | None) -> None:
            if name:
                self._fill(name)
                self.notify(f"Profile {name} saved (no password). Press enter to use it and log in.",
                            title="Profile")

        self.app.push_screen(NewProfileScreen(), callback=added)

    def _fill(self, current: str) -> None:
        from c2m_tui.config.profiles import load_profiles

        options = self.query_one("#profiles", OptionList)
        options.clear_options()
        try:
            profiles = load_profiles()
        except C2MError as err:
            self.app.show_error(err, "profiles")
            self.dismiss(False)
            return
        for name, profile in profiles.items():
            marker = "PRODUCTION  " if profile.environment == "production" else ""
            user = profile.username or "no user yet"
            text = f"{marker}{name} · {profile.environment} · {user} · {profile.base_url}"
            options.add_option(Option(text, id=name))
        if current in profiles:
            options.highlighted = list(profiles).index(current)
        options.focus()

    @on(OptionList.OptionSelected, "#profiles")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        from c2m_tui.config.credentials import resolve_credentials
        from c2m_tui.config.profiles import get_profile

        try:
            profile = get_profile(event.option.id)
        except C2MError as err:
            self.app.show_error(err, "profile")
            return
        try:
            credentials = resolve_credentials(profile)
        except CredentialsError:
            credentials = None  # the home screen opens the login screen
        self.app.session.switch(profile, profile.base_url, credentials, profile.environment)
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
