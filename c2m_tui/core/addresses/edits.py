"""Hand edits of single rows: the person types what a row lacks (row 8's city) or fixes what is
wrong (its ZIP) without touching the file.

An edit is a plain dict ``target field -> value`` for one row, kept by whoever asked for it (the
TUI keeps them for one import). The checker applies the edits it is given on top of the row's
mapped values (``AddressChecker(..., edits={8: {"city": "Reno"}})``) and then runs every check
as for any other row: an edited row that passes becomes a ``hand-edit`` problem, "fixed", one per
changed field; one that is still wrong shows its new problem. The file is never written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping as MappingABC

from c2m_tui.core.errors import InputError, UsageError

if TYPE_CHECKING:
    from .checks import CheckedRow
    from .reader import AddressTable, Row

# What a hand edit may change: the address and the id (a page range is the planner's business)
EDITABLE_FIELDS: tuple[str, ...] = ("name", "organization", "address1", "address2", "address3", "city", "state",
                                    "postal_code", "country", "unique_id")


def clean_edit(edit: MappingABC[str, str]) -> dict[str, str]:
    """The edit with its values on one line and trimmed; UsageError for a field that cannot be
    edited or a value that is not text."""
    clean: dict[str, str] = {}
    for target, value in edit.items():
        if target not in EDITABLE_FIELDS:
            raise UsageError(f"can't edit {target!r} by hand: edit one of {', '.join(EDITABLE_FIELDS)}")
        if not isinstance(value, str):
            raise UsageError(f"edit of {target!r}: expected text, got {value!r}")
        clean[target] = " ".join(value.split())
    return clean


def apply_edit(values: dict[str, str], edit: MappingABC[str, str]) -> list[tuple[str, str, str]]:
    """Put a (clean) edit into a row's mapped ``values``; returns ``(field, old, new)`` for each
    field it changed (a field typed as it already was is no change)."""
    changed = [(target, values[target], value) for target, value in edit.items() if values[target] != value]
    values.update(edit)
    return changed


def edit_from(as_read: MappingABC[str, str], typed: MappingABC[str, str]) -> dict[str, str]:
    """The edit a form makes: the typed fields that differ from the row as read (an empty dict
    when everything is back to the file's values)."""
    typed = clean_edit(typed)
    return {t: v for t, v in typed.items() if v != as_read.get(t, "")}


def find_row(table: AddressTable, number: int) -> Row:
    """Row ``number`` (as a spreadsheet numbers it) of ``table``; InputError when there is none.
    Reads up to that row only."""
    rows = table.rows()
    try:
        for n, row in rows:
            if n == number:
                return row
            if n > number:
                break
    finally:
        close = getattr(rows, "close", None)
        if close:
            close()
    raise InputError(f"{table.info.path.name}: no data row {number}")


def row_as_read(mapping: MappingABC[str, object], row: MappingABC[str, str]) -> dict[str, str]:
    """A row's values as mapped, before any check: what a form to edit it starts from (a
    multi-line street cell already spread over the address lines, as the checker does)."""
    from .checks import AddressChecker, tidy

    values = AddressChecker(mapping).extract(row)
    tidy(values)
    return {t: values[t] for t in EDITABLE_FIELDS}


def check_edited_row(mapping: MappingABC[str, object], number: int, row: MappingABC[str, str],
                     edit: MappingABC[str, str], policy: MappingABC[str, str] | None = None) -> CheckedRow:
    """Row ``number`` with ``edit`` applied, through every check of the row on its own (a
    duplicate of another row is only found when the whole list is checked with the edit)."""
    from .checks import AddressChecker

    return AddressChecker(mapping, policy, edits={number: edit}).check(number, row)
