"""Wizard step 4: everything that will be mailed, in one place, before the one irreversible call."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.geometry import Region
from textual.widgets import Button, Input, Static

from c2m_tui.core.preflight import human_size


def summary_table(session, batch_id: str | None, pdf, check) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
    table.add_column("what", style="bold", no_wrap=True)
    table.add_column("value")
    where = "PRODUCTION: real mail, real money" if session.production else session.label.lower()
    table.add_row("Environment", f"{where} · {session.base_url}")
    table.add_row("Batch", batch_id or "-")
    if pdf is not None:
        table.add_row("PDF", f"{Path(pdf.path).name} · {pdf.pages} page(s) · {human_size(pdf.size_bytes)}")
    if check is not None:
        jobs, pieces, pages = check.counts
        summary = check.summary  # made by the validation worker: a big XML is never read here
        if summary is not None:
            for name, value in summary.lines():
                table.add_row(name, value)
            for text in summary.options:
                table.add_row("Options", text)
        else:
            table.add_row("Jobs", str(jobs))
            table.add_row("Pieces", f"{pieces} (letters/cards to be mailed)")
            table.add_row("Printed pages", str(pages))
        for w in check.warnings:
            table.add_row("Warning", w)
    return table


def duplicate_text(journal, target, pdf_sha256: str, xml_sha256: str, exclude_key: int | None) -> str | None:
    """The duplicate guard's finding for these hashes (the review's: nothing is hashed again), in
    words, or None. Blocking (SQLite): the wizard's review worker calls it."""
    from c2m_tui.core.journal.views import earlier_submit

    earlier = earlier_submit(journal, target.environment, target.base_url.rstrip("/"), pdf_sha256, xml_sha256,
                             exclude_key)
    if earlier is None:
        return None
    return (f"Already sent: {earlier.describe()}. Submitting again mails every letter a second time "
            f"and is charged again.")


PRICE_LOADING = "Asking Click2Mail for the estimated cost and the credit balance…"


def price_view(quote) -> Table:
    """The estimate per price group (pieces, pages, options, subtotal), the total, the balance and
    what remains after, from the core's Quote; or, when a figure could not be had, why, in one line."""
    from c2m_tui.core.pricing import money

    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
    table.add_column("what", style="bold", no_wrap=True)
    table.add_column("value")
    if quote.estimate is None and quote.credit is None:  # one cause, as a rule (no REST host, unreachable)
        table.add_row("Price", f"unknown: {quote.estimate_problem}; nor is the balance known. Submit still asks; "
                               "you decide.")
        return table
    if quote.estimate is not None:
        groups = quote.estimate.groups
        # one group: its options are the summary's Options row; several: the options that set them apart
        differ = [name for name in groups[0].options if len({g.options[name] for g in groups}) > 1]
        for number, g in enumerate(groups, 1):
            abroad = f" + {g.international} international" if g.international else ""
            options = "".join(f" · {g.options[name]}" for name in differ if g.options[name])
            name = f"Price group {number}" if len(groups) > 1 else "Price"
            table.add_row(name, f"{money(g.subtotal)}: {g.quantity:,} domestic{abroad} × {g.pages} page(s){options}")
        table.add_row("Estimated cost", f"{money(quote.estimate.total)} for {quote.estimate.pieces:,} piece(s)")
    else:
        table.add_row("Estimated cost", f"unknown: {quote.estimate_problem}. Submit still asks; you decide.")
    if quote.credit is not None:
        negative = " (the account may go negative)" if quote.credit.allow_negative else ""
        table.add_row("Credit balance", money(quote.credit.balance) + negative)
        if quote.remaining is not None:
            short = "" if quote.affordable else ": not enough credit, Submit is refused"
            table.add_row("After this batch", money(quote.remaining) + short)
    else:
        table.add_row("Credit balance", f"unknown: {quote.credit_problem}")
    return table


def review_preview() -> ComposeResult:
    """The first page of job 1 under the summary, with its address zone (v opens the viewer)."""
    from c2m_tui.tui.widgets.page_preview import PagePreview

    yield PagePreview(id="review-preview", max_rows=24)


def show_review_preview(step, pdf, check) -> None:
    from c2m_tui.tui.widgets.page_preview import PagePreview, PageRequest

    for preview in step.query(PagePreview):
        if pdf is not None:
            preview.show(PageRequest(Path(pdf.path), check.xml if check is not None else None))


class SubmitButton(Button):
    """Submit, whose focus does not scroll by itself: Textual would center it in whatever layout was
    there at that moment (the price still asked or already in, the summary laid out or not), so the
    picture depended on which came first. The review puts it in sight instead (ReviewStep)."""

    def focus(self, scroll_visible: bool = True) -> "SubmitButton":
        return super().focus(scroll_visible=False)


class ReviewStep(VerticalScroll):
    """The review. While Submit has focus it stays in sight: whenever Submit gains focus, or the rows
    above it change (the price arrives, the summary or the duplicate warning is laid out) or the
    window does, the review is scrolled so that Submit's row is whole at the bottom with as much of
    the summary above it as fits (from the top when everything fits). The place depends only on the
    layout, never on the order things arrived in; a scroll of one's own stays until the layout moves.
    (Tab onto Submit still scrolls by Textual's own rule too, which may center it.)"""

    duplicate: str | None = None  # the duplicate warning shown, if any (tests read it)

    def compose(self) -> ComposeResult:
        yield Static("Upload the PDF and the XML first.", id="review-summary")
        yield Input(placeholder="search the recipients: name, street, city, ZIP…", id="review-search")
        yield Static("", id="review-found", markup=False)
        yield Static("", id="review-price")  # the estimate and the balance, asked in a worker
        # before any Submit button: the same files were submitted before
        yield Static("", id="review-duplicate", classes="error-text", markup=False)
        yield Static("", id="review-result", markup=False)
        with Horizontal(classes="step-buttons"):
            yield SubmitButton("Submit batch", id="submit", variant="error", disabled=True)
            yield Button("Open status board", id="open-status", variant="primary")
        yield from review_preview()

    def on_mount(self) -> None:
        self.query_one("#open-status", Button).display = False
        self.query_one("#review-duplicate", Static).display = False
        self.query_one("#review-price", Static).display = False
        self.query_one("#review-result", Static).display = False  # two blank rows above Submit until it says something
        self._xml: bytes | None = None
        self._index = None  # (the XML, its recipients' searchable text): built by the first search
        self._placed: tuple | None = None  # Submit's place that the scroll was last set for
        self.screen.screen_layout_refresh_signal.subscribe(self, self._laid_out)

    def show(self, session, batch_id: str | None, pdf, check, ready: bool) -> None:
        self.query_one("#review-summary", Static).update(summary_table(session, batch_id, pdf, check))
        self._xml = check.xml if check is not None else None
        submit = self.query(Button).filter("#submit")
        if submit:
            submit.first().disabled = not ready
        show_review_preview(self, pdf, check)

    def show_quote(self, quote) -> None:
        """The wizard's estimate worker: None while it asks, then the core's Quote."""
        box = self.query_one("#review-price", Static)
        box.display = True
        if quote is None:
            box.update(PRICE_LOADING)
            box.set_classes("hint")
        else:
            box.update(price_view(quote))
            box.set_classes("" if quote.affordable else "error-text")
        # the rows above Submit grew: it is kept in sight once they are laid out (_laid_out)

    def _submit_place(self) -> tuple[Region, Region] | None:
        """Submit's row (in the review's scrolled content) and the review's window, once laid out."""
        rows = self.query(".step-buttons")
        if not rows or not self.query("#submit"):
            return None
        row = rows.first().virtual_region_with_margin
        window = self.scrollable_content_region.at_offset((0, 0))
        if not row.size or not window.size:
            return None
        return row, window

    def _laid_out(self, _screen) -> None:
        if self._submit_place() != self._placed:
            self._keep_submit_in_sight()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if event.widget.id == "submit":
            self._keep_submit_in_sight()

    def _keep_submit_in_sight(self) -> None:
        """While Submit has focus: the least scroll from the top that shows its row whole."""
        place = self._submit_place()
        submit = self.query("#submit")
        if place is None or not submit or not submit.first().has_focus:
            return
        row, window = place
        y = max(0, min(Region.get_scroll_to_visible(window, row).y, self.max_scroll_y))
        self._placed = place
        if y != self.scroll_y:
            self.scroll_to(y=y, animate=False, immediate=True)

    def show_duplicate(self, text: str | None) -> None:
        """The wizard's review worker found (or not) the same letters sent before."""
        self.duplicate = text
        box = self.query_one("#review-duplicate", Static)
        box.update(text or "")
        box.display = bool(text)
        for button in self.query("#submit"):
            button.label = "Submit AGAIN (already sent)" if text else "Submit batch"

    @on(Input.Changed, "#review-search")
    def _search(self, event: Input.Changed) -> None:
        found = self.query_one("#review-found", Static)
        if not event.value.strip() or not self._xml:
            found.update("")
            return
        if self._index is None or self._index[0] is not self._xml:
            found.update("Searching the recipients…")  # the first search reads them all: a second or two at 100,000
        self.search(self._xml, event.value)

    @work(group="review-search", thread=True, exclusive=True, exit_on_error=False, description="search the recipients")
    def search(self, xml: bytes, query: str) -> None:
        """In a thread: the recipients of a big XML are read once (then searched per keystroke)."""
        from textual.worker import get_current_worker

        from c2m_tui.core.gcquiet import bulk_objects
        from c2m_tui.core.mail_summary import recipient_index, search_index

        try:
            if self._index is None or self._index[0] is not xml:
                with bulk_objects():
                    self._index = (xml, recipient_index(xml))
            hits = search_index(self._index[1], query, limit=20)
        except Exception:  # noqa: BLE001 - validated before upload; a search is not worth a crash
            hits = []
        text = "\n".join(h.text() for h in hits) if hits else f"no recipient matches {query.strip()!r}"
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._found, query, text)

    def _found(self, query: str, text: str) -> None:
        if self.query_one("#review-search", Input).value == query:  # not an answer to older typing
            self.query_one("#review-found", Static).update(text)

    def submitted(self, batch_id: str) -> None:
        """After submit the button is gone for good: a second submit cannot be pressed."""
        for button in self.query("#submit"):
            button.remove()
        result = self.query_one("#review-result", Static)
        result.update(f"Batch {batch_id} submitted. It is mailed as Click2Mail processes it.")
        result.set_classes("ok-text")
        result.display = True
        status = self.query_one("#open-status", Button)
        status.display = True
        # focused before it is laid out, nothing scrolls to it (and Submit's removal moves the view):
        # once laid out, the result line goes to the top with the board's button under it
        status.focus(scroll_visible=False)
        self.call_after_refresh(self._show_result)

    def _show_result(self) -> None:
        self.scroll_to_widget(self.query_one("#review-result", Static), top=True, animate=False, immediate=True)
