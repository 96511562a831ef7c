"""Which column of an imported address list holds which part of the address.

Opened from the wizard's recipients step. The file is read in a thread (its facts, the first
rows and the guessed mapping come from core.addresses); the person corrects the guess with one
Select per target field, watches the first rows as they would be mailed, may save the mapping by
name or apply a saved one, and accepts. A file whose columns were imported before starts from the
mapping of that import (core.addresses.remembered), saying so in one line; ctrl+r starts from the
guess instead. Dismisses with the mapping (core's plain dict) or None; ``remembered`` is what
was recalled and still applies (the problems screen starts from its choices).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from c2m_tui.tui.widgets.fitted_table import FittedTable
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from c2m_tui.config.paths import mappings_file
from c2m_tui.core.addresses import (
    TARGET_LABELS,
    TARGETS,
    USING_REMEMBERED,
    AddressChecker,
    Mapping,
    Remembered,
    check_mapping,
    guess_mapping,
    list_mappings,
    load_mapping,
    preview,
    recall_choices,
    save_mapping,
)
from c2m_tui.core.errors import C2MError
from c2m_tui.tui.screens._common import failure_text
from c2m_tui.tui.widgets.key_footer import KeyFooter

PREVIEW_ROWS = 10
GUESS_ROWS = 20  # more rows than shown: the guess picks the address group that has data
# (target, short title): ten rows of a 100-column terminal should show the whole address
PREVIEW_COLUMNS = (("name", "Name"), ("organization", "Organization"), ("address1", "Street"),
                   ("address2", "Line 2"), ("city", "City"), ("state", "St"), ("postal_code", "ZIP"),
                   ("country", "Country"))


@dataclass(slots=True)
class FileFacts:
    """What the reading worker found: the file's facts, its first rows, the guess, saved names."""

    kind: str
    encoding: str | None
    headers: list[str]
    notes: list[str]
    rows: list[tuple[int, dict[str, str]]]
    mapping: Mapping
    source: str
    saved: list[str]
    guess: Mapping  # what the headers look like, whatever the screen starts from
    remembered: Remembered | None = None  # the last import of these columns (None: not looked up)
    warning: str = ""  # the saved-mappings file could not be used: one line


def read_facts(path: Path, start: Mapping | None = None) -> FileFacts:
    """Everything the screen shows first (runs in a thread: it reads the file). Without ``start``
    the mapping remembered for these columns is used; a damaged saved file is one note, never
    a failure."""
    head = preview(path, GUESS_ROWS)
    info = head.info
    guess = guess_mapping(info.headers, [row for _, row in head.rows])
    notes = list(info.notes) + list(guess.notes)
    mapping, source = guess.mapping, guess.source
    remembered = None
    if start is not None:
        mapping, source = check_mapping(start, info.headers), "your earlier choice"
    else:
        remembered = recall_choices(mappings_file(), info.headers)
        if remembered.mapping is not None:
            mapping = remembered.mapping
    warning = remembered.warning if remembered else ""
    try:
        saved = list_mappings(mappings_file())
    except C2MError as err:  # said once: recall_choices read the same file
        saved = []
        warning = warning or f"{err}; no saved mappings to offer"
    return FileFacts(info.kind, info.encoding, list(info.headers), notes, head.rows[:PREVIEW_ROWS], mapping,
                     source, saved, guess.mapping, remembered, warning)


def column_choice(value: str | list[str] | None) -> str | tuple[str, ...] | None:
    """A mapping entry as a Select value: one column by name, a joined one as a tuple."""
    if not value:
        return None
    if isinstance(value, str):
        return value
    return value[0] if len(value) == 1 else tuple(value)


def choice_label(choice: str | tuple[str, ...]) -> str:
    return choice if isinstance(choice, str) else " + ".join(choice)


class AddressMappingScreen(ModalScreen[Mapping | None]):
    CSS_PATH = "address_mapping.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="address-mapping.cancel"),
        Binding("ctrl+o", "accept", "OK", id="address-mapping.ok"),
        Binding("f2", "accept", "OK", show=False, id="address-mapping.ok-alias"),
        Binding("ctrl+r", "start_from_guess", "Use the guess", id="address-mapping.reset"),
    ]

    def __init__(self, path: Path, *, start: Mapping | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self.start = start  # the mapping chosen before (back from the problems screen)
        self.facts: FileFacts | None = None
        self.mapping: Mapping = {}
        self.remembered: Remembered | None = None  # recalled for these columns and still in use

    def compose(self) -> ComposeResult:
        with Vertical(id="mapping-dialog"):
            yield Static(f"Columns of {self.path.name}", id="mapping-title", markup=False)
            yield Static("Reading the file…", id="mapping-facts", classes="hint", markup=False)
            with Horizontal(id="mapping-body"):
                with VerticalScroll(id="mapping-fields"):
                    for target in TARGETS:
                        with Horizontal(classes="mapping-row"):
                            yield Label(TARGET_LABELS[target], classes="mapping-label")
                            yield Select([], prompt="(not used)", id=f"map-{target}", disabled=True, compact=True)
                with Vertical(id="mapping-saved"):
                    yield Label("Saved mappings")
                    yield Select([], prompt="(apply a saved one)", id="map-saved", disabled=True, compact=True)
                    yield Label("Save this mapping as")
                    yield Input(placeholder="name, e.g. outlook", id="map-save-name", compact=True)
                    yield Button("Save", id="map-save", compact=True)
            yield FittedTable(id="mapping-preview", cursor_type="row", zebra_stripes=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", id="mapping-ok", variant="primary", disabled=True, compact=True)
                yield Button("Cancel", id="mapping-cancel", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#mapping-fields").border_title = "Field ← column"
        table = self.query_one("#mapping-preview", DataTable)
        table.border_title = f"First {PREVIEW_ROWS} rows as they would be mailed"
        table.add_column("Row", key="row")
        table.add_column("Check", key="check")  # before the address: a problem must not scroll out of view
        for target, title in PREVIEW_COLUMNS:
            table.add_column(title, key=target)
        self.read_file()

    # ------------------------------------------------------------------ reading (thread)

    @work(group="address-read", thread=True, exclusive=True, exit_on_error=False)
    def read_file(self) -> None:
        try:
            facts = read_facts(self.path, self.start)
        except Exception as err:  # a bug must show too, not leave the screen waiting forever
            self.app.call_from_thread(self._read_failed, failure_text(err, self.path))
        else:
            self.app.call_from_thread(self._show_facts, facts)

    def _read_failed(self, text: str) -> None:
        facts = self.query_one("#mapping-facts", Static)
        facts.update(text)
        facts.set_classes("error-text")
        self.query_one("#mapping-cancel", Button).focus()

    def _show_facts(self, facts: FileFacts) -> None:
        self.facts = facts
        if facts.remembered is not None and facts.remembered.found:
            self.remembered = facts.remembered
        self._say_facts()
        self._fill_selects(facts.mapping)
        saved = self.query_one("#map-saved", Select)
        saved.set_options([(name, name) for name in facts.saved])
        saved.disabled = not facts.saved
        table = self.query_one("#mapping-preview", DataTable)
        for number, _row in facts.rows:
            table.add_row(str(number), *[""] * (len(PREVIEW_COLUMNS) + 1), key=str(number))
        self.mapping = dict(facts.mapping)
        self._refresh_preview()
        ok = self.query_one("#mapping-ok", Button)
        ok.disabled = False
        ok.focus()  # the guess is usually right: enter accepts it

    def _fill_selects(self, mapping: Mapping) -> None:
        assert self.facts is not None
        columns: list[str | tuple[str, ...]] = list(self.facts.headers)
        # a joined entry (First + Middle + Last) is offered as one choice, with its shorter forms
        # (First + Last), next to the single columns
        joined: list[str | tuple[str, ...]] = []
        for choice in (column_choice(v) for v in mapping.values()):
            if isinstance(choice, tuple):
                for size in range(len(choice), 1, -1):
                    joined += [c for c in combinations(choice, size) if c not in joined]
        options = [(choice_label(c), c) for c in [*joined, *columns]]
        with self.prevent(Select.Changed):
            for target in TARGETS:
                select = self.query_one(f"#map-{target}", Select)
                select.set_options(options)
                choice = column_choice(mapping.get(target))
                select.value = choice if choice is not None else Select.NULL
                select.disabled = False

    def _say_facts(self) -> None:
        facts = self.facts
        assert facts is not None
        encoding = f", {facts.encoding}" if facts.encoding else ""
        lines = [f"{facts.kind.upper()}{encoding} · {len(facts.headers)} columns · looks like: {facts.source}"]
        if self.remembered is not None:
            lines.append(USING_REMEMBERED)  # one line at 80 columns; the footer has ctrl+r
        if facts.warning:  # before the notes: the panel shows four lines
            lines.append(f"warning: {facts.warning}")
        lines += [f"note: {n}" for n in facts.notes]
        panel = self.query_one("#mapping-facts", Static)
        panel.update("\n".join(lines))
        panel.set_classes("warning-text" if facts.notes or facts.warning else "hint")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "start_from_guess":  # only when the screen started from a remembered mapping
            return self.remembered is not None
        return True

    def action_start_from_guess(self) -> None:
        """Forget the last import's choices for this one: the guessed mapping, the default actions."""
        if self.facts is None or self.remembered is None:
            return
        self.remembered = None
        self._fill_selects(self.facts.guess)
        self.mapping = self.current_mapping()
        self._refresh_preview()
        self._say_facts()
        self.app.notify("Started from the guessed columns; the problems screen starts from the defaults.",
                        title="Columns")

    # ------------------------------------------------------------------ the live preview

    def current_mapping(self) -> Mapping:
        mapping: Mapping = {}
        for target in TARGETS:
            value = self.query_one(f"#map-{target}", Select).value
            if isinstance(value, str):
                mapping[target] = value
            elif isinstance(value, tuple):
                mapping[target] = list(value)
        return mapping

    @on(Select.Changed, ".mapping-row Select")
    def _field_changed(self) -> None:
        if self.facts is None:
            return
        self.mapping = self.current_mapping()
        self._refresh_preview()

    def _refresh_preview(self) -> None:
        """Ten rows through the real checker (trimmed, joined, checked) and shown in place by key."""
        if self.facts is None:
            return
        table = self.query_one("#mapping-preview", DataTable)
        checker = AddressChecker(self.mapping, {"duplicate": "keep", "duplicate-id": "keep"})
        for number, row in self.facts.rows:
            checked = checker.check(number, row)
            address = checked.address
            for target, _title in PREVIEW_COLUMNS:
                table.update_cell(str(number), target, getattr(address, target) or "")
            kinds = sorted({p.kind for p in checked.problems})
            table.update_cell(str(number), "check", ", ".join(kinds) if kinds else "ok")

    # ------------------------------------------------------------------ saved mappings

    @on(Select.Changed, "#map-saved")
    def _apply_saved(self, event: Select.Changed) -> None:
        if self.facts is None or not isinstance(event.value, str):
            return
        try:
            mapping = check_mapping(load_mapping(mappings_file(), event.value), self.facts.headers)
        except C2MError as err:
            self.app.notify(f"{event.value}: {err}", title="Saved mapping", severity="warning", timeout=10)
            return
        self._fill_selects(mapping)
        self.mapping = self.current_mapping()
        self._refresh_preview()
        self.app.notify(f"Applied the saved mapping {event.value!r}.", title="Saved mapping")

    @on(Button.Pressed, "#map-save")
    @on(Input.Submitted, "#map-save-name")
    def save_current(self) -> None:
        name = self.query_one("#map-save-name", Input).value.strip()
        if not name:
            self.app.notify("Type a name to save the mapping under.", severity="warning")
            self.query_one("#map-save-name", Input).focus()
            return
        try:
            save_mapping(mappings_file(), name, self.current_mapping())  # one small JSON file, written atomically
        except C2MError as err:
            self.app.notify(str(err), title="Saved mapping", severity="error", timeout=10)
            return
        saved = self.query_one("#map-saved", Select)
        names = sorted({*(self.facts.saved if self.facts else []), name})
        if self.facts is not None:
            self.facts.saved = names
        with self.prevent(Select.Changed):
            saved.set_options([(n, n) for n in names])
        saved.disabled = False
        self.app.notify(f"Mapping saved as {name!r}.", title="Saved mapping")

    # ------------------------------------------------------------------ closing

    @on(Button.Pressed, "#mapping-ok")
    def action_accept(self) -> None:
        if self.facts is None:
            return
        mapping = self.current_mapping()
        try:
            mapping = check_mapping(mapping, self.facts.headers)
        except C2MError as err:
            self.app.notify(str(err), severity="error", timeout=10)
            return
        self.dismiss(mapping)

    @on(Button.Pressed, "#mapping-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
