"""A page of the batch's PDF with the address zone over it: drawn with the terminal's graphics
protocol where the app found one at start (``app.graphics``: Kitty's or Sixel), in half-block
characters everywhere else.

Every page is drawn in a thread worker (group ``page-preview``, the newest request wins): the
event loop only swaps in the finished picture, so the first page of a 1,000-page PDF appears
without a stall. The pixels come from the core's caches (per file version, page and size), the
zones and the ink check from core.zone_check, drawn into the grid or the bitmap by core.preview;
this widget only turns the grid into Rich text, or hands the bitmap to a TerminalImage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rich.color import Color
from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from c2m_tui.core.graphics import HALFBLOCK, TerminalGraphics


def grid_text(grid) -> Text:
    """A half-block grid as Rich text (one style per colour pair, cached)."""
    styles: dict[tuple, Style] = {}
    text = Text(no_wrap=True, overflow="crop")
    for r, row in enumerate(grid):
        if r:
            text.append("\n")
        for cell in row:
            key = (cell.fg, cell.bg)
            style = styles.get(key)
            if style is None:
                style = styles[key] = Style(color=Color.from_rgb(*cell.fg), bgcolor=Color.from_rgb(*cell.bg))
            text.append(cell.char, style)
    return text


@dataclass(slots=True)
class PageRequest:
    pdf: Path
    xml: bytes | None = None
    job: int = 1  # the job stepped to; a page another job mails is shown as that job (core's jobs_of_page)
    page: int | None = None  # None: the job's first page (a postcard's address side)
    title: str = ""


class PagePreview(Vertical):
    """``show(PageRequest)`` draws a page; ``step_page(±1)`` and ``step_job(±1)`` move."""

    DEFAULT_CSS = """
    PagePreview { height: auto; }
    PagePreview > #pp-head { height: auto; text-style: bold; }
    PagePreview > #pp-page { height: auto; width: auto; }
    PagePreview > #pp-notes { height: auto; }
    """

    @dataclass
    class Rendered(Message):
        token: int
        head: str
        picture: object  # Text (half-blocks) or terminal_image.Shown (a graphics protocol)
        notes: list[str] = field(default_factory=list)
        page: int = 1
        pages: int = 1
        jobs: int = 0
        job: int | None = None  # the job the page is shown as (None: no job mails it)

    @dataclass
    class Failed(Message):
        token: int
        error: Exception

    def __init__(self, *, max_rows: int = 22, max_columns: int = 80, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.max_rows = max_rows
        self.max_columns = max_columns
        self.request: PageRequest | None = None
        self.pages = 0
        self.jobs = 0
        self._token = 0
        self._facts_for: tuple[bytes, list] | None = None  # (the xml bytes, their job facts)
        self._in_no_job = False  # the page shown is in no job (n/p then step from the page)
        self.shown = 0  # pictures shown so far (tests wait on it)
        self.graphics: TerminalGraphics = HALFBLOCK

    def compose(self) -> ComposeResult:
        # the app found the terminal's protocol before Textual started (core.graphics.detect)
        graphics = getattr(self.app, "graphics", None)
        self.graphics = graphics if isinstance(graphics, TerminalGraphics) else HALFBLOCK
        yield Static("No PDF chosen yet.", id="pp-head", markup=False)
        yield Static("", id="pp-page")
        if self.graphics.bitmap:
            from c2m_tui.tui.widgets.terminal_image import TerminalImage

            yield TerminalImage(tmux=self.graphics.tmux, id="pp-image")
        yield Static("", id="pp-notes", markup=False)

    # ------------------------------------------------------------------ asking

    def show(self, request: PageRequest) -> None:
        self.request = request
        self._token += 1
        width = self.content_size.width or self.max_columns
        graphics = self.graphics
        if graphics.protocol == "kitty" and self.app.console.color_system != "truecolor":
            graphics = HALFBLOCK  # Kitty's placeholders name the image by a 24-bit colour
        self._draw_page(self._token, request, max(10, min(self.max_columns, width)), self.max_rows, graphics)

    def step_page(self, delta: int) -> None:
        if self.request is None:
            return
        current = self.request.page or 1
        target = min(max(1, current + delta), max(1, self.pages))
        if target != current or self.request.page is None:
            self.show(PageRequest(self.request.pdf, self.request.xml, self.request.job, target, self.request.title))

    def step_job(self, delta: int) -> None:
        if self.request is None or not self.jobs:
            return
        target = min(max(1, self.request.job + delta), self.jobs)
        facts = self._facts_for
        if self._in_no_job and facts is not None and facts[0] is self.request.xml and self.request.page is not None:
            from c2m_tui.core.addresses.pages import job_beside_page  # from the page, not the job shown last

            beside = job_beside_page(facts[1], self.request.page, delta)
            if beside is None:
                return
            target = beside
        self.show(PageRequest(self.request.pdf, self.request.xml, target, None, self.request.title))

    # ------------------------------------------------------------------ drawing (thread)

    def _job_facts(self, xml: bytes) -> list:
        from c2m_tui.core.gcquiet import quietly
        from c2m_tui.core.zone_check import read_job_facts

        cached = self._facts_for
        if cached is not None and cached[0] is xml:
            return cached[1]
        facts = quietly(read_job_facts, xml)  # a 100,000-letter XML: no collection stalls the screen
        self._facts_for = (xml, facts)
        return facts

    @work(thread=True, group="page-preview", exclusive=True, exit_on_error=False, description="draw a page")
    def _draw_page(self, token: int, request: PageRequest, columns: int, rows: int,
                   graphics: TerminalGraphics = HALFBLOCK) -> None:
        from c2m_tui.core import preview, zone_check

        try:
            pages = preview.page_count(request.pdf)
            job = None
            jobs = 0
            if request.xml:
                facts = self._job_facts(request.xml)
                jobs = len(facts)
                job = next((j for j in facts if j.index == request.job), None)
            page = request.page or (job.start if job else 1)
            page = min(max(1, page), pages)
            on_page = None
            if request.xml:  # the job follows the page: the one that mails it, whichever was stepped to
                from c2m_tui.core.addresses.pages import jobs_of_page

                on_page = jobs_of_page(facts, page, prefer=request.job)
                job = on_page.job
            overlays = zone_check.job_overlays(request.pdf, job, page) if job else ()
            notes = [f"{o.label}: {'INK IN THE ZONE: Click2Mail prints over it' if o.ink else 'clear'}"
                     for o in overlays]
            if job and (note := zone_check.separate_page_note(job)):
                notes.append(note)
            if graphics.bitmap:
                from c2m_tui.tui.widgets.terminal_image import prepare

                bitmap, page_facts = preview.page_bitmap(request.pdf, page, columns, rows - 2, overlays,
                                                         protocol=graphics.protocol, cell_px=graphics.cell_px)
                picture: object = prepare(bitmap, graphics.tmux)
            else:
                grid, page_facts = preview.page_grid(request.pdf, page, columns, rows - 2, overlays)
                picture = grid_text(grid)
            head = request.title or request.pdf.name
            head += f" · page {page} of {pages} · {page_facts.size_text()}"
            if on_page is not None:
                head += f" · {on_page.words()}"
            self.post_message(self.Rendered(token, head, picture, notes, page, pages, jobs,
                                            job.index if job else None))
        except Exception as err:  # noqa: BLE001 - any failure is shown in place of the page
            self.post_message(self.Failed(token, err))

    # ------------------------------------------------------------------ showing (event loop)

    @on(Rendered)
    def _rendered(self, message: Rendered) -> None:
        message.stop()
        if message.token != self._token:
            return  # an older request finished late
        self.pages, self.jobs = message.pages, message.jobs
        self._in_no_job = message.job is None and message.jobs > 0
        if self.request is not None:
            # n/p step from the job shown (from a page in no job: the jobs beside it, step_job)
            job = message.job if message.job is not None else self.request.job
            self.request = PageRequest(self.request.pdf, self.request.xml, job, message.page, self.request.title)
        self.query_one("#pp-head", Static).update(message.head)
        self._picture(message.picture)
        self.query_one("#pp-notes", Static).update("\n".join(message.notes))
        self.shown += 1

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        message.stop()
        if message.token != self._token:
            return
        from c2m_tui.core.errors import describe

        self.query_one("#pp-head", Static).update(f"Cannot show the page: {describe(message.error)}")
        self._picture(Text())
        self.query_one("#pp-notes", Static).update("")
        self.shown += 1

    def _picture(self, picture) -> None:
        """Half-block text into #pp-page, or a graphics picture into #pp-image (the other emptied)."""
        page = self.query_one("#pp-page", Static)
        images = self.query("#pp-image")
        bitmap = not isinstance(picture, Text)
        page.update(Text() if bitmap else picture)
        page.display = not bitmap
        for image in images:
            image.show(picture if bitmap else None)
            image.display = bitmap
