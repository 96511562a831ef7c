"""Wizard step 2: choose the PDF (file tree or a path with completion), see its pages and size,
upload it with a progress bar, throughput and ETA; cancel stops the upload."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DirectoryTree, Input, Label, ProgressBar, Static
from textual.worker import Worker

from c2m_tui.core.errors import C2MError
from c2m_tui.tui.widgets.path_input import FileTree, PathSuggester


def pdf_facts(path: Path):
    """pages and size of a PDF (core.pdf.pdf_info); InputError names the file when it is not one."""
    from c2m_tui.core.pdf import pdf_info

    return pdf_info(path)


def human_size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


class PdfStep(Vertical):
    """Posts Chosen when a readable PDF is picked, Uploaded when the server has it."""

    @dataclass
    class Chosen(Message):
        info: object  # PdfInfo(path, pages, size_bytes)

    @dataclass
    class Failed(Message):
        error: str

    @dataclass
    class Uploaded(Message):
        info: object

    def __init__(self, start_dir: Path, *, initial: Path | None = None, batch_id: str | None = None,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.start_dir = start_dir
        self.initial = initial
        self.batch_id = batch_id
        self.info = None
        self._upload: Worker | None = None

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
            self.inspect(Path(value).expanduser())

    @work(group="pdf-info", thread=True, exclusive=True, exit_on_error=False)
    def inspect(self, path: Path) -> None:
        try:
            info = pdf_facts(path)
        except C2MError as err:
            self.app.call_from_thread(self._show_problem, str(err))
            return
        except Exception as err:  # an unreadable file is a user problem, not a crash
            self.app.call_from_thread(self._show_problem, f"{path}: cannot read this file ({err})")
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
        facts = self.query_one("#pdf-facts", Static)
        facts.update(f"{Path(info.path).name} · {info.pages} page(s) · {human_size(info.size_bytes)}")
        facts.set_classes("ok-text")
        self.query_one("#pdf-upload", Button).disabled = self.batch_id is None
        self.post_message(self.Chosen(info))

    # ------------------------------------------------------------------ uploading

    @on(Button.Pressed, "#pdf-upload")
    def start_upload(self) -> None:
        if self.info is None or self.batch_id is None:
            self.app.notify("Choose a readable PDF first.", severity="warning")
            return
        if self._upload is not None and self._upload.is_running:
            return
        self._upload = self.upload(self.batch_id, self.info)

    @on(Button.Pressed, "#pdf-cancel")
    def cancel_upload(self) -> None:
        if self._upload is not None and self._upload.is_running:
            self._upload.cancel()

    @work(group="upload", exclusive=True, exit_on_error=False)
    async def upload(self, batch_id: str, info) -> None:
        bar = self.query_one("#pdf-progress", ProgressBar)
        rate = self.query_one("#pdf-rate", Static)
        upload_button = self.query_one("#pdf-upload", Button)
        cancel_button = self.query_one("#pdf-cancel", Button)
        upload_button.disabled, cancel_button.disabled = True, False
        bar.update(total=info.size_bytes, progress=0)
        started = time.monotonic()

        def progress(sent: int, total: int) -> None:
            bar.update(total=total or info.size_bytes, progress=sent)
            elapsed = max(time.monotonic() - started, 1e-6)
            speed = sent / elapsed
            left = (total - sent) / speed if speed > 0 else 0
            rate.update(f"{human_size(sent)} of {human_size(total)} · {human_size(speed)}/s · ETA {left:.0f} s")

        rate.update("Uploading…")
        try:
            await self.app.session.client.upload_pdf(batch_id, Path(info.path), progress)
        except asyncio.CancelledError:
            rate.update("Upload cancelled; press Upload PDF to send it again.")
            upload_button.disabled, cancel_button.disabled = False, True
            raise
        except Exception as err:
            rate.update(f"Upload failed: {err}")
            upload_button.disabled, cancel_button.disabled = False, True
            self.app.show_error(err, "PDF upload")
            self.post_message(self.Failed(str(err)))
            return
        cancel_button.disabled = True
        upload_button.disabled = False
        upload_button.label = "Upload again"
        rate.update(f"Uploaded {human_size(info.size_bytes)} in {time.monotonic() - started:.1f} s.")
        self.post_message(self.Uploaded(info))
