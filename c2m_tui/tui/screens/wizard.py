"""The batch wizard: create → PDF → jobs & recipients → review & submit, in the API's order.

A step opens only when the one before it succeeded; a failed step is retried where it stands.
Each network call runs in a named worker (create, upload, upload-xml, submit) that walks the core's
journaled sending steps (c2m_tui.core.sending), the same ones ``send`` and ``resume`` take: the
journal records each intent before its call, so the home screen and ``c2m-tui resume`` can finish a
batch left anywhere. Leaving while a call is in flight asks first (keep waiting, or cancel and leave).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, ContentSwitcher, Static

from c2m_tui.core.journal.views import ResumePoint
from c2m_tui.tui.widgets.jobs_step import JobsStep
from c2m_tui.tui.widgets.pdf_step import PdfStep, pdf_key
from c2m_tui.tui.widgets.review_step import ReviewStep
from c2m_tui.tui.widgets.stepper import Stepper
from c2m_tui.tui.widgets.key_footer import KeyFooter

STEP_IDS = ("step-create", "step-pdf", "step-jobs", "step-review")
RESUME_AT = {"pdf": 1, "xml": 2, "submit": 3}  # a resume point's next step -> the step index opened
CALLS = ("create", "upload", "upload-xml", "submit")  # the worker groups that talk to the server


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
        Binding("v", "preview_pages", "View pages", id="wizard.view-pages"),
    ]

    def __init__(self, *, resume: ResumePoint | None = None) -> None:
        super().__init__()
        self.resume = resume
        self.batch_id: str | None = resume.batch_id if resume else None
        self.pdf = None  # PdfInfo once chosen
        self.check = None  # the last XmlCheck
        self.uploaded_xml: bytes | None = None  # the XML the server has (step 3 is done only while it is the check's)
        self.uploaded_pdf: tuple[str, int | None] | None = None  # (resolved path, size) of the PDF the server has
        self.reviewed = None  # ReviewRecord: the hashes the submit must still match
        self.duplicate: str | None = None  # the same letters sent before, in words (found with the review)
        self.quote = None  # core.pricing.Quote of the reviewed XML, once asked
        self._quote_xml: bytes | None = None  # the XML that quote is (being) asked for
        self._submit_waiting = False  # Submit was pressed before the review was ready: it opens when it is
        self._submit_waiting_price = False  # ... waiting for the price: a second press goes on without it
        # finished steps: create, pdf upload, xml upload, submit
        self.done = [False, False, False, False]
        self.journal = None  # c2m_tui.core.journal.Journal, opened on mount
        self.key: int | None = resume.key if resume else None  # the journal entry of this batch
        self.current = 0

    def compose(self) -> ComposeResult:
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
        yield KeyFooter()

    async def on_mount(self) -> None:
        point = self.resume
        if point is not None:
            at = RESUME_AT[point.next_step]
            for i in range(at):
                self.done[i] = True
            if at == 3:
                self.uploaded_xml = point.xml  # the journal's copy is what was uploaded
            if at >= 2 and point.pdf is not None:
                self.uploaded_pdf = (str(Path(point.pdf).resolve()), None)  # the recorded PDF (checked at submit)
            self._created(self.batch_id, resumed=True)
            if point.pdf is not None:
                self.reread_pdf(point.pdf)
            if point.xml is not None and at >= 2:
                await self._ensure_step(2)  # validates the recorded XML again, for the review
            if at == 3:
                self.prepare_review()
            await self.go(at)
        else:
            self.query_one("#create", Button).focus()
        self._refresh_stepper()

    def on_unmount(self) -> None:
        # a big list's letters were made out of the collector's sight (core.gcquiet): let it see
        # everything again now that they go, so cycles frozen meanwhile are collected
        from c2m_tui.core.gcquiet import release

        release()

    async def _journal(self):
        """The journal (opened in a thread the first time); None, said to the person, when it cannot
        be used: nothing is sent without it."""
        import asyncio

        from c2m_tui.tui.session import open_journal

        if self.journal is None:
            self.journal, notice = await asyncio.to_thread(open_journal)
            if notice:
                self.app.notify(notice, title="Journal", severity="warning", timeout=10)
        if self.journal is None:
            self.app.notify("Nothing is sent without the batch journal (it keeps a batch from being mailed "
                            "twice); see the notice above.", title="Not sent", severity="error", timeout=15)
        return self.journal

    # ------------------------------------------------------------------ the steps' widgets

    def _make_step(self, index: int):
        session = self.app.session
        samples = session.samples or {}
        resume = self.resume
        if index == 1:
            start_dir = samples["pdf"].parent if "pdf" in samples else Path.cwd()
            return PdfStep(start_dir, initial=resume.pdf if resume else None, batch_id=self.batch_id, id="step-pdf")
        if index == 2:
            # the demo's sample XML is offered with the sample PDF only (it mails that PDF's pages)
            with_sample = "pdf" in samples and self.pdf is not None and \
                Path(self.pdf.path).resolve() == Path(samples["pdf"]).resolve()
            return JobsStep(
                start_xml=samples.get("xml") if with_sample else None, batch_id=self.batch_id, pdf=self.pdf,
                known_xml=resume.xml if resume else None, id="step-jobs",
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
        target = {0: "#create", 1: "#pdf-path", 2: "#xml-path", 3: "#submit"}[index]
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

    def calls_in_flight(self) -> list:
        return [w for w in self.workers if w.group in CALLS and w.is_running]

    def on_worker_state_changed(self, event) -> None:
        """A call ended while "leave during a call?" is asked: the question says it has finished."""
        if event.worker.group in CALLS and not event.worker.is_running and not self.calls_in_flight():
            from c2m_tui.tui.screens.leave_during_call import LeaveDuringCallScreen

            if isinstance(self.app.screen, LeaveDuringCallScreen):
                self.app.screen.call_finished()

    def action_leave(self) -> None:
        self.leave_then(self.app.pop_screen)

    def leave_then(self, then) -> None:
        """Run ``then`` (go home, quit) now, or, while a call is in flight, after asking: keep waiting,
        or cancel the call (journaled: an upload is sent again later, a create or submit is settled by
        reading the server) and leave."""
        busy = self.calls_in_flight()
        unsent = self.unsent_recipients()
        if not busy and not unsent:
            then()
            return
        from c2m_tui.tui.screens.leave_during_call import LeaveDuringCallScreen

        def chosen(leave: bool | None) -> None:
            if leave:
                for worker in self.calls_in_flight():
                    worker.cancel()
                # in the app's own message loop: popping this screen from its own loop would wait on itself
                self.app.call_later(then)

        if busy:
            screen = LeaveDuringCallScreen(busy[0].group, self.batch_id)
        else:
            screen = LeaveDuringCallScreen("unsent", self.batch_id,
                                           head=f"its {unsent:,} recipient(s) are not uploaded.")
        self.app.push_screen(screen, callback=chosen)

    def unsent_recipients(self) -> int:
        """How many recipients step 3 holds that the server does not have (the list made, imported or
        changed since the XML was uploaded), 0 once submitted: esc would drop them without a word
        (a new user's imported, hand-fixed list of 30 went with one esc)."""
        from c2m_tui.tui.widgets.jobs_form import JobsForm

        forms = self.query("#jobs-form").results(JobsForm)
        form = next(forms, None)
        if self.done[3] or form is None:
            return 0
        count = len(form.recipients)
        if not count or (self.check is not None and self.check.xml == self.uploaded_xml):
            return 0
        return count

    def action_do_step(self) -> None:
        if self.current == 0:
            self.start_create()
        elif self.current == 1:
            self.query_one(PdfStep).start_upload()
        elif self.current == 2:
            self.query_one(JobsStep).start_upload()
        else:
            self.ask_submit()

    @on(PdfStep.CancelRequested)
    def action_preview_pages(self) -> None:
        """The page viewer on the chosen PDF, with the jobs' zones when the XML is checked."""
        from c2m_tui.tui.screens.page_viewer import PageViewerScreen
        from c2m_tui.tui.widgets.page_preview import PageRequest

        if self.pdf is None:
            self.app.notify("Choose the PDF first.", severity="warning")
            return
        xml = self.check.xml if self.check is not None else None
        self.app.push_screen(PageViewerScreen(PageRequest(Path(self.pdf.path), xml)))

    def action_cancel_upload(self) -> None:
        uploads = [w for w in self.workers if w.group in ("upload", "upload-xml") and w.is_running]
        if not uploads:
            self.app.notify("No upload is running.", severity="information")
        for worker in uploads:
            worker.cancel()

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
        import asyncio

        from c2m_tui.core.sending import create_step, start_entry

        result = self.query_one("#create-result", Static)
        session = self.app.session
        try:
            journal = await self._journal()
            if journal is None:
                raise_not_journaled()
            if self.key is None:  # a failed create is retried on the same entry
                self.key = await asyncio.to_thread(start_entry, journal, session.target)
            batch_id = await create_step(session.client, journal, self.key)
        except Exception as err:
            self.query_one("#create", Button).disabled = False
            result.update(f"Not created: {err}\nPress Create batch to try again.")
            result.set_classes("error-text")
            self._refresh_stepper(failed=0)
            self.app.show_error(err, "create")
            if self.key is not None and self.journal is not None and self.journal.get(self.key).possibly_created:
                self.key = None  # that entry stays "possibly created"; a retry is a new entry
            return
        self.done[0] = True
        self._created(batch_id)
        record(session, batch_id, "create")
        await self.go(1)

    def _created(self, batch_id: str | None, resumed: bool = False) -> None:
        self.batch_id = batch_id
        result = self.query_one("#create-result", Static)
        result.update(f"Batch {batch_id} " + ("resumed." if resumed else "created."))
        result.set_classes("ok-text")
        self.query_one("#create", Button).display = False
        self.sub_title = f"batch {batch_id}"

    # ------------------------------------------------------------------ step 2: PDF

    @work(group="pdf-info", thread=True, exit_on_error=False, description="reread pdf")
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
        key, uploaded = pdf_key(event.info), self.uploaded_pdf
        differs = uploaded is not None and (key[0] != uploaded[0] or uploaded[1] not in (None, key[1]))
        if self.done[1] and not self.done[3] and differs:
            # another PDF than the one the server has: the review shows this one, so it must be the
            # one uploaded (and the XML checked against it) before step 3 and 4 open again
            self.done[1] = self.done[2] = False
            self.reviewed = self.duplicate = None
            self.app.notify(f"{Path(event.info.path).name} is not the PDF uploaded: upload it (ctrl+g) before "
                            "going on; the server still has the one uploaded before.", title="Not uploaded yet",
                            severity="warning", timeout=10)
            self._refresh_stepper()

    @on(PdfStep.UploadRequested)
    def _pdf_upload_requested(self, event: PdfStep.UploadRequested) -> None:
        if not self._submitted_says_so():
            self.upload_pdf(event.info)

    def _submitted_says_so(self) -> bool:
        """After the submit the batch is the server's: an upload is not attempted (and is no failure)."""
        if self.done[3]:
            self.app.notify(f"Batch {self.batch_id} is submitted: nothing more is uploaded to it.",
                            severity="warning")
        return self.done[3]

    @work(group="upload", exclusive=True, exit_on_error=False, description="upload the PDF")
    async def upload_pdf(self, info) -> None:
        """Record the chosen PDF in the journal, then upload it: the core's journaled PDF step."""
        import asyncio

        from c2m_tui.core.sending import pdf_step

        step = self.query_one(PdfStep)
        journal = await self._journal()
        if journal is None or self.key is None:
            return
        step.upload_started(info)
        try:
            await pdf_step(self.app.session.client, journal, self.key, pdf=Path(info.path), pages=info.pages,
                           on_progress=step.show_progress)
        except asyncio.CancelledError:
            step.upload_ended("cancelled")
            self.app.notify("PDF upload cancelled; it is sent again when you upload it.", severity="warning")
            raise
        except Exception as err:
            step.upload_ended("failed", str(err))
            self._refresh_stepper(failed=1)
            self.app.show_error(err, "PDF upload")
            return
        step.upload_ended("done")
        self.pdf = info
        self.uploaded_pdf = pdf_key(info)
        self.done[1] = True
        self.done[2] = False  # a new PDF needs its XML uploaded again
        self.reviewed = None
        record(self.app.session, self.batch_id, "pdf")
        await self.go(2)

    # ------------------------------------------------------------------ step 3: XML

    @on(JobsStep.Checked)
    async def _xml_checked(self, event: JobsStep.Checked) -> None:
        self.check = event.check
        if self.done[2] and not self.done[3] and event.check.xml != self.uploaded_xml:
            await self._upload_outdated()
            return
        if self.current == 3 and self._mounted(ReviewStep) is not None:
            self._show_review()

    async def _upload_outdated(self) -> None:
        """The list or the options changed after the XML was uploaded: what the server has is not
        what the screen shows, so the review (and the submit) wait for the new XML's upload."""
        self.done[2] = False
        self.reviewed = self.duplicate = None
        self.query_one(JobsStep).upload_outdated()
        self.app.notify("Changed after the XML was uploaded: upload it again (ctrl+g on step 3) before the "
                        "review; the server still has the XML uploaded before.", title="Not uploaded yet",
                        severity="warning", timeout=10)
        if self.current == 3:
            await self.go(2)
        self._refresh_stepper()

    @on(JobsStep.UploadRequested)
    def _xml_upload_requested(self, event: JobsStep.UploadRequested) -> None:
        if not self._submitted_says_so():
            self.upload_xml(event.check)

    @work(group="upload-xml", exclusive=True, exit_on_error=False, description="upload the XML")
    async def upload_xml(self, check) -> None:
        """Record the checked XML in the journal, then upload it: the core's journaled XML step."""
        import asyncio

        from c2m_tui.core.sending import xml_step

        step = self.query_one(JobsStep)
        journal = await self._journal()
        if journal is None or self.key is None:
            return
        jobs, pieces, _pages = check.counts
        step.upload_started()
        try:
            await xml_step(self.app.session.client, journal, self.key, xml=check.xml, jobs=jobs, pieces=pieces)
        except asyncio.CancelledError:
            step.upload_ended("cancelled")
            self.app.notify("XML upload cancelled; it is sent again when you upload it.", severity="warning")
            raise
        except Exception as err:
            step.upload_ended("failed")
            self._refresh_stepper(failed=2)
            self.app.show_error(err, "XML upload")
            return
        step.upload_ended("done")
        self.uploaded_xml = check.xml
        self.done[2] = True
        self.reviewed = None
        record(self.app.session, self.batch_id, "xml")
        if step.check is not None and step.check.xml != check.xml:  # changed while it was uploading
            await self._upload_outdated()
            return
        self.check = check
        self.prepare_review()
        await self.go(3)

    @work(group="review", exclusive=True, thread=True, exit_on_error=False)
    def prepare_review(self) -> None:
        """Hash what will be submitted (off the event loop: a PDF may be hundreds of MB)."""
        from c2m_tui.core.sending import review_entry
        from c2m_tui.tui.session import open_journal
        from c2m_tui.tui.widgets.review_step import duplicate_text

        def done(reviewed, duplicate: str | None) -> None:
            self.reviewed = reviewed
            self.duplicate = duplicate  # said on the review before any Submit, from the hashes just taken
            for step in self.query(ReviewStep):
                step.show_duplicate(duplicate)
            self._submit_when_ready()

        try:
            journal, _notice = open_journal()  # the one journal of this process (the create opened it)
            if journal is None or self.key is None:
                return
            reviewed = review_entry(journal, self.key)
        except Exception as err:
            self.app.call_from_thread(self.app.show_error, err, "review")
            return
        try:
            duplicate = duplicate_text(journal, self.app.session.target, reviewed.pdf_sha256, reviewed.xml_sha256,
                                       self.key)
        except Exception:  # noqa: BLE001 - the submit itself enforces the guard; this is a warning ahead of it
            duplicate = None
        self.app.call_from_thread(done, reviewed, duplicate)

    @dataclass
    class Quoted(Message):
        """The estimate and the balance of ``xml`` (core.pricing.Quote), from the estimate worker."""

        xml: bytes
        quote: object

    def _ask_price(self) -> None:
        """Start asking the price of the XML under review, unless it is asked for (or known) already."""
        check = self.check
        if check is None or not check.valid or not check.xml or self.done[3] or check.xml == self._quote_xml:
            return
        self._quote_xml, self.quote, self._submit_waiting_price = check.xml, None, False
        self.query_one(ReviewStep).show_quote(None)
        self.estimate_price(check.xml)

    @work(group="estimate", exclusive=True, thread=True, exit_on_error=False, description="estimate the price")
    def estimate_price(self, xml: bytes) -> None:
        """The core's estimate_for (one costEstimate per price group, then the balance), in a thread:
        a big XML is parsed off the event loop. Never fails: what could not be had is said in the Quote."""
        import asyncio

        from c2m_tui.core.errors import describe
        from c2m_tui.core.pricing import Quote, estimate_for

        async def ask():
            rest = self.app.session.rest_client()
            async with rest:
                return await estimate_for(rest, xml)

        from c2m_tui.core.gcquiet import quietly

        try:
            quote = quietly(asyncio.run, ask())  # the XML is read whole: no collection stalls the screen
        except Exception as err:  # noqa: BLE001 - no REST host known, bad XML, a bug: the price is unknown, said why
            quote = Quote(estimate_problem=describe(err), credit_problem=describe(err))
        self.post_message(self.Quoted(xml, quote))

    @on(Quoted)
    def _quoted(self, message: Quoted) -> None:
        if message.xml != self._quote_xml:
            return  # the XML changed since: its own worker answers
        self.quote = message.quote
        for step in self.query(ReviewStep):
            step.show_quote(message.quote)
        self._submit_when_ready()

    def _submit_when_ready(self) -> None:
        """Submit was pressed while the review or the price was not ready: ask now, if still on the review."""
        if self._submit_waiting and self.current == 3 and self.app.screen is self:
            self._submit_waiting = False
            self.ask_submit()

    # ------------------------------------------------------------------ step 4: review and submit

    def _show_review(self) -> None:
        ready = all(self.done[:3]) and not self.done[3]
        step = self.query_one(ReviewStep)
        step.show(self.app.session, self.batch_id, self.pdf, self.check, ready)
        step.show_duplicate(self.duplicate)
        if self.quote is not None and self.check is not None and self.check.xml == self._quote_xml:
            step.show_quote(self.quote)
        self._ask_price()

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
        if self.check.xml != self.uploaded_xml:  # (the check above makes step 3 open again; never submit past it)
            self.app.notify("The XML shown is not the one uploaded: upload it again in step 3.", severity="error")
            return
        if self.reviewed is None:
            self._submit_waiting = True  # the confirmation opens once the files are checked
            if any(w.group == "review" and w.is_running for w in self.workers):
                self.app.notify("Still checking the files for review; the confirmation opens when it is done.",
                                severity="warning")
            else:  # the check failed (its error was shown) or never ran: run it again, never wait for ever
                self.app.notify("Checking the files for review again; submit once it is done.", severity="warning")
                self.prepare_review()
            return
        quote = self.quote if self.check.xml == self._quote_xml else None
        if quote is None and not self._submit_waiting_price:
            self._ask_price()
            # the confirmation opens when Click2Mail answers; never held hostage: a second press goes on
            self._submit_waiting = self._submit_waiting_price = True
            self.app.notify("Asking Click2Mail for the price and the balance first: the confirmation opens when "
                            "it answers. Press Submit again to go on without them.", severity="warning")
            return
        self._submit_waiting = self._submit_waiting_price = False
        from c2m_tui.core.pricing import InsufficientCreditError, Quote, check_affordable

        if quote is None:
            quote = Quote(estimate_problem="Click2Mail had not answered when you pressed Submit again",
                          credit_problem="not answered yet")
        try:
            check_affordable(quote)  # the CLI's rule: refused before anything more is sent
        except InsufficientCreditError as err:
            result = self.query_one("#review-result", Static)
            result.update(str(err))
            result.set_classes("error-text")
            result.display = True
            self.app.show_error(err, "not submitted")
            return
        from c2m_tui.tui.screens.confirm_submit import ConfirmSubmitScreen

        session = self.app.session
        pieces = self.check.counts[1] if self.check else 0
        again = self.duplicate is not None  # said on the review: this one confirmation is "send it again"
        self.app.push_screen(
            ConfirmSubmitScreen(self.batch_id, pieces, production=session.production, label=session.label,
                                warning=self.duplicate, again=again, quote=quote),
            callback=lambda yes: self._confirmed(yes, allow_duplicate=again),
        )

    def _confirmed(self, yes: bool | None, allow_duplicate: bool = False) -> None:
        if yes and not self.done[3]:
            for button in self.query("#submit"):
                button.disabled = True
            self.submit(allow_duplicate)

    def _ask_duplicate(self, err: Exception) -> None:
        """The core's guard found the same letters sent before, which the review had not seen (sent
        since, from elsewhere): a dialog unlike the confirmation, Cancel first, sends it only on purpose."""
        from c2m_tui.tui.screens.send_again import SendAgainScreen

        self.app.push_screen(SendAgainScreen(self.batch_id, err.message),
                             callback=lambda yes: self._confirmed(yes, allow_duplicate=True))

    @work(group="submit", exclusive=True, exit_on_error=False, description="submit")
    async def submit(self, allow_duplicate: bool = False) -> None:
        from c2m_tui.core.journal import DuplicateBatchError
        from c2m_tui.core.sending import submit_step

        batch_id = self.batch_id
        try:
            journal = await self._journal()
            if journal is None or self.key is None:
                raise_not_journaled()
            submitted_now = await submit_step(self.app.session.client, journal, self.key, reviewed=self.reviewed,
                                              allow_duplicate=allow_duplicate)
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
        record(self.app.session, batch_id, "submit")
        self.query_one(ReviewStep).submitted(batch_id)
        self._refresh_stepper()
        if submitted_now:
            self.app.notify(f"Batch {batch_id} submitted.", title="Submitted")
        else:
            self.app.notify(f"Batch {batch_id} was already submitted; it was not submitted again.",
                            title="Already submitted", severity="warning")

    @on(Button.Pressed, "#open-status")
    def open_status(self) -> None:
        from c2m_tui.tui.screens.status import StatusScreen

        self.app.switch_screen(StatusScreen(self.batch_id))


def raise_not_journaled():
    from c2m_tui.core.journal import JournalError

    raise JournalError("the batch journal cannot be used, and nothing is sent without it")


def record(session, batch_id: str | None, step: str) -> None:
    """Note a finished step (create/pdf/xml/submit) in the session's own list of recent batches."""
    if batch_id:
        state = {"create": "created", "pdf": "pdf uploaded", "xml": "xml uploaded", "submit": "submitted"}[step]
        session.remember(batch_id, state)
