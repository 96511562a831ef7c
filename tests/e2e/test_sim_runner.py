"""Running the simulator: the embedded thread for --demo, the CLI's start line, Ctrl-C, a busy
port, and a large upload that must stream to disk instead of filling memory."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import tracemalloc

import httpx
import pytest

from c2m_tui.sim.options import SimOptions
from c2m_tui.sim.runner import EmbeddedSimulator
from tests.conftest import start_sim


def test_embedded_simulator_serves_on_a_free_port_and_stops(tmp_path):
    sim = EmbeddedSimulator(SimOptions(queue_seconds=0.05, job_seconds=0.05))
    url = sim.start()
    assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
    assert sim.start() == url  # idempotent
    with httpx.Client(auth=("demo", "demo")) as http:
        assert http.post(f"{url}/batches").status_code == 201
        assert http.put(f"{url}/batches/1", content=b"%PDF", headers={"content-type": "application/pdf"}).status_code == 404
    workdir = sim.app.state.sim.workdir
    assert workdir.is_dir()
    sim.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.post(f"{url}/batches", auth=("demo", "demo"))
    assert not workdir.exists()  # uploads are removed at shutdown


def test_a_20_mb_upload_streams_to_disk(tmp_path):
    """The server keeps at most a few chunks of a body in memory, never the whole body."""
    size, chunk = 20 * 1024 * 1024, 256 * 1024
    with EmbeddedSimulator(SimOptions()) as sim, httpx.Client(auth=("demo", "demo"), timeout=30) as http:
        bid = http.post(f"{sim.url}/batches").text.split("<id>")[1].split("</id>")[0]

        def body():
            yield b"%PDF-1.4\n%"
            for _ in range(size // chunk):
                yield b"0" * chunk  # a fresh chunk each time: only the server can hold on to them

        # the simulator imports these in the background once a batch is created: import them
        # first, so their memory does not count as the upload's
        import lxml.etree  # noqa: F401
        import pypdf  # noqa: F401

        tracemalloc.start()
        try:
            r = http.put(
                f"{sim.url}/batches/{bid}",
                content=body(),
                headers={"content-type": "application/pdf", "content-length": str(size + 10)},
            )
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert r.status_code == 200
        state = http.get(f"{sim.url.rsplit('/v1', 1)[0]}/__sim__/state").json()
    assert state["batches"][0]["pdf_bytes"] == size + 10
    assert peak < 6 * 1024 * 1024, f"peak traced memory {peak / 2**20:.1f} MiB for a 20 MiB upload"
    print(f"peak traced memory during a 20 MiB upload: {peak / 2**20:.2f} MiB")


def test_cli_prints_the_url_first_and_exits_0_on_ctrl_c():
    server = start_sim("--quiet")
    host_port = server.base_url.removeprefix("http://").removesuffix("/v1")
    assert host_port.startswith("127.0.0.1:") and int(host_port.split(":")[1]) > 0
    assert httpx.post(f"{server.base_url}/batches", auth=("demo", "demo")).status_code == 201
    server.proc.send_signal(signal.SIGINT)
    server.proc.send_signal(signal.SIGINT)  # impatient: a second Ctrl-C must not cut the shutdown short
    assert server.proc.wait(10) == 0
    output = "".join(server.log)
    assert "Traceback" not in output and "interrupted" not in output


def test_cli_access_log_is_one_short_line_per_request():
    server = start_sim()
    try:
        httpx.post(f"{server.base_url}/batches")
        httpx.post(f"{server.base_url}/batches", auth=("demo", "demo"))
    finally:
        server.stop()
    lines = [line.split(" ", 1)[1].strip() for line in server.log]
    assert lines == ["- POST /v1/batches 401", "demo POST /v1/batches 201"]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "c2m_tui", "sim", *args], capture_output=True, text=True, timeout=30
    )


def test_a_busy_port_is_one_clear_line_and_exit_1():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("--port", str(port))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0 and f"127.0.0.1:{port}" in result.stderr
    assert "--port 0" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [("--user", "nopassword"), ("--fault-rate", "1.5"), ("--queue-seconds", "-1"), ("--tracking", "full")],
)
def test_bad_options_are_usage_errors(args, capsys):
    from c2m_tui.cli import main

    with pytest.raises(SystemExit) as info:
        main(["sim", *args])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert args[0] in err and "Traceback" not in err


def test_cli_defaults():
    import argparse

    from c2m_tui.commands import sim

    parser = argparse.ArgumentParser()
    sim.add_arguments(parser)
    args = parser.parse_args([])
    assert (args.host, args.port, args.user, args.tracking) == ("127.0.0.1", 8025, None, "simulated")
    assert (args.queue_seconds, args.job_seconds, args.fault_rate, args.latency_ms) == (3.0, 2.0, 0.0, 0)
    users = parser.parse_args(["--user", "a:b:c", "--user", "d:e"]).user
    assert dict(users) == {"a": "b:c", "d": "e"}


def test_a_simulator_started_without_waiting_answers_the_first_request_and_stops_while_starting():
    sim = EmbeddedSimulator(SimOptions())
    url = sim.start(wait=False)  # returns once the socket listens; uvicorn starts in the thread
    try:
        answer = httpx.post(f"{url}/batches", auth=("demo", "demo"), timeout=30)
        assert answer.status_code == 201 and "<id>" in answer.text
    finally:
        sim.stop()
    again = EmbeddedSimulator(SimOptions())
    again.start(wait=False)
    again.stop()  # before it finished starting: no thread left behind
    assert again._thread is None and again.url is None
