"""Running the simulator: in the foreground for ``c2m-tui sim``, or in a daemon thread for ``--demo``.

The socket is bound here, before uvicorn starts, so ``--port 0`` can report the port it got and
the ``listening on`` line is true the moment it is printed (connections wait in the backlog
until uvicorn accepts them).
"""

from __future__ import annotations

import asyncio
import select
import signal
import socket
import sys
import threading
from typing import Any, TextIO

from c2m_tui.core.errors import C2MError
from c2m_tui.sim.options import SimOptions


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (port 0: any free port)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise C2MError(f"cannot listen on {host}: {exc.strerror or exc}") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        hint = " (another program uses it: try --port 0 for any free port)" if port else ""
        raise C2MError(f"cannot listen on {host}:{port}: {exc.strerror or exc}{hint}") from None
    return sock


def base_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/v1"


def _server(options: SimOptions, *, quiet: bool) -> Any:
    import uvicorn

    from c2m_tui.sim.app import create_app
    from c2m_tui.sim.connections import protocol_class

    app = create_app(options)
    config = uvicorn.Config(
        app,
        http=protocol_class(app.state.sim.connections),
        ws="none",
        lifespan="on",
        access_log=False,
        log_level="warning",
        log_config=None if quiet else uvicorn.config.LOGGING_CONFIG,
        timeout_graceful_shutdown=2,
        server_header=False,
        date_header=False,  # the app sets Date: tracking answers carry the simulated USPS calendar
    )

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: object) -> None:
            # Any number of Ctrl-C mean "stop gracefully": uvicorn's "force exit" on a second
            # one skips the app's shutdown and prints a traceback. timeout_graceful_shutdown
            # bounds the wait anyway. Not re-raising the signal afterwards makes the exit code 0.
            self.should_exit = True

    return Server(config)


def serve(options: SimOptions, out: TextIO | None = None) -> int:
    """Run until Ctrl-C or SIGTERM; print ``listening on URL`` first. Returns the exit code (0)."""
    out = out or sys.stdout
    server: Any = None
    stopping = False

    def stop(signum: int, frame: object) -> None:  # a signal before or after uvicorn's own handlers
        nonlocal stopping
        stopping = True
        if server is not None:
            server.should_exit = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    sock: socket.socket | None = None
    try:
        sock = bind_socket(options.host, options.port)
        print(f"listening on {base_url(sock)}", file=out, flush=True)
        server = _server(options, quiet=False)
        if not stopping:
            asyncio.run(server.serve(sockets=[sock]))
    except KeyboardInterrupt:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if sock is not None:
            sock.close()
    return 0


class EmbeddedSimulator:
    """The simulator in a daemon thread on 127.0.0.1 (for ``c2m-tui --demo``); silent."""

    def __init__(self, options: SimOptions | None = None) -> None:
        self.options = options or SimOptions()
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self.url: str | None = None
        self.app: Any = None  # the starlette app while running (its state is app.state.sim)
        self._stopping = False

    def start(self, timeout: float = 10.0, *, wait: bool = True) -> str:
        """Start serving; returns the base URL (``http://127.0.0.1:PORT/v1``) once it is listening.

        ``wait=False`` returns as soon as the socket listens: importing uvicorn and the app and
        starting them (about 0.15 s) go on in the thread once the first client connects (or after
        a second), while connections wait in the backlog. The app's first screen need not wait. Should the start fail, the socket is closed,
        so a client is refused at once instead of waiting in the backlog."""
        if self.url is not None:
            return self.url
        _silence_uvicorn()
        self._sock = bind_socket(self.options.host, self.options.port)
        self.url = base_url(self._sock)
        if not wait:
            sock = self._sock
            self._thread = threading.Thread(target=self._start_and_serve, args=(sock,), name="c2m-sim", daemon=True)
            self._thread.start()
            return self.url
        self._server = _server(self.options, quiet=True)
        self.app = self._server.config.app
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._server.serve(sockets=[self._sock])),
            name="c2m-sim",
            daemon=True,
        )
        self._thread.start()
        started = threading.Event()
        for _ in range(int(timeout / 0.005)):
            if self._server.started or not self._thread.is_alive():
                break
            started.wait(0.005)
        if not self._server.started:
            self.stop()
            raise C2MError("the built-in simulator did not start")
        return self.url

    def _start_and_serve(self, sock: socket.socket) -> None:
        # Importing and starting uvicorn holds the GIL for about 0.15 s: wait until a client knocks
        # (a pending connection makes the listening socket readable) or a second has passed, so
        # that it does not slow the app's first screen down.
        for _ in range(20):
            if self._stopping or select.select([sock], [], [], 0.05)[0]:
                break
        try:
            server = _server(self.options, quiet=True)
            self.app = server.config.app
            self._server = server
            if not self._stopping:
                asyncio.run(server.serve(sockets=[sock]))
        except BaseException:  # noqa: BLE001 - nothing to report to from this thread: refuse clients instead
            sock.close()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping = True
        if self._thread is not None and self._server is None:
            self._thread.join(timeout)  # still starting: let it see _stopping
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        if self._sock is not None:
            self._sock.close()
        self._server = self._thread = self._sock = None
        self.url = None
        self._stopping = False

    def __enter__(self) -> "EmbeddedSimulator":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _silence_uvicorn() -> None:
    """No uvicorn warnings on the terminal the TUI draws on (Python's last-resort handler would
    print them to stderr)."""
    import logging

    logger = logging.getLogger("uvicorn")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
