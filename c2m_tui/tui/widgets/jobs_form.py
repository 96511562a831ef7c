"""The build-it-yourself half of wizard step 3: print options limited to the catalog's values for
the chosen document class, a return address, recipients (typed in or imported from CSV) and the
page layout. ``form()`` returns a BatchForm; Changed is posted on every edit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from c2m_tui.core.catalog import CATALOG
from c2m_tui.core.errors import C2MError, InputError
from c2m_tui.core.models import Address, PrintOptions, ReturnAddress
from c2m_tui.tui.batch_form import PAGE_MODES, BatchForm
from c2m_tui.tui.widgets.path_input import typed_path

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


MAX_FORM_RECIPIENTS = 5000  # the form's table is for small lists; big ones go through build-xml


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


class JobsForm(Vertical):
    @dataclass
    class Changed(Message):
        pass

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.recipients: list[Address] = []
        self.pdf_name = ""
        self.pdf_pages: int | None = None

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
        yield DataTable(id="rcp-table", cursor_type="row")
        with Horizontal(classes="form-row"):
            yield Input(placeholder="recipients.csv", id="csv-path")
            yield Button("Import CSV", id="csv-import")
        yield Button("Map columns & check rows…", id="csv-map")  # its own line: the path keeps its width
        yield Static("", id="csv-note", markup=False)
        yield Label("Pages", classes="section-title")
        yield Select([(text, key) for key, text in PAGE_MODES], value="same", allow_blank=False, id="page-mode")
        yield Input(placeholder="pages, e.g. 1-2", id="page-spec")

    def _address_inputs(self, prefix: str) -> ComposeResult:
        fields = ADDRESS_INPUTS if prefix == "rcp" else [f for f in ADDRESS_INPUTS if f[0] != "address2"]
        # two per row keeps the form short at 80x24
        for i in range(0, len(fields), 2):
            with Horizontal(classes="form-row"):
                for name, label in fields[i : i + 2]:
                    yield Input(placeholder=label, id=f"{prefix}-{name}")

    def on_mount(self) -> None:
        table = self.query_one("#rcp-table", DataTable)
        for key, title in (("name", "Name"), ("address1", "Address"), ("city", "City"), ("state", "St"),
                           ("postal_code", "ZIP")):
            table.add_column(title, key=key)
        # shown (and a Tab stop) even while empty: its place in the form does not move
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
        spec = self.query_one("#page-spec", Input)
        pages, people = self.pdf_pages, len(self.recipients)
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
        table = self.query_one("#rcp-table", DataTable)
        for address in rows:
            self.recipients.append(address)
            table.add_row(address.name or address.organization, address.address1, address.city, address.state,
                          address.postal_code, key=str(id(address)))
        self.post_message(self.Changed())

    @on(Button.Pressed, "#rcp-remove")
    def remove_recipient(self) -> None:
        table = self.query_one("#rcp-table", DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        self.recipients = [a for a in self.recipients if str(id(a)) != key.value]
        table.remove_row(key)
        self.post_message(self.Changed())

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

    @work(group="csv-map", exclusive=True, exit_on_error=False)
    async def map_and_import(self, path: Path) -> None:
        """The columns screen, then the problems screen (back returns to the columns), then import."""
        from c2m_tui.tui.screens.address_mapping import AddressMappingScreen
        from c2m_tui.tui.screens.address_problems import AddressProblemsScreen

        mapping = None
        while True:
            mapping = await self.app.push_screen_wait(AddressMappingScreen(path, start=mapping))
            if mapping is None:
                return
            policy = await self.app.push_screen_wait(AddressProblemsScreen(path, mapping))
            if policy is not None:
                self.import_csv(path, mapping, policy)
                return

    @work(group="csv-import", thread=True, exclusive=True, exit_on_error=False)
    def import_csv(self, path: Path, mapping: dict | None = None, policy: dict | None = None) -> None:
        note = self.query_one("#csv-note", Static)
        try:
            rows, problems = (import_addresses(path) if mapping is None
                              else import_mapped(path, mapping, policy or {}))
        except C2MError as err:
            self.app.call_from_thread(note.update, str(err))
            return
        except OSError as err:
            self.app.call_from_thread(note.update, f"{path}: {err.strerror or err}")
            return
        except Exception as err:  # a bug must show, not vanish in the worker
            self.app.call_from_thread(note.update, f"{path}: unexpected {type(err).__name__}: {err}")
            return

        def show() -> None:
            self._add_rows(rows)
            lines = [f"Imported {len(rows)} recipient(s) from {path.name}"] + problems[:6]
            if len(problems) > 6:
                lines.append(f"… and {len(problems) - 6} more")
            note.update("\n".join(lines))

        self.app.call_from_thread(show)

    # ------------------------------------------------------------------ the values

    def set_pdf(self, name: str, pages: int | None) -> None:
        self.pdf_name, self.pdf_pages = name, pages
        spec = self.query_one("#page-spec", Input)
        if not spec.value and pages:
            spec.value = f"1-{pages}"

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
        )
