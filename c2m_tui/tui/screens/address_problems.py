"""The problems of an imported address list, worked through kind by kind before import.

Every row is checked in a thread (core.addresses.scan_rows, streaming, with progress); the upper
table has one line per problem kind with its count and the chosen action (only the actions the
kind allows, cycled with a key), the lower one lists the rows of the highlighted kind. Changing
an action checks the list again, because fixing or skipping a row changes what is a duplicate.
Dismisses with the policy (kind -> action, for core's checker) or None.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Static

from c2m_tui.core.addresses import KINDS, CheckReport, Mapping, open_table, resolve_policy, scan_rows
from c2m_tui.tui.screens._common import failure_text
from c2m_tui.tui.widgets.key_footer import KeyFooter

MAX_LISTED = 500  # rows listed per kind: a DataTable is slow past a few thousand (STYLE.md §9)
RESCAN_DELAY = 0.3  # pressing the cycle key twice runs one check, not two
ACTION_WORDS = {"fix": "fix", "skip": "skip row", "keep": "keep as is"}


class AddressProblemsScreen(ModalScreen[dict[str, str] | None]):
    CSS_PATH = "address_problems.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Back", id="address-problems.cancel"),
        Binding("a", "cycle_action", "Change action", id="address-problems.cycle"),
        Binding("ctrl+o", "accept", "OK: import", id="address-problems.ok"),
        Binding("f2", "accept", "OK: import", show=False, id="address-problems.ok-alias"),
    ]

    def __init__(self, path: Path, mapping: Mapping, *, policy: dict[str, str] | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self.mapping = mapping
        self.policy = resolve_policy(policy)  # every kind's action, the defaults to start with
        self.report: CheckReport | None = None
        self.scans = 0  # finished checks (the tests wait on it)
        self._timer = None

    def compose(self) -> ComposeResult:
        with Vertical(id="problems-dialog"):
            yield Static(f"Problems in {self.path.name}", id="problems-title", markup=False)
            yield Static("Checking the rows…", id="problems-summary", markup=False)
            yield DataTable(id="problem-kinds", cursor_type="row")
            yield DataTable(id="problem-rows", cursor_type="row", zebra_stripes=True)
            yield Static("a or enter: change the action of the highlighted kind · ctrl+o or f2: import",
                         classes="hint", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK: import", id="problems-ok", variant="primary", disabled=True, compact=True)
                yield Button("Back to columns", id="problems-cancel", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        kinds = self.query_one("#problem-kinds", DataTable)
        kinds.border_title = "Problem kinds"
        for key, title in (("kind", "Kind"), ("count", "Rows"), ("action", "Action"), ("choices", "Choices"),
                           ("label", "What it is")):
            kinds.add_column(title, key=key)
        rows = self.query_one("#problem-rows", DataTable)
        rows.border_title = "Rows of this kind"
        for key, title in (("row", "Row"), ("who", "Name"), ("column", "Column"), ("value", "Value"),
                           ("done", "Done"), ("message", "Problem")):
            rows.add_column(title, key=key)
        kinds.focus()
        self.scan()

    # ------------------------------------------------------------------ checking (thread)

    @work(group="address-scan", thread=True, exclusive=True, exit_on_error=False)
    def scan(self) -> None:
        policy = dict(self.policy)
        try:
            table = open_table(self.path)
            report = scan_rows(table, self.mapping, policy,
                               progress=lambda n: self.app.call_from_thread(self._progress, n))
        except Exception as err:  # a bug must show too, not leave the screen waiting forever
            self.app.call_from_thread(self._failed, failure_text(err, self.path))
        else:
            self.app.call_from_thread(self._scanned, report)

    def _progress(self, rows: int) -> None:
        self.query_one("#problems-summary", Static).update(f"Checking the rows… {rows:,} so far")

    def _failed(self, text: str) -> None:
        summary = self.query_one("#problems-summary", Static)
        summary.update(text)
        summary.set_classes("error-text")
        self.query_one("#problems-ok", Button).disabled = True

    def _scanned(self, report: CheckReport) -> None:
        self.report = report
        self.scans += 1
        summary = self.query_one("#problems-summary", Static)
        skipped = report.rows_skipped
        text = (f"{report.rows_read:,} row(s) read: {report.rows_accepted:,} to mail, {skipped:,} skipped"
                + ("" if report.problems else " · no problems found"))
        summary.update(text)
        summary.set_classes("warning-text" if skipped else "ok-text")
        self._fill_kinds(report)
        self.query_one("#problems-ok", Button).disabled = report.rows_accepted == 0

    def _counts(self, report: CheckReport) -> dict[str, int]:
        counts: dict[str, int] = {}
        for (kind, _action), n in report.counts.items():
            counts[kind] = counts.get(kind, 0) + n
        return counts

    def _fill_kinds(self, report: CheckReport) -> None:
        """Update the kinds in place by key: the cursor stays on the kind the person is deciding."""
        table = self.query_one("#problem-kinds", DataTable)
        counts = self._counts(report)
        present = [k for k in KINDS if k in counts]
        for key in [k.value for k in table.rows]:
            if key not in counts:
                table.remove_row(key)
        for kind in present:
            cells = (kind, str(counts[kind]), ACTION_WORDS[self.policy[kind]], " · ".join(KINDS[kind].actions),
                     KINDS[kind].label)
            if kind in table.rows:
                for column, value in zip(("kind", "count", "action", "choices", "label"), cells):
                    table.update_cell(kind, column, value)
            else:
                table.add_row(*cells, key=kind)
        self._fill_rows()

    def _fill_rows(self) -> None:
        rows = self.query_one("#problem-rows", DataTable)
        rows.clear()
        kind = self.highlighted_kind()
        if self.report is None or kind is None:
            return
        problems = [p for p in self.report.problems if p.kind == kind]
        for p in problems[:MAX_LISTED]:
            done = f"fixed to {p.fixed_value}" if p.action == "fixed" else p.action
            rows.add_row(str(p.row), p.who, p.column, p.value, done, p.message)
        if len(problems) > MAX_LISTED:
            rows.add_row("…", "", "", "", "", f"and {len(problems) - MAX_LISTED:,} more rows of this kind")
        rows.border_title = f"Rows with {kind} ({len(problems):,})"

    def highlighted_kind(self) -> str | None:
        table = self.query_one("#problem-kinds", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    @on(DataTable.RowHighlighted, "#problem-kinds")
    def _kind_highlighted(self) -> None:
        self._fill_rows()

    # ------------------------------------------------------------------ choosing actions

    def action_cycle_action(self) -> None:
        kind = self.highlighted_kind()
        if kind is None:
            return
        actions = KINDS[kind].actions
        self.policy[kind] = actions[(actions.index(self.policy[kind]) + 1) % len(actions)]
        self.query_one("#problem-kinds", DataTable).update_cell(kind, "action", ACTION_WORDS[self.policy[kind]])
        self.query_one("#problems-ok", Button).disabled = True  # until the new check is in
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(RESCAN_DELAY, self._rescan)

    def _rescan(self) -> None:
        self._timer = None
        self.scan()

    @on(DataTable.RowSelected, "#problem-kinds")
    def _kind_selected(self) -> None:
        self.action_cycle_action()  # enter on a kind changes it too

    # ------------------------------------------------------------------ closing

    @on(Button.Pressed, "#problems-ok")
    def action_accept(self) -> None:
        if self.report is None or self._timer is not None or self.query_one("#problems-ok", Button).disabled:
            return
        self.dismiss(dict(self.policy))

    @on(Button.Pressed, "#problems-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
