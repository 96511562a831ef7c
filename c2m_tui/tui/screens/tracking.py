"""The tracking viewer: every mail piece's latest USPS scan and recipient, its history, filters
(status, search by name/ZIP/barcode/id/place, stuck pieces) and CSV export.

The list is a line-API widget (TrackingView), so 100,000 pieces open at once. Fetching runs in a
worker (group ``tracking``); grouping scans by piece runs in a thread so the screen keeps drawing.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from c2m_tui.config.paths import data_dir
from c2m_tui.core.errors import C2MError
from c2m_tui.core.models import Tracking, TrackingEvent
from c2m_tui.tui.screens._common import journal_names, local_clock, report_error, session_journal
from c2m_tui.tui.screens.tracking_dialogs import ALL, ExportDialog, StatusFilterDialog
from c2m_tui.core.tracking_rows import (
    DEFAULT_STUCK_DAYS,
    SEARCHED,
    PieceRow,
    build_piece_rows,
    counts_by_status,
    default_csv_path,
    export_tracking_csv,
    filter_rows,
    reference_time,
    refresh_note,
    stuck_pieces,
)
from c2m_tui.tui.widgets.tracking_view import TrackingView
from c2m_tui.tui.widgets.key_footer import KeyFooter
from c2m_tui.core.timefmt import local_time

TRACKING_TYPES = ("IMB", "IMPB")
NOT_AVAILABLE = "Tracking data not available for this batch."


def not_available_text(message: str, tracking_type: str, environment: str | None) -> str:
    """Why there is nothing to show, in words a person can act on."""
    lines = [NOT_AVAILABLE]
    if message and message.strip() != NOT_AVAILABLE:
        lines.append(f"The server said: {message.strip()}")
    lines.append("")
    if environment == "staging":
        lines.append("You are on staging: staging never has tracking data, because nothing is printed or mailed there.")
    else:
        lines.append("Staging never has tracking data: nothing is printed or mailed there.")
    lines.append(
        "On production, tracking comes from USPS scans of the printed pieces. USPS data arrives once a "
        "day, so the first scans appear a day or so after the batch is mailed: try again tomorrow."
    )
    other = "IMPB" if tracking_type == "IMB" else "IMB"
    lines.append(
        f"This is {tracking_type} tracking (IMB: letters and postcards; IMPB: package barcodes such as "
        f"Priority or Certified mail). Press i to try {other}."
    )
    return "\n".join(lines)


@dataclass
class LoadedTracking:
    """A tracking answer ready to show: rows, history and counts, built off the UI thread."""

    # repr=False: a message's repr may be logged, and 100k rows would take half a second to print
    tracking: Tracking = field(repr=False)
    rows: list[PieceRow] = field(default_factory=list, repr=False)
    history: dict[str, list[TrackingEvent]] = field(default_factory=dict, repr=False)
    counts: dict[str, int] = field(default_factory=dict)
    stuck: dict[str, str] = field(default_factory=dict, repr=False)  # barcode -> why it looks stuck
    note: str = ""  # when USPS data was last refreshed and when to look again

    @classmethod
    def build(cls, tracking: Tracking, now: datetime | None = None, days: int = DEFAULT_STUCK_DAYS,
              names: dict | None = None) -> "LoadedTracking":
        from c2m_tui.core.gcquiet import bulk_objects
        from c2m_tui.core.journal.views import name_pieces

        with bulk_objects():  # a row per piece: no full collection stalls the screen meanwhile
            rows, history = build_piece_rows(tracking)
            if names:
                name_pieces(rows, names)  # the journal names pieces the answer names by list id only
            when = reference_time(tracking, now)
            note = refresh_note(rows, when) if tracking.available else ""
            return cls(tracking, rows, history, counts_by_status(rows), stuck_pieces(rows, when, days), note)


def _cached_tracking(journal, batch_id: str, base_url: str):
    """The journal's saved copy (blocking), its scans made with the collector held off (core.gcquiet)."""
    from c2m_tui.core.gcquiet import bulk_objects

    with bulk_objects():
        return journal.cached_tracking(batch_id, 7 * 86400, base_url=base_url)


class TrackingScreen(Screen):
    """Tracking of one batch; i switches between IMB and IMPB."""

    CSS_PATH = "tracking.tcss"
    BINDINGS = [
        Binding("slash", "search", "Search", id="tracking.search"),
        Binding("f", "filter", "Filter", id="tracking.filter"),
        Binding("s", "stuck", "Stuck", id="tracking.stuck"),
        Binding("i", "switch_type", "IMB/IMPB", id="tracking.switch-type"),
        Binding("x", "export", "Export CSV", id="tracking.export"),
        Binding("r", "reload", "Reload", id="tracking.reload"),
        Binding("escape", "back", "Back", id="tracking.back"),
        Binding("q", "back", "Back", show=False, id="tracking.back-alias"),
    ]

    @dataclass
    class Loaded(Message):
        loaded: LoadedTracking
        at: datetime
        cached: bool = False

    def __init__(self, batch_id: str, tracking_type: str = "IMB", *, clock: Callable[[], datetime] | None = None,
                 name: str | None = None) -> None:
        super().__init__(name=name)
        self.batch_id = str(batch_id)
        self.tracking_type = tracking_type.upper()
        self.clock = clock or local_clock
        self.loaded: LoadedTracking | None = None
        self.from_cache = False  # what is shown is the journal's saved copy (the fresh answer follows)
        self.status_filter: str | None = None
        self.stuck_only = False
        self.search_text = ""
        self._loader: Worker | None = None

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="tracking-title")
        yield Static("asking the server…", id="tracking-summary")
        yield Static("", id="tracking-unavailable")
        yield Input(placeholder=f"search {SEARCHED}; enter: to the list, escape: clear", compact=True,
                    id="tracking-search")
        with Vertical(id="tracking-main"):
            yield TrackingView(id="tracking-list")
            with VerticalScroll(id="tracking-history", can_focus=True):
                yield Static("", id="tracking-history-text")
        yield Static("", id="tracking-refresh")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#tracking-unavailable").display = False
        self.query_one("#tracking-search").display = False
        self.query_one("#tracking-refresh").display = False
        self.query_one(TrackingView).focus()
        self.action_reload()

    def _title(self) -> str:
        return f"Batch {self.batch_id}: tracking ({self.tracking_type})"

    # ------------------------------------------------------------------ loading

    def action_reload(self) -> None:
        self._loader = self._load(self.tracking_type)

    @work(group="tracking", exclusive=True, exit_on_error=False, description="load")
    async def _load(self, tracking_type: str) -> None:
        journal = session_journal(self)
        base_url = self.app.session.base_url
        names = await asyncio.to_thread(journal_names, self, self.batch_id)
        if journal is not None and self.loaded is None:
            try:  # something to look at at once; the fresh answer follows (read off the UI thread)
                cached = await asyncio.to_thread(_cached_tracking, journal, self.batch_id, base_url)
            except Exception:  # noqa: BLE001 - a cache problem never blocks the real answer
                cached = None
            if cached is not None and cached.tracking.tracking_type == tracking_type:
                built = await asyncio.to_thread(LoadedTracking.build, cached.tracking, self.clock(), names=names)
                self.post_message(self.Loaded(built, cached.fetched_at.astimezone(), cached=True))
        try:
            tracking = await self.app.session.client.tracking(self.batch_id, tracking_type,
                                                              keep_unreadable_in=data_dir())
        except C2MError as err:
            self.query_one("#tracking-summary", Static).update(f"Could not read the tracking: {err}")
            report_error(self, err, "tracking")
            return
        built = await asyncio.to_thread(LoadedTracking.build, tracking, self.clock(), names=names)
        self.post_message(self.Loaded(built, self.clock()))
        if journal is not None:
            try:  # a thread: turning 100k scans into JSON takes a second
                await asyncio.to_thread(journal.record_tracking, self.batch_id, tracking, base_url=base_url)
            except Exception:  # noqa: BLE001 - the journal is a convenience
                pass

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is self._loader and event.state == WorkerState.ERROR:
            report_error(self, event.worker.error, "tracking")

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        loaded = message.loaded
        if loaded.tracking.tracking_type != self.tracking_type:
            return  # an answer for the type we switched away from
        self.loaded = loaded
        self.from_cache = message.cached
        if self.status_filter is not None and self.status_filter not in loaded.counts:
            self.status_filter = None
        unavailable = self.query_one("#tracking-unavailable", Static)
        main = self.query_one("#tracking-main")
        if not loaded.tracking.available:
            environment = self.app.session.environment
            unavailable.update(not_available_text(loaded.tracking.message, self.tracking_type, environment))
            unavailable.display = True
            main.display = False
        else:
            unavailable.display = False
            main.display = True
        self._apply_filter()
        when = local_time(message.at, seconds=True) + (" (saved copy; refreshing…)" if message.cached else "")
        self.query_one("#tracking-title", Static).update(f"{self._title()} · fetched {when}")
        refresh = self.query_one("#tracking-refresh", Static)
        refresh.update(loaded.note)
        refresh.display = bool(loaded.note)

    # ------------------------------------------------------------------ filter and search

    def _apply_filter(self) -> None:
        if self.loaded is None:
            return
        view = self.query_one(TrackingView)
        current = view.cursor_row.barcode if view.cursor_row else None
        shown = filter_rows(self.loaded.rows, status=self.status_filter, search=self.search_text,
                            stuck=self.loaded.stuck if self.stuck_only else None)
        view.empty_text = "No pieces match." if self.loaded.rows else "No pieces have been scanned yet."
        view.set_rows(shown, keep_barcode=current)
        self._update_summary(len(shown))

    def _update_summary(self, shown: int) -> None:
        assert self.loaded is not None
        if not self.loaded.tracking.available:
            self.query_one("#tracking-summary", Static).update("")
            return
        text = Text()
        total = len(self.loaded.rows)
        text.append(f"{total} piece(s)", style="bold")
        for status, n in self.loaded.counts.items():
            text.append("  ·  ")
            text.append(f"{status or '(no status)'}: {n}", style="bold" if status == self.status_filter else "")
        stuck = len(self.loaded.stuck)
        text.append("  ·  ")
        text.append(f"stuck: {stuck}", style="bold" if self.stuck_only else "")
        conditions = []
        if self.status_filter is not None:
            conditions.append(f"status is {self.status_filter!r}")
        if self.stuck_only:
            conditions.append(f"stuck (no scan for {DEFAULT_STUCK_DAYS} days, returned or forwarded)")
        if self.search_text:
            conditions.append(f"matching {self.search_text!r}")
        if conditions:  # one line at 80 columns (for a short search), so the list keeps its rows
            text.append(f"\nShowing {shown} of {total}: " + " and ".join(conditions) + " (f, s, / to change)")
        self.query_one("#tracking-summary", Static).update(text)

    def action_search(self) -> None:
        search = self.query_one("#tracking-search", Input)
        search.display = True
        search.focus()

    @on(Input.Changed, "#tracking-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search_text = event.value
        self._apply_filter()

    @on(Input.Submitted, "#tracking-search")
    def _search_done(self, event: Input.Submitted) -> None:
        if not event.value:
            self.query_one("#tracking-search").display = False
        self.query_one(TrackingView).focus()

    def action_filter(self) -> None:
        if self.loaded is None or not self.loaded.rows:
            self.notify("Nothing to filter yet.", severity="warning")
            return
        self.app.push_screen(StatusFilterDialog(self.loaded.counts, self.status_filter), self._filter_chosen)

    def action_stuck(self) -> None:
        """Show only stuck pieces (again: all pieces)."""
        if self.loaded is None or not self.loaded.rows:
            self.notify("Nothing to filter yet.", severity="warning")
            return
        self.stuck_only = not self.stuck_only
        self._apply_filter()

    def _filter_chosen(self, choice: str | None) -> None:
        if choice is None:
            return
        self.status_filter = None if choice == ALL else choice
        self._apply_filter()

    # ------------------------------------------------------------------ history

    @on(TrackingView.CursorMoved)
    def _cursor_moved(self, event: TrackingView.CursorMoved) -> None:
        self.query_one("#tracking-history-text", Static).update(self._history(event.row))

    def _history(self, row: PieceRow | None) -> Table | str:
        if row is None or self.loaded is None:
            return ""
        who = f" to {row.recipient.label()}" if row.recipient else ""
        why = self.loaded.stuck.get(row.barcode)
        title = f"Piece {row.barcode}{who}: {row.events} scan(s), newest first" + (f" · stuck: {why}" if why else "")
        table = Table(title=title, title_justify="left",
                      expand=True, box=None, show_edge=False, padding=(0, 1))
        table.add_column("When", no_wrap=True)
        table.add_column("Status")
        table.add_column("Where")
        for ev in reversed(self.loaded.history.get(row.barcode, [])):  # newest first, like the list
            table.add_row(local_time(ev.date_time), ev.status, ev.location)
        return table

    @on(TrackingView.PieceChosen)
    def _piece_chosen(self, event: TrackingView.PieceChosen) -> None:
        self.query_one("#tracking-history").focus()

    # ------------------------------------------------------------------ type, export, back

    def action_switch_type(self) -> None:
        self.tracking_type = "IMPB" if self.tracking_type == "IMB" else "IMB"
        self.loaded = None
        self.status_filter = None
        self.stuck_only = False
        self.query_one("#tracking-title", Static).update(self._title())
        self.query_one("#tracking-refresh", Static).update("")
        self.query_one("#tracking-summary", Static).update("asking the server…")
        self.query_one(TrackingView).set_rows([])
        self.action_reload()

    def action_export(self) -> None:
        if self.loaded is None or not self.loaded.rows:
            self.notify("There is no tracking data to export.", severity="warning")
            return
        shown = self.query_one(TrackingView).rows
        from c2m_tui.config.paths import export_dir

        default = default_csv_path(self.batch_id, self.tracking_type, export_dir())
        self.app.push_screen(ExportDialog(default, len(shown)), self._export_to)

    def _export_to(self, path: Path | None) -> None:
        if path is None or self.loaded is None:
            return
        try:
            lines = export_tracking_csv(path, self.query_one(TrackingView).rows, self.loaded.history)
        except C2MError as err:
            report_error(self, err, "export")
            return
        self.notify(f"{lines} scan(s) written to {path}", title="Exported")

    def on_unmount(self) -> None:
        # the rows were frozen out of the collector's sight (core.gcquiet): drop them, then let it
        # see everything again, so cycles frozen meanwhile (screens closed since) are collected
        from c2m_tui.core.gcquiet import release

        self.loaded = None
        for view in self.query(TrackingView):
            view.set_rows([])
        release()

    def action_back(self) -> None:
        search = self.query_one("#tracking-search", Input)
        if search.has_focus or self.query_one("#tracking-history").has_focus:
            if search.has_focus and search.value:
                search.value = ""
            search.display = bool(search.value)
            self.query_one(TrackingView).focus()
            return
        self.dismiss()
