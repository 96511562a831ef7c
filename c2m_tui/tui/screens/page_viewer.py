"""The page viewer: one page of the batch's PDF (or of Click2Mail's proof), full screen, with the
address zone and the recipient's block drawn over it. Arrows page, n/p move between jobs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen

from c2m_tui.tui.widgets.key_footer import KeyFooter
from c2m_tui.tui.widgets.page_preview import PagePreview, PageRequest


class PageViewerScreen(Screen):
    DEFAULT_CSS = """
    PageViewerScreen > #viewer-body { height: 1fr; padding: 0 1; }
    """
    # ←/→ are priority bindings: the scrolling body's own (hidden) left/right came first in the
    # footer, which then left the page keys out at every width; the page fits the width anyway
    BINDINGS = [
        Binding("left", "page(-1)", "Previous page", id="viewer.previous-page", priority=True),
        Binding("right", "page(1)", "Next page", id="viewer.next-page", priority=True),
        Binding("p", "job(-1)", "Previous job", id="viewer.previous-job"),
        Binding("n", "job(1)", "Next job", id="viewer.next-job"),
        Binding("escape", "back", "Back", id="viewer.back"),
        Binding("q", "back", "Back", show=False, id="viewer.back-alias"),
    ]

    def __init__(self, request: PageRequest | None = None, *, proof_of: tuple[str, str] | None = None) -> None:
        """``request``: a page of the batch's PDF; ``proof_of``: (batch id, job id) to fetch
        Click2Mail's proof of that job and show it instead."""
        super().__init__()
        self.request = request
        self.proof_of = proof_of
        self._proof_dir: str | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="viewer-body"):
            yield PagePreview(id="viewer-preview")
        yield KeyFooter()

    def on_mount(self) -> None:
        preview = self.query_one(PagePreview)
        preview.max_rows = max(8, self.app.size.height - 4)
        preview.max_columns = max(20, self.app.size.width - 4)
        if self.request is not None:
            preview.show(self.request)
        elif self.proof_of is not None:
            self.query_one("#pp-head").update(f"Asking Click2Mail for the proof of job {self.proof_of[1]}…")
            self.fetch_proof(*self.proof_of)

    @work(group="proof", exclusive=True, exit_on_error=False, description="fetch proof")
    async def fetch_proof(self, batch_id: str, job_id: str) -> None:
        from c2m_tui.core.errors import describe

        try:
            rest = self.app.session.rest_client()
            async with rest:
                pdf = await rest.proof(job_id)
        except Exception as err:  # noqa: BLE001 - shown in place of the page
            self.query_one("#pp-head").update(f"No proof of job {job_id}: {describe(err)}")
            return
        self._proof_dir = tempfile.mkdtemp(prefix="c2m-proof-")  # 0700: the proof shows an address
        path = Path(self._proof_dir) / f"proof-{batch_id}-{job_id}.pdf"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pdf)
        self.query_one(PagePreview).show(PageRequest(path, title=f"Click2Mail's proof of job {job_id}"))

    def action_page(self, delta: int) -> None:
        self.query_one(PagePreview).step_page(delta)

    def action_job(self, delta: int) -> None:
        self.query_one(PagePreview).step_job(delta)

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_unmount(self) -> None:
        if self._proof_dir:
            import shutil

            from c2m_tui.core import preview

            preview.forget()
            shutil.rmtree(self._proof_dir, ignore_errors=True)
