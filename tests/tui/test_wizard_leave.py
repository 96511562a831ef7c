"""Leaving the wizard while a call is in flight is a choice (issue "One send path", part 3): esc or
ctrl+q asks (keep waiting / cancel and leave), cancel works for both uploads and is journaled, and
after the last byte the PDF bar says it waits for the server. Pilot, against the simulator on a
loopback port, paused (SIGSTOP) while the call is in flight: the answer is held until the test resumes
it, however long the test takes to act on a busy machine (a 4 s delay once ran out first)."""

from __future__ import annotations

from textual.widgets import Button, Static

from c2m_tui.tui.screens.home import HomeScreen
from c2m_tui.tui.screens.leave_during_call import LeaveDuringCallScreen
from c2m_tui.tui.session import open_journal
from tests.e2e.sendflow import make_batch_files, sim_batches
from tests.tui.shell_harness import app_on, wait_for
from tests.tui.test_wizard_flow import fill, open_with_pdf


def journal_entry(batch_id: str):
    journal, _ = open_journal()
    return journal.find(batch_id)


async def start_xml_upload(pilot, app, sim, tmp_path):
    pdf, xml = make_batch_files(tmp_path)
    wizard = await open_with_pdf(pilot, app, pdf)
    await fill(pilot, "#xml-path", str(xml))
    wizard.query_one("#xml-path").focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: wizard.check is not None and wizard.check.valid, what="xml valid")
    sim.pause()  # the upload's bytes wait in the socket, unanswered, until sim.resume()
    await pilot.press("ctrl+g")
    await wait_for(pilot, lambda: wizard.calls_in_flight(), what="xml upload in flight")
    return wizard


async def start_pdf_upload(pilot, app, sim, tmp_path):
    pdf, _ = make_batch_files(tmp_path)
    wizard = await open_with_pdf(pilot, app, pdf, upload=False)
    sim.pause()  # the upload's bytes wait in the socket, unanswered, until sim.resume()
    await pilot.press("ctrl+g")
    await wait_for(pilot, lambda: wizard.calls_in_flight(), what="pdf upload in flight")
    return wizard


async def test_esc_during_the_pdf_upload_asks_and_keep_waiting_finishes_it(sim, tmp_path):
    app = app_on(sim.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await start_pdf_upload(pilot, app, sim, tmp_path)
        rate = wizard.query_one("#pdf-rate", Static)
        # the whole (small) PDF is out at once; the answer is held: the bar says what it waits for
        await wait_for(pilot, lambda: "waiting for the server's answer" in str(rate.render()), what="waiting words")
        await pilot.press("escape")
        dialog = await wait_for(pilot, lambda: isinstance(app.screen, LeaveDuringCallScreen) and app.screen,
                                what="the question")
        assert dialog.query_one("#leave-call-stay", Button).has_focus  # the safe choice is the default
        await pilot.press("enter")  # keep waiting
        await wait_for(pilot, lambda: app.screen is wizard, what="back on the wizard")
        assert wizard.calls_in_flight() and not wizard.done[1]  # still waiting, not cancelled
        sim.resume()  # the server answers
        await wait_for(pilot, lambda: wizard.done[1] and wizard.current == 2, timeout=20, what="upload finished")
        assert app.screen is wizard
        assert journal_entry(wizard.batch_id).done("pdf")


async def test_esc_during_the_pdf_upload_can_cancel_it_and_go_home(sim, tmp_path):
    app = app_on(sim.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await start_pdf_upload(pilot, app, sim, tmp_path)
        batch_id = wizard.batch_id
        await pilot.press("escape")
        dialog = await wait_for(pilot, lambda: isinstance(app.screen, LeaveDuringCallScreen) and app.screen)
        dialog.query_one("#leave-call-go", Button).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), what="home")
        assert not wizard.calls_in_flight()  # cancelled while the server still held it
        sim.resume()
        entry = journal_entry(batch_id)
        # journaled, never left as "no answer": resume sends it again
        assert not entry.done("pdf") and entry.unsettled is None
        assert entry.latest("pdf").outcome == "unconfirmed" and "cancelled" in entry.latest("pdf").detail
        assert entry.state == "pdf unconfirmed"


async def test_ctrl_q_during_the_xml_upload_asks_then_keep_waiting_then_quits(sim, tmp_path):
    app = app_on(sim.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await start_xml_upload(pilot, app, sim, tmp_path)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, LeaveDuringCallScreen), what="the question")
        assert app.is_running
        await pilot.press("escape")  # esc is "keep waiting" too
        await wait_for(pilot, lambda: app.screen is wizard, what="back on the wizard")
        assert wizard.calls_in_flight() and not wizard.done[2]  # still waiting, not cancelled
        sim.resume()  # the server answers
        await wait_for(pilot, lambda: wizard.done[2] and wizard.current == 3, timeout=20, what="xml finished")
        assert journal_entry(wizard.batch_id).done("xml")
        await pilot.press("ctrl+q")  # nothing in flight now: quits at once
        await wait_for(pilot, lambda: not app.is_running, what="quit")


async def test_ctrl_q_during_the_xml_upload_can_cancel_it_and_quit(sim, tmp_path):
    app = app_on(sim.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await start_xml_upload(pilot, app, sim, tmp_path)
        batch_id = wizard.batch_id
        await pilot.press("ctrl+q")
        dialog = await wait_for(pilot, lambda: isinstance(app.screen, LeaveDuringCallScreen) and app.screen)
        dialog.query_one("#leave-call-go", Button).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: not app.is_running, what="quit")
    sim.resume()  # quit while the server still held the call; now it may handle it: nothing is submitted
    entry = journal_entry(batch_id)
    assert entry.has_xml and not entry.done("xml") and entry.unsettled is None
    assert entry.latest("xml").outcome == "unconfirmed"
    assert sim_batches(sim)[batch_id]["submit_count"] == 0


async def test_ctrl_t_cancels_the_xml_upload_and_it_can_be_sent_again(sim, tmp_path):
    app = app_on(sim.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await start_xml_upload(pilot, app, sim, tmp_path)
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: not wizard.calls_in_flight(), what="cancelled")
        sim.resume()  # the held first upload may now reach the server; the second replaces it
        assert not wizard.done[2] and wizard.current == 2
        assert journal_entry(wizard.batch_id).latest("xml").outcome == "unconfirmed"
        await pilot.press("ctrl+g")  # sent again, on the same step
        await wait_for(pilot, lambda: wizard.done[2] and wizard.current == 3, timeout=20, what="second upload")
        assert journal_entry(wizard.batch_id).done("xml")


async def test_the_question_says_so_when_the_upload_finishes_behind_it(sim, tmp_path):
    """A new user's run: esc at 26% of a 400 MB upload, the upload finished five seconds later, and
    the dialog still said "is being uploaded"."""
    app = app_on(sim.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await start_pdf_upload(pilot, app, sim, tmp_path)
        await pilot.press("escape")
        dialog = await wait_for(pilot, lambda: isinstance(app.screen, LeaveDuringCallScreen) and app.screen,
                                what="the question")
        sim.resume()  # the server answers while the question is up
        await wait_for(pilot, lambda: "has finished" in str(dialog.query(Static).first().render()),
                       timeout=20, what="the question says the call finished")
        assert wizard.done[1] and str(dialog.query_one("#leave-call-go", Button).label) == "Leave"
        await pilot.press("tab", "enter")  # Leave
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), what="home")
        assert journal_entry(wizard.batch_id).done("pdf")


async def test_esc_with_a_list_not_uploaded_asks_before_dropping_it(sim, tmp_path):
    """A new user's imported, hand-fixed list of 30 went with one esc (to leave a text box)."""
    from tests.tui.test_wizard_flow import activate

    pdf, _ = make_batch_files(tmp_path)
    app = app_on(sim.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await open_with_pdf(pilot, app, pdf)
        for sel, text in (("#rcp-name", "Ada Lovelace"), ("#rcp-address1", "12 Analytical Way"),
                          ("#rcp-city", "Baltimore"), ("#rcp-state", "MD"), ("#rcp-postal_code", "21201")):
            await fill(pilot, sel, text)
        await activate(pilot, "#rcp-add")
        await wait_for(pilot, lambda: wizard.check is not None and wizard.check.valid, what="valid XML")
        wizard.query_one("#rcp-name").focus()

        await pilot.press("escape")
        dialog = await wait_for(pilot, lambda: isinstance(app.screen, LeaveDuringCallScreen) and app.screen,
                                what="the question")
        assert "its 1 recipient(s) are not uploaded" in str(dialog.query(Static).first().render())
        assert app.focused is dialog.query_one("#leave-call-stay", Button)  # staying is the default
        box = dialog.query_one("#leave-call-box").region  # a small dialog in the middle, not a wall
        assert box.height < dialog.region.height // 2 and box.x > 0 and box.y > 0, box
        await pilot.press("escape")  # stay
        await wait_for(pilot, lambda: app.screen is wizard, what="back in the wizard")
        assert len(wizard.query_one("#jobs-form").recipients) == 1

        await pilot.press("ctrl+g")  # uploaded: nothing is lost by leaving now
        await wait_for(pilot, lambda: wizard.done[2], what="xml upload")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), what="home, without a question")
