"""The batch wizard: create → PDF → jobs & recipients → review & submit, in the API's order.

A step opens only when the one before it succeeded; a failed step is retried where it stands.
Each network call runs in a named worker (create, upload, upload-xml, submit) and reports errors
as notifications. Steps are recorded through journal_bridge, so the home screen can resume them.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, ContentSwitcher, Footer, Static

from c2m_tui.tui import journal_bridge
from c2m_tui.tui.journal_bridge import ResumePoint
from c2m_tui.tui.widgets.env_banner import EnvironmentBanner
from c2m_tui.tui.widgets.jobs_step import JobsStep
from c2m_tui.tui.widgets.pdf_step import PdfStep
from c2m_tui.tui.widgets.review_step import ReviewStep
from c2m_tui.tui.widgets.stepper import Stepper

STEP_IDS = ("step-create", "step-pdf", "step-jobs", "step-review")


class WizardScreen(Screen):
    CSS_PATH = "wizard.tcss"
    BINDINGS = [
        Binding("ctrl+n", "next_step", "Next step", id="wizard.next"),
        Binding("f8", "next_step", "Next step", show=False, id="wizard.next-alias"),
        Binding("ctrl+b", "previous_step", "Back a step", id="wizard.back"),
        Binding("f7", "previous_step", "Back a step", show=False, id="wizard.back-alias"),
        Binding("ctrl+g", "do_step", "Do this step", id="wizard.do"),
        Binding("f5", "do_step", "Do this step", show=False, id="wizard.do-alias"),
        Binding("ctrl+t", "cancel_upload", "Cancel upload", id="wizard.cancel-upload"),
        Binding("f9", "cancel_upload", "Cancel upload", show=False, id="wizard.cancel-upload-alias"),
        Binding("escape", "leave", "Home", id="wizard.home"),
    ]

    def __init__(self, *, resume: ResumePoint | None = None) -> None:
        super().__init__()
        self.resume = resume
        self.batch_id: str | None = resume.batch_id if resume else None
        self.pdf = None  # PdfInfo once chosen
        self.check = None  # the last XmlCheck
        self.reviewed = None  # ReviewRecord: the hashes the submit must still match
        # finished steps: create, pdf upload, xml upload, submit
        self.done = [False, False, False, False]
        self.journal: journal_bridge.WizardJournal | None = None
        self.current = 0

    def compose(self) -> ComposeResult:
        yield EnvironmentBanner()
        yield Stepper(id="stepper")
        # Later steps are mounted when they open: a quick first paint, and fewer widgets to restyle.
        with ContentSwitcher(initial="step-create", id="steps"):
            with Vertical(id="step-create"):
                yield Static(
                    "Step 1 creates an empty batch on the server and shows its id. Nothing is printed or "
                    "charged until you submit in step 4.", classes="hint", markup=False)
                with Horizontal(classes="step-buttons"):
                    yield Button("Create batch", id="create", variant="primary")
                yield Static("", id="create-result", markup=False)
        yield Footer()

    async def on_mount(self) -> None:
        self.journal = journal_bridge.WizardJournal(self.app.session, self.resume)
        if self.journal.notice:
            self.app.notify(self.journal.notice, title="Journal", severity="warning", timeout=10)
        if self.resume is not None:
            for i in range(self.resume.next_step - 1):
                self.done[i] = True
            self._created(self.batch_id, resumed=True)
            if self.resume.pdf is not None and self.resume.next_step > 2:
                self.reread_pdf(self.resume.pdf)
            if self.resume.xml_bytes and self.resume.next_step == 4:
                await self._ensure_step(2)  # validates the uploaded XML again, for the review
            await self.go(self.resume.next_step - 1)
        else:
            self.query_one("#create", Button).focus()
        self._refresh_stepper()

    # ------------------------------------------------------------------ the steps' widgets

    def _make_step(self, index: int):
        session = self.app.session
        samples = session.samples or {}
        resume = self.resume
        if index == 1:
            start_dir = samples["pdf"].parent if "pdf" in samples else Path.cwd()
            return PdfStep(start_dir, initial=resume.pdf if resume else None, batch_id=self.batch_id, id="step-pdf")
        if index == 2:
            return JobsStep(
                start_xml=samples.get("xml") or (resume.xml if resume else None),
                batch_id=self.batch_id, pdf=self.pdf,
                known_xml=resume.xml_bytes if resume else None, id="step-jobs",
            )
        return ReviewStep(id="step-review")

    async def _ensure_step(self, index: int):
        found = self.query(f"#{STEP_IDS[index]}")
        if found:
            return found.first()
        widget = self._make_step(index)
        widget.display = False  # the switcher shows it when it becomes current
        await self.query_one("#steps", ContentSwitcher).mount(widget)
        calm = getattr(self.app, "calm_widgets", None)
        if calm is not None:  # no blinking cursor or press effect here either (see C2MApp)
            calm(widget)
        return widget

    def _mounted(self, cls):
        found = self.query(cls)
        return found.first() if found else None

    # ------------------------------------------------------------------ navigation

    def is_open(self, index: int) -> bool:
        return index == 0 or self.done[index - 1]

    async def go(self, index: int) -> None:
        if not 0 <= index < len(STEP_IDS):
            return
        if not self.is_open(index):
            self.app.notify(f"Step {index + 1} opens when step {index} has succeeded.", severity="warning")
            return
        if index:
            await self._ensure_step(index)
        self.current = index
        self.query_one("#steps", ContentSwitcher).current = STEP_IDS[index]
        if index == 3:
            self._show_review()
        self._refresh_stepper()
        self._focus_step(index)

    def _focus_step(self, index: int) -> None:
        target = {0: "#create", 1: "#pdf-tree", 2: "#xml-path", 3: "#submit"}[index]
        found = self.query(target)
        if found and not found.first().disabled and found.first().display:
            found.first().focus()
        elif index == 3 and self.query("#open-status"):
            self.query_one("#open-status").focus()

    def _refresh_stepper(self, failed: int | None = None) -> None:
        stepper = self.query_one(Stepper)
        states = []
        for i in range(4):
            if i == failed:
                states.append("failed")
            elif self.done[i]:
                states.append("done")
            else:
                states.append("open" if self.is_open(i) else "locked")
        stepper.states = tuple(states)
        stepper.current = self.current
        stepper.batch_id = self.batch_id

    async def action_next_step(self) -> None:
        await self.go(self.current + 1)

    async def action_previous_step(self) -> None:
        await self.go(self.current - 1)

    def action_leave(self) -> None:
        busy = [w for w in self.workers if w.group in ("create", "submit") and w.is_running]
        if busy:  # leaving would stop listening for the answer: the batch's state would be unknown
            self.app.notify(f"Wait for the {busy[0].group} answer before leaving.", severity="warning")
            return
        self.app.pop_screen()

    def action_do_step(self) -> None:
        if self.current == 0:
            self.start_create()
        elif self.current == 1:
            self.query_one(PdfStep).start_upload()
        elif self.current == 2:
            self.query_one(JobsStep).start_upload()
        else:
            self.ask_submit()

    def action_cancel_upload(self) -> None:
        step = self._mounted(PdfStep)
        if step is not None:
            step.cancel_upload()

    # ------------------------------------------------------------------ step 1: create

    @on(Button.Pressed, "#create")
    def start_create(self) -> None:
        if self.done[0]:
            self.app.notify(f"Batch {self.batch_id} is already created.", severity="information")
            return
        self.query_one("#create", Button).disabled = True
        self.query_one("#create-result", Static).update("Creating…")
        self.create()

    @work(group="create", exclusive=True, exit_on_error=False)
    async def create(self) -> None:
        result = self.query_one("#create-result", Static)
        try:
            status = await self.journal.run("create", None, self.app.session.client.create_batch)
        except Exception as err:
            self.query_one("#create", Button).disabled = False
            result.update(f"Not created: {err}\nPress Create batch to try again.")
            result.set_classes("error-text")
            self._refresh_stepper(failed=0)
            self.app.show_error(err, "create")
            return
        self.done[0] = True
        self._created(status.id)
        await self.go(1)

    def _created(self, batch_id: str | None, resumed: bool = False) -> None:
        self.batch_id = batch_id
        result = self.query_one("#create-result", Static)
        result.update(f"Batch {batch_id} " + ("resumed." if resumed else "created."))
        result.set_classes("ok-text")
        self.query_one("#create", Button).display = False
        self.sub_title = f"batch {batch_id}"

    # ------------------------------------------------------------------ step 2: PDF

    @work(group="pdf-info", thread=True, exit_on_error=False)
    def reread_pdf(self, path: Path) -> None:
        """A resumed batch's PDF facts (pages for the page plan, size for the review)."""
        from c2m_tui.tui.widgets.pdf_step import pdf_facts

        try:
            info = pdf_facts(path)
        except Exception as err:  # the file may have moved since: say so, keep going
            self.app.call_from_thread(self.app.show_error, err, "PDF")
            return
        self.app.call_from_thread(self._pdf_known, info)

    def _pdf_known(self, info) -> None:
        if self.pdf is None:
            self.pdf = info
            jobs = self._mounted(JobsStep)
            if jobs is not None:
                jobs.set_pdf(info)
            if self.current == 3 and self._mounted(ReviewStep) is not None:
                self._show_review()

    @on(PdfStep.Chosen)
    def _pdf_chosen(self, event: PdfStep.Chosen) -> None:
        self.pdf = event.info
        jobs = self._mounted(JobsStep)
        if jobs is not None:
            jobs.set_pdf(event.info)

    @on(PdfStep.Failed)
    @on(JobsStep.Failed)
    def _step_failed(self, event) -> None:
        self._refresh_stepper(failed=self.current)

    @on(PdfStep.Uploaded)
    async def _pdf_uploaded(self, event: PdfStep.Uploaded) -> None:
        self.pdf = event.info
        self.done[1] = True
        self.done[2] = False  # a new PDF needs its XML uploaded again
        self.journal.note_done("pdf", self.batch_id, f"{event.info.path}")
        await self.go(2)

    # ------------------------------------------------------------------ step 3: XML

    @on(JobsStep.Checked)
    def _xml_checked(self, event: JobsStep.Checked) -> None:
        self.check = event.check
        if self.current == 3 and self._mounted(ReviewStep) is not None:
            self._show_review()

    @on(JobsStep.Uploaded)
    async def _xml_uploaded(self, event: JobsStep.Uploaded) -> None:
        self.check = event.check
        self.done[2] = True
        self.journal.note_done("xml", self.batch_id, "")
        self.reviewed = None
        self.prepare_review(self.pdf, event.check)
        await self.go(3)

    @work(group="review", exclusive=True, thread=True, exit_on_error=False)
    def prepare_review(self, pdf, check) -> None:
        """Hash what will be submitted (off the event loop: a PDF may be hundreds of MB)."""
        try:
            reviewed = self.journal.prepare_review(pdf, check)
        except Exception as err:
            self.app.call_from_thread(self.app.show_error, err, "review")
            return

        def done() -> None:
            self.reviewed = reviewed

        self.app.call_from_thread(done)

    # ------------------------------------------------------------------ step 4: review and submit

    def _show_review(self) -> None:
        ready = all(self.done[:3]) and not self.done[3]
        self.query_one(ReviewStep).show(self.app.session, self.batch_id, self.pdf, self.check, ready)

    @on(Button.Pressed, "#submit")
    def ask_submit(self) -> None:
        if self.done[3]:
            self.app.notify(f"Batch {self.batch_id} is already submitted; it is never submitted twice.",
                            severity="warning")
            return
        if not all(self.done[:3]):
            self.app.notify("Upload the PDF and the XML first.", severity="warning")
            return
        if self.check is None or not self.check.valid:
            self.app.notify("Load the batch XML in step 3 so it can be reviewed first.", severity="warning")
            return
        if self.reviewed is None:
            self.app.notify("Still checking the files for review; try again in a moment.", severity="warning")
            return
        from c2m_tui.tui.screens.confirm_submit import ConfirmSubmitScreen

        session = self.app.session
        pieces = self.check.counts[1] if self.check else 0
        self.app.push_screen(
            ConfirmSubmitScreen(self.batch_id, pieces, production=session.production, label=session.label),
            callback=self._confirmed,
        )

    def _confirmed(self, yes: bool | None, allow_duplicate: bool = False) -> None:
        if yes and not self.done[3]:
            for button in self.query("#submit"):
                button.disabled = True
            self.submit(allow_duplicate)

    def _ask_duplicate(self, err: Exception) -> None:
        """The same content was submitted before: only an explicit second confirmation sends it again."""
        from c2m_tui.tui.screens.confirm_submit import ConfirmSubmitScreen

        session = self.app.session
        self.app.push_screen(
            ConfirmSubmitScreen(
                self.batch_id, self.check.counts[1], production=session.production, label=session.label,
                warning=f"Already sent: {err.message}. Submit it again anyway, mailing every letter twice?",
            ),
            callback=lambda yes: self._confirmed(yes, allow_duplicate=True),
        )

    @work(group="submit", exclusive=True, exit_on_error=False)
    async def submit(self, allow_duplicate: bool = False) -> None:
        from c2m_tui.core.journal import DuplicateBatchError

        batch_id = self.batch_id
        try:
            submitted_now = await self.journal.submit(batch_id, self.reviewed, allow_duplicate=allow_duplicate)
        except DuplicateBatchError as err:
            for button in self.query("#submit"):
                button.disabled = False
            self._ask_duplicate(err)
            return
        except Exception as err:
            for button in self.query("#submit"):
                button.disabled = False
            self._refresh_stepper(failed=3)
            self.app.show_error(err, "submit")
            return
        self.done[3] = True
        self.query_one(ReviewStep).submitted(batch_id)
        self._refresh_stepper()
        if submitted_now:
            self.app.notify(f"Batch {batch_id} submitted.", title="Submitted")
        else:
            self.app.notify(f"Batch {batch_id} was already submitted; it was not submitted again.",
                            title="Already submitted", severity="warning")

    @on(Button.Pressed, "#open-status")
    def open_status(self) -> None:
        try:
            from c2m_tui.tui.screens.status import StatusScreen
        except ImportError:
            self.app.notify("the status board is not available in this build", severity="error")
            return
        self.app.switch_screen(StatusScreen(self.batch_id))
