"""The app in a real terminal (tmux) is SIGKILLed at five points of a send: after create, during the
PDF upload, after it, during the XML upload and during submit (a call is held in flight by the
simulator's targeted ``delay`` fault). Each batch is then finished once, from the app's home screen
(select it, ``r``, drive the wizard with the keys on screen) or with ``c2m-tui resume ID --yes``, and
the simulator says it was submitted exactly once. No screen shows a traceback."""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
from pathlib import Path

import httpx
import pytest

from c2m_tui.config.paths import journal_file
from tests.conftest import require_tool, start_sim
from tests.e2e.sendflow import arm, cli, make_batch_files, sim_batches, wait_until
from tests.e2e.tmux_harness import Tmux, tmux_env

pytestmark = pytest.mark.realpart

# The server holds the call this long before it handles it; once it has the call, the test pauses the
# simulator (SIGSTOP) until the app is killed, so the call is in flight for as long as that takes on a busy
# machine (1.5 s without the pause was too short under load). After the resume the held call ends (it still
# takes effect) before the batch is finished.
DELAY_MS = 4000
POINTS = ("after-create", "during-pdf", "after-pdf", "during-xml", "during-submit")
PAGES = 3
# Found by this test (see h10t's report): the app never settles a step that a killed app left
# unanswered (only ``c2m-tui resume`` does), so the home screen cannot finish a batch killed during a call.
NO_SETTLE_IN_APP = (
    "the app never settles a call left unanswered by a killed app: after an upload the wizard uploads again, "
    "then Submit fails 'batch N has a pdf/xml step with no answer; settle it first (c2m-tui resume N)'; "
    "after a submit, r says 'Not resumed here: ... c2m-tui resume N reads its status and settles it'"
)


@pytest.fixture(scope="module")
def sim():
    """One simulator for the module: every case makes its own batch (and its own journal)."""
    server = start_sim("--queue-seconds", "0.2", "--job-seconds", "0.2")
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def sim_resumed(sim):
    """A case that failed with the simulator paused leaves it running for the next one."""
    yield
    sim.resume()


@pytest.fixture
def tmux(app_home):
    require_tool("tmux")
    term = Tmux(tmux_env(C2M_USERNAME="demo", C2M_PASSWORD="demo"))
    yield term
    term.kill()
    assert not any("Traceback" in s for s in term.seen)


# ------------------------------------------------------------------------------------- the journal


def journal_rows(sql: str) -> list[tuple]:
    """Rows of the app's journal, read-only (the app may be writing it); [] before it exists."""
    path = journal_file()
    if not path.exists():
        return []
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        return con.execute(sql).fetchall()
    except sqlite3.OperationalError:  # not created yet
        return []
    finally:
        con.close()


def last_step(step: str) -> tuple[str | None, int] | None:
    """(outcome, pid) of the newest journal row of ``step``; outcome None while unanswered."""
    found = journal_rows(f"SELECT outcome, pid FROM steps WHERE step = '{step}' ORDER BY id DESC LIMIT 1")
    return found[0] if found else None


def wait_step(step: str, outcome: str | None) -> int:
    """Wait until the newest ``step`` row has ``outcome`` (None: its call is in flight); its pid."""
    row = wait_until(lambda: (r := last_step(step)) is not None and r[0] == outcome and r, timeout=20,
                     what=f"journal step {step} -> {outcome}")
    return row[1]


def journal_steps() -> str:
    """The journal's step rows, for a failure message."""
    return "\n".join(str(r) for r in journal_rows("SELECT id, step, outcome, detail, pid FROM steps ORDER BY id"))


def batch_id() -> str:
    return wait_until(lambda: (r := journal_rows("SELECT batch_id FROM batches WHERE batch_id IS NOT NULL"))
                      and r[0][0], what="the batch id in the journal")


# ------------------------------------------------------------------------------------- the app


def start_app(tmux: Tmux, sim, cwd: Path, size: tuple[int, int]) -> None:
    # exec: the pane's process is the app itself, the one SIGKILL is aimed at
    command = f"exec {sys.executable} -m c2m_tui --profile demo --base-url {sim.base_url} --no-mouse"
    tmux.start(command, width=size[0], height=size[1], cwd=cwd, keep_dead=True)
    tmux.wait_for("password from environment", timeout=30)


def sigkill_app(tmux: Tmux, journal_pid: int, in_flight: str | None = None) -> None:
    """SIGKILL the app: the pane's process, which is the process that wrote the journal. ``in_flight``:
    the step whose call must still be unanswered when the app is dead (else the kill came too late)."""
    pid = tmux.pane_pid()
    assert pid == journal_pid, f"pane pid {pid}, journal pid {journal_pid}"
    assert b"c2m_tui" in Path(f"/proc/{pid}/cmdline").read_bytes()
    os.kill(pid, signal.SIGKILL)
    wait_until(tmux.pane_dead, what="the app to die")
    if in_flight is not None:
        assert last_step(in_flight)[0] is None, f"the {in_flight} call was answered before the app was killed"
    tmux.kill()  # a fresh tmux server for the next run


def choose_pdf(tmux: Tmux, pdf: Path) -> None:
    """Step 2 with no PDF yet: the focus starts in the path field; type the name (the app runs in the
    PDF's folder)."""
    tmux.wait_for("Pick a PDF in the tree")
    tmux.wait_for(f"📄 {pdf.name}")
    enter_until(tmux, pdf.name, f"{PAGES} page(s)")


def load_xml(tmux: Tmux, xml: Path) -> None:
    """Step 3 with no XML yet: the focus is in the XML path field; wait until the step has checked
    its empty form (it is set up), then type the name."""
    tmux.wait_for("add at least one")
    enter_until(tmux, xml.name, f"Using {xml.name}")
    tmux.wait_for("valid: 1 job(s)")


def enter_until(tmux: Tmux, text: str, shown: str, attempts: int = 3) -> None:
    """Type ``text`` into the focused field and press enter, until ``shown`` appears."""
    for _ in range(attempts):
        tmux.fill(text)
        if tmux.appears(shown, timeout=5):
            return
    raise AssertionError(f"{shown!r} never appeared after entering {text!r}; the screen was:\n{tmux.seen[-1]}")


def confirm_submit(tmux: Tmux) -> None:
    """Step 4: ctrl+g asks, the dialog's focus starts on Cancel; shift+tab to Submit, enter."""
    tmux.wait_for_any("Pieces", "Submit batch", timeout=60)  # at 80x24 the review settles on Submit, the top above
    tmux.keys("C-g")
    seen, _ = tmux.wait_for_any("will be printed", "Still checking")
    if seen == "Still checking":  # the review's hashes were not ready yet: ask again
        tmux.keys("C-g")
        tmux.wait_for("will be printed")
    tmux.keys("BTab", "Enter")


def hold(sim, op: str) -> None:
    arm(sim, kind="delay", path=op, delay_ms=DELAY_MS)


def call_held(sim) -> None:
    """The server has the call and is holding it (it took the armed fault off its list); the simulator
    is paused until ``sim.resume()``, so the call stays unanswered."""
    wait_until(lambda: not httpx.get(f"{sim.root}/__sim__/faults", timeout=10).json()["armed"], timeout=20,
               what="the server to receive the call")
    sim.pause()


def held_call_ended(sim, bid: str) -> None:
    """The call held in flight when the app died has been handled by the server (it took effect)."""
    try:
        wait_until(lambda: any(f"/v1/batches/{bid} " in line and "[fault delay]" in line for line in list(sim.log)),
                   timeout=20, what="the held call to end on the server")
    except AssertionError as err:
        raise AssertionError(f"{err}; the simulator's log ends:\n{''.join(sim.log[-12:])}") from None


def kill_at(point: str, tmux: Tmux, sim, pdf: Path, xml: Path) -> str:
    """Walk the wizard to ``point``, SIGKILL the app there; the batch id."""
    tmux.keys("n")
    tmux.wait_for("Create batch")
    tmux.keys("C-g")
    pid = wait_step("create", "done")
    bid = batch_id()
    tmux.wait_for("PDF file")
    if point == "after-create":
        sigkill_app(tmux, pid)
        return bid
    choose_pdf(tmux, pdf)
    if point == "during-pdf":
        hold(sim, "pdf")
        tmux.keys("C-g")
        call_held(sim)
        tmux.wait_for("waiting for the server")  # every byte is out, no answer yet
        sigkill_app(tmux, wait_step("pdf", None), in_flight="pdf")
        sim.resume()
        return bid
    tmux.keys("C-g")
    pid = wait_step("pdf", "done")
    load_xml(tmux, xml)
    if point == "after-pdf":
        sigkill_app(tmux, pid)
        return bid
    if point == "during-xml":
        hold(sim, "xml")
        tmux.keys("C-g")
        call_held(sim)
        tmux.wait_for("Uploading…")
        sigkill_app(tmux, wait_step("xml", None), in_flight="xml")
        sim.resume()
        return bid
    tmux.keys("C-g")
    wait_step("xml", "done")
    hold(sim, "submit")
    confirm_submit(tmux)
    call_held(sim)
    sigkill_app(tmux, wait_step("submit", None), in_flight="submit")
    sim.resume()
    return bid


def finish_in_app(point: str, tmux: Tmux, sim, bid: str, pdf: Path, xml: Path, cwd: Path,
                  size: tuple[int, int]) -> None:
    """The home screen: the batch is the one row of the recent list; r opens the wizard where it stopped."""
    start_app(tmux, sim, cwd, size)
    tmux.wait_for(bid)
    if point.startswith("during"):
        held_call_ended(sim, bid)
    tmux.keys("r")
    if point == "during-submit":
        # the submit held in flight took effect after the app died: the status says submitted, and the
        # journal must say so too, without a second submit
        wait_until(lambda: "Not resumed here" in tmux.screen() or last_step("submit")[0] is not None,
                   timeout=15, what="the resume to answer")
        assert last_step("submit")[0] == "done", (
            f"{NO_SETTLE_IN_APP}; the journal:\n{journal_steps()}\nthe screen:\n{tmux.seen[-1]}")
        return
    if point == "after-create":
        choose_pdf(tmux, pdf)
    if point in ("after-create", "during-pdf"):
        tmux.wait_for(f"{PAGES} page(s)")  # the PDF recorded before its upload is shown again
        tmux.keys("C-g")
        load_xml(tmux, xml)
    elif point == "after-pdf":
        load_xml(tmux, xml)
    else:  # during-xml: the XML recorded before its upload
        tmux.wait_for("Using the XML recorded for this batch")
        tmux.wait_for("valid: 1 job(s)")
    tmux.keys("C-g")
    confirm_submit(tmux)
    seen, screen = tmux.wait_for_any(f"Batch {bid} submitted.", "settle it first")
    assert seen != "settle it first", f"{NO_SETTLE_IN_APP}; the journal:\n{journal_steps()}\nthe screen:\n{screen}"


def finish_with_cli(point: str, home: Path, sim, bid: str, pdf: Path, xml: Path) -> None:
    """``c2m-tui resume ID --yes``, giving only what the journal never recorded."""
    args = ["resume", bid, "--yes"]
    if point == "after-create":  # left before a PDF was chosen
        args += ["--pdf", str(pdf)]
    if point in ("after-create", "during-pdf", "after-pdf"):  # left before the XML was loaded
        args += ["--xml", str(xml)]
    if point.startswith("during"):
        held_call_ended(sim, bid)
    out = cli(home, *args)
    assert out.returncode == 0, out.stderr
    if point.startswith("during"):  # the unanswered call is settled before anything else
        assert "settled: " in out.stderr, out.stderr
    assert out.stdout.strip().splitlines()[-1] == bid, out.stdout
    assert "Traceback" not in out.stdout


CASES = [
    pytest.param(point, how, (100, 30), id=f"{point}-{how}") for how in ("home", "cli") for point in POINTS
] + [pytest.param("after-pdf", "home", (80, 24), id="after-pdf-home-80x24")]


@pytest.mark.parametrize(("point", "how", "size"), CASES)
def test_killed_app_batch_is_finished_once(point, how, size, sim, tmux, app_home, tmp_path):
    httpx.delete(f"{sim.root}/__sim__/faults", timeout=10)
    files = tmp_path / "files"
    files.mkdir()
    pdf, xml = make_batch_files(files, pages=PAGES)
    start_app(tmux, sim, files, size)
    bid = kill_at(point, tmux, sim, pdf, xml)
    assert not sim_batches(sim)[bid]["submitted"] or point == "during-submit"

    if how == "home":
        finish_in_app(point, tmux, sim, bid, pdf, xml, files, size)
    else:
        finish_with_cli(point, app_home, sim, bid, pdf, xml)

    batch = sim_batches(sim)[bid]
    assert batch["submitted"] and batch["submit_count"] == 1, batch
    assert batch["pdf_bytes"] == pdf.stat().st_size and batch["xml_bytes"] > 0, batch
    assert last_step("submit")[0] == "done"
