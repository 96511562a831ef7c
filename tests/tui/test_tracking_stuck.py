"""End to end: a batch built from an address list, mailed on the simulator; one piece is lost
after its first scan (/__sim__/tracking). Simulated days later `tracking --stuck` lists it with
its recipient and last place, and the viewer finds it by name and by its stuck filter."""

from __future__ import annotations

import json
import time

import httpx

from c2m_tui.core.tracking_rows import parse_scan_time
from c2m_tui.tui.screens.tracking import TrackingScreen
from c2m_tui.tui.widgets.tracking_view import TrackingView
from tests.conftest import make_pdf
from tests.e2e.helpers import run_cli
from tests.tui.batch_harness import BatchScreensApp, client_for, screen_text, wait_until

LIST = """Name,Address,City,State,ZIP,Country,Member
Anna Kowalski,12 Main St,Chicago,IL,60601,United States,M-001
Jan Nowak,5 Elm Rd,Springfield,IL,62701,United States,M-002
Marie Dupont,5 rue Cler,Paris,,75007,France,M-003
"""


def stuck_answer(sim, batch_id: str, days: int, timeout: float = 40) -> dict:
    """``tracking --stuck --json`` once every other piece's trip is over and something is stuck."""
    deadline = time.monotonic() + timeout
    while True:
        r = run_cli("tracking", batch_id, "--stuck", "--days", str(days), "--json", sim=sim)
        assert r.code == 0, r.err
        answer = json.loads(r.out)
        finals = {e["barCode"]: e["status"] for e in answer["trackingDetails"]}
        done = sum(s in ("Delivered", "Dispatched to destination country") for s in finals.values())
        if answer["stuck"] and done == 2:
            return answer
        assert time.monotonic() < deadline, f"nothing stuck in time: {answer}"
        time.sleep(0.3)


async def test_a_lost_piece_is_listed_by_stuck_and_found_by_name(sim_factory, tmp_path):
    sim = sim_factory("--queue-seconds", "0.1", "--job-seconds", "0.1", "--day-seconds", "0.1")
    (tmp_path / "list.csv").write_text(LIST)
    pdf = make_pdf(tmp_path / "letter.pdf", 1)
    built = run_cli("build-xml", "--addresses", str(tmp_path / "list.csv"), "--pdf", str(pdf), "--same-pages", "1-1",
                    "--id-column", "Member", "-o", str(tmp_path / "batch.xml"))
    assert built.code == 0, built.err
    sent = run_cli("send", "--pdf", str(pdf), "--xml", str(tmp_path / "batch.xml"), "--yes", sim=sim)
    assert sent.code == 0, sent.err
    batch_id = sent.last_line
    lost = httpx.post(f"{sim.root}/__sim__/tracking", json={"batch": batch_id, "piece": 2, "scans": 1}, timeout=10)
    assert lost.status_code == 200, lost.text

    answer = stuck_answer(sim, batch_id, days=3)
    assert [(s["recipient"]["name"], s["status"], s["statusLocation"]) for s in answer["stuck"]] == [
        ("Jan Nowak", "Accepted", "MERRIFIELD VA")]
    assert answer["stuck"][0]["reason"].startswith("no scan for ")
    assert answer["stuck"][0]["recipient"]["listId"] == "M-002"
    # Paris leaves the US at an exchange office, and nothing is dated after the server's clock
    paris = [e for e in answer["trackingDetails"] if "Paris" in e.get("address", "")]
    assert paris[-1]["statusLocation"] == "ISC NEW YORK NY" and "DALLAS" not in json.dumps(paris)
    server_now = parse_scan_time(answer["asOf"])
    assert all(parse_scan_time(e["dateTime"]) <= server_now for e in answer["trackingDetails"])

    text = run_cli("tracking", batch_id, "--stuck", "--days", "3", sim=sim).out
    assert "1 stuck: no scan for 3 day(s)" in text
    line = next(ln for ln in text.splitlines() if "Jan Nowak" in ln)
    assert "Accepted" in line and "MERRIFIELD VA" in line and "[no scan for" in line
    assert "USPS data: refreshed once a day, newest scan" in text and "look again after" in text

    client = client_for(sim)
    app = BatchScreensApp(client, lambda: TrackingScreen(batch_id))
    async with app.run_test(size=(130, 34)) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: screen.loaded is not None and not screen.from_cache, what="tracking")
        view = screen.query_one(TrackingView)
        assert len(view.rows) == 3
        await pilot.press("slash", *"nowak")
        await wait_until(pilot, lambda: len(view.rows) == 1, what="the search")
        found = view.rows[0].recipient.name
        await pilot.press("ctrl+a", "ctrl+k", "enter")  # clear the search, back to the list
        await wait_until(pilot, lambda: len(view.rows) == 3, what="the search cleared")
        await pilot.press("s")
        await wait_until(pilot, lambda: len(view.rows) == 1, what="the stuck filter")
        stuck_row = view.rows[0]
        text = screen_text(app)
    assert found == "Jan Nowak"
    assert stuck_row.recipient.name == "Jan Nowak" and stuck_row.location == "MERRIFIELD VA"
    assert "stuck: 1" in text and "Jan Nowak" in text
    assert "USPS data: refreshed once a day" in text
