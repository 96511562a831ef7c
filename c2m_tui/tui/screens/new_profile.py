"""Add a profile of your own from the app (as ``c2m-tui profiles add``): a name, the server's base
URL and a username; never a password (that is asked when you log in, or kept in the keyring then)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from c2m_tui.core.errors import C2MError


class NewProfileScreen(ModalScreen[str | None]):
    """Dismisses with the new profile's name, or None."""

    DEFAULT_CSS = """
    NewProfileScreen { align: center middle; }
    NewProfileScreen Input { width: 100%; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="new-profile.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Add a profile", classes="section-title")
            yield Input(placeholder="name, e.g. mine", id="new-name")
            yield Input(placeholder="base URL, e.g. https://stage-batch.click2mail.com/v1", id="new-url")
            yield Input(placeholder="username", id="new-user")
            yield Static("No password is stored here: you log in next. enter: save · escape: cancel",
                         id="new-profile-note", classes="hint", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="new-save", variant="primary")
                yield Button("Cancel", id="new-cancel")

    def on_mount(self) -> None:
        self.query_one("#new-name", Input).focus()

    @on(Input.Submitted, "#new-name")
    @on(Input.Submitted, "#new-url")
    def _next_field(self, event: Input.Submitted) -> None:
        self.focus_next()

    @on(Input.Submitted, "#new-user")
    @on(Button.Pressed, "#new-save")
    def _save(self) -> None:
        from c2m_tui.config.profiles import BUILTINS, Profile, save_profile

        name = self.query_one("#new-name", Input).value.strip()
        url = self.query_one("#new-url", Input).value.strip()
        user = self.query_one("#new-user", Input).value.strip() or None
        note = self.query_one("#new-profile-note", Static)
        try:
            if name in BUILTINS:
                raise C2MError(f"{name} is a built-in profile: choose another name")
            profile = save_profile(Profile(name, url, user, "custom"))
        except C2MError as err:
            note.update(str(err))
            note.set_classes("error-text")
            return
        self.dismiss(profile.name)

    @on(Button.Pressed, "#new-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
