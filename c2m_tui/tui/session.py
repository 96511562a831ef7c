"""The TUI's session: which server, as whom, and the one BatchClient the whole app shares.

One ``BatchClient`` holds one httpx connection pool; opening it lazily keeps start-up free of
network work, and closing it with the app releases the connection. Changing credentials (log in,
switch profile) swaps the client; the old one is closed with the session.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from c2m_tui.core.errors import CredentialsError

if TYPE_CHECKING:  # importing the client pulls in httpx; only the first use of .client pays for that
    from c2m_tui.config.credentials import Credentials
    from c2m_tui.config.profiles import Profile
    from c2m_tui.core.client import BatchClient
    from c2m_tui.core.journal import Journal
    from c2m_tui.core.rest import RestClient
    from c2m_tui.core.sending import Target

_JOURNALS: dict[str, "Journal"] = {}
_JOURNALS_LOCK = threading.Lock()  # the home screen's reader thread and the wizard may both open it first


def open_journal() -> tuple["Journal | None", str | None]:
    """The batch journal (opened once per process) and a notice to show, if any. Blocking (SQLite):
    call it from a thread worker."""
    from c2m_tui.config.paths import journal_file, journal_marker
    from c2m_tui.core.errors import describe
    from c2m_tui.core.journal import Journal

    try:
        path = journal_file()
        with _JOURNALS_LOCK:
            if str(path) not in _JOURNALS:
                _JOURNALS[str(path)] = Journal.open(path, marker=journal_marker())
            journal = _JOURNALS[str(path)]
    except Exception as err:  # noqa: BLE001 - said to the person; the wizard refuses to send without it
        return None, describe(err)
    return journal, journal.notice


@dataclass
class RecentBatch:
    """A batch this session touched, for the home screen's list."""

    batch_id: str
    state: str  # created, pdf uploaded, xml uploaded, submitted...
    note: str = ""
    when: float = field(default_factory=time.time)


class Session:
    """Profile, base URL and credentials of the running app, plus its shared client."""

    def __init__(
        self,
        profile: "Profile",
        base_url: str,
        credentials: "Credentials | None",
        environment: str,
        demo: bool = False,
    ) -> None:
        self.profile = profile
        self.base_url = base_url
        self.credentials = credentials
        self.environment = environment
        self.demo = demo
        self.recent: list[RecentBatch] = []
        self.simulator: Any | None = None  # EmbeddedSimulator under --demo, stopped with the session
        self.samples: dict[str, Path] = {}  # demo: "pdf" and "xml" sample files
        self.notices: list[str] = []  # said once on the first screen (e.g. the demo's port was taken)
        # True while the app looks the password up (keyring calls may block on D-Bus: not before
        # the first screen); see C2MApp.resolve_credentials
        self.credentials_pending = False
        self.debug_log: Any | None = None  # --debug: a logging.Logger that redacts secrets
        self._client: BatchClient | None = None
        self._retired: list[BatchClient] = []

    # ------------------------------------------------------------------ who and where

    @property
    def label(self) -> str:
        """One word for the banner: DEMO, PRODUCTION, STAGING, CUSTOM."""
        return "DEMO" if self.demo else (self.environment or "custom").upper()

    @property
    def production(self) -> bool:
        return self.environment == "production" and not self.demo

    @property
    def profile_name(self) -> str:
        return self.profile.name

    @property
    def username(self) -> str | None:
        return self.credentials.username if self.credentials is not None else None

    @property
    def target(self) -> "Target":
        """Where a batch of this session goes, as the journal records it."""
        from c2m_tui.core.sending import Target

        return Target(self.profile_name, "demo" if self.demo else self.environment, self.base_url)

    @property
    def logged_in(self) -> bool:
        return self.credentials is not None and bool(self.credentials.password)

    # ------------------------------------------------------------------ the client

    @property
    def client(self) -> "BatchClient":
        """The shared client, created on first use. Raises CredentialsError when not logged in."""
        if self._client is None:
            if not self.logged_in:
                raise CredentialsError(
                    f"not logged in to profile {self.profile_name!r}: press L to log in"
                )
            from c2m_tui.core.client import BatchClient

            self._client = BatchClient(self.base_url, self.credentials.username, self.credentials.password,
                                       debug_log=self.debug_log)
        return self._client

    def rest_client(self) -> "RestClient":
        """A new RestClient (use it with ``async with``) for the REST ("molpro") API of this session's
        profile, found as the CLI finds it. Raises CredentialsError when not logged in, UsageError
        when no REST host is known."""
        if not self.logged_in:
            raise CredentialsError(f"not logged in to profile {self.profile_name!r}: press L to log in")
        from c2m_tui.config.profiles import rest_url_of
        from c2m_tui.core.errors import UsageError
        from c2m_tui.core.rest import RestClient

        url = rest_url_of(self.profile, self.environment, self.base_url)
        if url is None:
            raise UsageError(f"no REST API host is known for {self.base_url}: set rest_url in the profile")
        return RestClient(url, self.credentials.username, self.credentials.password, debug_log=self.debug_log)

    def set_credentials(self, credentials: "Credentials | None") -> None:
        """Use new credentials from now on; the old client is closed with the session."""
        self.credentials = credentials
        self.credentials_pending = False
        self._retire_client()

    def switch(self, profile: "Profile", base_url: str, credentials: "Credentials | None", environment: str) -> None:
        """Move the session to another profile (demo mode ends: the simulator stays for the old batches)."""
        self.profile = profile
        self.base_url = base_url
        self.credentials = credentials
        self.credentials_pending = False
        self.environment = environment
        self.demo = False
        self._retire_client()

    def _retire_client(self) -> None:
        if self._client is not None:
            self._retired.append(self._client)
            self._client = None

    async def aclose(self) -> None:
        for client in [*self._retired, *([self._client] if self._client else [])]:
            try:
                await client.aclose()
            except Exception:  # closing must never stop the app from exiting
                pass
        self._retired.clear()
        self._client = None

    def stop_simulator(self) -> None:
        if self.simulator is not None:
            try:
                self.simulator.stop()
            finally:
                self.simulator = None

    # ------------------------------------------------------------------ recent batches

    def remember(self, batch_id: str, state: str, note: str = "") -> None:
        """Record (or update) a batch this session touched; newest first."""
        for item in self.recent:
            if item.batch_id == batch_id:
                item.state, item.when = state, time.time()
                if note:
                    item.note = note
                self.recent.remove(item)
                self.recent.insert(0, item)
                return
        self.recent.insert(0, RecentBatch(batch_id, state, note))


# ---------------------------------------------------------------------- building a session


def session_for_profile(profile_name: str | None, base_url: str | None = None, *, resolve: bool = True) -> Session:
    """A session on a configured profile. Missing credentials are not an error here: the app
    opens with ``credentials=None`` and shows the login screen. ``resolve=False`` leaves the
    lookup (environment, keyring) to the app, after its first screen is up."""
    from c2m_tui.config.profiles import get_profile

    profile = get_profile(profile_name)
    if base_url:  # with_base_url also re-derives the environment from the URL's host
        profile = profile.with_base_url(base_url)
    url = profile.base_url
    if not resolve:
        session = Session(profile, url, None, profile.environment, demo=False)
        session.credentials_pending = True
        return session
    from c2m_tui.config.credentials import resolve_credentials  # imports keyring: only when needed

    try:
        credentials = resolve_credentials(profile)
    except CredentialsError:
        credentials = None
    return Session(profile, url, credentials, profile.environment, demo=False)


def demo_session() -> Session:
    """``--demo``: the simulator on the demo profile's port (8025), keeping its batches in the data
    directory, logged in as its demo account."""
    from c2m_tui.config.credentials import Credentials
    from c2m_tui.config.paths import data_dir
    from c2m_tui.config.profiles import get_profile
    from c2m_tui.tui.demo import DEMO_PASSWORD, DEMO_STATE_FOLDER, DEMO_USER, start_demo_simulator, write_samples

    profile = get_profile("demo")
    server = start_demo_simulator(data_dir() / DEMO_STATE_FOLDER, profile.base_url)
    try:
        credentials = Credentials(DEMO_USER, DEMO_PASSWORD, "demo")
        session = Session(profile, server.base_url, credentials, "demo", demo=True)
        session.simulator = server
        session.notices.extend(server.notices)
        session.samples = write_samples(data_dir() / "demo")
    except BaseException:
        server.stop()
        raise
    return session
