"""The page preview in the app: drawn in a worker (no event-loop stall on a 1,000-page PDF), the
viewer's keys, and Click2Mail's proof opened from the status board."""

from __future__ import annotations

import gc
import threading
import time

import pytest

from c2m_tui.core import preview as core_preview
from c2m_tui.core.graphics import TerminalGraphics, kitty
from c2m_tui.core.polling import Backoff
from c2m_tui.tui.screens.page_viewer import PageViewerScreen
from c2m_tui.tui.screens.status import StatusScreen
from c2m_tui.tui.widgets.page_preview import PagePreview, PageRequest
from c2m_tui.tui.widgets.terminal_image import TerminalImage
from tests.pdf_maker import letter
from tests.tui.batch_harness import BatchScreensApp, client_for, screen_text, send_batch, wait_until
from tests.unit.test_zone_check import FIRST, batch_xml


def _painted(app, protocol: str) -> bool:
    """The page is on the screen: half-blocks, Kitty's placeholders, or the Sixel stream sent."""
    if protocol == "halfblock":
        return "▀" in screen_text(app)
    if protocol == "kitty":
        return kitty.PLACEHOLDER in screen_text(app)
    return app.screen.query_one(TerminalImage).sixel_paints > 0


@pytest.fixture
def heap_frozen():
    """The objects of the tests run before this one in the same process are left out of the garbage
    collector's passes while the loop is measured (a full pass over them is not the app's stall)."""
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()


@pytest.mark.parametrize("protocol", ["halfblock", "kitty", "sixel"])
async def test_first_page_of_a_1000_page_pdf_without_a_stall(tmp_path, monkeypatch, heap_frozen, protocol):
    monkeypatch.setenv("COLORTERM", "truecolor")
    pdf = letter(tmp_path / "big.pdf", 1000, in_zone=True)
    xml = batch_xml(tmp_path / "b.xml", [(1, 500, FIRST, "#10 Double Window", "Ada Lovelace"),
                                         (501, 1000, FIRST, "#10 Double Window", "Bob Clean")]).read_bytes()
    core_preview.forget()  # nothing cached: the PDF is opened and drawn (and encoded) for this test
    drawn_on: list[int] = []  # the threads the pages are drawn on (the real drawing, watched)

    def watched(draw):
        def drawing(*args, **kwargs):
            drawn_on.append(threading.get_ident())
            return draw(*args, **kwargs)
        return drawing

    monkeypatch.setattr(core_preview, "page_grid", watched(core_preview.page_grid))
    monkeypatch.setattr(core_preview, "page_bitmap", watched(core_preview.page_bitmap))
    app = BatchScreensApp(None, lambda: PageViewerScreen())
    app.graphics = TerminalGraphics(protocol, (9, 18))
    lags: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        # The loop's own CPU time between two ticks of a 10 ms timer: work done on the loop (a page
        # drawn there) shows, a busy machine that keeps the process waiting does not (wall time did:
        # a 232 ms "stall" with the page drawn in the worker, under load).
        last = time.thread_time()

        def tick() -> None:
            nonlocal last
            now = time.thread_time()  # the tick runs on the loop's thread
            lags.append(now - last)
            last = now

        timer = app.set_interval(0.01, tick)
        widget = app.screen.query_one(PagePreview)
        await pilot.pause(0.5)  # the loop's own idle work first
        baseline = max(lags, default=0.0)
        lags.clear()
        started = time.monotonic()
        widget.show(PageRequest(pdf, xml))
        await wait_until(pilot, lambda: widget.shown >= 1, timeout=20, what="the first page")
        first_page_s = time.monotonic() - started
        await wait_until(pilot, lambda: _painted(app, protocol), what="the page painted")
        text = " ".join(screen_text(app).split())
        await pilot.press("n")  # job 2: its first page, page 501, clear
        await wait_until(pilot, lambda: widget.shown >= 2 and "page 501" in screen_text(app), what="job 2's page")
        text2 = " ".join(screen_text(app).split())
        await pilot.press("right")
        await wait_until(pilot, lambda: widget.shown >= 3 and "page 502" in screen_text(app), what="the next page")
        text3 = screen_text(app)
        timer.stop()
        print(f"first page {first_page_s * 1000:.0f} ms, max loop CPU between ticks {max(lags) * 1000:.1f} ms, "
              f"idle {baseline * 1000:.1f} ms")
    assert "page 1 of 1000" in text and "to Ada Lovelace" in text
    assert "INK IN THE ZONE" in text
    assert "page 501 of 1000" in text2 and "job 2 of 2" in text2 and "INK" not in text2
    assert "page 502 of 1000" in text3
    assert len(drawn_on) >= 3 and threading.get_ident() not in drawn_on  # never on the loop's thread
    assert lags and max(lags) < 0.1 + baseline, (
        f"the event loop was busy {max(lags) * 1000:.0f} ms between two ticks (idle {baseline * 1000:.0f} ms)")
    assert first_page_s < 10


async def test_status_board_opens_the_servers_proof(sim_factory, tmp_path):
    sim = sim_factory("--queue-seconds", "0", "--job-seconds", "30")
    client = client_for(sim)
    batch_id = await send_batch(client, tmp_path, recipients=1)
    app = BatchScreensApp(client, lambda: StatusScreen(batch_id, backoff=Backoff(first=0.05, ceiling=0.2)), sim=sim)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: screen.status is not None and screen.status.jobs, timeout=30,
                         what="the job ids")
        await pilot.press("v")
        await wait_until(pilot, lambda: isinstance(app.screen, PageViewerScreen), what="the viewer")
        widget = app.screen.query_one(PagePreview)
        await wait_until(pilot, lambda: widget.shown >= 1 and "▀" in screen_text(app), timeout=20, what="the proof")
        text = screen_text(app)
        proof_dir = app.screen._proof_dir
        await pilot.press("escape")
        await pilot.pause()
    assert "Click2Mail's proof of job" in text and "page 1 of" in text, text
    assert "▀" in text
    assert proof_dir and not __import__("os").path.exists(proof_dir)  # the proof is not left on disk


NAMES = ["Ada Lovelace", "Bob Clean", "Carlos Rivera", "Dana Scully", "Erin Brockovich"]


def _merge_names(n: int) -> list[str]:
    """One distinct name a person (none a prefix of another): the five above, then Person 006..."""
    return [NAMES[i] if i < len(NAMES) else f"Person {i + 1:03d}" for i in range(n)]


def _header(app) -> str:
    return " ".join(app.screen.query_one("#pp-head").render().plain.split())


async def _viewer_keys(tmp_path, jobs, keys, size=(80, 24), pages=50):
    """The viewer on a ``pages``-page PDF and a batch of ``jobs``; the header after opening and
    after each key."""
    pdf = letter(tmp_path / "merge.pdf", pages)
    xml = batch_xml(tmp_path / "b.xml", jobs).read_bytes()
    app = BatchScreensApp(None, lambda: PageViewerScreen(PageRequest(pdf, xml)))
    heads = []
    async with app.run_test(size=size) as pilot:
        widget = app.screen.query_one(PagePreview)
        await wait_until(pilot, lambda: widget.shown >= 1, timeout=20, what="the first page")
        heads.append(_header(app))
        for key in keys:
            shown = widget.shown
            await pilot.press(key)
            await wait_until(pilot, lambda: widget.shown > shown, timeout=20, what=f"the page after {key}")
            heads.append(_header(app))
    return heads


async def test_the_header_follows_the_page_to_its_job_and_person_in_a_mail_merge(tmp_path):
    # the user's report: a 50-page merge (job N = page N = person N); v, n, then right showed page 3
    # under "job 2 of 50 (pages 2-2) to" job 2's person; the n after a left stepped from job 2 too
    names = _merge_names(50)
    jobs = [(i, i, FIRST, "#10 Double Window", names[i - 1]) for i in range(1, 51)]
    heads = await _viewer_keys(tmp_path, jobs, ["n", "right", "right", "left", "n", "p", "left"])
    expected = [1, 2, 3, 4, 3, 4, 3, 2]  # the page (and so the job and person) after each key
    assert len(heads) == len(expected)
    for head, page in zip(heads, expected):
        assert f"page {page} of 50" in head, head
        assert f"job {page} of 50 (pages {page}-{page}) to {names[page - 1]}" in head, head
        others = [n for i, n in enumerate(names) if i != page - 1]
        assert not any(n in head for n in others), head


async def test_the_header_says_when_a_page_is_in_no_job_or_in_several(tmp_path):
    # pages 1-2 go to Ada, page 3 to no one, pages 4-5 to Bob and to Carlos (two jobs, same pages)
    jobs = [(1, 2, FIRST, "#10 Double Window", "Ada Lovelace"), (4, 5, FIRST, "#10 Double Window", "Bob Clean"),
            (4, 5, FIRST, "#10 Double Window", "Carlos Rivera")]
    heads = await _viewer_keys(tmp_path, jobs, ["right", "right", "right", "n", "left"], pages=5)
    assert "page 1 of 5" in heads[0] and "job 1 of 3 (pages 1-2) to Ada Lovelace" in heads[0]
    assert "page 2 of 5" in heads[1] and "job 1 of 3 (pages 1-2) to Ada Lovelace" in heads[1]
    assert "page 3 of 5" in heads[2] and "in no job: not mailed" in heads[2] and "Ada" not in heads[2], heads[2]
    assert "page 4 of 5" in heads[3] and "job 2 of 3 (pages 4-5) to Bob Clean, + 1 more job" in heads[3], heads[3]
    # n from job 2 is job 3: the same page, named as job 3 first
    assert "page 4 of 5" in heads[4] and "job 3 of 3 (pages 4-5) to Carlos Rivera, + 1 more job" in heads[4], heads[4]
    assert "page 3 of 5" in heads[5] and "in no job" in heads[5] and "Carlos" not in heads[5], heads[5]


@pytest.mark.parametrize("width", [80, 120])
async def test_the_page_keys_are_in_the_footer_at_80_columns_too(tmp_path, width):
    # the scrolling body's own hidden left/right came first, and Textual's footer left ←/→ out at
    # every width; the real app (its ^q, f1 and ^p too) at 80 columns shows them with short words
    from textual.widgets._footer import FooterKey

    from tests.tui.shell_harness import FIXED_URL, app_on, wait_for

    pdf = letter(tmp_path / "merge.pdf", 3)
    xml = batch_xml(tmp_path / "b.xml", [(i, i, FIRST, "#10 Double Window", f"P{i}") for i in (1, 2, 3)]).read_bytes()
    app = app_on(FIXED_URL)
    async with app.run_test(size=(width, 24)) as pilot:
        await pilot.pause()
        app.push_screen(PageViewerScreen(PageRequest(pdf, xml)))
        viewer = await wait_for(pilot, lambda: isinstance(app.screen, PageViewerScreen) and app.screen)
        await wait_for(pilot, lambda: viewer.query(PagePreview) and viewer.query_one(PagePreview).shown,
                       what="the page")

        def keys() -> dict[str, str]:
            return {k.key_display: k.description for k in viewer.query(FooterKey)}

        await wait_for(pilot, lambda: "←" in keys(), what="← in the footer")
        shown = keys()
        await pilot.press("right")
        await wait_for(pilot, lambda: "page 2 of 3" in _header(app), what="→ pages")
    assert {"esc", "←", "→", "n", "p"} <= set(shown), shown
    assert shown["←"] and shown["→"], shown  # with their words, not the key alone
    if width >= 120:
        assert shown["←"] == "Previous page" and shown["→"] == "Next page"


async def test_n_and_p_from_a_page_in_no_job_go_to_the_jobs_beside_it(tmp_path):
    # a new user's merge skipped pages 5 and 7: from page 7 (in no job), p went to job 4, not job 5 on
    # page 6, because it stepped from the job shown last
    people = [(1, 1, "Ada Lovelace"), (2, 2, "Bob Clean"), (4, 4, "Carlos Rivera"), (6, 6, "Dana Scully"),
              (8, 8, "Erin Brockovich")]
    jobs = [(s, e, FIRST, "#10 Double Window", who) for s, e, who in people]
    heads = await _viewer_keys(tmp_path, jobs, ["n", "n", "n", "right", "p", "right", "n", "left", "left", "p"],
                               pages=8)
    pages = [1, 2, 4, 6, 7, 6, 7, 8, 7, 6, 4]
    said = ["Ada", "Bob", "Carlos", "Dana", None, "Dana", None, "Erin", None, "Dana", "Carlos"]
    for head, page, who in zip(heads, pages, said):
        assert f"page {page} of 8" in head, head
        assert (who in head) if who else ("in no job" in head), head
