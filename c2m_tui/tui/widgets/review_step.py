"""Wizard step 4: everything that will be mailed, in one place, before the one irreversible call."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Static

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
        table.add_row("Jobs", str(jobs))
        table.add_row("Pieces", f"{pieces} (letters/cards to be mailed)")
        table.add_row("Printed pages", str(pages))
        for name, value in _option_lines(check.xml):
            table.add_row(name, value)
        for w in check.warnings:
            table.add_row("Warning", w)
    return table


def _option_lines(xml: bytes | None) -> list[tuple[str, str]]:
    """The distinct print options of the batch, read back from the XML that was uploaded."""
    if not xml:
        return []
    from c2m_tui.core.batchxml import read_batch

    try:
        batch = read_batch(xml).batch
    except Exception:  # the XML was validated before upload; a summary line is not worth a crash
        return []
    seen: list[str] = []
    for job in batch.jobs:
        o = job.options
        text = " · ".join(v for v in (o.document_class, o.layout, o.envelope, o.color, o.paper_type,
                                      o.print_option, o.mail_class, o.production_time) if v)
        if text not in seen:
            seen.append(text)
    return [("Options", t) for t in seen]


def review_preview() -> ComposeResult:
    """The first page of job 1 under the summary, with its address zone (v opens the viewer)."""
    from c2m_tui.tui.widgets.page_preview import PagePreview

    yield PagePreview(id="review-preview", max_rows=24)


def show_review_preview(step, pdf, check) -> None:
    from c2m_tui.tui.widgets.page_preview import PagePreview, PageRequest

    for preview in step.query(PagePreview):
        if pdf is not None:
            preview.show(PageRequest(Path(pdf.path), check.xml if check is not None else None))


class ReviewStep(VerticalScroll):
    def compose(self) -> ComposeResult:
        yield Static("Upload the PDF and the XML first.", id="review-summary")
        yield Static("", id="review-result", markup=False)
        with Horizontal(classes="step-buttons"):
            yield Button("Submit batch", id="submit", variant="error", disabled=True)
            yield Button("Open status board", id="open-status", variant="primary")
        yield from review_preview()

    def on_mount(self) -> None:
        self.query_one("#open-status", Button).display = False

    def show(self, session, batch_id: str | None, pdf, check, ready: bool) -> None:
        self.query_one("#review-summary", Static).update(summary_table(session, batch_id, pdf, check))
        submit = self.query(Button).filter("#submit")
        if submit:
            submit.first().disabled = not ready
        show_review_preview(self, pdf, check)

    def submitted(self, batch_id: str) -> None:
        """After submit the button is gone for good: a second submit cannot be pressed."""
        for button in self.query("#submit"):
            button.remove()
        result = self.query_one("#review-result", Static)
        result.update(f"Batch {batch_id} submitted. It is mailed as Click2Mail processes it.")
        result.set_classes("ok-text")
        status = self.query_one("#open-status", Button)
        status.display = True
        status.focus()
