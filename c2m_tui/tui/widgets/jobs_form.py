"""The build-it-yourself half of wizard step 3: print options limited to the catalog's values for
the chosen document class, a return address, recipients (typed in or imported from CSV) and the
page layout. ``form()`` returns a BatchForm; Changed is posted on every edit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static

from c2m_tui.core.catalog import CATALOG
from c2m_tui.core.errors import C2MError, InputError
from c2m_tui.core.gcquiet import quietly
from c2m_tui.core.models import Address, PrintOptions, ReturnAddress
from c2m_tui.tui.batch_form import PAGE_MODES, BatchForm
from c2m_tui.tui.widgets.path_input import typed_path
from c2m_tui.tui.widgets.recipient_table import RecipientTable

# (XML element, PrintOptions attribute, label) of the options chosen per document class
OPTION_FIELDS = (
    ("layout", "layout", "Layout"),
    ("envelope", "envelope", "Envelope"),
    ("paperType", "paper_type", "Paper"),
    ("printOption", "print_option", "Sides"),
    ("color", "color", "Colour"),
    ("mailClass", "mail_class", "Mail class"),
    ("productionTime", "production_time", "Production"),
)
NO_ENVELOPE = "(none for this class)"
ADDRESS_INPUTS = (("name", "Name"), ("organization", "Organization"), ("address1", "Address line 1"),
                  ("address2", "Address line 2"), ("city", "City"), ("state", "State"), ("postal_code", "ZIP"))


MAX_FORM_RECIPIENTS = 250_000  # more than that: build the XML with build-xml and load it


def import_addresses(path: Path) -> tuple[list[Address], list[str]]:
    """Recipients from a CSV/TSV/XLSX export through the address import (core.addresses): the
    columns are mapped by guess (Outlook, Google, CRM...), each row checked; rejected rows are
    left out and named. Returns (addresses, notes and problems)."""
    from c2m_tui.core.addresses import AddressChecker, check_mapping, guess_mapping, open_table, preview

    table = open_table(path)
    headers = table.info.headers
    guess = guess_mapping(headers, [row for _, row in preview(path, 20).rows])
    checker = AddressChecker(check_mapping(guess.mapping, headers))
    rows: list[Address] = []
    for checked in checker.check_rows(table.rows()):
        if not checked.skipped:
            rows.append(checked.address)
        if len(rows) > MAX_FORM_RECIPIENTS:
            raise InputError(f"{path.name}: more than {MAX_FORM_RECIPIENTS} recipients; "
                             "build the XML with `c2m-tui build-xml` and load it here")
    article = "an" if guess.source[:1].lower() in "aeiou" else "a"  # "an Outlook export"
    notes = [f"columns look like {article} {guess.source} export"] + list(guess.notes) + list(table.info.notes)
    return rows, notes + [p.describe() for p in checker.report.problems]


def import_mapped(path: Path, mapping: dict, policy: dict) -> tuple[list[Address], list[str]]:
    """Recipients with the mapping and policy the person chose on the address screens. Every
    skipped row is named first (how many, which rows, why); then what was fixed or kept."""
    from c2m_tui.core.addresses import import_addresses as import_list

    result = import_list(path, mapping=mapping, policy=policy, max_rows=MAX_FORM_RECIPIENTS)
    report = result.report
    lines = []
    if report.rows_skipped:
        rows = ", ".join(map(str, report.skipped_rows[:20])) + (" …" if len(report.skipped_rows) > 20 else "")
        lines.append(f"{report.rows_skipped} row(s) skipped: rows {rows}")
    lines += report.summary() + list(result.info.notes)
    ordered = sorted(report.problems, key=lambda p: p.action != "skipped")  # stable: skipped first, in row order
    return result.addresses, lines + [p.describe() for p in ordered]


def guess_and_scan(path: Path):
    """The columns of a list (those of the last import of the same columns, else the guess) and
    every row checked under that import's choices or the defaults: (mapping, remembered, report)."""
    from c2m_tui.config.paths import mappings_file
    from c2m_tui.core.addresses import check_mapping, guess_mapping, open_table, preview, recall_choices, scan_rows

    table = open_table(path)
    headers = table.info.headers
    remembered = recall_choices(mappings_file(), headers)  # a damaged file: a warning, and the guess
    if remembered.mapping is not None:
        return remembered.mapping, remembered, scan_rows(table, remembered.mapping, remembered.policy)
    guess = guess_mapping(headers, [row for _, row in preview(path, 50).rows])
    mapping = check_mapping(guess.mapping, headers)
    return mapping, remembered, scan_rows(table, mapping)


def import_list(path: Path, mapping: dict, policy: dict | None, edits: dict | None = None):
    """The accepted recipients and the report of what happened to every row, the hand edits
    applied, and a line when the choices could not be remembered: (addresses, report, positions,
    line). The mapping and policy are remembered for the next import of these columns (the edits
    are not: they belong to this file)."""
    from c2m_tui.config.paths import mappings_file
    from c2m_tui.core.addresses import import_addresses as import_all, remember_choices
    from c2m_tui.core.errors import C2MError

    result = import_all(path, mapping=mapping, policy=policy or {}, max_rows=MAX_FORM_RECIPIENTS, edits=edits)
    unremembered = ""
    try:
        remember_choices(mappings_file(), result.info.headers, result.mapping, policy)
    except (C2MError, OSError) as err:  # never a reason not to import; said in the import's note
        unremembered = f"your choices were not remembered: {err}"
    return result.addresses, result.report, result.positions, unremembered


def import_counts(name: str, report, duplicates: int = 0, mode: str = "replace") -> list[str]:
    """What an import did, in words: rows read, will be mailed, skipped and why (never silent)."""
    mailed = report.rows_accepted - duplicates
    lines = [f"{name}: {report.rows_read} row(s) read, {mailed} will be mailed, {report.rows_skipped} skipped"
             + (f", {duplicates} already in the list (not added twice)" if duplicates else "")
             + (" (added to the list)" if mode == "add" else "")]
    if report.rows_skipped:
        rows = ", ".join(map(str, report.skipped_rows[:12])) + (" …" if len(report.skipped_rows) > 12 else "")
        lines.append(f"skipped rows {rows}")
    lines += [line for line in report.summary() if not line.endswith(": kept")]
    return lines


class JobsForm(Vertical):
    """The recipients are ONE list per batch: an import replaces it, or (asked) is added to it with
    duplicates looked for across the whole list; delete removes the highlighted row, ctrl+k clears."""

    BINDINGS = [
        Binding("delete", "remove_selected", "Remove recipient", show=False),
        Binding("ctrl+k", "clear_recipients", "Clear the recipient list", show=False, id="jobs.clear-list"),
        Binding("f6", "check_addresses", "Check addresses with Click2Mail", show=False, id="jobs.check-addresses"),
    ]

    @dataclass
    class Changed(Message):
        pass

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.recipients: list[Address] = []
        self.import_report = None  # the last import's CheckReport (rows read, skipped and why)
        # ({id(address): its 0-based data row in the imported file}, the file's data rows)
        self.merge_rows: tuple[dict[int, int], int] | None = None
        self.pdf_name = ""
        self.pdf_pages: int | None = None
        self.checked: list[Address] = []  # the list as Click2Mail's address check left it

    def compose(self) -> ComposeResult:
        defaults = PrintOptions()
        yield Label("Print options", classes="section-title")
        yield Label("Document class")
        yield Select([(c, c) for c in CATALOG], value=defaults.document_class, allow_blank=False, id="opt-documentClass")
        for element, _attr, label in OPTION_FIELDS:
            yield Label(label)
            yield Select([("-", "-")], allow_blank=False, id=f"opt-{element}")
        yield Label("Return address", classes="section-title")
        yield from self._address_inputs("ret")
        yield Label("Recipients", classes="section-title")
        yield from self._address_inputs("rcp")
        with Horizontal(classes="form-buttons"):
            yield Button("Add recipient", id="rcp-add")
            yield Button("Remove selected", id="rcp-remove")
        yield Static("No recipients yet.", id="rcp-count", classes="hint", markup=False)
        yield RecipientTable(id="rcp-table")
        yield Button("Clear list", id="rcp-clear")  # its own line: three buttons do not fit at 80x24
        yield Button("Check addresses with Click2Mail (f6)", id="rcp-check")
        yield Static("", id="rcp-check-note", classes="hint", markup=False)
        with Horizontal(classes="form-row"):
            yield Input(placeholder="recipients.csv", id="csv-path")
            yield Button("Import CSV", id="csv-import")
        yield Button("Map columns & check rows…", id="csv-map")  # its own line: the path keeps its width
        yield Static("", id="csv-note", markup=False)
        yield Label("Pages", classes="section-title")
        yield Select([(text, key) for key, text in PAGE_MODES], value="same", allow_blank=False, id="page-mode")
        yield Input(placeholder="pages, e.g. 1-2", id="page-spec")
        yield Static("", id="page-hint", classes="hint", markup=False)

    def _address_inputs(self, prefix: str) -> ComposeResult:
        fields = ADDRESS_INPUTS if prefix == "rcp" else [f for f in ADDRESS_INPUTS if f[0] != "address2"]
        # two per row keeps the form short at 80x24
        for i in range(0, len(fields), 2):
            with Horizontal(classes="form-row"):
                for name, label in fields[i : i + 2]:
                    yield Input(placeholder=label, id=f"{prefix}-{name}")

    def on_mount(self) -> None:
        # shown (and a Tab stop) even while empty: its place in the form does not move
        self.query_one("#rcp-clear", Button).display = False
        self.query_one("#rcp-check", Button).display = False
        self._fill_options(PrintOptions().document_class)

    # ------------------------------------------------------------------ options from the catalog

    def _fill_options(self, document_class: str) -> None:
        allowed = CATALOG[document_class]
        defaults = PrintOptions()
        for element, attr, _label in OPTION_FIELDS:
            select = self.query_one(f"#opt-{element}", Select)
            values = allowed[element]
            if not values:
                select.set_options([(NO_ENVELOPE, "")])
                select.value = ""
                select.disabled = True
                continue
            select.disabled = False
            select.set_options([(v, v) for v in values])
            default = getattr(defaults, attr)
            select.value = default if default in values else values[0]

    @on(Select.Changed, "#opt-documentClass")
    def _class_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value in CATALOG:
            self._fill_options(event.value)

    @on(Select.Changed, "#page-mode")
    def _page_mode_changed(self, event: Select.Changed) -> None:
        """A sensible starting value for the chosen layout (the person edits it from there)."""
        self.query_one("#page-hint", Static).update("")  # the proposal no longer says what is chosen
        spec = self.query_one("#page-spec", Input)
        pages = self.pdf_pages
        people = self.merge_rows[1] if self.merge_rows else len(self.recipients)  # the file's rows
        if event.value == "same":
            spec.placeholder, spec.value = "pages, e.g. 1-2", f"1-{pages}" if pages else ""
        elif event.value == "each":
            per = pages // people if pages and people and pages % people == 0 else None
            spec.placeholder, spec.value = "pages per recipient, e.g. 2", str(per) if per else ""
        else:
            spec.placeholder, spec.value = "one range per recipient: 1-2, 3-4, ...", ""

    @on(Select.Changed)
    @on(Input.Changed)
    def _edited(self, event) -> None:
        if getattr(event.control, "id", "") in ("csv-path",) or str(getattr(event.control, "id", "")).startswith("rcp-"):
            return  # typing a recipient changes nothing until it is added
        self.post_message(self.Changed())

    # ------------------------------------------------------------------ recipients

    @on(Button.Pressed, "#rcp-add")
    @on(Input.Submitted, "#rcp-postal_code")
    def add_recipient(self) -> None:
        values = {name: self.query_one(f"#rcp-{name}", Input).value.strip() for name, _ in ADDRESS_INPUTS}
        if not values["name"] and not values["organization"]:
            self.app.notify("A recipient needs a name or an organization.", severity="warning")
            self.query_one("#rcp-name", Input).focus()
            return
        self._add_rows([Address(**values)])
        for name, _ in ADDRESS_INPUTS:
            self.query_one(f"#rcp-{name}", Input).value = ""
        self.query_one("#rcp-name", Input).focus()

    def _add_rows(self, rows: list[Address]) -> None:
        """Typed recipients join the list; one already in it is not added twice."""
        from c2m_tui.core.addresses.checks import merge_recipients

        merged, dropped = merge_recipients(self.recipients, rows)
        if dropped:
            self.app.notify(f"{len(dropped)} recipient(s) already in the list: not added twice", severity="warning")
        self.set_recipients(merged)

    def set_recipients(self, rows: list[Address]) -> None:
        """The whole recipient list, replaced (the table is rebuilt to match it exactly)."""
        self.merge_rows = None
        if not {id(a) for a in self.checked} & {id(a) for a in rows}:
            self.query_one("#rcp-check-note", Static).update("")  # another list: that check was not of it
        self.recipients = list(rows)
        self.query_one("#rcp-table", RecipientTable).set_rows(self.recipients)
        self._list_changed()

    def _list_changed(self) -> None:
        self.query_one("#rcp-clear", Button).display = bool(self.recipients)
        self.query_one("#rcp-check", Button).display = bool(self.recipients)
        n = len(self.recipients)
        self.query_one("#rcp-count", Static).update(
            f"{n:,} recipient(s) in the list · delete: remove the highlighted one · ctrl+k: clear the list" if n
            else "No recipients yet.")
        self.post_message(self.Changed())

    @on(Button.Pressed, "#rcp-remove")
    def remove_recipient(self) -> None:
        table = self.query_one("#rcp-table", RecipientTable)
        if not table.row_count:
            return
        index = table.cursor
        self.recipients = self.recipients[:index] + self.recipients[index + 1:]
        table.set_rows(self.recipients, cursor=index, keep_scroll=True)
        self._list_changed()

    def action_remove_selected(self) -> None:
        if self.app.focused is self.query_one("#rcp-table", RecipientTable):
            self.remove_recipient()

    @on(Button.Pressed, "#rcp-clear")
    def action_clear_recipients(self) -> None:
        if self.recipients:
            n = len(self.recipients)
            self.set_recipients([])
            self.query_one("#csv-note", Static).update(f"Cleared the list ({n} recipient(s) removed)")

    @on(Button.Pressed, "#rcp-check")
    def action_check_addresses(self) -> None:
        """Click2Mail's address correction of the whole list (its own screen); nothing changes
        until the person applies what they chose there."""
        from c2m_tui.tui.screens.address_check import AddressCheckScreen

        if not self.recipients:
            self.app.notify("No recipients to check yet.", severity="warning")
            return
        before = list(self.recipients)
        self.app.push_screen(AddressCheckScreen(before), callback=lambda applied: self._take_check(before, applied))

    def _take_check(self, before: list[Address], applied) -> None:
        from c2m_tui.tui.screens.address_check import merge_rows_after, outcome_lines, ranges_after

        note = self.query_one("#rcp-check-note", Static)
        if applied is not None and applied.changed:
            rows = merge_rows_after(before, applied, self.merge_rows)  # each keeps its pages
            spec = self.query_one("#page-spec", Input)
            ranges = self.query_one("#page-mode", Select).value == "ranges" and ranges_after(spec.value, applied)
            self.set_recipients(applied.addresses)
            self.merge_rows = rows
            if ranges:  # one range per recipient: the excluded ones' ranges go with them
                spec.value = ranges
        self.checked = list(self.recipients)
        note.update("\n".join(outcome_lines(applied, before)))
        self.call_after_refresh(note.scroll_visible)  # what the check did, in view

    @on(Button.Pressed, "#csv-import")
    @on(Input.Submitted, "#csv-path")
    def _import(self) -> None:
        value = self.query_one("#csv-path", Input).value.strip()
        if value:
            self.import_csv(typed_path(value))

    @on(Button.Pressed, "#csv-map")
    def _map_pressed(self) -> None:
        value = self.query_one("#csv-path", Input).value.strip()
        if not value:
            self.app.notify("Type the path of a CSV, TSV or XLSX file first.", severity="warning")
            self.query_one("#csv-path", Input).focus()
            return
        self.map_and_import(typed_path(value))

    @work(group="csv-map", exclusive=True, exit_on_error=False, description="map and import")
    async def map_and_import(self, path: Path) -> None:
        """The columns screen, then the problems screen (back returns to the columns), then import."""
        from c2m_tui.tui.screens.address_mapping import AddressMappingScreen
        from c2m_tui.tui.screens.address_problems import AddressProblemsScreen

        mapping = policy = remembered = None
        edits: dict = {}  # hand edits, kept while the person goes back to the columns and on
        while True:
            columns = AddressMappingScreen(path, start=mapping)
            mapping = await self.app.push_screen_wait(columns)
            if mapping is None:
                return
            if columns.start is None:  # the first time: the columns screen looked up the last import
                remembered = columns.remembered
            problems = AddressProblemsScreen(path, mapping, policy=policy, edits=edits, remembered=remembered)
            done = await self.app.push_screen_wait(problems)
            policy, edits, remembered = problems.policy, problems.edits, problems.remembered
            if done is not None:
                await self._import_and_take(path, mapping, done, edits)
                return

    @work(group="csv-map", exclusive=True, exit_on_error=False, description="import csv")
    async def import_csv(self, path: Path, mapping: dict | None = None, policy: dict | None = None) -> None:
        """Enter on a path: the columns are guessed and every row checked; if any row has a problem
        the problems screen opens first, so nobody is dropped without the person seeing it."""
        import asyncio

        from c2m_tui.core.addresses import USING_REMEMBERED
        from c2m_tui.tui.screens._common import failure_text
        from c2m_tui.tui.screens.address_problems import AddressProblemsScreen

        note = self.query_one("#csv-note", Static)
        edits: dict = {}
        said: list[str] = []  # where the choices came from, when no screen has said it
        if mapping is None:
            note.update(f"Checking {path.name}…")
            try:
                mapping, remembered, report = await asyncio.to_thread(quietly, guess_and_scan, path)
            except Exception as err:  # C2MError, OSError, or a bug: one line, never a dead worker
                note.update(failure_text(err, path))
                return
            policy = remembered.policy if remembered.found else None
            if report.problems:
                problems = AddressProblemsScreen(path, mapping, remembered=remembered)
                policy = await self.app.push_screen_wait(problems)
                if policy is None:
                    note.update(f"{path.name}: not imported; the list is unchanged")
                    return
                edits = problems.edits
            else:
                said = [remembered.warning] if remembered.warning else [USING_REMEMBERED] if remembered.found else []
        await self._import_and_take(path, mapping, policy, edits, said)

    async def _import_and_take(self, path: Path, mapping: dict, policy: dict | None, edits: dict | None = None,
                               said: list[str] | None = None) -> None:
        """Import with the chosen columns and actions; replace the list, or ask replace / add."""
        import asyncio

        from c2m_tui.core.addresses import USING_REMEMBERED
        from c2m_tui.core.addresses.checks import merge_recipients
        from c2m_tui.tui.screens._common import failure_text
        from c2m_tui.tui.screens.replace_or_add import ReplaceOrAddScreen

        note = self.query_one("#csv-note", Static)
        try:
            rows, report, positions, unremembered = await asyncio.to_thread(quietly, import_list, path, mapping,
                                                                            policy, edits)
        except Exception as err:
            note.update(failure_text(err, path))
            return
        mode = "replace"
        if self.recipients:
            mode = await self.app.push_screen_wait(ReplaceOrAddScreen(len(self.recipients), len(rows), path.name))
            if mode is None:
                note.update(f"{path.name}: not imported; the list is unchanged")
                return
        dropped: list[Address] = []
        if mode == "add":
            merged, dropped = merge_recipients(self.recipients, rows)
            self.set_recipients(merged)  # two files: a mail merge follows the list's own order
        else:
            self.set_recipients(rows)
            # a mail merge follows the file's rows, skipped ones included (as build-xml does)
            self.merge_rows = ({id(a): p for a, p in zip(rows, positions)}, report.rows_read)
            self.propose_plan()
        self.import_report = report
        if said and said[0] != USING_REMEMBERED:
            unremembered = ""  # the saved file's warning is said already: one line about it
        lines = [*(said or []), *([unremembered] if unremembered else []),
                 *import_counts(path.name, report, len(dropped), mode)]
        note.update("\n".join(lines[:8] + ([f"… and {len(lines) - 8} more"] if len(lines) > 8 else [])))

    # ------------------------------------------------------------------ the values

    def set_pdf(self, name: str, pages: int | None) -> None:
        self.pdf_name, self.pdf_pages = name, pages
        spec = self.query_one("#page-spec", Input)
        if not spec.value and pages:
            spec.value = f"1-{pages}"
        if self.recipients:
            self.propose_plan()

    def propose_plan(self) -> None:
        """Set the page plan that fits the PDF and the imported list (core.addresses.propose_plan)
        and say why; the person can change it."""
        from c2m_tui.core.addresses import propose_plan

        rows = self.merge_rows[1] if self.merge_rows else len(self.recipients)
        proposal = propose_plan(self.pdf_pages, rows)
        if proposal is None:
            return
        with self.prevent(Select.Changed):
            self.query_one("#page-mode", Select).value = proposal.mode
        self.query_one("#page-spec", Input).value = proposal.spec
        self.query_one("#page-hint", Static).update(f"Proposed: {proposal.why}")

    def form(self) -> BatchForm:
        values = {}
        for element, attr, _label in OPTION_FIELDS:
            value = self.query_one(f"#opt-{element}", Select).value
            values[attr] = value if isinstance(value, str) and value else None
        options = PrintOptions(document_class=str(self.query_one("#opt-documentClass", Select).value), **values)
        ret = {name: self.query_one(f"#ret-{name}", Input).value.strip()
               for name, _ in ADDRESS_INPUTS if name != "address2"}
        return_address = ReturnAddress(**ret) if any(ret.values()) else None
        return BatchForm(
            filename=self.pdf_name or "letters.pdf",
            pdf_pages=self.pdf_pages,
            options=options,
            return_address=return_address,
            recipients=list(self.recipients),
            page_mode=str(self.query_one("#page-mode", Select).value),
            page_spec=self.query_one("#page-spec", Input).value,
            **self._merge_positions(),
        )

    def _merge_positions(self) -> dict:
        """The imported file's rows for a mail merge, when every recipient came from that import."""
        if self.merge_rows is None:
            return {}
        where, rows = self.merge_rows
        positions = [where.get(id(a)) for a in self.recipients]
        if any(p is None for p in positions):
            return {}
        return {"positions": positions, "list_rows": rows}
