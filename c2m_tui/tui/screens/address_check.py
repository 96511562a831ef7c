"""Click2Mail's address correction of the recipient list, before anything is sent.

A worker on this screen (group ``address-check``) sends every recipient to ``POST
/addressCorrection`` through the core (``addresscheck.check``: calls of at most 100) and says
"checked 200 of 250" after each call; esc stops it (the worker dies with the screen) and changes
nothing. Then: the counts; one line per group (standard and corrected, standard with no change,
international, not mailable) with the choice for all of it; the rows of the highlighted group, each
with its own choice; and the highlighted row as given and as Click2Mail has it, the changed fields
highlighted. The defaults are the careful ones (core.addresscheck): no correction is used until it
is accepted, a non-mailable address is marked to be excluded but listed. Dismisses with
``addresscheck.Applied`` (ctrl+o) or None (esc: the list is unchanged).
"""

from __future__ import annotations

import asyncio
from typing import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from c2m_tui.tui.widgets.fitted_table import FittedTable
from textual.widgets import Button, DataTable, Static

from c2m_tui.core import addresscheck as ac
from c2m_tui.core.models import Address
from c2m_tui.tui.widgets.correction_view import CorrectionView, address_text
from c2m_tui.tui.widgets.key_footer import KeyFooter

FIELD_WORDS = {"address1": "street", "address2": "line 2", "city": "city", "state": "state", "zip": "ZIP",
               "country": "country"}
GROUP_LABELS = dict(ac.GROUPS)
ROW_COLUMNS = (("number", "#"), ("name", "Name"), ("what", "Click2Mail says"), ("choice", "Choice"))
WIDE = 110  # from this width the rows show both addresses side by side
WIDE_COLUMNS = (("number", "#"), ("name", "Name"), ("given", "As given"), ("theirs", "Click2Mail"),
                ("choice", "Choice"))


def changed_words(item: ac.Checked) -> str:
    """``street, ZIP+4``: the fields Click2Mail changed, in a person's words."""
    words = []
    for key in item.changed:
        was, now = item.original.get(key) or "", item.corrected.fields.get(key) or ""
        words.append("ZIP+4" if key == "zip" and len(was) == 5 and now.startswith(was + "-") else FIELD_WORDS[key])
    return ", ".join(words)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _crop(text: Text, width: int) -> Text:
    if len(text) <= width:
        return text
    text = text.copy()
    text.truncate(width - 1)
    return text.append("…")


MAX_LISTED = 500  # rows listed per group, as on the problems screen; the group's choice covers the rest
MORE = "more"  # the key of the "… and N more" row

class AddressCheckScreen(ModalScreen["ac.Applied | None"]):
    CSS_PATH = "address_check.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Back: change nothing", id="address-check.cancel"),
        Binding("a", "change", "Change choice", id="address-check.change"),
        Binding("ctrl+o", "apply", "Apply to the list", id="address-check.apply"),
        Binding("f2", "apply", "Apply to the list", show=False, id="address-check.apply-alias"),
        Binding("r", "retry", "Check again", id="address-check.retry"),
    ]

    def __init__(self, addresses: list[Address], *, rest_client: Callable | None = None) -> None:
        super().__init__()
        self.addresses = list(addresses)
        self.rest_client = rest_client or (lambda session: session.rest_client())  # session -> RestClient
        self.result: ac.CheckResult | None = None
        self.choices: list[str] = []
        self.error: str | None = None
        self.checked = 0  # addresses answered so far (the progress line)
        self.answered: list[int] = []  # self.checked after each call, as shown (tests read it)
        self._wide = False  # the rows show both addresses (a wide terminal)
        self.worker = None  # the check running or done (dies with the screen: esc stops it)

    def compose(self) -> ComposeResult:
        with Vertical(id="check-dialog") as dialog:
            dialog.border_title = "Check addresses with Click2Mail"
            yield Static("", id="check-summary", markup=False)
            yield Static("", id="check-plan", markup=False)
            yield FittedTable(id="check-groups", cursor_type="row")
            yield FittedTable(id="check-rows", cursor_type="row", zebra_stripes=True)
            yield CorrectionView("", id="check-detail")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply to the list", id="check-apply", variant="primary", disabled=True, compact=True)
                yield Button("Back: change nothing", id="check-cancel", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        groups = self.query_one("#check-groups", DataTable)
        for key, title in (("group", "Group"), ("count", "Rows"), ("choice", "Choice for all of them")):
            groups.add_column(title, key=key)
        rows = self.query_one("#check-rows", DataTable)
        rows.border_subtitle = "a or enter: change · tab: next table"
        groups.display = rows.display = False
        self.query_one("#check-cancel", Button).focus()
        self.worker = self.run_check()

    # ------------------------------------------------------------------ checking (a worker)

    @work(group="address-check", exclusive=True, exit_on_error=False)
    async def run_check(self) -> None:
        from c2m_tui.core.errors import CredentialsError, describe
        from c2m_tui.core.rest import MAX_ADDRESSES_PER_CALL

        total = len(self.addresses)
        sources = [(f"recipient {n}", ac.from_address(a)) for n, a in enumerate(self.addresses, 1)]
        self.error, self.checked, self.answered = None, 0, []
        self._progress(total)
        self.refresh_bindings()

        def answered(call: int, _calls: int) -> None:
            self.checked = min(call * MAX_ADDRESSES_PER_CALL, total)
            self.answered.append(self.checked)
            self._progress(total)

        try:
            session = self.app.session
            if not getattr(session, "logged_in", True):
                raise CredentialsError("not logged in: log in first (L on the home screen)")
            rest = self.rest_client(session)
            async with rest:
                result = await ac.check(rest, sources, on_call=answered)
        except asyncio.CancelledError:
            raise
        except Exception as err:  # noqa: BLE001 - our errors and bugs alike: one line, the list unchanged
            self._failed(describe(err))
        else:
            self._checked(result)

    def _progress(self, total: int) -> None:
        self.query_one("#check-summary", Static).update(
            f"Checking {total:,} address(es) with Click2Mail… checked {self.checked:,} of {total:,}")
        self.query_one("#check-plan", Static).update("esc stops the check; the list stays as it is")

    def _failed(self, text: str) -> None:
        self.error = text
        summary = self.query_one("#check-summary", Static)
        summary.update(f"Address check failed: {text}")
        summary.set_classes("error-text")
        self.query_one("#check-plan", Static).update("The list is unchanged · r: check again · esc: back")
        self.refresh_bindings()

    def _checked(self, result: ac.CheckResult) -> None:
        self.result = result
        self.choices = [ac.default_choice(item) for item in result.items]
        counts = result.counts()
        corrected = sum(1 for item in result.items if ac.group_of(item) == "corrected")
        parts = [f"{counts.get('standard', 0):,} standard",
                 f"{counts.get('international', 0):,} international",
                 f"{counts.get('nonMailable', 0):,} not mailable"]
        if counts.get("unknown"):
            parts.append(f"{counts['unknown']:,} not classified")
        summary = self.query_one("#check-summary", Static)
        summary.update(f"{len(result.items):,} checked in {result.calls} call(s): " + " · ".join(parts))
        summary.set_classes("warning-text" if counts.get("nonMailable") or corrected else "ok-text")
        groups = self.query_one("#check-groups", DataTable)
        rows = self.query_one("#check-rows", DataTable)
        groups.display = rows.display = True
        for key, _label in ac.GROUPS:
            if any(ac.group_of(item) == key for item in result.items):
                groups.add_row(*self._group_cells(key), key=key)
        self.query_one("#check-apply", Button).disabled = False
        self._show_plan()
        self._fill_rows()
        groups.focus()
        self.refresh_bindings()

    # ------------------------------------------------------------------ showing

    def _members(self, group: str) -> list[int]:
        items = self.result.items if self.result else []
        return [i for i, item in enumerate(items) if ac.group_of(item) == group]

    def _group_cells(self, group: str) -> tuple[str, str, str]:
        members = self._members(group)
        chosen = {self.choices[i] for i in members}
        if len(chosen) == 1:
            only = chosen.pop()
            choice = ac.CHOICE_WORDS[only] + (" (corrections not accepted)" if group == "corrected" and only == ac.KEEP
                                              else "")
        else:
            tally = {c: sum(1 for i in members if self.choices[i] == c) for c in ac.CHOICE_WORDS}
            choice = "mixed: " + ", ".join(f"{n} {ac.CHOICE_WORDS[c]}" for c, n in tally.items() if n)
        return GROUP_LABELS[group], f"{len(members):,}", choice

    def _show_plan(self) -> None:
        use = self.choices.count(ac.USE)
        out = self.choices.count(ac.EXCLUDE)
        kept = len(self.choices) - use - out
        self.query_one("#check-plan", Static).update(
            f"Apply will: use {use:,} correction(s) · exclude {out:,} · keep {kept:,} as given")

    def highlighted_group(self) -> str | None:
        table = self.query_one("#check-groups", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def highlighted_row(self) -> int | None:
        table = self.query_one("#check-rows", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return None if key == MORE else int(key)

    def _what(self, item: ac.Checked) -> str:
        if ac.group_of(item) == "corrected":
            return changed_words(item)
        return ac.reason(item).removeprefix("Not mailable: ") or "no change"

    def _fill_rows(self) -> None:
        """The highlighted group's rows, the columns sized to them. A wide terminal shows each
        address as given and as Click2Mail has it side by side (the changed fields highlighted)."""
        rows = self.query_one("#check-rows", DataTable)
        group = self.highlighted_group()
        members = self._members(group) if group is not None else []
        self._wide = self.size.width >= WIDE
        columns = WIDE_COLUMNS if self._wide else ROW_COLUMNS
        # the dialog's border and padding, the table's border and scroll bar, 2 cells' padding a column
        room = self.size.width - 4 - 3 - 2 * len(columns)
        choice_width = max(len(w) for w in ac.CHOICE_WORDS.values())  # a changed choice fits
        listed = members[:MAX_LISTED]  # a DataTable of 100,000 rows would freeze the screen for seconds
        cells = []
        for i in listed:
            address, item = self.addresses[i], self.result.items[i]
            start = (str(i + 1), _short(address.name or address.organization, 20))
            if self._wide:
                cells.append(start + self._side_by_side(item) + (ac.CHOICE_WORDS[self.choices[i]],))
            else:
                cells.append(start + (_short(self._what(item), 32), ac.CHOICE_WORDS[self.choices[i]]))
        widths = [max([len(title)] + [len(c[n]) for c in cells]) for n, (_k, title) in enumerate(columns)]
        widths[-1] = choice_width
        if self._wide:  # the two addresses share what is left
            half = max(12, (room - widths[0] - widths[1] - choice_width) // 2)
            widths[2], widths[3] = min(widths[2], half), min(widths[3], half)
        rows.clear(columns=True)
        for (key, title), width in zip(columns, widths):
            rows.add_column(title, key=key, width=width)  # fixed: a cleared table keeps the old auto widths
        for i, row in zip(listed, cells):
            if self._wide:
                row = row[:2] + tuple(_crop(t, widths[n + 2]) for n, t in enumerate(row[2:4])) + row[4:]
            rows.add_row(*row, key=str(i))
        if len(members) > MAX_LISTED:  # the group's choice (on the groups table) covers every one of them
            more = f"and {len(members) - MAX_LISTED:,} more (the group's choice)"
            rows.add_row("…", "", more, *[""] * (len(columns) - 3), key=MORE)
        rows.border_title = f"{GROUP_LABELS[group]} ({len(members):,})" if group else ""
        self._show_detail()

    def _side_by_side(self, item: ac.Checked) -> tuple[Text, Text]:
        group = ac.group_of(item)
        if group != "corrected":
            return address_text(item.original, home=False), Text(self._what(item))
        marked, style = set(item.changed), self.query_one(CorrectionView).changed_style()
        return (address_text(item.original, marked, style, home=False),
                address_text(item.corrected.fields, marked, style, home=False))

    def on_resize(self) -> None:
        if self.result is not None and (self.size.width >= WIDE) != self._wide:
            self._fill_rows()

    def _show_detail(self) -> None:
        detail = self.query_one(CorrectionView)
        index = self.highlighted_row()
        if index is None or self.result is None:
            detail.show(0, "", None, ac.KEEP)
            return
        address = self.addresses[index]
        detail.show(index + 1, address.name or address.organization, self.result.items[index], self.choices[index])

    @on(DataTable.RowHighlighted, "#check-groups")
    def _group_highlighted(self) -> None:
        self._fill_rows()

    @on(DataTable.RowHighlighted, "#check-rows")
    def _row_highlighted(self) -> None:
        self._show_detail()

    # ------------------------------------------------------------------ choosing

    def _set(self, indexes: list[int], choice: str) -> None:
        rows = self.query_one("#check-rows", DataTable)
        for i in indexes:
            self.choices[i] = choice
            if str(i) in rows.rows:
                rows.update_cell(str(i), "choice", ac.CHOICE_WORDS[choice])
        group = ac.group_of(self.result.items[indexes[0]])
        self.query_one("#check-groups", DataTable).update_cell(group, "choice", self._group_cells(group)[2],
                                                                update_width=True)
        self._show_plan()
        self._show_detail()

    def action_change(self) -> None:
        """The next choice for the highlighted row (the rows table) or for all of a group."""
        if self.result is None:
            return
        if self.focused is self.query_one("#check-rows", DataTable):
            index = self.highlighted_row()
            if index is not None:
                options = ac.choices_for(self.result.items[index])
                self._set([index], options[(options.index(self.choices[index]) + 1) % len(options)])
            return
        group = self.highlighted_group()
        if group is None:
            return
        members = self._members(group)
        options = ac.choices_for(self.result.items[members[0]])
        chosen = {self.choices[i] for i in members}
        current = chosen.pop() if len(chosen) == 1 else None
        self._set(members, options[(options.index(current) + 1) % len(options)] if current else options[0])

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_change()  # enter on a line changes it too

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "retry":
            return self.error is not None
        if action in ("apply", "change"):
            return self.result is not None or None  # shown greyed until the answers are in
        return True

    # ------------------------------------------------------------------ closing

    def action_retry(self) -> None:
        if self.error is not None:
            self.query_one("#check-summary", Static).set_classes("")
            self.worker = self.run_check()

    @on(Button.Pressed, "#check-apply")
    def action_apply(self) -> None:
        if self.result is None:
            return
        self.dismiss(ac.apply_choices(self.addresses, self.result, self.choices))

    @on(Button.Pressed, "#check-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


# ---------------------------------------------------------------------- what the list keeps


def merge_rows_after(before: list[Address], applied: ac.Applied,
                     merge_rows: tuple[dict[int, int], int] | None) -> tuple[dict[int, int], int]:
    """The mail-merge rows of the list after a check (JobsForm.merge_rows: {id(address): 0-based
    row}, rows): every kept recipient keeps the row it had, so an excluded one's pages are simply
    not mailed and nobody gets someone else's letter. A typed list's rows are its own order."""
    where, rows = merge_rows if merge_rows is not None else ({id(a): i for i, a in enumerate(before)}, len(before))
    kept = {}
    for address, origin in zip(applied.addresses, applied.origins):
        row = where.get(id(before[origin]))
        if row is not None:
            kept[id(address)] = row
    return kept, rows


def ranges_after(spec: str, applied: ac.Applied) -> str | None:
    """One page range per recipient (``1-2, 3-4, 5``): the kept recipients' ranges, or None when the
    spec did not have one range per checked recipient (left for the person to fix)."""
    parts = [p.strip() for p in spec.split(",") if p.strip()]
    if len(parts) != applied.checked:
        return None
    return ", ".join(parts[i] for i in applied.origins)


def outcome_lines(applied: ac.Applied | None, addresses: list[Address]) -> list[str]:
    """What the check did to the list, in words: nothing is left out without saying who and why."""
    if applied is None:
        return ["Address check: not applied; the list is unchanged"]
    kept = len(applied.addresses)
    lines = [f"Address check: {applied.checked:,} checked · {kept:,} kept ({len(applied.corrected):,} corrected) · "
             f"{len(applied.excluded):,} excluded"]
    by_group: dict[str, list[str]] = {}
    for index, item in applied.excluded:
        who = addresses[index].name or addresses[index].organization or "(no name)"
        why = ac.reason(item).removeprefix("Not mailable: ").rstrip(".")
        by_group.setdefault(ac.group_of(item), []).append(f"#{index + 1} {who}" + (f" ({why})" if why else ""))
    for group, who in by_group.items():
        shown = "; ".join(who[:5]) + (f"; … {len(who) - 5} more" if len(who) > 5 else "")
        lines.append(f"excluded, {GROUP_LABELS[group]}: {shown}")
    return lines
