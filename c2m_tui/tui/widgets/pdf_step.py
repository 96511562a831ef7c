"""Wizard step 2: choose the PDF (file tree or a path with completion), see its pages and size, and
follow its upload (progress bar, throughput, ETA). The wizard's worker does the upload through the
core's sending steps; this widget asks for it (UploadRequested, CancelRequested) and shows it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DirectoryTree, Input, Label, ProgressBar, Static

from c2m_tui.core.errors import describe
from c2m_tui.core.preflight import human_size
from c2m_tui.tui.widgets.path_input import FileTree, PathSuggester, typed_path


def pdf_key(info) -> tuple[str, int]:
    """Which file a PdfInfo is, to tell the uploaded one from another: its resolved path and size."""
    return (str(Path(info.path).resolve()), info.size_bytes)


def pdf_facts(path: Path):
    """pages and size of a PDF (core.pdf.pdf_info); InputError names the file when it is not one."""
    from c2m_tui.core.pdf import pdf_info

    return pdf_info(path)


class PdfStep(Vertical):
    """Posts Chosen when a readable PDF is picked, UploadRequested / CancelRequested for the wizard."""

    @dataclass
    class Chosen(Message):
        info: object  # PdfInfo(path, pages, size_bytes)

    @dataclass
    class UploadRequested(Message):
        info: object

    class CancelRequested(Message):
        pass

    def __init__(self, start_dir: Path, *, initial: Path | None = None, batch_id: str | None = None,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.start_dir = start_dir
        self.initial = initial
        self.batch_id = batch_id
        self.info = None
        self.uploaded: tuple[str, int] | None = None  # pdf_key of the file this step uploaded
        self.uploading = False
        self._started = 0.0

    def compose(self) -> ComposeResult:
        with Horizontal(id="pdf-panes"):
            yield FileTree(self.start_dir, id="pdf-tree")
            with Vertical(id="pdf-side"):
                yield Label("PDF file (→ completes the path)")
                yield Input(
                    value=str(self.initial or ""), placeholder="path/to/letters.pdf", id="pdf-path",
                    suggester=PathSuggester((".pdf",)),
                )
                yield Static("Pick a PDF in the tree, or type its path and press enter.", id="pdf-facts",
                             classes="hint", markup=False)
                yield ProgressBar(total=None, show_eta=False, id="pdf-progress")
                yield Static("", id="pdf-rate", markup=False)
                with Horizontal(classes="step-buttons"):
                    yield Button("Upload PDF", id="pdf-upload", variant="primary", disabled=True)
                    yield Button("Cancel upload", id="pdf-cancel", disabled=True)

    def on_mount(self) -> None:
        if self.initial:
            self.inspect(Path(self.initial))

    # ------------------------------------------------------------------ choosing

    @on(DirectoryTree.FileSelected, "#pdf-tree")
    def _tree_pick(self, event: DirectoryTree.FileSelected) -> None:
        self.query_one("#pdf-path", Input).value = str(event.path)
        self.inspect(Path(event.path))

    @on(Input.Submitted, "#pdf-path")
    def _typed(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if value:
            self.inspect(typed_path(value))

    @on(Input.Changed, "#pdf-path")
    def _typing(self, event: Input.Changed) -> None:
        """A new path is being typed: an old "no such file" under the box no longer applies."""
        facts = self.query_one("#pdf-facts", Static)
        if facts.has_class("error-text"):
            facts.update("Press enter to check this path (tab: the upload button).")
            facts.set_classes("hint")

    @work(group="pdf-info", thread=True, exclusive=True, exit_on_error=False, description="inspect")
    def inspect(self, path: Path) -> None:
        try:
            info = pdf_facts(path)
        except Exception as err:  # an unreadable file is a user problem, not a crash
            self.app.call_from_thread(self._show_problem, describe(err, path))
            return
        self.app.call_from_thread(self._chosen, info)

    def _show_problem(self, text: str) -> None:
        self.info = None
        facts = self.query_one("#pdf-facts", Static)
        facts.update(text)
        facts.set_classes("error-text")
        self.query_one("#pdf-upload", Button).disabled = True

    def _chosen(self, info) -> None:
        self.info = info
        if not self.uploading and pdf_key(info) != self.uploaded:
            # another file than the one uploaded: its upload is still to be done (no "Uploaded" under it)
            self.query_one("#pdf-progress", ProgressBar).update(total=None, progress=0)
            self.query_one("#pdf-rate", Static).update("Not uploaded yet." if self.uploaded else "")
            self.query_one("#pdf-upload", Button).label = "Upload PDF"
        facts = self.query_one("#pdf-facts", Static)
        facts.update(f"{Path(info.path).name} · {info.pages:,} page(s) · {human_size(info.size_bytes)}")
        facts.set_classes("ok-text")
        self.query_one("#pdf-upload", Button).disabled = self.batch_id is None
        self.post_message(self.Chosen(info))

    # ------------------------------------------------------------------ uploading (the wizard's worker)

    @on(Button.Pressed, "#pdf-upload")
    def start_upload(self) -> None:
        if self.info is None or self.batch_id is None:
            self.app.notify("Choose a readable PDF first.", severity="warning")
            return
        if not self.uploading:
            self.post_message(self.UploadRequested(self.info))

    @on(Button.Pressed, "#pdf-cancel")
    def cancel_upload(self) -> None:
        if self.uploading:
            self.post_message(self.CancelRequested())

    def upload_started(self, info) -> None:
        self.uploading = True
        self.query_one("#pdf-upload", Button).disabled = True
        self.query_one("#pdf-cancel", Button).disabled = False
        self.query_one("#pdf-progress", ProgressBar).update(total=info.size_bytes, progress=0)
        self.query_one("#pdf-rate", Static).update("Uploading…")
        self._started = time.monotonic()

    def show_progress(self, sent: int, total: int) -> None:
        self.query_one("#pdf-progress", ProgressBar).update(total=total, progress=sent)
        rate = self.query_one("#pdf-rate", Static)
        elapsed = max(time.monotonic() - self._started, 1e-6)
        if total and sent >= total:  # the last byte is out; the server has not said yes yet
            rate.update(f"All {human_size(total)} sent in {elapsed:.1f} s; waiting for the server's answer…")
            return
        speed = sent / elapsed
        left = (total - sent) / speed if speed > 0 else 0
        rate.update(f"{human_size(sent)} of {human_size(total)} · {human_size(speed)}/s · ETA {left:.0f} s")

    def upload_ended(self, outcome: str, detail: str = "") -> None:
        """outcome: "done", "failed" or "cancelled"."""
        self.uploading = False
        upload_button = self.query_one("#pdf-upload", Button)
        upload_button.disabled = False
        self.query_one("#pdf-cancel", Button).disabled = True
        rate = self.query_one("#pdf-rate", Static)
        if outcome == "done":
            self.uploaded = pdf_key(self.info) if self.info is not None else None
            upload_button.label = "Upload again"
            size = human_size(self.info.size_bytes) if self.info is not None else "the PDF"
            rate.update(f"Uploaded {size} in {time.monotonic() - self._started:.1f} s.")
        elif outcome == "cancelled":
            rate.update("Upload cancelled; press Upload PDF to send it again.")
        else:
            rate.update(f"Upload failed: {detail}")
