"""The demo remembers (issue 15): its simulator keeps batches in the data directory and listens on
the demo profile's port, so a batch sent in one ``--demo`` run is listed and opens in the next; a
taken port gives another one with a notice; ``--demo COMMAND`` runs the command on the demo."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys

from textual.widgets import DataTable

from c2m_tui.config.profiles import BUILTINS, save_profile
from c2m_tui.tui.app import C2MApp
from c2m_tui.tui.demo import write_samples
from c2m_tui.tui.screens.home import HomeScreen
from c2m_tui.tui.screens.status import StatusScreen
from tests.tui.shell_harness import notifications, wait_for


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _demo_on(port: int) -> str:
    """Move the demo profile to ``port`` (config.toml), as a person whose 8025 is busy would."""
    url = f"http://127.0.0.1:{port}/v1"
    save_profile(BUILTINS["demo"].with_base_url(url))
    return url


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "c2m_tui", *args], capture_output=True, text=True,
                          timeout=120, env=dict(os.environ))


async def test_a_batch_of_the_first_demo_is_listed_and_opens_in_the_second(tmp_path):
    url = _demo_on(_free_port())
    samples = write_samples(tmp_path / "samples")
    first = _cli("--demo", "send", "--pdf", str(samples["pdf"]), "--xml", str(samples["xml"]), "--yes")
    assert first.returncode == 0, first.stderr
    batch_id = first.stdout.strip().splitlines()[-1]
    assert batch_id.isdigit()

    from c2m_tui.commands.app import build_session

    session = build_session(argparse.Namespace(demo=True, profile=None, base_url=None))
    try:
        assert session.base_url == url and not session.notices
        app = C2MApp(session, theme="c2m-dark")
        async with app.run_test(size=(100, 30)) as pilot:
            home = await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen)
            await wait_for(pilot, lambda: home.query("#recent"), what="recent table")
            table = home.query_one("#recent", DataTable)
            await wait_for(pilot, lambda: batch_id in [k.value for k in table.rows], what="the first run's batch")
            table.focus()
            await pilot.press("enter")
            board = await wait_for(pilot, lambda: isinstance(app.screen, StatusScreen) and app.screen)
            # the simulator of the second run knows the batch: its status is read, no "not found"
            await wait_for(pilot, lambda: board.status is not None, what="the batch's status")
            assert board.status.id == batch_id and board.status.submitted
    finally:
        session.stop_simulator()
    # and the command line sees it too, on the demo's simulator started for the command
    again = _cli("--demo", "status", batch_id)
    assert again.returncode == 0, again.stderr
    assert batch_id in again.stdout


async def test_a_taken_port_gives_another_one_and_says_so():
    port = _free_port()
    _demo_on(port)
    with socket.socket() as busy:  # another program holds the demo's port
        busy.bind(("127.0.0.1", port))
        busy.listen(1)
        from c2m_tui.tui.session import demo_session

        session = demo_session()
        try:
            assert session.base_url != f"http://127.0.0.1:{port}/v1"
            assert any(f"Port {port} is taken" in n for n in session.notices)
            app = C2MApp(session, theme="c2m-dark")
            async with app.run_test(size=(100, 30)) as pilot:
                await wait_for(pilot, lambda: any(f"Port {port} is taken" in n for n in notifications(app)),
                               what="the notice")
        finally:
            session.stop_simulator()


def test_demo_with_a_command_that_needs_no_server_is_refused():
    result = _cli("--demo", "login")
    assert result.returncode == 2
    assert "--demo" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_refused_loopback_connection_says_how_to_start_the_simulator():
    port = _free_port()  # nothing listens there
    result = _cli("status", "1", "--base-url", f"http://127.0.0.1:{port}/v1")
    assert result.returncode == 4
    assert f"c2m-tui sim --port {port}" in result.stderr and "--demo" in result.stderr


def test_the_demo_simulator_starts_in_its_thread_not_before_the_first_screen(tmp_path, monkeypatch):
    """The demo's simulator is listening when start_demo_simulator returns, but uvicorn and the app
    are imported and built in the simulator's thread (0.1-0.15 s of the first screen otherwise)."""
    import threading

    import httpx

    from c2m_tui.sim import runner
    from c2m_tui.tui.demo import DEMO_PASSWORD, DEMO_USER, start_demo_simulator

    built_in: list[str] = []
    real = runner._server

    def recording(*args, **kwargs):
        built_in.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "_server", recording)
    server = start_demo_simulator(tmp_path / "state", f"http://127.0.0.1:{_free_port()}/v1")
    try:
        # the first call knocks: it waits in the socket's backlog while the simulator starts
        answer = httpx.get(f"{server.base_url}/batches/1", auth=(DEMO_USER, DEMO_PASSWORD), timeout=30)
        assert answer.status_code in (200, 404)
        assert built_in == ["c2m-sim"]
    finally:
        server.stop()
