"""Issue 12: "Check addresses with Click2Mail" in the wizard's recipients step, against the
simulator's /molpro/addressCorrection on loopback: 250 recipients in three calls, the counts, the
careful defaults (no correction used until accepted, the non-mailable marked to be excluded), per
group and per row choices, the list replaced with the rows keeping their pages, esc changing
nothing, and a server that is down, answers HTML or a 524 as one line with the list unchanged."""

from __future__ import annotations

import httpx
import pytest
from textual.widgets import Button, DataTable, Static

from c2m_tui.core.models import Address
from c2m_tui.tui.screens.address_check import AddressCheckScreen
from c2m_tui.tui.widgets.jobs_form import JobsForm
from c2m_tui.tui.widgets.recipient_table import RecipientTable
from tests.tui.shell_harness import app_on, wait_for
from tests.tui.test_address_screens import focus_on, open_wizard_at_recipients


def people(n: int = 250) -> list[Address]:
    """Lower-case streets and cities (Click2Mail standardises them); #11 abroad; #21 impossible."""
    out = [Address(name=f"Person {i}", address1=f"{i} elm avenue", city="boston", state="MA", postal_code="02134")
           for i in range(1, n + 1)]
    if n >= 21:
        out[10] = Address(name="Person 11", address1="5 Rue de Rivoli", city="Paris", postal_code="75001",
                          country="France")
        out[20] = Address(name="Person 21", address1="", city="boston", state="MA", postal_code="12")
    return out


def realistic_list() -> list[Address]:
    """A list as people have them: a suite spelled out, a lower-case street, a typo'd city, a state
    spelled out, one abroad, one impossible, one already standard (the snapshot and screenshot use it)."""
    return [
        Address(name="Jane Doe", organization="Acme Corp", address1="1 Main Street", address2="Suite 400",
                city="Boston", state="MA", postal_code="02134"),
        Address(name="Li Wei", address1="20 church st", city="hartford", state="CT", postal_code="06103"),
        Address(name="Tom Okafor", address1="88 Harbor Blvd.", city="San Fransisco", state="CA", postal_code="94111"),
        Address(name="Hans Müller", organization="Müller GmbH", address1="Unter den Linden 5", city="Berlin",
                postal_code="10117", country="Germany"),
        Address(name="Sam Stone", address1="9 Rock Ave", city="Nowhere", state="ZZ", postal_code="12345"),
        Address(name="Maria Garcia", address1="77 PINE RD", city="AUSTIN", state="TX", postal_code="78701-2625"),
        Address(name="Priya Natarajan", address1="12 maple street", city="cambridge", state="Massachusetts",
                postal_code="02139"),
    ]


def calls(sim) -> int:
    return sim.state().get("molpro_calls", {}).get("addressCorrection", 0)


def text(widget) -> str:
    return str(widget.render())


async def open_check(pilot, rows: list[Address]) -> tuple[JobsForm, AddressCheckScreen]:
    wizard = await open_wizard_at_recipients(pilot)
    form = wizard.query_one(JobsForm)
    form.set_recipients(rows)
    await focus_on(pilot, form.query_one("#rcp-table", RecipientTable))
    await pilot.press("f6")
    screen = await wait_for(pilot, lambda: isinstance(pilot.app.screen, AddressCheckScreen) and pilot.app.screen,
                            what="the address check screen")
    return form, screen


async def checked(pilot, screen: AddressCheckScreen) -> AddressCheckScreen:
    await wait_for(pilot, lambda: screen.result is not None or screen.error is not None, what="the answers")
    return screen


async def test_250_recipients_in_three_calls_then_accept_and_exclude(sim):
    rows = people()
    before = calls(sim)
    app = app_on(sim.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        form, screen = await open_check(pilot, rows)
        await checked(pilot, screen)
        assert screen.error is None, screen.error
        assert calls(sim) - before == 3 and screen.answered == [100, 200, 250]
        summary = text(screen.query_one("#check-summary", Static))
        assert "250 checked in 3 call(s): 248 standard · 1 international · 1 not mailable" in summary
        groups = screen.query_one("#check-groups", DataTable)
        assert [str(k.value) for k in groups.rows] == ["corrected", "international", "nonMailable"]
        # the careful defaults: nothing corrected yet, the impossible one marked to be excluded
        assert groups.get_row("corrected")[1:] == ["248", "keep as given (corrections not accepted)"]
        assert groups.get_row("nonMailable")[2] == "exclude"
        assert "Apply will: use 0 correction(s) · exclude 1 · keep 249 as given" in \
            text(screen.query_one("#check-plan", Static))
        detail = screen.query_one("#check-detail").plain
        assert "1 elm avenue, boston, MA 02134" in detail and "1 ELM AVE, BOSTON, MA 02134-" in detail

        await pilot.press("a")  # the highlighted group (corrected): use every correction
        await wait_for(pilot, lambda: groups.get_row("corrected")[2] == "use correction", what="accepted")
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: not isinstance(app.screen, AddressCheckScreen), what="applied")

        assert len(form.recipients) == 249 and "Person 21" not in [a.name for a in form.recipients]
        first = form.recipients[0]
        assert (first.address1, first.city, first.state) == ("1 ELM AVE", "BOSTON", "MA")
        assert first.postal_code.startswith("02134-") and first.name == "Person 1"
        assert form.recipients[10].country == "France" and form.recipients[10].address1 == "5 Rue de Rivoli"
        note = text(form.query_one("#rcp-check-note", Static))
        assert "250 checked · 249 kept (248 corrected) · 1 excluded" in note
        assert "excluded, not mailable: #21 Person 21 (no street line; ZIP '12' is not 5 or 9 digits)" in note
        # a mail merge keeps everyone's pages: #22 still gets row 22's pages, #21's are not mailed
        merge = form._merge_positions()
        assert merge["list_rows"] == 250 and merge["positions"][19:21] == [19, 21]


async def test_per_row_choices_and_keeping_the_impossible_one(sim):
    rows = people(30)
    app = app_on(sim.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        form, screen = await open_check(pilot, rows)
        await checked(pilot, screen)
        table = screen.query_one("#check-rows", DataTable)
        await focus_on(pilot, table)
        await pilot.press("down", "a")  # #2 only: use its correction
        await wait_for(pilot, lambda: table.get_row("1")[3] == "use correction", what="row 2 accepted")
        assert table.get_row("0")[3] == "keep as given"
        groups = screen.query_one("#check-groups", DataTable)
        assert groups.get_row("corrected")[2] == "mixed: 1 use correction, 27 keep as given"
        await focus_on(pilot, groups)
        await pilot.press("down", "down")  # not mailable: keep it after all
        await wait_for(pilot, lambda: table.border_title.startswith("not mailable"), what="its rows")
        await pilot.press("a")
        await wait_for(pilot, lambda: groups.get_row("nonMailable")[2] == "keep as given", what="kept")
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: not isinstance(app.screen, AddressCheckScreen), what="applied")
        assert len(form.recipients) == 30
        assert form.recipients[1].address1 == "2 ELM AVE" and form.recipients[0].address1 == "1 elm avenue"
        assert form.recipients[20] is rows[20]  # kept as given: the same recipient
        assert "30 kept (1 corrected) · 0 excluded" in text(form.query_one("#rcp-check-note", Static))


async def test_esc_changes_nothing(sim):
    rows = people(30)
    app = app_on(sim.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        form, screen = await open_check(pilot, rows)
        await checked(pilot, screen)
        await pilot.press("a")  # a choice made, then left
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, AddressCheckScreen), what="back")
        assert form.recipients == rows and all(a is b for a, b in zip(form.recipients, rows))
        assert "not applied; the list is unchanged" in text(form.query_one("#rcp-check-note", Static))


def _arm(sim, body: str, status: int, content_type: str, count: int) -> None:
    httpx.post(f"{sim.root}/__sim__/molpro", json={"path": "addressCorrection", "body": body, "status": status,
                                                   "contentType": content_type, "count": count}).raise_for_status()


@pytest.mark.parametrize("status,body,ctype,words", [
    (200, "<!DOCTYPE html><html><body>Sign in</body></html>", "text/html", "is an HTML page"),
    (200, "<addresses><address><zip>1</zip></address></addresses>", "application/xml", "has 1 address(es) for the 5"),
    (524, "<html>A timeout occurred</html>", "text/html", "timed out upstream (HTTP 524)"),
])
async def test_a_bad_answer_is_one_line_and_the_list_unchanged(sim, status, body, ctype, words):
    _arm(sim, body, status, ctype, count=10)  # more than the client's retries
    rows = people(5)
    app = app_on(sim.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        form, screen = await open_check(pilot, rows)
        await checked(pilot, screen)
        summary = text(screen.query_one("#check-summary", Static))
        assert summary.startswith("Address check failed: ") and words in summary and "\n" not in summary
        assert screen.query_one("#check-apply", Button).disabled
        await pilot.press("ctrl+o")  # nothing to apply
        assert isinstance(app.screen, AddressCheckScreen)
        httpx.delete(f"{sim.root}/__sim__/molpro").raise_for_status()
        await pilot.press("r")  # the server is fine again: check again
        await wait_for(pilot, lambda: screen.result is not None, what="the second check")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, AddressCheckScreen), what="back")
        assert all(a is b for a, b in zip(form.recipients, rows)) and len(form.recipients) == 5


async def test_server_down_is_one_line():
    app = app_on("http://127.0.0.1:9/v1")  # nothing listens there
    async with app.run_test(size=(80, 24)) as pilot:
        rows = people(3)
        form, screen = await open_check(pilot, rows)
        await checked(pilot, screen)
        summary = text(screen.query_one("#check-summary", Static))
        assert summary.startswith("Address check failed: cannot reach 127.0.0.1:9") and "\n" not in summary
        assert "The list is unchanged" in text(screen.query_one("#check-plan", Static))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, AddressCheckScreen), what="back")
        assert all(a is b for a, b in zip(form.recipients, rows))


async def test_a_typed_list_keeps_each_ones_pages(sim):
    """One page range per recipient: the excluded one's range goes with it; then a mail merge of a
    typed list keeps everybody on their own pages (the list's order at the check)."""
    from textual.widgets import Input, Select

    rows = [Address(name="Ann", address1="1 oak st", city="reno", state="NV", postal_code="89501"),
            Address(name="Nobody", address1="", city="", state="ZZ", postal_code="1"),
            Address(name="Cy", address1="3 elm st", city="reno", state="NV", postal_code="89501")]
    app = app_on(sim.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard_at_recipients(pilot)
        form = wizard.query_one(JobsForm)
        form.set_pdf("letters.pdf", 6)
        form.set_recipients(rows)
        form.query_one("#page-mode", Select).value = "ranges"
        await pilot.pause()
        form.query_one("#page-spec", Input).value = "1-2, 3-4, 5-6"
        await focus_on(pilot, form.query_one("#rcp-check", Button))
        await pilot.press("enter")
        screen = await wait_for(pilot, lambda: isinstance(app.screen, AddressCheckScreen) and app.screen)
        await checked(pilot, screen)
        await pilot.press("ctrl+o")  # the defaults: Nobody excluded, nothing corrected
        await wait_for(pilot, lambda: not isinstance(app.screen, AddressCheckScreen), what="applied")
        assert [a.name for a in form.recipients] == ["Ann", "Cy"] and form.recipients[0] is rows[0]
        assert form.query_one("#page-spec", Input).value == "1-2, 5-6"
        assert form.form().page_plan() == [(1, 2), (5, 6)]
        form.query_one("#page-mode", Select).value = "each"
        await pilot.pause()
        form.query_one("#page-spec", Input).value = "2"
        assert form.form().page_plan() == [(1, 2), (5, 6)]  # Cy keeps pages 5-6, not Nobody's 3-4
        assert "#2 Nobody (no street line; no city; ZZ is not a US state; ZIP '1' is not 5 or 9 digits)" in \
            text(form.query_one("#rcp-check-note", Static))


async def test_esc_stops_a_check_in_flight():
    """A server that takes the request and never answers: esc leaves at once, the call is
    cancelled with the screen, and the list is unchanged."""
    import asyncio

    from textual.worker import WorkerState

    asked = asyncio.Event()
    open_writers = []

    async def never_answer(reader, writer):
        open_writers.append(writer)
        await reader.readline()  # the request line: the call is in flight
        asked.set()

    server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        app = app_on(f"http://127.0.0.1:{port}/v1")
        async with app.run_test(size=(80, 24)) as pilot:
            rows = people(3)
            form, screen = await open_check(pilot, rows)
            await wait_for(pilot, asked.is_set, what="the request on the wire")
            assert "checked 0 of 3" in text(screen.query_one("#check-summary", Static))
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, AddressCheckScreen), what="back")
            await wait_for(pilot, lambda: screen.worker.state == WorkerState.CANCELLED, what="the call cancelled")
            assert all(a is b for a, b in zip(form.recipients, rows)) and len(form.recipients) == 3
            assert "not applied; the list is unchanged" in text(form.query_one("#rcp-check-note", Static))
    finally:
        server.close()
        for writer in open_writers:
            writer.close()


async def test_a_big_group_lists_500_rows_and_its_choice_covers_the_rest(sim):
    rows = people(700)  # 698 corrected: a DataTable of every one would freeze the screen at 100,000
    app = app_on(sim.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        form, screen = await open_check(pilot, rows)
        await checked(pilot, screen)
        table = screen.query_one("#check-rows", DataTable)
        assert table.row_count == 501 and "and 198 more (the group's choice)" in \
            [str(c) for c in table.get_row("more")]
        await focus_on(pilot, table)
        table.move_cursor(row=500)
        await pilot.pause()
        await pilot.press("a")  # on the "… more" row: nothing to change, nothing breaks
        assert screen.highlighted_row() is None and table.get_row("499")[3] == "keep as given"
        groups = screen.query_one("#check-groups", DataTable)
        await focus_on(pilot, groups)
        await pilot.press("a")  # the group: every correction used, listed or not
        await wait_for(pilot, lambda: groups.get_row("corrected")[2] == "use correction", what="accepted")
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: not isinstance(app.screen, AddressCheckScreen), what="applied")
        assert form.recipients[-1].address1 == "700 ELM AVE"
