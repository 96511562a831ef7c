"""The help screen: every key of every screen, gathered from the bindings themselves so it cannot
fall out of date."""

from __future__ import annotations

import importlib

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from c2m_tui.tui.widgets.key_footer import KeyFooter

# (title, module, class): the screens whose keys are listed, in the order people meet them
SCREENS = (
    ("Everywhere", "c2m_tui.tui.app", "C2MApp"),
    ("Home", "c2m_tui.tui.screens.home", "HomeScreen"),
    ("Log in", "c2m_tui.tui.screens.login", "LoginScreen"),
    ("New batch wizard", "c2m_tui.tui.screens.wizard", "WizardScreen"),
    ("Wizard step 3: jump to a section", "c2m_tui.tui.widgets.jobs_step", "JobsStep"),
    ("Wizard step 3: the recipients", "c2m_tui.tui.widgets.jobs_form", "JobsForm"),
    ("Wizard step 3: the recipients' table", "c2m_tui.tui.widgets.recipient_table", "RecipientTable"),
    ("Address list: columns", "c2m_tui.tui.screens.address_mapping", "AddressMappingScreen"),
    ("Address list: problems", "c2m_tui.tui.screens.address_problems", "AddressProblemsScreen"),
    ("Address list: edit a row", "c2m_tui.tui.screens.row_edit", "RowEditScreen"),
    ("Address list: replace or add", "c2m_tui.tui.screens.replace_or_add", "ReplaceOrAddScreen"),
    ("Address check with Click2Mail", "c2m_tui.tui.screens.address_check", "AddressCheckScreen"),
    ("Submit confirmation", "c2m_tui.tui.screens.confirm_submit", "ConfirmSubmitScreen"),
    ("Sent before (found at submit)", "c2m_tui.tui.screens.send_again", "SendAgainScreen"),
    ("Leaving during an upload", "c2m_tui.tui.screens.leave_during_call", "LeaveDuringCallScreen"),
    ("Open by id", "c2m_tui.tui.screens.open_batch", "OpenBatchScreen"),
    ("Switch profile", "c2m_tui.tui.screens.profile_picker", "ProfilePickerScreen"),
    ("Add a profile", "c2m_tui.tui.screens.new_profile", "NewProfileScreen"),
    ("Status board", "c2m_tui.tui.screens.status", "StatusScreen"),
    ("Status board: the job table", "c2m_tui.tui.widgets.job_table", "JobTable"),
    ("Status board: cancel jobs", "c2m_tui.tui.screens.cancel_jobs", "CancelJobsScreen"),
    ("Page viewer (pages, proofs)", "c2m_tui.tui.screens.page_viewer", "PageViewerScreen"),
    ("Details", "c2m_tui.tui.screens.details", "DetailsScreen"),
    ("Tracking", "c2m_tui.tui.screens.tracking", "TrackingScreen"),
    ("Tracking: the list of pieces", "c2m_tui.tui.widgets.tracking_view", "TrackingView"),
    ("Tracking: filter by status", "c2m_tui.tui.screens.tracking_dialogs", "StatusFilterDialog"),
    ("Tracking: export CSV", "c2m_tui.tui.screens.tracking_dialogs", "ExportDialog"),
    ("Help", "c2m_tui.tui.screens.help", "HelpScreen"),
)

GENERAL = (
    ("tab / shift+tab", "move between fields and buttons"),
    ("enter", "press the focused button, choose the highlighted row"),
    ("arrows", "move in lists, tables and the file tree; → accepts a path completion"),
    ("ctrl+p", "command palette: every action by name, and themes"),
)


def bindings_of(cls: type) -> list[Binding]:
    return [b for b in Binding.make_bindings(getattr(cls, "BINDINGS", [])) if b.action]


class HelpScreen(Screen):
    CSS_PATH = "help.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="help.back"),
        Binding("q", "app.pop_screen", "Back", show=False, id="help.back-alias"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static("Keys", classes="section-title")
            self.table = self._table()
            yield Static(self.table, id="help-keys")
        yield KeyFooter()

    def _table(self) -> Table:
        table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=False)
        table.add_column("key", style="bold", no_wrap=True)
        table.add_column("what")
        for title, module_name, class_name in SCREENS:
            cls = getattr(importlib.import_module(module_name), class_name)
            table.add_row(f"[u]{title}[/u]", "")
            keymap = getattr(self.app, "_keymap", {})  # config.toml's [keymap] moves keys
            for binding in bindings_of(cls):
                if binding.id in keymap:
                    key = " / ".join(self.app.get_key_display(binding.with_key(k)) for k in keymap[binding.id].split(","))
                else:
                    key = binding.key_display or self.app.get_key_display(binding)
                table.add_row(key, binding.description or binding.action)
            table.add_row("", "")
        table.add_row("[u]General[/u]", "")
        for key, what in GENERAL:
            table.add_row(key, what)
        return table
