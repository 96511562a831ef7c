"""The home screen: where you are (profile, environment, user), recent batches, and what to do next."""

from __future__ import annotations


from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from c2m_tui.tui.widgets.fitted_table import FittedTable
from textual.widgets import DataTable, Static

from c2m_tui.tui.session import RecentBatch
from c2m_tui.tui.widgets.key_footer import KeyFooter
from c2m_tui.core.timefmt import local_time


# journal words of a submitted batch that may have moved on since it was last read
UNDER_WAY = frozenset({"submitted", "queued", "processing"})
REFRESH_AT_MOST = 10


class HomeScreen(Screen):
    CSS_PATH = "home.tcss"
    BINDINGS = [
        Binding("n", "new_batch", "New batch", id="home.new-batch"),
        Binding("f2", "new_batch", "New batch", show=False, id="home.new-batch-alias"),
        Binding("o", "open_batch", "Open by id", id="home.open-batch"),
        Binding("r", "resume", "Resume", id="home.resume"),
        Binding("p", "switch_profile", "Profile", id="home.switch-profile"),
        Binding("l", "login", "Log in", id="home.login"),
        Binding("h", "app.help", "Help", show=False, id="home.help-alias"),
        Binding("q", "app.quit", "Quit", id="home.quit"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="home-body"):
            yield Static("c2m-tui · paper mail through Click2Mail's Batch API", id="home-title")
            yield Static(id="home-session", markup=False)
            # links, not Buttons: every action has its key, and four Buttons cost a tenth of the
            # start-up time (benchmarks/bench_startup.py)
            yield Static(id="home-actions")
            yield Static(id="home-samples", classes="hint", markup=False)
            yield Static("Recent batches", classes="section-title")
            # the table of recent batches is built when there is a first row (a quicker first paint)
            yield Static("No batches yet: press n to send your first.", id="recent-empty", classes="hint")
            # the highlighted batch's note in full: on 80 columns the Note column cuts it
            yield Static("", id="recent-note", classes="hint", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.refresh_view()
        notices, self.app.session.notices = self.app.session.notices, []
        for notice in notices:  # once: e.g. the demo's port was taken
            self.app.notify(notice, title="Demo", severity="warning", timeout=15)

    def on_screen_resume(self) -> None:
        self.refresh_view()

    # ------------------------------------------------------------------ what is shown

    def refresh_view(self) -> None:
        session = self.app.session
        user = session.username or ("looking up the password…" if session.credentials_pending else "not logged in")
        source = getattr(session.credentials, "source", "")
        where = "" if session.label.lower() == session.profile_name else f" · {session.label.lower()}"
        if session.production:
            where += " (PRODUCTION: real mail, real money)"
        self.query_one("#home-session", Static).update(
            f"Profile      {session.profile_name}{where}\n"
            f"Server       {session.base_url}\n"
            f"User         {user}" + (f" (password from {source})" if source and session.logged_in else "")
        )
        samples = self.query_one("#home-samples", Static)
        if session.samples:
            samples.update(
                f"Demo samples: {session.samples['pdf']}\n              {session.samples['xml']}"
            )
        samples.display = bool(session.samples)
        login = "Log in" if not session.logged_in else "Log in again"
        self.query_one("#home-actions", Static).update(Content.from_markup(
            "[b]n[/b] [@click=screen.new_batch]New batch[/]   [b]o[/b] [@click=screen.open_batch]Open by id[/]   "
            "[b]p[/b] [@click=screen.switch_profile]Switch profile[/]   "
            f"[b]l[/b] [@click=screen.login]{login}[/]   [b]f1[/b] [@click=app.help]Help[/]"
        ))
        self._fill_recent()

    def _fill_recent(self) -> None:
        self._show_recent(list(self.app.session.recent))
        self.call_after_refresh(self.read_journal)  # after the first paint: sqlite3 and the file

    @work(group="journal", thread=True, exclusive=True, exit_on_error=False)
    def read_journal(self) -> None:
        """Batches of earlier runs: the journal is a file (SQLite), read off the event loop."""
        rows = recent_batches(self.app.session)
        self.app.call_from_thread(self._show_recent, rows)
        under_way = [r.batch_id for r in rows if r.state in UNDER_WAY][:REFRESH_AT_MOST]
        if under_way and self.app.session.logged_in:
            self.app.call_from_thread(self.refresh_states, under_way)

    @work(group="home-states", exclusive=True, exit_on_error=False, description="refresh the states")
    async def refresh_states(self, batch_ids: list[str]) -> None:
        """A batch last seen "queued" may be mailed by now: ask the server (a GET each, for the
        newest few under way), record the answer in the journal and show it. A failure leaves
        the journal's word; the status board says more."""
        import asyncio

        from c2m_tui.tui.session import open_journal

        session = self.app.session
        journal, _notice = await asyncio.to_thread(open_journal)
        changed = False
        for batch_id in batch_ids:
            try:
                status = await session.client.status(batch_id)
            except Exception:  # noqa: BLE001 - offline, logged out, not found: keep what is known
                continue
            if any(r.batch_id == batch_id for r in session.recent):
                session.remember(batch_id, status.phase)
            if journal is not None:
                try:
                    await asyncio.to_thread(journal.record_status, batch_id, status, base_url=session.base_url)
                except Exception:  # noqa: BLE001 - the journal is a convenience here
                    pass
            table = self._recent_table()
            if table is not None and batch_id in [k.value for k in table.rows]:
                table.update_cell(batch_id, "state", status.phase)
                changed = True
        if changed:
            self.refresh()

    def _recent_table(self, create: bool = False) -> DataTable | None:
        found = self.query("#recent")
        if found:
            return found.first(DataTable)
        if not create:
            return None
        table = FittedTable(id="recent", cursor_type="row", zebra_stripes=False)
        table.add_column("Batch", key="id", width=10)
        table.add_column("State", key="state", width=14)
        table.add_column("When", key="when", width=16)  # core.timefmt: "16:34" or "2026-11-28 09:01"
        table.add_column("Note", key="note")
        self.query_one("#home-body").mount(table, before="#recent-empty")
        return table

    def _show_recent(self, rows) -> None:
        table = self._recent_table(create=bool(rows))
        self.query_one("#recent-empty", Static).display = not rows
        if table is None:
            return
        table.clear()
        for row in rows:
            table.add_row(row.batch_id, row.state, _when(row.when), row.note, key=row.batch_id)
        self.query_one("#recent-empty", Static).display = not rows
        table.display = bool(rows)

    # ------------------------------------------------------------------ actions

    def action_new_batch(self) -> None:
        from c2m_tui.tui.screens.wizard import WizardScreen

        if not self.app.session.logged_in:
            self.app.notify("Log in first (l).", severity="warning")
            self.action_login()
            return
        self.app.push_screen(WizardScreen())

    def action_open_batch(self) -> None:
        from c2m_tui.tui.screens.open_batch import OpenBatchScreen

        self.app.push_screen(OpenBatchScreen(), callback=self._open_status)

    def action_switch_profile(self) -> None:
        from c2m_tui.tui.screens.profile_picker import ProfilePickerScreen

        self.app.push_screen(ProfilePickerScreen(), callback=self._after_switch)

    def action_login(self) -> None:
        self.app.action_login()

    def action_resume(self) -> None:
        batch_id = self._selected_batch()
        if batch_id is None:
            self.app.notify("Pick a batch in the list first.", severity="warning")
            return
        self.find_resume_point(batch_id)

    @work(group="resume", exclusive=True, exit_on_error=False, description="find resume point")
    async def find_resume_point(self, batch_id: str) -> None:
        """Where the batch stopped: what a dead run left unanswered on this server is settled first
        (as ``c2m-tui resume`` does: a submit by reading the status), then the journal is read."""
        import asyncio

        from c2m_tui.core.errors import describe
        from c2m_tui.core.journal.views import resume_point
        from c2m_tui.core.sending import settle
        from c2m_tui.tui.session import open_journal

        session = self.app.session
        journal, notice = await asyncio.to_thread(open_journal)
        point = None
        if journal is not None:
            try:
                await settle(session.client, journal, base_url=session.base_url)
            except Exception as err:  # noqa: BLE001 - the point read below says what is still open
                self.app.show_error(err, "settling unanswered steps")
            try:
                point = await asyncio.to_thread(resume_point, journal, batch_id, session.base_url)
            except Exception as err:  # noqa: BLE001 - said to the person below
                notice = f"the batch journal cannot be read ({describe(err)})"
        self._resume(batch_id, point, notice)
        self.read_journal()  # the list shows what settling found

    def _resume(self, batch_id: str, point, notice: str | None) -> None:
        if point is None:
            why = notice or "this machine's journal does not know it on this server, so it cannot be finished here"
            self.app.notify(f"batch {batch_id}: {why}; opening its status", title="Not resumed",
                            severity="warning", timeout=12)
            self._open_status(batch_id)
            return
        if point.blocked:
            self.app.notify(f"batch {batch_id}: {point.blocked}", title="Not resumed here", severity="warning",
                            timeout=15)
            self._open_status(batch_id)
            return
        from c2m_tui.tui.screens.wizard import WizardScreen

        self.app.push_screen(WizardScreen(resume=point))

    @on(DataTable.RowHighlighted, "#recent")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        table = event.data_table
        # the list may have been refilled since the highlight was posted: a row gone says nothing
        known = event.row_key is not None and event.row_key in table.rows
        note = str(table.get_row(event.row_key)[3] or "") if known else ""
        shown = self.query_one("#recent-note", Static)
        shown.update(f"{event.row_key.value}: {note}" if note else "")
        shown.display = bool(note)

    @on(DataTable.RowSelected, "#recent")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        self._open_status(str(event.row_key.value))

    def _selected_batch(self) -> str | None:
        table = self._recent_table()
        if table is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return str(key.value)

    def _open_status(self, batch_id: str | None) -> None:
        if not batch_id:
            return
        from c2m_tui.tui.screens.status import StatusScreen

        self.app.push_screen(StatusScreen(batch_id))

    def _after_switch(self, changed: object) -> None:
        if changed:
            self.app.refresh_banners()
            self.refresh_view()
            if not self.app.session.logged_in:
                self.app.action_login()


def recent_batches(session, limit: int = 50) -> list[RecentBatch]:
    """Newest first, each id once (blocking: reads the journal). The journal knows more than the
    session's own list (the last status a board or a CLI read, e.g. "mailed"), so its row wins; the
    session's list covers batches the journal could not record."""
    from c2m_tui.core.journal.views import recent_batches as journal_rows
    from c2m_tui.tui.session import open_journal

    rows = {r.batch_id: r for r in session.recent}
    journal, _notice = open_journal()
    if journal is not None:
        try:
            found = journal_rows(journal, session.base_url, limit)
        except Exception:  # noqa: BLE001 - a journal problem never hides the home screen
            found = []
        rows.update({r.batch_id: RecentBatch(r.batch_id, r.state, r.note, r.when) for r in found})
    return sorted(rows.values(), key=lambda r: r.when, reverse=True)[:limit]


def _when(stamp: float | None) -> str:
    if not stamp:
        return ""
    return local_time(stamp)
