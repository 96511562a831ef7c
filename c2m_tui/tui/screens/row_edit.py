"""One row of an address list, edited by hand from the problems screen: type row 8's missing city,
fix its ZIP. The fields start as the row was read (with an earlier edit on top); every keystroke
checks the row again through core (``check_edited_row``) and says what is still wrong. Only this
import uses the edit: the file is never written. Dismisses with the edit (core's
``{field: value}`` of the fields that differ from the file; ``{}`` puts the file's values back)
or None (nothing changes)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from c2m_tui.core.addresses import EDITABLE_FIELDS, TARGET_LABELS, Mapping, check_edited_row, edit_from, row_as_read
from c2m_tui.core.errors import C2MError
from c2m_tui.tui.widgets.key_footer import KeyFooter

SHORT_LABELS = {"name": "Name", "organization": "Organization", "address1": "Address 1", "address2": "Address 2",
                "address3": "Address 3", "city": "City", "state": "State", "postal_code": "ZIP",
                "country": "Country", "unique_id": "Your id"}


class RowEditScreen(ModalScreen[dict[str, str] | None]):
    CSS_PATH = "row_edit.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="row-edit.cancel"),
        Binding("ctrl+o", "accept", "OK: use it", id="row-edit.ok"),
        Binding("f2", "accept", "OK: use it", show=False, id="row-edit.ok-alias"),
    ]

    def __init__(self, number: int, row: dict[str, str], mapping: Mapping, policy: dict[str, str], *,
                 edit: dict[str, str] | None = None, focus_field: str | None = None) -> None:
        super().__init__()
        self.number = number
        self.row = row
        self.mapping = mapping
        self.policy = policy
        self.as_read = row_as_read(mapping, row)
        self.edit = dict(edit or {})  # the edit so far (from an earlier visit)
        self.focus_field = focus_field
        # the id is offered only when the list has an id column: otherwise it is never read
        self.fields = [f for f in EDITABLE_FIELDS if f != "unique_id" or mapping.get("unique_id")]

    def compose(self) -> ComposeResult:
        values = {**self.as_read, **self.edit}
        who = values["name"] or values["organization"] or "no name"
        with Vertical(id="row-edit-dialog"):
            yield Static(f"Edit row {self.number} · {who}", id="row-edit-title", markup=False)
            yield Static("Only this import uses your edit; the file is not changed.", classes="hint", markup=False)
            with Grid(id="row-edit-fields"):
                for target in self.fields:
                    yield Label(SHORT_LABELS[target], classes="row-edit-label")
                    field = Input(values[target], id=f"edit-{target}", compact=True)
                    field.tooltip = TARGET_LABELS[target]
                    yield field
            yield Static("", id="row-edit-check", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK: use it", id="row-edit-ok", variant="primary", compact=True)
                yield Button("Use the file's values", id="row-edit-revert", compact=True)
                yield Button("Cancel", id="row-edit-cancel", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#row-edit-revert", Button).display = bool(self.edit)
        start = self.focus_field if self.focus_field in self.fields else self.fields[0]
        self.query_one(f"#edit-{start}", Input).focus()
        self._check()

    def typed(self) -> dict[str, str]:
        return {target: self.query_one(f"#edit-{target}", Input).value for target in self.fields}

    def current_edit(self) -> dict[str, str]:
        return edit_from(self.as_read, self.typed())

    @on(Input.Changed)
    def _check(self) -> None:
        """The row with the edit, through the core's checks (duplicates are found when the whole
        list is checked again, after OK)."""
        line = self.query_one("#row-edit-check", Static)
        try:
            checked = check_edited_row(self.mapping, self.number, self.row, self.current_edit(), self.policy)
        except C2MError as err:
            line.update(str(err))
            line.set_classes("error-text")
            return
        left = [p for p in checked.problems if p.kind != "hand-edit"]
        if checked.skipped:
            wrong = [p for p in left if p.action == "skipped"]
            line.update("Still wrong: " + "; ".join(f"{p.message} ({p.kind})" for p in wrong))
            line.set_classes("warning-text")
        else:
            also = [f"{p.message}: {'fixed to ' + repr(p.fixed_value) if p.action == 'fixed' else p.action}"
                    for p in left]
            line.update("✓ No problem left: the row will be imported" + (" · " + "; ".join(also) if also else ""))
            line.set_classes("ok-text")

    @on(Input.Submitted)
    @on(Button.Pressed, "#row-edit-ok")
    def action_accept(self) -> None:
        try:
            edit = self.current_edit()
        except C2MError as err:
            self.app.notify(str(err), severity="error")
            return
        self.dismiss(edit)

    @on(Button.Pressed, "#row-edit-revert")
    def _revert(self) -> None:
        self.dismiss({})

    @on(Button.Pressed, "#row-edit-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
