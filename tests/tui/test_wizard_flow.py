"""The batch wizard driven with Pilot against the simulator on a real loopback port, with a real PDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Button, Input, Static

from c2m_tui.tui.screens.confirm_submit import ConfirmSubmitScreen
from c2m_tui.tui.screens.wizard import WizardScreen
from c2m_tui.tui.widgets.stepper import Stepper
from tests.tui.shell_harness import app_on, notifications, wait_for


def sim_batch(sim, batch_id: str) -> dict:
    return next(b for b in sim.state()["batches"] if str(b["id"]) == str(batch_id))


async def fill(pilot, selector: str, text: str) -> None:
    field = pilot.app.screen.query_one(selector, Input)
    field.value = text


async def activate(pilot, selector: str) -> None:
    """Keyboard only: focus the widget and press enter (buttons may be scrolled out of view). A screen
    just pushed may not have composed its widgets yet (seen under load): wait for the widget first."""
    widget = await wait_for(pilot, lambda: (found := pilot.app.screen.query(selector)) and found.first(),
                            what=f"{selector} on the screen")
    widget.focus()
    await pilot.pause()
    await pilot.press("enter")


async def open_with_pdf(pilot, app, pdf: Path, *, upload: bool = True, timeout: float = 20) -> WizardScreen:
    """Open the wizard, create the batch and choose ``pdf`` by path (and upload it)."""
    app.push_screen(WizardScreen())
    wizard = await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen) and app.screen)
    await pilot.press("ctrl+g")
    await wait_for(pilot, lambda: wizard.done[0] and wizard.current == 1, timeout=timeout, what="create")
    await fill(pilot, "#pdf-path", str(pdf))
    wizard.query_one("#pdf-path", Input).focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: wizard.pdf, what="pdf facts")
    if upload:
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: wizard.done[1] and wizard.current == 2, timeout=timeout, what="pdf upload")
    return wizard


async def walk_to_review(pilot, app, sim, pdf: Path) -> WizardScreen:
    """Steps 1-3 by keyboard: create, the PDF by path, jobs built in the form; stops at review."""
    await pilot.press("n")
    wizard = await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen) and app.screen, what="wizard")
    stepper = wizard.query_one(Stepper)
    assert stepper.states == ("open", "locked", "locked", "locked")

    # 1. create: the id is shown, the next step opens
    await pilot.press("ctrl+g")
    await wait_for(pilot, lambda: wizard.done[0] and wizard.current == 1, what="create")
    assert wizard.current == 1
    assert f"Batch {wizard.batch_id} created" in str(wizard.query_one("#create-result", Static).render())
    assert sim_batch(sim, wizard.batch_id)["pdf_bytes"] == 0

    # 2. the PDF by path: pages and size shown, uploaded with the bytes intact
    wizard.query_one("#pdf-path", Input).focus()
    await fill(pilot, "#pdf-path", str(pdf))
    await pilot.press("enter")
    await wait_for(pilot, lambda: wizard.pdf, what="pdf facts")
    assert f"{pdf.name} · 2 page(s)" in str(wizard.query_one("#pdf-facts", Static).render())
    await pilot.press("ctrl+g")
    await wait_for(pilot, lambda: wizard.done[1] and wizard.current == 2, what="pdf upload")
    assert sim_batch(sim, wizard.batch_id)["pdf_bytes"] == pdf.stat().st_size
    assert wizard.current == 2

    # 3. build the jobs with the form: a return address and one typed-in recipient
    for sel, text in (("#ret-name", "Sender Co"), ("#ret-address1", "1 Main St"), ("#ret-city", "Oakton"),
                      ("#ret-state", "VA"), ("#ret-postal_code", "22124"),
                      ("#rcp-name", "Ada Lovelace"), ("#rcp-address1", "12 Analytical Way"),
                      ("#rcp-city", "Baltimore"), ("#rcp-state", "MD"), ("#rcp-postal_code", "21201")):
        await fill(pilot, sel, text)
    await activate(pilot, "#rcp-add")
    await wait_for(pilot, lambda: wizard.check is not None and wizard.check.valid, what="valid XML")
    assert wizard.check.counts == (1, 1, 2)
    assert "✓ valid" in str(wizard.query_one("#validation", Static).render())
    await pilot.press("ctrl+g")
    await wait_for(pilot, lambda: wizard.done[2] and wizard.current == 3, what="xml upload")
    assert sim_batch(sim, wizard.batch_id)["xml_bytes"] == len(wizard.check.xml)
    # the review records the hashes of what is about to be sent
    await wait_for(pilot, lambda: wizard.reviewed, what="review hashes")
    return wizard


async def test_wizard_builds_uploads_and_submits_a_batch(sim, pdf_factory):
    pdf = pdf_factory(2, "invoice.pdf")
    app = app_on(sim.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await walk_to_review(pilot, app, sim, pdf)

        # 4. review, confirm in a modal, submit once
        assert wizard.current == 3
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmSubmitScreen), what="confirmation")
        await activate(pilot, "#confirm-submit")
        await wait_for(pilot, lambda: wizard.done[3], what="submit")
        assert not wizard.query("#submit"), "the submit button is gone after submit"
        await pilot.press("ctrl+g")  # a second submit is refused without a call
        await wait_for(pilot, lambda: any("never submitted twice" in n for n in notifications(app)), what="refusal")
        state = sim_batch(sim, wizard.batch_id)
        assert state["submitted"] and state["submit_count"] == 1
        assert wizard.query_one(Stepper).states == ("done", "done", "done", "done")
        # back at step 3 after the submit: an upload is not attempted, and the steps stay done
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: wizard.current == 2, what="back to step 3")
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: any("nothing more is uploaded" in n for n in notifications(app)), what="refusal")
        assert wizard.query_one(Stepper).states == ("done", "done", "done", "done")

        # then the status board
        await activate(pilot, "#open-status")
        from c2m_tui.tui.screens.status import StatusScreen

        await wait_for(pilot, lambda: isinstance(app.screen, StatusScreen), what="status board")


async def test_a_pdf_changed_after_review_is_not_submitted(sim, pdf_factory):
    pdf = pdf_factory(2, "invoice.pdf")
    app = app_on(sim.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await walk_to_review(pilot, app, sim, pdf)
        with open(pdf, "ab") as fh:  # someone edits the file after it was reviewed
            fh.write(b"% changed\n")
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmSubmitScreen), what="confirmation")
        await activate(pilot, "#confirm-submit")
        await wait_for(pilot, lambda: any("changed" in n for n in notifications(app)), what="refusal")
        assert not wizard.done[3]
        state = sim_batch(sim, wizard.batch_id)
        assert state["submit_count"] == 0 and not state["submitted"]


async def test_a_list_changed_after_its_upload_is_uploaded_again_before_the_review(sim, pdf_factory):
    """A new user's run (80x24): the XML uploaded, back to step 3, a recipient changed; the review
    showed the new list and price, and Submit mailed the XML uploaded before. Now the change takes
    step 3's tick away: no review, no submit, until the new XML is uploaded; then what is submitted is
    what the review showed."""
    pdf = pdf_factory(2, "invoice.pdf")
    app = app_on(sim.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await walk_to_review(pilot, app, sim, pdf)
        first_upload = wizard.check.xml
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: wizard.current == 2, what="back to step 3")
        for sel, text in (("#rcp-name", "Grace Hopper"), ("#rcp-address1", "1 Navy Yard"), ("#rcp-city", "Arlington"),
                          ("#rcp-state", "VA"), ("#rcp-postal_code", "22202")):
            await fill(pilot, sel, text)
        await activate(pilot, "#rcp-add")
        await wait_for(pilot, lambda: not wizard.done[2], what="step 3 no longer done")
        await wait_for(pilot, lambda: any("upload it again" in n for n in notifications(app)), what="the notice")
        assert wizard.check.counts[1] == 2 and wizard.check.xml != first_upload
        assert wizard.query_one(Stepper).states[2] != "done"
        assert str(wizard.query_one("#xml-upload", Button).label) == "Upload the changes"
        assert sim_batch(sim, wizard.batch_id)["xml_bytes"] == len(first_upload)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: any("opens when step 3" in n for n in notifications(app)), what="refused")
        assert wizard.current == 2
        await pilot.press("ctrl+g")  # upload the changes
        await wait_for(pilot, lambda: wizard.done[2] and wizard.current == 3 and wizard.reviewed, what="the review")
        assert sim_batch(sim, wizard.batch_id)["xml_bytes"] == len(wizard.check.xml)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmSubmitScreen), what="confirmation")
        await activate(pilot, "#confirm-submit")
        await wait_for(pilot, lambda: wizard.done[3], what="submit")
        state = sim_batch(sim, wizard.batch_id)
        assert state["submitted"] and state["xml_bytes"] == len(wizard.check.xml)


async def test_another_pdf_chosen_after_the_upload_is_uploaded_before_going_on(sim, pdf_factory):
    """Back at step 2 after the upload, another PDF picked: it shows as not uploaded (no "Uploaded"
    under it), steps 2 and 3 lose their ticks, and the review opens only once it is uploaded."""
    pdf = pdf_factory(2, "invoice.pdf")
    other = pdf_factory(3, "other.pdf")
    app = app_on(sim.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await walk_to_review(pilot, app, sim, pdf)
        await pilot.press("ctrl+b", "ctrl+b")
        await wait_for(pilot, lambda: wizard.current == 1, what="back to step 2")
        wizard.query_one("#pdf-path", Input).focus()
        await fill(pilot, "#pdf-path", str(other))
        await pilot.press("enter")
        await wait_for(pilot, lambda: not wizard.done[1], what="step 2 no longer done")
        assert not wizard.done[2]
        assert "Uploaded" not in str(wizard.query_one("#pdf-rate", Static).render())
        assert str(wizard.query_one("#pdf-upload", Button).label) == "Upload PDF"
        assert wizard.query_one(Stepper).states[1:3] == ("open", "locked")
        assert sim_batch(sim, wizard.batch_id)["pdf_bytes"] == pdf.stat().st_size
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: wizard.done[1] and wizard.current == 2, what="the other PDF uploaded")
        assert sim_batch(sim, wizard.batch_id)["pdf_bytes"] == other.stat().st_size


async def test_quitting_on_the_review_says_how_to_finish_the_batch(sim, pdf_factory):
    """ctrl+q on the review (everything uploaded, not submitted) quit without a word: the terminal
    is told, once the app has closed, which batch is unfinished and how to finish it."""
    app = app_on(sim.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await walk_to_review(pilot, app, sim, pdf_factory(2, "invoice.pdf"))
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: app.exit_notes, what="the note")
    assert app.exit_notes == [f"c2m-tui: batch {wizard.batch_id} is not submitted; `c2m-tui resume "
                              f"{wizard.batch_id}` continues it (or the home screen's list)"]


async def test_steps_stay_locked_until_the_one_before_succeeds(sim):
    app = app_on(sim.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(WizardScreen())
        wizard = await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen) and app.screen)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: any("opens when step 1" in n for n in notifications(app)), what="the refusal")
        assert wizard.current == 0
        assert not wizard.query("#xml-upload"), "step 3 is not even built before step 2 succeeded"


async def test_failed_create_is_retried_without_starting_over(sim):
    import socket

    with socket.socket() as s:  # a port with nothing listening: connection refused
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/v1"
    app = app_on(dead)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(WizardScreen())
        wizard = await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen) and app.screen)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: not wizard.query_one("#create", Button).disabled, what="create failure")
        assert not wizard.done[0]
        assert wizard.query_one(Stepper).states[0] == "failed"
        assert "Not created" in str(wizard.query_one("#create-result", Static).render())
        # the notification is a message: it arrives after the button is enabled again
        await wait_for(pilot, lambda: any("create" in n.lower() for n in notifications(app)), what="the notice")
        # the server comes back (here: the session is pointed at the live one); retry on the same screen
        s = app.session
        s.switch(s.profile.with_base_url(sim.base_url), sim.base_url, s.credentials, "demo")
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: wizard.done[0] and wizard.current == 1, what="create on retry")
        assert app.screen is wizard and wizard.current == 1
        assert sim_batch(sim, wizard.batch_id)["submitted"] is False


async def test_validation_names_job_and_recipient_and_blocks_upload(sim, pdf_factory):
    pdf = pdf_factory(4)
    app = app_on(sim.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await open_with_pdf(pilot, app, pdf)
        for sel, text in (("#rcp-name", "Bad Zip"), ("#rcp-address1", "1 Nowhere"), ("#rcp-city", "Town"),
                          ("#rcp-state", "ZZ"), ("#rcp-postal_code", "12")):
            await fill(pilot, sel, text)
        await activate(pilot, "#rcp-add")
        panel = lambda: str(wizard.query_one("#validation", Static).render())  # noqa: E731
        await wait_for(pilot, lambda: "recipient 1" in panel(), what="problems named")
        assert "job 1, recipient 1" in panel()
        assert not wizard.check.valid
        assert wizard.query_one("#xml-upload", Button).disabled
        await pilot.press("ctrl+g")  # refused: nothing uploaded
        await pilot.pause(0.2)
        assert sim_batch(sim, wizard.batch_id)["xml_bytes"] == 0
        # fixing the row is a new edit; the panel follows (debounced) and upload opens
        await activate(pilot, "#rcp-remove")
        for sel, text in (("#rcp-name", "Good Zip"), ("#rcp-address1", "1 Somewhere"), ("#rcp-city", "Town"),
                          ("#rcp-state", "VA"), ("#rcp-postal_code", "22124")):
            await fill(pilot, sel, text)
        await activate(pilot, "#rcp-add")
        await wait_for(pilot, lambda: wizard.check is not None and wizard.check.valid, what="valid after fix")
        assert not wizard.query_one("#xml-upload", Button).disabled


async def test_pdf_upload_can_be_cancelled_and_sent_again(sim_factory, pdf_factory):
    slow = sim_factory("--latency-ms", "1000", "--queue-seconds", "0.2", "--job-seconds", "0.2")
    pdf = pdf_factory(3)
    app = app_on(slow.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await open_with_pdf(pilot, app, pdf, upload=False, timeout=15)
        # upload and cancel at once: the simulator's latency keeps the request in flight meanwhile
        await pilot.press("ctrl+g", "ctrl+t")
        await wait_for(pilot, lambda: "cancelled" in str(wizard.query_one("#pdf-rate", Static).render()),
                       what="cancel")
        assert not wizard.done[1] and wizard.current == 1
        await pilot.press("ctrl+g")  # sent again, on the same screen
        await wait_for(pilot, lambda: wizard.done[1] and wizard.current == 2, timeout=15, what="second upload")
        assert "Uploaded" in str(wizard.query_one("#pdf-rate", Static).render())


async def test_demo_samples_walk_the_wizard_through_the_file_tree(sim, tmp_path):
    from c2m_tui.tui.demo import write_samples

    app = app_on(sim.base_url)
    app.session.samples = write_samples(tmp_path / "demo")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        wizard = await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen) and app.screen)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: wizard.done[0] and wizard.current == 1)
        tree = wizard.query_one("#pdf-tree")
        await wait_for(pilot, lambda: wizard.query_one("#pdf-path").has_focus, what="the path box first")
        await pilot.press("shift+tab")  # the tree is just before it
        await wait_for(pilot, lambda: tree.has_focus and tree.root.children, what="tree loaded")
        await pilot.press("down", "enter")  # keyboard only: the sample PDF
        await wait_for(pilot, lambda: wizard.pdf, what="pdf from tree")
        assert Path(wizard.pdf.path).name == "sample-letters.pdf"
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: wizard.done[1] and wizard.current == 2)
        await pilot.press("enter")  # the sample XML path is filled in: load it
        await wait_for(pilot, lambda: wizard.check is not None and wizard.check.valid, what="sample xml")
        assert wizard.check.counts == (3, 3, 6)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: wizard.done[2] and wizard.current == 3)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmSubmitScreen))
        await pilot.press("escape")  # cancelled: nothing submitted
        await pilot.pause(0.1)
        assert not wizard.done[3]
        assert sim_batch(sim, wizard.batch_id)["submit_count"] == 0


async def test_the_demo_sample_xml_is_offered_with_the_sample_pdf_only(sim, pdf_factory, tmp_path):
    from c2m_tui.tui.demo import write_samples

    app = app_on(sim.base_url)
    app.session.samples = write_samples(tmp_path / "demo")
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await walk_to_review(pilot, app, sim, pdf_factory(2, "own.pdf"))  # the person's own PDF
        assert wizard.query_one("#xml-path", Input).value == ""


async def test_recipients_imported_from_a_contacts_csv(sim, pdf_factory, tmp_path):
    csv = tmp_path / "people.csv"
    csv.write_text(
        "Name,Street,City,State,ZIP\n"
        "Ada Lovelace,12 Analytical Way,Baltimore,MD,21201\n"
        "Grace Hopper,400 Compiler Ct,Arlington,VA,22201\n"
        ",,,,\n",
        encoding="utf-8",
    )
    pdf = pdf_factory(4)
    app = app_on(sim.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await open_with_pdf(pilot, app, pdf)
        await fill(pilot, "#csv-path", str(csv))
        wizard.query_one("#csv-path", Input).focus()
        await pilot.press("enter")
        note = lambda: str(wizard.query_one("#csv-note", Static).render())  # noqa: E731
        await wait_for(pilot, lambda: "people.csv: 2 row(s) read, 2 will be mailed, 0 skipped" in note(),
                       what="import")
        # 4 pages = 2 rows x 2: the mail merge that fits is proposed, and says why (issue 11)
        await wait_for(pilot, lambda: wizard.check is not None and wizard.check.valid
                       and wizard.check.counts == (2, 2, 4), what="one job per recipient")
        assert [a.name for a in wizard.query_one("#jobs-form").recipients] == ["Ada Lovelace", "Grace Hopper"]
        assert wizard.query_one("#page-spec", Input).value == "2"
        assert "2 rows x 2" in str(wizard.query_one("#page-hint", Static).render())
        # the same 4 pages to both instead
        from textual.widgets import Select

        wizard.query_one("#page-mode", Select).value = "same"
        await wait_for(pilot, lambda: wizard.check.counts == (1, 2, 8), what="the same pages to both")


async def test_path_input_completes_from_the_folder_listing(tmp_path, pdf_factory, monkeypatch):
    from c2m_tui.core.journal.views import ResumePoint

    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a pdf")
    (folder / "letters-march.pdf").write_bytes(pdf_factory(1).read_bytes())
    monkeypatch.chdir(tmp_path)
    app = app_on("http://127.0.0.1:9/v1")  # nothing is sent in this test
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(WizardScreen(resume=ResumePoint("100001", next_step="pdf")))
        wizard = await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen) and app.screen.current == 1
                                and app.screen)
        field = wizard.query_one("#pdf-path", Input)
        field.focus()
        await pilot.press("m", "a")
        await wait_for(pilot, lambda: field._suggestion == "mail/", what="folder completion")
        await pilot.press("right")  # accept
        await pilot.press("l", "e")
        await wait_for(pilot, lambda: field._suggestion == "mail/letters-march.pdf", what="pdf completion")
        await pilot.press("right", "enter")
        await wait_for(pilot, lambda: wizard.pdf, what="pdf facts")
        assert field.value == "mail/letters-march.pdf" and wizard.pdf.pages == 1
        field.value = "mail/no"  # only folders and PDFs are offered
        await pilot.pause(0.2)
        assert not field._suggestion


async def test_journal_refuses_a_second_submit_even_past_the_screen(sim):
    from c2m_tui.tui.demo import write_samples

    app = app_on(sim.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        import tempfile
        from pathlib import Path as _P

        app.session.samples = write_samples(_P(tempfile.mkdtemp()) / "demo")
        app.push_screen(WizardScreen())
        wizard = await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen) and app.screen)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: wizard.current == 1)
        wizard.query_one("#pdf-path", Input).value = str(app.session.samples["pdf"])
        wizard.query_one("#pdf-path", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: wizard.pdf)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: wizard.current == 2)
        await pilot.press("enter")
        await wait_for(pilot, lambda: wizard.check is not None and wizard.check.valid)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: wizard.current == 3)
        wizard.submit()  # straight to the worker, as if the screen had a bug
        await wait_for(pilot, lambda: wizard.done[3], what="first submit")
        wizard.done[3] = False
        wizard.submit()  # the screen's own guard is gone; the journal's is not
        await wait_for(pilot, lambda: any("already submitted" in n for n in notifications(app)), what="refusal")
        assert sim_batch(sim, wizard.batch_id)["submit_count"] == 1


async def test_bad_files_are_named_not_crashes(tmp_path, monkeypatch):
    from c2m_tui.core.journal.views import ResumePoint

    not_pdf = tmp_path / "scan.pdf"
    not_pdf.write_text("this is not a PDF")
    bad_xml = tmp_path / "batch.xml"
    bad_xml.write_text("<batch><job>\n<oops>\n</batch>")
    app = app_on("http://127.0.0.1:9/v1")  # nothing is sent in this test
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(WizardScreen(resume=ResumePoint("100001", next_step="xml")))
        wizard = await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen) and app.screen.current == 2
                                and app.screen)
        await fill(pilot, "#xml-path", str(bad_xml))
        wizard.query_one("#xml-path", Input).focus()
        await pilot.press("enter")
        note = lambda: str(wizard.query_one("#xml-loaded-note", Static).render())  # noqa: E731
        await wait_for(pilot, lambda: "batch.xml" in note() and "line" in note(), what="xml problem named")
        await fill(pilot, "#csv-path", str(tmp_path / "missing.csv"))
        wizard.query_one("#csv-path", Input).focus()
        await pilot.press("enter")
        csv_note = lambda: str(wizard.query_one("#csv-note", Static).render())  # noqa: E731
        await wait_for(pilot, lambda: "missing.csv" in csv_note(), what="csv problem named")
        await pilot.press("ctrl+b")  # back to the PDF step, which is open: pick a file that is no PDF
        await wait_for(pilot, lambda: wizard.current == 1)
        await fill(pilot, "#pdf-path", str(not_pdf))
        wizard.query_one("#pdf-path", Input).focus()
        await pilot.press("enter")
        facts = lambda: str(wizard.query_one("#pdf-facts", Static).render())  # noqa: E731
        await wait_for(pilot, lambda: "scan.pdf" in facts(), what="pdf problem named")
        assert wizard.query_one("#pdf-upload", Button).disabled and app.is_running


def record_dialogs(app) -> list[str]:
    """The names of the screens pushed from now on (the app's own push_screen, observed)."""
    pushed: list[str] = []
    push = app.push_screen

    def observed(screen, *args, **kw):
        pushed.append(type(screen).__name__)
        return push(screen, *args, **kw)

    app.push_screen = observed
    return pushed


async def test_the_same_content_twice_is_one_confirmation_that_says_so(sim, pdf_factory):
    """The review found the same letters sent before: the one confirmation carries the warning and
    its Submit sends them again; no second look-alike dialog follows."""
    pdf = pdf_factory(2, "invoice.pdf")
    app = app_on(sim.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        first = await walk_to_review(pilot, app, sim, pdf)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmSubmitScreen), what="confirmation")
        await activate(pilot, "#confirm-submit")
        await wait_for(pilot, lambda: first.done[3], what="first submit")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, WizardScreen), what="home")

        second = await walk_to_review(pilot, app, sim, pdf)  # the very same letters again
        await wait_for(pilot, lambda: second.duplicate, what="the duplicate found by the review")
        pushed = record_dialogs(app)
        await pilot.press("ctrl+g")
        dialog = await wait_for(pilot, lambda: isinstance(app.screen, ConfirmSubmitScreen) and app.screen,
                                what="the confirmation")
        assert dialog.again and f"batch {first.batch_id}" in dialog.warning
        assert str(dialog.query_one("#confirm-submit").label) == "Submit again"
        await activate(pilot, "#confirm-cancel")  # no: nothing is sent
        await wait_for(pilot, lambda: app.screen is second, what="back on the review")
        assert not second.done[3] and sim_batch(sim, second.batch_id)["submit_count"] == 0

        await pilot.press("ctrl+g")  # yes, on purpose: one confirmation that says what it does
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmSubmitScreen), what="confirmation")
        await activate(pilot, "#confirm-submit")
        await wait_for(pilot, lambda: second.done[3], what="second submit")
        assert pushed == ["ConfirmSubmitScreen", "ConfirmSubmitScreen"]  # one per Submit, never a second look-alike
        assert sim_batch(sim, second.batch_id)["submit_count"] == 1
        assert sim_batch(sim, first.batch_id)["submit_count"] == 1


async def test_a_duplicate_found_only_at_submit_gets_its_own_dialog(sim, pdf_factory, tmp_path):
    """The same letters sent from the command line after the review looked: the core's guard stops
    the submit, and the dialog that asks is not the confirmation again: its own title, Cancel first."""
    import asyncio

    from c2m_tui.tui.screens.send_again import SendAgainScreen
    from tests.e2e.helpers import run_cli

    pdf = pdf_factory(2, "invoice.pdf")
    app = app_on(sim.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        wizard = await walk_to_review(pilot, app, sim, pdf)
        assert wizard.duplicate is None
        xml = tmp_path / "same.xml"
        xml.write_bytes(wizard.check.xml)
        sent = await asyncio.to_thread(run_cli, "send", "--pdf", str(pdf), "--xml", str(xml), "--yes", sim=sim)
        assert sent.code == 0, sent.err
        pushed = record_dialogs(app)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmSubmitScreen), what="confirmation")
        await activate(pilot, "#confirm-submit")
        dialog = await wait_for(pilot, lambda: isinstance(app.screen, SendAgainScreen) and app.screen,
                                what="the late duplicate")
        assert f"batch {sent.last_line}" in dialog.found
        assert dialog.focused is dialog.query_one("#send-again-cancel")
        assert "Stopped: these letters were already sent" in str(dialog.query_one("#send-again-title").render())
        assert sim_batch(sim, wizard.batch_id)["submit_count"] == 0
        await pilot.press("enter")  # the focused button: do not send
        await wait_for(pilot, lambda: app.screen is wizard, what="back on the review")
        assert sim_batch(sim, wizard.batch_id)["submit_count"] == 0 and not wizard.done[3]
        assert pushed == ["ConfirmSubmitScreen", "SendAgainScreen"]


async def test_after_the_submit_at_80x24_the_next_step_is_in_sight(sim, pdf_factory):
    """A new user at 80x24 saw only the page preview and a toast after Submit: the 'submitted' line
    and the status board's button (focused) were scrolled out of sight above it."""
    from c2m_tui.tui.screens.status import StatusScreen
    from c2m_tui.tui.widgets.review_step import ReviewStep

    app = app_on(sim.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await walk_to_review(pilot, app, sim, pdf_factory(2, "invoice.pdf"))
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmSubmitScreen), what="confirmation")
        await activate(pilot, "#confirm-submit")
        await wait_for(pilot, lambda: wizard.done[3], what="submit")
        review = wizard.query_one(ReviewStep)
        board = wizard.query_one("#open-status", Button)
        result = wizard.query_one("#review-result", Static)

        def in_sight(widget) -> bool:
            return review.scrollable_content_region.contains_region(widget.region)

        await wait_for(pilot, lambda: in_sight(board) and in_sight(result), what="the result and the board's button")
        assert board.has_focus and "submitted" in str(result.render())
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, StatusScreen), what="status board")
