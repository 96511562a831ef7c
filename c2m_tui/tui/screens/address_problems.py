"""The problems of an imported address list, worked through kind by kind before import.

Every row is checked in a thread (core.addresses.scan_rows, streaming, with progress); the upper
table has one line per problem kind with its count and the chosen action (only the actions the
kind allows, cycled with a key), the lower one lists the rows of the highlighted kind. Changing
an action checks the list again, because fixing or skipping a row changes what is a duplicate.

A problem row can be edited by hand (e, or enter on it: RowEditScreen): the whole list is then
checked again with the edits (core's checker applies them), and the row is "fixed by hand" or shows
its new problem. The edits stay in ``edits`` for this import only; the file is never written.
The choices may start from those remembered for the last import of the same columns
(core.addresses.remembered), which the screen says in one line; ctrl+r goes back to the defaults.
Dismisses with the policy (kind -> action, for core's checker) or None; the caller reads ``edits``.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from c2m_tui.tui.widgets.fitted_table import FittedTable
from textual.widgets import Button, DataTable, Static

from c2m_tui.core.addresses import (
    EDITABLE_FIELDS,
    KINDS,
    USING_REMEMBERED,
    CheckReport,
    Mapping,
    Remembered,
    RowProblem,
    find_row,
    open_table,
    resolve_policy,
    scan_rows,
)
from c2m_tui.core.gcquiet import quietly
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
        Binding("e", "edit_row", "Edit row", id="address-problems.edit"),
        Binding("ctrl+r", "reset", "Defaults", id="address-problems.reset"),
        Binding("ctrl+o", "accept", "OK: import", id="address-problems.ok"),
        Binding("f2", "accept", "OK: import", show=False, id="address-problems.ok-alias"),
    ]

    def __init__(self, path: Path, mapping: Mapping, *, policy: dict[str, str] | None = None,
                 edits: dict[int, dict[str, str]] | None = None, remembered: Remembered | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self.mapping = mapping
        self.remembered = remembered
        if policy is None and remembered is not None and remembered.found:
            policy = remembered.policy
        self.policy = resolve_policy(policy)  # every kind's action: given, remembered, or the defaults
        self.edits: dict[int, dict[str, str]] = dict(edits or {})  # row number -> {field: value}, by hand
        self.report: CheckReport | None = None
        self.scans = 0  # finished checks (the tests wait on it)
        self._timer = None
        self._listed: list[RowProblem] = []  # the problems in the rows table, in its order
        self._last_edit: int | None = None  # the row edited last: its outcome is said after the check
        self._focus_row: int | None = None  # the row the rows table's cursor is put on

    def compose(self) -> ComposeResult:
        with Vertical(id="problems-dialog"):
            yield Static(f"Problems in {self.path.name}", id="problems-title", markup=False)
            yield Static("Checking the rows…", id="problems-summary", markup=False)
            yield Static("", id="problems-note", markup=False)  # where the choices came from; an edit's outcome
            yield FittedTable(id="problem-kinds", cursor_type="row")
            yield FittedTable(id="problem-rows", cursor_type="row", zebra_stripes=True)
            # the highlighted row's problem in full: at 80 columns the Problem column is cut
            yield Static("", id="problem-detail", markup=False)
            yield Static("a/enter: change the kind's action · e: edit the row · ctrl+o/f2: import",
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
        self.query_one("#problem-rows", DataTable).border_title = "Rows of this kind"
        self._note(self._memory_line(), "warning-text" if self.remembered and self.remembered.warning else "hint")
        kinds.focus()
        self.scan()

    def _memory_line(self) -> str:
        memory = self.remembered
        if memory is None:
            return ""
        if memory.warning:
            return memory.warning
        return USING_REMEMBERED if memory.found else ""  # one line at 80 columns; the footer has ctrl+r

    def _note(self, text: str, classes: str = "hint") -> None:
        note = self.query_one("#problems-note", Static)
        note.update(text)
        note.set_classes(classes)
        note.display = bool(text)

    # ------------------------------------------------------------------ checking (thread)

    @work(group="address-scan", thread=True, exclusive=True, exit_on_error=False)
    def scan(self) -> None:
        policy, edits = dict(self.policy), dict(self.edits)
        try:
            table = open_table(self.path)
            report = quietly(scan_rows, table, self.mapping, policy, edits=edits,  # no collection stalls
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
        if self._last_edit is not None:
            self._say_edit_outcome(report, self._last_edit)
            self._last_edit = None  # said once: changing an action later does not move the cursor back
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
            if kind == "hand-edit":  # not a choice: the person's own edits, changed with e
                cells = (kind, cells[1], "by hand", "e: edit again", cells[4])
            if kind in table.rows:
                for column, value in zip(("kind", "count", "action", "choices", "label"), cells):
                    table.update_cell(kind, column, value)
            else:
                table.add_row(*cells, key=kind)
        self._fill_rows()

    def _fill_rows(self) -> None:
        rows = self.query_one("#problem-rows", DataTable)
        # the columns anew for each kind: cleared rows keep their columns' widths, so a kind's longer
        # values were cut to the widths of the kind shown before
        rows.clear(columns=True)
        for key, title in (("row", "Row"), ("who", "Name"), ("column", "Column"), ("value", "Value"),
                           ("done", "Done"), ("message", "Problem")):
            rows.add_column(title, key=key)
        self._listed = []
        kind = self.highlighted_kind()
        if self.report is None or kind is None:
            self._show_detail()
            return
        problems = [p for p in self.report.problems if p.kind == kind]
        self._listed = problems[:MAX_LISTED]
        for p in self._listed:
            done = f"fixed to {p.fixed_value}" if p.action == "fixed" else p.action
            if p.kind == "hand-edit":
                done = f"typed {p.fixed_value}"
            rows.add_row(f"{p.row} ✎" if p.row in self.edits else str(p.row), p.who, p.column, p.value, done,
                         p.message)
        if len(problems) > MAX_LISTED:
            rows.add_row("…", "", "", "", "", f"and {len(problems) - MAX_LISTED:,} more rows of this kind")
        rows.border_title = f"Rows with {kind} ({len(problems):,})"
        at = next((i for i, p in enumerate(self._listed) if p.row == self._focus_row), None)
        if at is not None:
            rows.move_cursor(row=at)
        self._show_detail()

    @on(DataTable.RowHighlighted, "#problem-rows")
    def _show_detail(self) -> None:
        problem = self.highlighted_problem()
        who = f" · {problem.who}" if problem is not None and problem.who else ""
        done = f" (fixed to {problem.fixed_value})" if problem is not None and problem.action == "fixed" \
            and problem.kind != "hand-edit" and problem.fixed_value else ""
        self.query_one("#problem-detail", Static).update(
            f"Row {problem.row}{who}: {problem.message}{done}" if problem is not None else "")

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
        if len(actions) == 1:  # nothing to choose (a hand edit, a page range the PDF lacks)
            return
        self.policy[kind] = actions[(actions.index(self.policy[kind]) + 1) % len(actions)]
        self.query_one("#problem-kinds", DataTable).update_cell(kind, "action", ACTION_WORDS[self.policy[kind]])
        self.refresh_bindings()
        self.query_one("#problems-ok", Button).disabled = True  # until the new check is in
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(RESCAN_DELAY, self._rescan)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reset":  # shown only when there is something to reset
            return self.policy != resolve_policy(None)
        return True

    def action_reset(self) -> None:
        """Every kind back to its default action (the remembered or chosen ones are dropped)."""
        if self.policy == resolve_policy(None):
            return
        self.policy = resolve_policy(None)
        self.remembered = None
        self._note("back to the default choices")
        self.refresh_bindings()
        self.query_one("#problems-ok", Button).disabled = True
        self._rescan()

    def _rescan(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = None
        self.scan()

    @on(DataTable.RowSelected, "#problem-kinds")
    def _kind_selected(self) -> None:
        self.action_cycle_action()  # enter on a kind changes it too

    # ------------------------------------------------------------------ editing a row by hand

    def highlighted_problem(self) -> RowProblem | None:
        rows = self.query_one("#problem-rows", DataTable)
        if not rows.row_count or rows.cursor_row >= len(self._listed):
            return None  # no rows, or the "… more rows" line
        return self._listed[rows.cursor_row]

    @on(DataTable.RowSelected, "#problem-rows")
    def action_edit_row(self) -> None:
        problem = self.highlighted_problem()
        if problem is None:
            return
        self.read_row(problem.row, problem.field if problem.field in EDITABLE_FIELDS else None)

    @work(group="address-row", thread=True, exclusive=True, exit_on_error=False, description="read row")
    def read_row(self, number: int, focus_field: str | None) -> None:
        try:
            row = find_row(open_table(self.path), number)
        except Exception as err:  # the file changed or went away since the check: say so
            self.app.call_from_thread(self._note, failure_text(err, self.path), "error-text")
        else:
            self.app.call_from_thread(self._open_editor, number, row, focus_field)

    def _open_editor(self, number: int, row: dict[str, str], focus_field: str | None) -> None:
        from c2m_tui.tui.screens.row_edit import RowEditScreen

        editor = RowEditScreen(number, row, self.mapping, dict(self.policy), edit=self.edits.get(number),
                               focus_field=focus_field)
        self.app.push_screen(editor, lambda edit: self._edited(number, edit))

    def _edited(self, number: int, edit: dict[str, str] | None) -> None:
        """The edit is kept for this import and the whole list checked again with it."""
        if edit is None:
            return
        if edit:
            self.edits[number] = edit
        else:
            self.edits.pop(number, None)
        self._last_edit = self._focus_row = number
        self.query_one("#problems-ok", Button).disabled = True
        self._rescan()

    def _say_edit_outcome(self, report: CheckReport, number: int) -> None:
        """One line: fixed by hand, or what is still wrong; the kinds cursor moves to where the row is."""
        mine = [p for p in report.problems if p.row == number]
        wrong = [p for p in mine if p.action == "skipped"]
        who = next((p.who for p in mine if p.who), "")
        label = f"row {number}" + (f" ({who})" if who else "")
        problem = f"{wrong[0].message} ({wrong[0].kind}: row skipped)" if wrong else ""
        if number not in self.edits:
            self._note(f"{label}: back to the file's values" + (f": {problem}" if problem else ""))
        elif wrong:
            self._note(f"{label} is still wrong: {problem}", "warning-text")
        else:
            self._note(f"{label} fixed by hand: it will be imported", "ok-text")
        kind = (wrong or mine or [None])[0]
        if kind is not None:
            kinds = self.query_one("#problem-kinds", DataTable)
            kinds.move_cursor(row=kinds.get_row_index(kind.kind))
            self._fill_rows()

    # ------------------------------------------------------------------ closing

    @on(Button.Pressed, "#problems-ok")
    def action_accept(self) -> None:
        if self.report is None or self._timer is not None or self.query_one("#problems-ok", Button).disabled:
            return
        self.dismiss(dict(self.policy))

    @on(Button.Pressed, "#problems-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
