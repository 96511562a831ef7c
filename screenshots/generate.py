"""Regenerate the SVG screenshots of every screen, from the demo, at a fixed size.

    uv run python screenshots/generate.py [--out DIR] [--only NAME ...]

The demo simulator runs embedded with a fixed seed (so batch ids and barcodes repeat), the app
home is a fixed scratch folder (so paths repeat), answers pass through FrozenTimesClient and the
batch screens get a frozen clock (so times repeat). Running it twice gives the same files.
Exit status 1 when any screen could not be captured (the tests run it, so it cannot rot).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Awaitable, Callable

HERE = Path(__file__).resolve().parent
SIZE = (100, 30)
SEED = 7
SHOWN_BASE_URL = "http://127.0.0.1:8025/v1"  # the demo's usual address, instead of the random port
SCRATCH_HOME = Path(tempfile.gettempdir()) / "c2m-tui-screenshots-home"


class Shots:
    """Captures by name; a failed capture is recorded and the rest go on."""

    def __init__(self, out: Path, only: set[str] | None) -> None:
        self.out = out
        self.only = only
        self.written: list[str] = []
        self.failed: list[tuple[str, str]] = []

    def wanted(self, name: str) -> bool:
        return not self.only or name in self.only

    def save(self, app, name: str) -> None:
        from c2m_tui.tui.capture import export_svg

        if not self.wanted(name):
            return
        app.clear_notifications()  # toasts come and go with timing: not part of the picture
        app.screen._compositor  # noqa: B018 - the screen must be composed
        svg = export_svg(app, title=f"c2m-tui · {name}")
        (self.out / f"{name}.svg").write_text(svg, encoding="utf-8", newline="\n")
        self.written.append(name)

    async def step(self, name: str, action: Callable[[], Awaitable[None]]) -> bool:
        try:
            await action()
            return True
        except Exception as err:  # noqa: BLE001 - report and continue with the other screens
            self.failed.append((name, f"{type(err).__name__}: {err}"))
            traceback.print_exc(file=sys.stderr)
            return False


async def until(pilot, check: Callable[[], object], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await pilot.pause(0.05)
    from textual.widgets import Input

    for field in pilot.app.screen.query(Input):  # a blinking cursor is on or off by chance
        field.cursor_blink = False
    await pilot.pause()
    await pilot.pause()


def make_session(base_url: str):
    """A demo session on our simulator; the banner shows the usual demo address (the REST calls, the
    review's estimate, go to the simulator's own /molpro, as a profile's rest_url sends them)."""
    from dataclasses import replace

    from c2m_tui.config.credentials import Credentials
    from c2m_tui.config.paths import data_dir
    from c2m_tui.config.profiles import get_profile
    from c2m_tui.tui.demo import DEMO_PASSWORD, DEMO_USER, write_samples
    from c2m_tui.tui.session import Session

    profile = replace(get_profile("demo"), rest_url=base_url[: -len("/v1")] + "/molpro")
    session = Session(profile, SHOWN_BASE_URL, Credentials(DEMO_USER, DEMO_PASSWORD, "demo"), "demo", demo=True)
    session.samples = write_samples(data_dir() / "demo")
    session.real_base_url = base_url
    return session


def install_client(session) -> None:
    """The real address for requests, frozen times in answers. Set in the session's client slot
    before each app run, because an app closes the session's client when it exits."""
    from c2m_tui.core.client import BatchClient
    from c2m_tui.tui.capture import FrozenTimesClient

    if session._client is None:
        session._client = FrozenTimesClient(BatchClient(session.real_base_url, "demo", "demo"))


async def shell_screens(shots: Shots, session) -> str | None:
    """Home, help, login and the wizard (the tui-shell's screens); returns the submitted batch id."""
    from c2m_tui.tui.app import C2MApp

    install_client(session)
    app = C2MApp(session, theme="c2m-dark")
    batch_id: str | None = None
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "HomeScreen", "the home screen")
        shots.save(app, "home")

        async def help_screen() -> None:
            await pilot.press("f1")
            await until(pilot, lambda: type(app.screen).__name__ == "HelpScreen", "the help screen")
            shots.save(app, "help")
            await pilot.press("escape")
            await until(pilot, lambda: type(app.screen).__name__ == "HomeScreen", "home again")

        async def login_screen() -> None:
            app.action_login()
            await until(pilot, lambda: type(app.screen).__name__ == "LoginScreen", "the login screen")
            shots.save(app, "login")
            await pilot.press("escape")
            await until(pilot, lambda: type(app.screen).__name__ == "HomeScreen", "home again")

        await shots.step("help", help_screen)
        await shots.step("login", login_screen)

        async def wizard() -> None:
            nonlocal batch_id
            await pilot.press("n")
            await until(pilot, lambda: type(app.screen).__name__ == "WizardScreen", "the wizard")
            wiz = app.screen
            shots.save(app, "wizard-1-create")
            wiz.action_do_step()
            await until(pilot, lambda: wiz.done[0], "the batch to be created")
            batch_id = wiz.batch_id
            await wiz.action_next_step()
            await until(pilot, lambda: wiz.query("#step-pdf"), "the PDF step")
            pdf_step = wiz.query_one("#step-pdf")
            pdf_step.query_one("#pdf-path").value = str(session.samples["pdf"])
            pdf_step.inspect(session.samples["pdf"])
            await until(pilot, lambda: pdf_step.info is not None, "the PDF facts")
            shots.save(app, "wizard-2-pdf")
            wiz.action_do_step()
            await until(pilot, lambda: wiz.done[1], "the PDF upload")
            await wiz.action_next_step()
            await until(pilot, lambda: wiz.query("#step-jobs"), "the jobs step")
            jobs_step = wiz.query_one("#step-jobs")
            jobs_step.query_one("#xml-path").value = str(session.samples["xml"])
            jobs_step.load_xml(session.samples["xml"])
            await until(pilot, lambda: wiz.check is not None and wiz.check.valid, "the XML check")
            shots.save(app, "wizard-3-jobs")
            wiz.action_do_step()
            await until(pilot, lambda: wiz.done[2], "the XML upload")
            await wiz.action_next_step()
            await until(pilot, lambda: wiz.current == 3, "the review step")
            preview = wiz.query_one("#review-preview")
            await until(pilot, lambda: preview.shown >= 1, "the review's page preview")
            await until(pilot, lambda: wiz.quote is not None and wiz.reviewed is not None, "the estimate")
            await pilot.pause()
            # the estimate and Submit, with the page preview's heading below them
            wiz.query_one("#step-review").scroll_to_widget(preview.query_one("#pp-head"), animate=False)
            await pilot.pause()
            shots.save(app, "wizard-4-review")
            wiz.action_do_step()
            await until(pilot, lambda: type(app.screen).__name__ == "ConfirmSubmitScreen", "the confirmation")
            shots.save(app, "wizard-5-confirm")
            app.screen.dismiss(True)
            await until(pilot, lambda: wiz.done[3], "the submit")
            shots.save(app, "wizard-6-submitted")

        await shots.step("wizard", wizard)

        async def estimate() -> None:
            """The review of a batch in two price groups with pieces abroad: the estimate per group."""
            from c2m_tui.core.journal.views import ResumePoint
            from c2m_tui.tui.screens.wizard import WizardScreen

            pdf, xml = two_group_files()
            client = session.client
            deadline = time.monotonic() + 30
            while batch_id is not None and not (await client.status(batch_id)).received:
                if time.monotonic() > deadline:  # charged on receipt: the balance shown must not depend on timing
                    raise TimeoutError(f"batch {batch_id} was not received in time")
                await asyncio.sleep(0.05)
            created = await client.create_batch()
            await client.upload_pdf(created.id, pdf)
            await client.upload_xml(created.id, xml)
            while type(app.screen).__name__ != "HomeScreen":
                app.pop_screen()
                await pilot.pause()
            wiz = WizardScreen(resume=ResumePoint(created.id, next_step="submit", pdf=pdf, xml=xml))
            app.push_screen(wiz)
            await until(pilot, lambda: app.screen is wiz and wiz.quote is not None, "the estimate")
            await until(pilot, lambda: wiz.query_one("#review-preview").shown >= 1, "the review's page preview")
            wiz.query_one("#submit").scroll_visible(animate=False)
            await pilot.pause()
            shots.save(app, "wizard-4-review-estimate")

        if shots.wanted("wizard-4-review-estimate"):
            await shots.step("wizard-4-review-estimate", estimate)
    return batch_id


def two_group_files() -> tuple[Path, bytes]:
    """The demo's letters in two price groups (black and white First Class; colour Standard), with
    pieces to Canada and the United Kingdom."""
    from c2m_tui.config.paths import data_dir
    from c2m_tui.core.batchxml import batch_xml_bytes
    from c2m_tui.core.models import Address, Batch, Job, PrintOptions, ReturnAddress
    from c2m_tui.tui.demo import write_samples

    pdf = write_samples(data_dir() / "demo")["pdf"]
    sender = ReturnAddress(name="c2m-tui demo", address1="1 Sample St", city="Oakton", state="VA",
                           postal_code="22124")
    home = [Address(name="Ada Lovelace", address1="12 Analytical Way", city="Baltimore", state="MD",
                    postal_code="21201"),
            Address(name="Grace Hopper", address1="400 Compiler Ct", city="Arlington", state="VA",
                    postal_code="22201"),
            Address(name="Margaret Hamilton", address1="7 Apollo Rd", city="Boston", state="MA",
                    postal_code="02134"),
            Address(name="Lise Meitner", address1="55 Rue Curie", city="Montreal", state="QC",
                    postal_code="H2X 1Y4", country="Canada")]
    colour = [Address(name="Alan Turing", address1="1 Bletchley Ln", city="Princeton", state="NJ",
                      postal_code="08540"),
              Address(name="Tim Berners-Lee", address1="10 Downing Way", city="London", state="",
                      postal_code="SW1A 2AA", country="United Kingdom")]
    jobs = [Job(1, 2, PrintOptions(), home[:2] + home[3:], return_address=sender),
            Job(3, 4, PrintOptions(color="Full Color", mail_class="Standard"), colour, return_address=sender),
            Job(5, 6, PrintOptions(), home[2:3], return_address=sender)]  # the same group as the first job
    return pdf, batch_xml_bytes(Batch(filename=pdf.name, jobs=jobs))


async def batch_screens(shots: Shots, session, batch_id: str) -> None:
    """The status board, details and tracking (this part's screens), on a mailed, delivered batch."""
    from c2m_tui.core.polling import Backoff
    from c2m_tui.tui.app import C2MApp
    from c2m_tui.tui.capture import frozen_clock
    from c2m_tui.tui.screens.details import DetailsScreen
    from c2m_tui.tui.screens.status import StatusScreen
    from c2m_tui.tui.screens.tracking import TrackingScreen

    install_client(session)
    client = session.client
    deadline = time.monotonic() + 30
    while True:  # mailed, and every piece delivered: the pictures then never depend on timing
        tracking = await client.tracking(batch_id, "IMB")
        pieces = tracking.pieces()
        if tracking.available and pieces and all(evs[-1].status == "Delivered" for evs in pieces.values()):
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"batch {batch_id} was not delivered in time")
        await asyncio.sleep(0.1)

    install_client(session)
    app = C2MApp(session, theme="c2m-dark")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "HomeScreen", "the home screen")

        async def status() -> None:
            screen = StatusScreen(batch_id, backoff=Backoff(first=2.0), clock=frozen_clock)
            app.push_screen(screen)
            await until(pilot, lambda: screen.polls >= 1, "the status")
            shots.save(app, "status")
            app.pop_screen()

        async def details() -> None:
            screen = DetailsScreen(batch_id, clock=frozen_clock)
            app.push_screen(screen)
            await until(pilot, lambda: screen.details is not None, "the details")
            shots.save(app, "details")
            app.pop_screen()

        async def tracking_view() -> None:
            screen = TrackingScreen(batch_id, clock=frozen_clock)
            app.push_screen(screen)
            await until(pilot, lambda: screen.loaded is not None, "the tracking")
            await pilot.press("down")
            await pilot.pause()
            shots.save(app, "tracking")
            await pilot.press("i")
            await until(pilot, lambda: screen.loaded is not None and screen.tracking_type == "IMPB", "IMPB")
            shots.save(app, "tracking-not-available")
            app.pop_screen()

        for name, action in (("status", status), ("details", details), ("tracking", tracking_view)):
            await shots.step(name, action)


# An Outlook-shaped export with the usual faults: a ZIP that lost its zero, a state spelled out,
# a row without a city, the same person twice.
DEMO_CONTACTS = """\
"First Name","Last Name","Company","Business Street","Business City","Business State","Business Postal Code",\
"Home Street","Home City","Home State","Home Postal Code","E-mail Address"
"Jane","Doe","Acme Corp","1 Main St","Boston","MA","02134","9 Elm St","Cambridge","MA","02139","jane@acme.example"
"Li","Wei","Wei & Sons","20 Church St","Hartford","CT","6103","","","","","li@wei.example"
"John","Public","","500 Elm St","Springfield","Illinois","62701","","","","",""
"Ann","Lee","","4 Oak St","","NV","89501","","","","","ann@lee.example"
"Bob","Ray","","7 Bay Rd","Albany","NY","12207","","","","",""
"Jane","Doe","Acme Corp","1 Main St","Boston","MA","02134","","","","",""
"""


async def address_screens(shots: Shots, session) -> None:
    """The recipients step's column mapping and problems screens, on a demo contacts export."""
    from c2m_tui.config.paths import data_dir
    from c2m_tui.tui.app import C2MApp
    from c2m_tui.tui.screens.address_mapping import AddressMappingScreen
    from c2m_tui.tui.screens.address_problems import AddressProblemsScreen

    if not (shots.wanted("addresses-mapping") or shots.wanted("addresses-problems")):
        return
    contacts = data_dir() / "demo" / "contacts.csv"
    contacts.write_text(DEMO_CONTACTS, encoding="utf-8", newline="\r\n")
    install_client(session)
    app = C2MApp(session, theme="c2m-dark")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "HomeScreen", "the home screen")
        mapping = None

        async def mapping_screen() -> None:
            nonlocal mapping
            screen = AddressMappingScreen(contacts)
            app.push_screen(screen)
            await until(pilot, lambda: screen.facts is not None, "the file's facts")
            shots.save(app, "addresses-mapping")
            mapping = screen.current_mapping()
            app.pop_screen()

        async def problems_screen() -> None:
            screen = AddressProblemsScreen(contacts, mapping)
            app.push_screen(screen)
            try:
                await until(pilot, lambda: screen.scans >= 1, "the check")
            except TimeoutError:  # say what the screen says instead (a failed check is written there)
                summary = screen.query_one("#problems-summary").render()
                raise TimeoutError(f"timed out waiting for the check; the screen says: {summary}") from None
            await until(pilot, lambda: screen.highlighted_kind() == "missing-city", "the city kind")
            await pilot.press("e")  # Ann Lee's row has no city: typed by hand, it is imported
            await until(pilot, lambda: type(app.screen).__name__ == "RowEditScreen", "the row editor")
            await pilot.press(*"Reno", "enter")
            await until(pilot, lambda: app.screen is screen and screen.highlighted_kind() == "hand-edit",
                        "the row fixed by hand")
            sys.path.insert(0, str(HERE.parent))
            from tests.snapshots.still import until_still

            await until_still(pilot)
            shots.save(app, "addresses-problems")
            app.pop_screen()

        if await shots.step("addresses-mapping", mapping_screen):
            await shots.step("addresses-problems", problems_screen)


async def address_check_screen(shots: Shots, session) -> None:
    """Click2Mail's address check of a recipient list (the embedded simulator's corrections)."""
    sys.path.insert(0, str(HERE.parent))
    from c2m_tui.core.rest import RestClient, rest_url_for
    from c2m_tui.tui.app import C2MApp
    from c2m_tui.tui.screens.address_check import AddressCheckScreen
    from tests.tui.test_address_check import realistic_list

    if not shots.wanted("addresses-check"):
        return
    rest_url = rest_url_for("demo", session.real_base_url)
    install_client(session)
    app = C2MApp(session, theme="c2m-dark")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "HomeScreen", "the home screen")

        async def check() -> None:
            screen = AddressCheckScreen(realistic_list(), rest_client=lambda _s: RestClient(rest_url, "demo", "demo"))
            app.push_screen(screen)
            await until(pilot, lambda: screen.result is not None or screen.error, "the answers")
            if screen.error:
                raise RuntimeError(screen.error)
            await pilot.press("tab", "down")  # Li Wei's row: a lower-case street and city corrected
            await until(pilot, lambda: screen.highlighted_row() == 1, "the second row")
            shots.save(app, "addresses-check")

        await shots.step("addresses-check", check)


async def preview_screens(shots: Shots, session) -> None:
    """The page viewer on a letter whose text sits where Click2Mail prints the address."""
    sys.path.insert(0, str(HERE.parent))
    from c2m_tui.tui.app import C2MApp
    from c2m_tui.tui.screens.page_viewer import PageViewerScreen
    from c2m_tui.tui.widgets.page_preview import PageRequest
    from tests.pdf_maker import letter

    folder = SCRATCH_HOME / "preview"
    folder.mkdir(parents=True, exist_ok=True)
    pdf = letter(folder / "letter-with-text-in-the-window.pdf", 2, in_zone=True)
    xml = session.samples["xml"].read_bytes().replace(b"Address on Separate Page", b"Address on First Page")
    install_client(session)
    app = C2MApp(session, theme="c2m-dark")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "HomeScreen", "the home screen")

        async def flagged() -> None:
            app.push_screen(PageViewerScreen(PageRequest(pdf, xml)))
            await until(pilot, lambda: type(app.screen).__name__ == "PageViewerScreen", "the page viewer")
            widget = app.screen.query_one("#viewer-preview")
            await until(pilot, lambda: widget.shown >= 1, "the page")
            await pilot.pause()
            shots.save(app, "preview-zone-flagged")

        await shots.step("preview-zone-flagged", flagged)


async def send_demo_batch(session) -> str:
    """A batch of the demo samples, sent straight through the client (when the wizard could not)."""
    install_client(session)
    client = session.client
    created = await client.create_batch()
    await client.upload_pdf(created.id, session.samples["pdf"])
    await client.upload_xml(created.id, session.samples["xml"].read_bytes())
    await client.submit(created.id)
    return created.id


async def generate(out: Path, only: set[str] | None) -> Shots:
    from c2m_tui.sim.options import SimOptions
    from c2m_tui.sim.runner import EmbeddedSimulator

    shots = Shots(out, only)
    simulator = EmbeddedSimulator(SimOptions(queue_seconds=0.2, job_seconds=0.2, tracking="simulated",
                                             day_seconds=0.2, seed=SEED, host="127.0.0.1", port=0))
    base_url = simulator.start()
    session = make_session(base_url)
    try:
        batch_id = await shell_screens(shots, session)
        if batch_id is None or any(name == "wizard" for name, _ in shots.failed) or shots.only:
            batch_id = await send_demo_batch(session)  # the wizard did not get to submit one
        await batch_screens(shots, session, batch_id)
        await address_screens(shots, session)
        await address_check_screen(shots, session)
        await preview_screens(shots, session)
    finally:
        await session.aclose()
        simulator.stop()
    return shots


def show_on_a_fixed_day() -> None:
    """A moment of today is shown without its date: the pictures are taken on the day the frozen
    answers were recorded (2026-12-01, as the snapshots are), so the day this runs does not change them."""
    from datetime import date

    from c2m_tui.core import timefmt

    class ShownDay(date):
        @classmethod
        def today(cls) -> date:
            return date(2026, 12, 1)

    timefmt.date = ShownDay


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate the SVG screenshots of every screen from the demo.")
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the SVG files (default: screenshots/)")
    parser.add_argument("--only", nargs="*", metavar="NAME", help="only these screenshots (e.g. status tracking)")
    args = parser.parse_args(argv)

    # a fixed, fresh app home: no personal config, journal or themes, and the same paths every run
    shutil.rmtree(SCRATCH_HOME, ignore_errors=True)
    SCRATCH_HOME.mkdir(parents=True)
    os.environ["C2M_TUI_HOME"] = str(SCRATCH_HOME)
    for var in ("C2M_THEME", "C2M_PROFILE", "C2M_USERNAME", "C2M_PASSWORD", "NO_COLOR"):
        os.environ.pop(var, None)
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    os.environ["TZ"] = "America/New_York"  # times are shown in local time: one zone, the same pictures
    time.tzset()
    show_on_a_fixed_day()
    args.out.mkdir(parents=True, exist_ok=True)

    shots = asyncio.run(generate(args.out, set(args.only) if args.only else None))
    for name in shots.written:
        print(f"wrote {args.out / (name + '.svg')}")
    for name, problem in shots.failed:
        print(f"FAILED {name}: {problem}", file=sys.stderr)
    shutil.rmtree(SCRATCH_HOME, ignore_errors=True)
    return 1 if shots.failed else 0


if __name__ == "__main__":
    sys.exit(main())
