"""Wizard step 3: the batch XML. Load an existing file or build one with the form; a validation
panel (debounced, in a worker) names each problem with its job and recipient; an XML preview.
The upload itself is the wizard's worker (the core's sending steps); this widget asks for it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.syntax import Syntax
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Label, Static

from c2m_tui.core.errors import describe
from c2m_tui.tui.widgets.jobs_form import JobsForm
from c2m_tui.tui.widgets.path_input import PathSuggester, typed_path

DEBOUNCE_SECONDS = 0.4
PREVIEW_LINES = 400  # a million-recipient XML is previewed by its head only
# the app's --allow-unknown-options: shown only when an option is outside the catalog (or it is on)
ALLOW_UNKNOWN_LABEL = "Allow option values the catalog lacks (Click2Mail accepts them)"


@dataclass
class XmlCheck:
    """The outcome of one validation run: the bytes checked and what was found."""

    xml: bytes | None
    errors: list[str]
    warnings: list[str]
    counts: tuple[int, int, int] = (0, 0, 0)  # jobs, pieces, pages
    notes: list[str] | None = None
    unknown_options: int = 0  # product options outside the catalog (errors unless allowed)
    summary: object | None = None  # core.mail_summary.MailSummary of a valid XML (the review's rows)
    head: str = ""  # the XML's first PREVIEW_LINES lines, as the preview shows them

    @property
    def valid(self) -> bool:
        return self.xml is not None and not self.errors


def problem_line(problem) -> str:
    """A validation problem as the CLI prints it (``Problem.text``), led by its line."""
    return (f"line {problem.line}: " if problem.line else "") + problem.text()


def check_xml(xml: bytes, pdf: Path | None, notes: list[str] | None = None, *,
              allow_unknown_options: bool = False) -> XmlCheck:
    """Validate XML bytes against the rules (core.validate) and the PDF; for a valid one, what it
    mails (core.mail_summary) and its head for the preview. Blocking: the validation worker's."""
    from c2m_tui.core.mail_summary import mail_summary
    from c2m_tui.core.validate import validate_batch

    report = validate_batch(xml, pdf, allow_unknown_options=allow_unknown_options)
    summary = None
    if not report.errors:
        try:
            summary = mail_summary(xml)
        except Exception:  # noqa: BLE001 - the review falls back to the counts; not worth a failed check
            summary = None
    return XmlCheck(
        xml=xml,
        errors=[problem_line(p) for p in report.errors],
        warnings=[problem_line(p) for p in report.warnings],
        counts=(report.jobs, report.pieces, report.pages),
        notes=notes,
        unknown_options=len(report.unknown_options),
        summary=summary,
        head=xml_head(xml),
    )


def xml_head(xml: bytes, lines: int = PREVIEW_LINES) -> str:
    """The first ``lines`` lines of the XML (a million-recipient file is previewed by its head only)."""
    end = -1
    for _ in range(lines):
        end = xml.find(b"\n", end + 1)
        if end < 0:
            return xml.decode("utf-8", "replace")
    return xml[:end].decode("utf-8", "replace")


# step 3's sections: key, section title, the control it jumps to (each also a palette command)
SECTION_KEYS = (
    ("ctrl+o", "XML file", "#xml-path", "jobs.xml-file"),
    ("ctrl+f", "Print options", "#opt-documentClass", "jobs.options"),
    ("ctrl+r", "Recipients", "#rcp-name", "jobs.recipients"),
    ("ctrl+l", "Import list", "#csv-path", "jobs.import-list"),
    ("f4", "Pages", "#page-mode", "jobs.pages"),
)


class JobsStep(Horizontal):
    """Posts Checked after each validation, UploadRequested when the person asks to upload it.

    Keys jump to each section (SECTION_KEYS); Tab walks every control in reading order: the XML
    file, the form top to bottom (options, return address, recipients and their table, the list
    import, pages), then the validation, the preview and Upload XML."""

    BINDINGS = [Binding(key, f"jump('{target}')", title, show=False, id=binding_id)
                for key, title, target, binding_id in SECTION_KEYS]

    @dataclass
    class Checked(Message):
        check: XmlCheck

    @dataclass
    class UploadRequested(Message):
        check: XmlCheck

    def __init__(self, *, start_xml: Path | None = None, batch_id: str | None = None, pdf=None,
                 known_xml: bytes | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.start_xml = start_xml
        self.batch_id = batch_id
        self.pdf = pdf
        self.known_xml = known_xml
        self.pdf_path: Path | None = None
        self.loaded: tuple[Path, bytes, list[str]] | None = None  # an XML file in use instead of the form
        self.check: XmlCheck | None = None
        self.uploading = False
        self._timer = None
        self._shown = ""  # the validation panel's text for self.check

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="jobs-left"):
            yield Static(" · ".join(f"{key.replace('ctrl+', '^')} {title}" for key, title, _t, _i in SECTION_KEYS),
                         id="jobs-keys", classes="hint", markup=False)
            yield Label("Use a batch XML file", classes="section-title")
            with Horizontal(classes="form-row"):
                yield Input(value=str(self.start_xml or ""), placeholder="batch.xml (→ completes)", id="xml-path",
                            suggester=PathSuggester((".xml",)))
                yield Button("Load", id="xml-load")
            yield Static("…or build it here:", id="xml-loaded-note", classes="hint", markup=False)
            yield Button("Build it here instead", id="xml-discard")
            yield JobsForm(id="jobs-form")
        with Vertical(id="jobs-right"):
            with VerticalScroll(id="validation-box"):
                yield Static("Nothing checked yet.", id="validation", markup=False)
            yield Checkbox(ALLOW_UNKNOWN_LABEL, id="allow-unknown")
            with VerticalScroll(id="xml-preview-box"):
                yield Static("", id="xml-preview")
            yield Button("Upload XML", id="xml-upload", variant="primary", disabled=True)

    def on_mount(self) -> None:
        self.query_one("#xml-discard", Button).display = False
        self.query_one("#allow-unknown", Checkbox).display = False
        self.query_one("#validation-box").border_title = "Validation"
        self.query_one("#xml-preview-box").border_title = "XML preview"
        if self.pdf is not None:
            self.set_pdf(self.pdf)
        if self.known_xml:
            self.use_xml(self.known_xml, "the XML recorded for this batch")

    def action_jump(self, target: str) -> None:
        """Focus a section's first control (a disabled one: the next that can take focus)."""
        found = self.query(target)
        if found:
            widget = found.first()
            widget.focus()
            widget.scroll_visible(animate=False)

    def set_pdf(self, info) -> None:
        self.pdf_path = Path(info.path)
        self.query_one(JobsForm).set_pdf(Path(info.path).name, info.pages)
        self.schedule_check()

    # ------------------------------------------------------------------ loading an XML file

    @on(Button.Pressed, "#xml-load")
    @on(Input.Submitted, "#xml-path")
    def _load_pressed(self) -> None:
        value = self.query_one("#xml-path", Input).value.strip()
        if value:
            self.load_xml(typed_path(value))

    @work(group="xml-load", thread=True, exclusive=True, exit_on_error=False, description="load xml")
    def load_xml(self, path: Path) -> None:
        from c2m_tui.core.preflight import xml_for_upload

        try:
            xml, notes = xml_for_upload(path)  # as the CLI's send: the file's bytes, credentials removed
        except Exception as err:  # a bad file is named, never a crash
            self.app.call_from_thread(self._load_failed, describe(err, path))
            return
        self.app.call_from_thread(self._loaded, path, xml, notes)

    def use_xml(self, xml: bytes, label: str) -> None:
        """Review XML bytes known from before (a resumed batch) as if loaded from a file."""
        self._loaded(Path(label), xml, [])

    def _load_failed(self, text: str) -> None:
        note = self.query_one("#xml-loaded-note", Static)
        note.update(text)
        note.set_classes("error-text")

    def _loaded(self, path: Path, xml: bytes, notes: list[str]) -> None:
        self.loaded = (path, xml, notes)
        note = self.query_one("#xml-loaded-note", Static)
        note.update(f"Using {path.name}" + ("".join(f"\nnote: {n}" for n in notes)))
        note.set_classes("ok-text")
        self.query_one(JobsForm).display = False
        self.query_one("#xml-discard", Button).display = True
        self.schedule_check(now=True)

    @on(Button.Pressed, "#xml-discard")
    def _discard(self) -> None:
        self.loaded = None
        note = self.query_one("#xml-loaded-note", Static)
        note.update("…or build it here:")
        note.set_classes("hint")
        self.query_one(JobsForm).display = True
        self.query_one("#xml-discard", Button).display = False
        self.schedule_check(now=True)

    # ------------------------------------------------------------------ validating as you edit

    @on(JobsForm.Changed)
    def _form_changed(self) -> None:
        if self.loaded is None:
            self.schedule_check()

    def schedule_check(self, now: bool = False) -> None:
        """Validate DEBOUNCE_SECONDS after the last edit (typing does not start a run per key)."""
        if self._timer is not None:
            self._timer.stop()
        self.query_one("#xml-upload", Button).disabled = True
        self._timer = self.set_timer(0.01 if now else DEBOUNCE_SECONDS, self._run_check)

    @property
    def allow_unknown_options(self) -> bool:
        return self.query_one("#allow-unknown", Checkbox).value

    @on(Checkbox.Changed, "#allow-unknown")
    def _allow_unknown_changed(self) -> None:
        self.schedule_check(now=True)

    def _show_allow_unknown(self, check: XmlCheck) -> None:
        """The override is visible while an option is outside the catalog, and while it is on."""
        box = self.query_one("#allow-unknown", Checkbox)
        box.display = bool(check.unknown_options) or box.value

    def _run_check(self) -> None:
        self._timer = None
        if self._shown:  # a big list takes seconds: the last result is not passed off as current
            panel = self.query_one("#validation", Static)
            panel.update("Checking your changes… (below: the check before them)\n" + self._shown)
            panel.set_classes("hint")
        if self.loaded is not None:
            self.validate(None, self.loaded[1], self.loaded[2], self.allow_unknown_options)
        else:
            self.validate(self.query_one(JobsForm).form(), None, None, self.allow_unknown_options)

    @work(group="validate", thread=True, exclusive=True, exit_on_error=False, description="validate")
    def validate(self, form, xml: bytes | None, notes: list[str] | None, allow_unknown: bool = False) -> None:
        from c2m_tui.core.batchxml import batch_xml_bytes
        from c2m_tui.core.gcquiet import bulk_objects

        try:
            with bulk_objects():  # 100,000 letters: no full collection stalls the screen meanwhile
                if xml is None:
                    batch = form.to_batch()
                    xml = batch_xml_bytes(batch)
                    notes = form.plan_notes()  # "each of the 18 letters has 50 pages"
                check = check_xml(xml, self.pdf_path, notes, allow_unknown_options=allow_unknown)
        except Exception as err:  # a bug must show too, not leave a stale panel
            check = XmlCheck(xml=None, errors=[describe(err)], warnings=[])
        self.app.call_from_thread(self._checked, check)

    def _checked(self, check: XmlCheck) -> None:
        self.check = check
        panel = self.query_one("#validation", Static)
        jobs, pieces, pages = check.counts
        lines = []
        if check.valid:
            lines.append(f"✓ valid: {jobs:,} job(s), {pieces:,} piece(s), {pages:,} printed page(s)")
        for e in check.errors:
            lines.append(f"✗ {e}")
        for w in (check.notes or []) + check.warnings:
            lines.append(f"! {w}")
        self._shown = "\n".join(lines)
        panel.update(self._shown)
        panel.set_classes("ok-text" if check.valid and not check.warnings and not check.notes else
                          "warning-text" if check.valid else "error-text")
        preview = self.query_one("#xml-preview", Static)
        if check.xml is not None:
            preview.update(Syntax(check.head, "xml", theme="ansi_dark", word_wrap=False, background_color="default"))
        else:
            preview.update("")
        self.query_one("#xml-upload", Button).disabled = not (check.valid and self.batch_id)
        self._show_allow_unknown(check)
        self.post_message(self.Checked(check))

    # ------------------------------------------------------------------ uploading

    @on(Button.Pressed, "#xml-upload")
    def start_upload(self) -> None:
        if self.check is None or not self.check.valid or self.batch_id is None:
            self.app.notify("Fix the problems in the validation panel first.", severity="warning")
            return
        if not self.uploading:
            self.post_message(self.UploadRequested(self.check))

    def upload_started(self) -> None:
        self.uploading = True
        button = self.query_one("#xml-upload", Button)
        button.disabled = True
        button.label = "Uploading… (ctrl+t cancels)"

    def upload_outdated(self) -> None:
        """The list changed after its XML was uploaded: the upload is to be done again."""
        if not self.uploading:
            self.query_one("#xml-upload", Button).label = "Upload the changes"

    def upload_ended(self, outcome: str) -> None:
        """outcome: "done", "failed" or "cancelled"."""
        self.uploading = False
        button = self.query_one("#xml-upload", Button)
        button.disabled = False
        button.label = "Upload again" if outcome == "done" else "Upload XML"
