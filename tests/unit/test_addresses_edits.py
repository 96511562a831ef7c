"""Hand edits of rows (core.addresses.edits and the checker's ``edits``) and the choices remembered
for the next import of the same columns (core.addresses.remembered), on the 25-row Outlook export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from c2m_tui.core.addresses import (
    AddressChecker,
    check_edited_row,
    delete_mapping,
    edit_from,
    find_row,
    guess_mapping,
    import_addresses,
    list_mappings,
    open_table,
    preview,
    recall_choices,
    remember_choices,
    row_as_read,
    save_mapping,
    scan_rows,
)
from c2m_tui.core.addresses.edits import apply_edit, clean_edit
from c2m_tui.core.addresses.mapping import REMEMBERED_KEY
from c2m_tui.core.addresses.remembered import MAX_REMEMBERED
from c2m_tui.core.errors import InputError, UsageError

OUTLOOK_25 = Path(__file__).resolve().parent.parent / "fixtures" / "addresses" / "outlook_25.csv"


@pytest.fixture(scope="module")
def table():
    return open_table(OUTLOOK_25)


@pytest.fixture(scope="module")
def mapping(table):
    return guess_mapping(table.info.headers, [r for _, r in preview(OUTLOOK_25, 50).rows]).mapping


def rows_of(report, number):
    return [(p.kind, p.field, p.value, p.action, p.fixed_value) for p in report.problems if p.row == number]


def test_the_fixture_has_the_problems_people_export():
    report = scan_rows(open_table(OUTLOOK_25), guess_mapping(open_table(OUTLOOK_25).info.headers).mapping)
    assert (report.rows_read, report.rows_accepted, report.rows_skipped) == (25, 21, 4)
    assert [(p.row, p.kind, p.action) for p in report.problems] == [
        (5, "zip-lost-zero", "fixed"), (8, "missing-city", "skipped"), (11, "state-name", "fixed"),
        (14, "other-address", "fixed"), (17, "unknown-state", "skipped"), (20, "bad-zip", "skipped"),
        (23, "duplicate", "skipped"), (26, "international", "kept")]


def test_clean_edit_trims_and_refuses_what_cannot_be_edited():
    assert clean_edit({"city": "  Reno \n", "postal_code": "89501"}) == {"city": "Reno", "postal_code": "89501"}
    with pytest.raises(UsageError, match="can't edit 'pages' by hand"):
        clean_edit({"pages": "1-2"})
    with pytest.raises(UsageError, match="expected text"):
        clean_edit({"city": 5})


def test_apply_edit_says_what_changed():
    values = {"city": "", "state": "NV"}
    assert apply_edit(values, {"city": "Reno", "state": "NV"}) == [("city", "", "Reno")]
    assert values == {"city": "Reno", "state": "NV"}


def test_an_edit_that_passes_is_fixed_by_hand_and_imported(table, mapping):
    report = scan_rows(table, mapping, edits={8: {"city": "Reno"}})
    assert rows_of(report, 8) == [("hand-edit", "city", "", "fixed", "Reno")]
    assert (report.rows_accepted, report.rows_skipped) == (22, 3)
    problem = next(p for p in report.problems if p.row == 8)
    assert problem.who == "Ann Lee" and problem.column == "Business City"
    assert problem.describe() == ("row 8, column 'Business City': City typed by hand (empty in the file) "
                                  "[hand-edit: fixed to 'Reno']")
    assert "1 x hand-edit (fixed by hand: your edit of the row): fixed" in report.summary()
    result = import_addresses(OUTLOOK_25, mapping=mapping, edits={8: {"city": "Reno"}})
    ann = next(a for a in result.addresses if a.name == "Ann Lee")
    assert (ann.address1, ann.city, ann.state, ann.postal_code) == ("4 Oak St", "Reno", "NV", "89501")
    assert len(result.addresses) == 22 and result.positions[6] == 6  # row 8 is the 7th data row


def test_an_edit_that_is_still_wrong_shows_the_new_problem(table, mapping):
    report = scan_rows(table, mapping, edits={8: {"city": "Reno", "postal_code": "8950"}})
    assert rows_of(report, 8) == [("bad-zip", "postal_code", "8950", "skipped", None)]  # no "fixed by hand"
    assert report.rows_skipped == 4
    # the checks after an edit are the checks: a state spelled out is still fixed to its code
    report = scan_rows(table, mapping, edits={8: {"city": "Reno", "state": "Nevada"}})
    assert rows_of(report, 8) == [("hand-edit", "city", "", "fixed", "Reno"),
                                  ("hand-edit", "state", "NV", "fixed", "Nevada"),
                                  ("state-name", "state", "Nevada", "fixed", "NV")]


def test_an_edit_is_checked_against_the_whole_list(table, mapping):
    # row 17 (Sam Stone, state ZZ) edited into row 2's recipient: a duplicate, found with the list
    edit = {"name": "Jane Doe", "organization": "Acme Corp", "address1": "1 Main St", "address2": "Suite 400",
            "city": "Boston", "state": "MA", "postal_code": "02134"}
    report = scan_rows(table, mapping, edits={17: edit})
    assert [(k, a) for k, _f, _v, a, _x in rows_of(report, 17)] == [("duplicate", "skipped")]
    # on its own the row passes: check_edited_row sees one row
    checked = check_edited_row(mapping, 17, find_row(table, 17), edit)
    assert not checked.skipped and checked.address.city == "Boston"


def test_row_as_read_and_the_edit_a_form_makes(table, mapping):
    row = find_row(table, 2)  # Outlook's two-line street cell
    read = row_as_read(mapping, row)
    assert (read["name"], read["address1"], read["address2"], read["city"]) == ("Jane Doe", "1 Main St",
                                                                              "Suite 400", "Boston")
    typed = {**read, "address2": "Suite 500", "city": " Boston "}
    edit = edit_from(read, typed)
    assert edit == {"address2": "Suite 500"}  # only what differs from the file
    checked = check_edited_row(mapping, 2, row, edit)
    assert (checked.address.address1, checked.address.address2) == ("1 Main St", "Suite 500")
    assert [(p.kind, p.fixed_value) for p in checked.problems] == [("hand-edit", "Suite 500")]
    assert edit_from(read, read) == {}


def test_find_row_names_a_row_that_is_not_there(table):
    assert find_row(table, 8)["Last Name"] == "Lee"
    with pytest.raises(InputError, match="no data row 99"):
        find_row(table, 99)


def test_edits_change_nothing_for_the_other_rows(table, mapping):
    plain = scan_rows(table, mapping)
    edited = scan_rows(table, mapping, edits={8: {"city": "Reno"}, 9: {}})
    assert [p for p in plain.problems if p.row != 8] == [p for p in edited.problems if p.row != 8]
    checker = AddressChecker(mapping, edits={})
    assert checker._edits is None  # no edits: the per-row path is the plain one


# --------------------------------------------------------------------------- remembered choices


def test_choices_are_remembered_for_the_same_set_of_columns(tmp_path, table, mapping):
    store = tmp_path / "address-mappings.json"
    headers = table.info.headers
    assert not recall_choices(store, headers).found and recall_choices(store, headers).warning == ""
    chosen = {**mapping, "name": ["First Name", "Last Name"]}
    remember_choices(store, headers, chosen, {"international": "skip", "zip-lost-zero": "fix"})
    again = recall_choices(store, list(reversed(headers)))  # the same columns, in another order
    assert again.found and again.mapping["name"] == ["First Name", "Last Name"]
    assert again.policy == {"international": "skip"}  # only what differs from the defaults
    assert not recall_choices(store, headers[:-1]).found  # another set of columns
    data = json.loads(store.read_text(encoding="utf-8"))
    assert list(data) == [REMEMBERED_KEY] and data[REMEMBERED_KEY][0]["columns"] == sorted(headers)
    # the next import of these columns replaces what was kept for them
    remember_choices(store, headers, mapping, None)
    assert recall_choices(store, headers).policy == {} and len(json.loads(store.read_text())[REMEMBERED_KEY]) == 1


def test_remembered_choices_live_beside_the_named_mappings(tmp_path, table, mapping):
    store = tmp_path / "address-mappings.json"
    save_mapping(store, "outlook", {"city": "Business City"})
    remember_choices(store, table.info.headers, mapping, {"international": "skip"})
    save_mapping(store, "crm", {"city": "Mailing City"})  # saving a mapping keeps the remembered choices
    assert list_mappings(store) == ["crm", "outlook"]
    assert recall_choices(store, table.info.headers).policy == {"international": "skip"}
    assert delete_mapping(store, "outlook") and not delete_mapping(store, REMEMBERED_KEY)
    assert recall_choices(store, table.info.headers).found
    with pytest.raises(UsageError, match="choose another name"):
        save_mapping(store, REMEMBERED_KEY, {"city": "City"})


def test_at_most_the_last_imports_are_kept(tmp_path):
    store = tmp_path / "address-mappings.json"
    for n in range(MAX_REMEMBERED + 3):
        remember_choices(store, ["Name", "Street", f"Extra {n}"], {"name": "Name"}, None)
    entries = json.loads(store.read_text(encoding="utf-8"))[REMEMBERED_KEY]
    assert len(entries) == MAX_REMEMBERED and "Extra 22" in entries[0]["columns"]
    assert not recall_choices(store, ["Name", "Street", "Extra 0"]).found  # the oldest went
    assert recall_choices(store, ["Name", "Street", "Extra 3"]).found


def test_a_damaged_file_or_entry_is_a_warning_never_a_failure(tmp_path, table, mapping):
    store = tmp_path / "address-mappings.json"
    headers = table.info.headers
    store.write_text("{ not json", encoding="utf-8")
    got = recall_choices(store, headers)
    assert not got.found and "saved mappings are unreadable" in got.warning and "defaults" in got.warning
    with pytest.raises(InputError, match="unreadable"):  # nothing is written over it
        remember_choices(store, headers, mapping, None)
    assert store.read_text(encoding="utf-8") == "{ not json"

    for damaged in ("no list", [{"columns": sorted(headers), "mapping": {"city": "No Such Column"}}],
                    [{"columns": sorted(headers), "mapping": mapping, "policy": {"duplicate": "fix"}}],
                    [{"columns": sorted(headers), "mapping": "Business City"}]):
        store.write_text(json.dumps({REMEMBERED_KEY: damaged}), encoding="utf-8")
        got = recall_choices(store, headers)
        assert not got.found and "damaged" in got.warning and "starting from the defaults" in got.warning
    remember_choices(store, headers, mapping, None)  # a readable file: the damaged entry is replaced
    assert recall_choices(store, headers).found
    store.write_text(json.dumps({REMEMBERED_KEY: [5, {"columns": "x"}]}), encoding="utf-8")
    assert recall_choices(store, headers).warning == ""  # other entries that make no sense: not ours
