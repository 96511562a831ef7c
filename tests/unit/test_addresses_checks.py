"""Per-row checks: every problem with its row and column, and the fix/skip/keep policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from c2m_tui.core.addresses import AddressChecker, guess_mapping, open_table, preview, resolve_policy
from c2m_tui.core.errors import UsageError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "addresses"


def check_file(name: str, policy=None, mapping=None):
    table = open_table(FIXTURES / name)
    if mapping is None:
        mapping = guess_mapping(table.info.headers, [r for _, r in preview(table.info.path, 20).rows]).mapping
    checker = AddressChecker(mapping, policy)
    checked = list(checker.check_rows(table.rows()))
    return checker.report, checked


def problems(report):
    return [(p.row, p.kind, p.column, p.action) for p in report.problems]


def test_outlook_export_problems_by_row_and_column():
    report, checked = check_file("outlook_contacts.csv")
    # certain fixes are made by default; a Home-only contact (row 4) is mailed at home
    assert problems(report) == [
        (3, "state-name", "Business State", "fixed"),
        (4, "other-address", "Home Street + Home Street 2", "fixed"),
        (5, "zip-lost-zero", "Business Postal Code", "fixed"),
        (6, "unknown-state", "Business State", "skipped"),
        (7, "international", "Business Country/Region", "kept"),
        (8, "duplicate", "", "skipped"),
        (9, "missing-name", "First Name + Middle Name + Last Name", "skipped"),
        (10, "bad-zip", "Business Postal Code", "skipped"),
    ]
    assert report.rows_read == 9 and report.rows_accepted == 5 and report.rows_skipped == 4
    assert report.skipped_rows == [6, 8, 9, 10]
    maria = checked[2].address
    assert (maria.name, maria.address1, maria.city, maria.state, maria.postal_code) == (
        "Maria Garcia", "77 Pine Rd", "Austin", "TX", "78701")
    dup = next(p for p in report.problems if p.kind == "duplicate")
    assert dup.message == "same recipient as row 2"
    jane = checked[0].address
    # Outlook's multi-line street cell is spread over the address lines
    assert (jane.name, jane.organization, jane.address1, jane.address2, jane.city, jane.state, jane.postal_code) == (
        "Jane Doe", "Acme Corp", "1 Main St", "Suite 400", "Boston", "MA", "02134")
    hans = checked[5].address
    assert hans.country == "Germany" and hans.state == "" and not checked[5].skipped


def test_fix_and_keep_policies():
    report, checked = check_file("outlook_contacts.csv", {
        "state-name": "fix", "zip-lost-zero": "fix", "missing-name": "keep", "duplicate": "keep",
        "international": "skip",
    })
    by_row = {c.row: c for c in checked}
    assert by_row[3].address.state == "IL" and not by_row[3].skipped
    assert by_row[5].address.postal_code == "06103" and not by_row[5].skipped
    assert not by_row[8].skipped and not by_row[9].skipped
    assert by_row[7].skipped
    fixed = [(p.row, p.value, p.fixed_value) for p in report.problems if p.action == "fixed"]
    assert fixed == [(3, "Illinois", "IL"), (4, "", "77 Pine Rd"), (5, "6103", "06103")]
    assert report.skipped_rows == [6, 7, 10]
    assert "row 3, column 'Business State'" in report.problems[0].describe()
    assert "fixed to 'IL'" in report.problems[0].describe()


def test_google_contacts_rows_and_international():
    report, checked = check_file("google_contacts.csv", {"state-name": "fix", "zip-lost-zero": "fix"})
    assert problems(report) == [
        (3, "state-name", "Address 1 - Region", "fixed"),
        (3, "zip-lost-zero", "Address 1 - Postal Code", "fixed"),
        (5, "too-long", "Organization 1 - Name", "skipped"),
        (6, "missing-street", "Address 1 - Street", "skipped"),
        (7, "international", "Address 1 - Country", "kept"),
    ]
    by_row = {c.row: c.address for c in checked}
    assert (by_row[3].state, by_row[3].postal_code) == ("NJ", "07102")
    assert by_row[2].address2 == "Apt 3" and by_row[5].postal_code == "12207-1234"
    assert by_row[7].postal_code == "H2X 1Z4" and by_row[7].state == "QC"  # not checked as US


def test_too_long_fix_truncates_to_the_limit():
    from c2m_tui.core.usps import FIELD_LIMITS

    _, checked = check_file("google_contacts.csv", {"too-long": "fix"})
    org = next(c for c in checked if c.row == 5).address.organization
    assert 0 < len(org) <= FIELD_LIMITS["organization"]
    assert "White Consulting International".startswith(org[:20])


def mapped_rows(rows, policy=None, mapping=None):
    mapping = mapping or {"name": "Name", "address1": "Street", "city": "City", "state": "State",
                          "postal_code": "Zip", "country": "Country"}
    checker = AddressChecker(mapping, policy)
    out = [checker.check(n, {"Country": "", "Id": "", **row}) for n, row in enumerate(rows, 2)]
    return checker.report, out


BASE = {"Name": "Ann", "Street": "1 A St", "City": "Reno", "State": "NV", "Zip": "89501"}


@pytest.mark.parametrize(
    ("state", "zip_code", "kinds", "state_out", "zip_out"),
    [
        ("nv", "89501", [], "NV", "89501"),  # case only: silently upper-cased
        ("Nevada", "89501", ["state-name"], "NV", "89501"),  # certain: fixed by default
        ("D.C.", "20001", ["state-name"], "DC", "20001"),
        ("Calif.", "90210", ["state-name"], "CA", "90210"),  # an old address book's abbreviation
        ("W. Va.", "25301", ["state-name"], "WV", "25301"),
        ("PR", "907", ["zip-lost-zero"], "PR", "00907"),
        ("NJ", "07102 1234", [], "NJ", "07102-1234"),
        ("NJ", "071021234", [], "NJ", "07102-1234"),
        ("NJ", "71021234", ["zip-lost-zero"], "NJ", "07102-1234"),
        ("TX", "7870", ["bad-zip"], "TX", "7870"),  # a Texas ZIP never starts with 0
        ("MA", "2134", ["zip-lost-zero"], "MA", "02134"),
        # a new user's Boston row: 06010 is Connecticut's (Massachusetts is 010-027 and 055)
        ("MA", "6010", ["bad-zip"], "MA", "6010"),
        ("CT", "6010", ["zip-lost-zero"], "CT", "06010"),
        ("NY", "6390", ["zip-lost-zero"], "NY", "06390"),  # Fishers Island
        ("NY", "2134", ["bad-zip"], "NY", "2134"),
        ("VT", "5501", ["bad-zip"], "VT", "5501"),  # 055: Andover, MA
        ("MA", "5501", ["zip-lost-zero"], "MA", "05501"),
        ("GU", "96910", [], "GU", "96910"),
        ("AE", "09012", [], "AE", "09012"),
        ("XX", "123456", ["unknown-state", "bad-zip"], "XX", "123456"),
        # a misspelt name is a guess: said with the closest state, skipped unless the person says fix
        ("Pensylvania", "19103", ["state-typo"], "Pensylvania", "19103"),
        ("Carolina", "27601", ["unknown-state"], "Carolina", "27601"),  # both Carolinas: no guess
        ("", "", ["missing-state", "missing-postal-code"], "", ""),
    ],
)
def test_state_and_zip(state, zip_code, kinds, state_out, zip_out):
    report, (row,) = mapped_rows([{**BASE, "State": state, "Zip": zip_code}], {"international": "keep"})
    assert [p.kind for p in report.problems] == kinds
    assert (row.address.state, row.address.postal_code) == (state_out, zip_out)
    assert row.skipped == bool(set(kinds) - {"state-name", "zip-lost-zero"})


def test_fixes_apply_with_the_fix_policy():
    _, rows = mapped_rows([{**BASE, "State": "new jersey", "Zip": "7102"},
                           {**BASE, "Name": "Bo", "State": "NJ", "Zip": "71021234"}],
                          {"state-name": "fix", "zip-lost-zero": "fix"})
    assert (rows[0].address.state, rows[0].address.postal_code) == ("NJ", "07102")
    assert rows[1].address.postal_code == "07102-1234"
    assert not any(r.skipped for r in rows)


def test_duplicates_count_only_rows_that_are_mailed():
    report, rows = mapped_rows([
        {**BASE, "Zip": "8950"},  # row 2: skipped (bad ZIP for NV)
        {**BASE, "Zip": "89501"},  # row 3: not a duplicate of the skipped row 2
        {**BASE, "Name": " ann ", "Street": "1 a st", "Zip": "89501-0001"},  # row 4: same person as row 3
    ])
    assert [(p.row, p.kind) for p in report.problems] == [(2, "bad-zip"), (4, "duplicate")]
    assert report.problems[1].message == "same recipient as row 3"
    assert [r.skipped for r in rows] == [True, False, True]


def test_unique_ids_missing_and_duplicated():
    mapping = {"name": "Name", "address1": "Street", "city": "City", "state": "State", "postal_code": "Zip",
               "unique_id": "Id"}
    report, rows = mapped_rows([
        {**BASE, "Id": "A1"}, {**BASE, "Name": "Bo", "Id": "A1"}, {**BASE, "Name": "Cy", "Id": ""},
    ], mapping=mapping)
    assert [(p.row, p.kind, p.action) for p in report.problems] == [
        (3, "duplicate-id", "skipped"), (4, "missing-id", "kept")]
    assert rows[0].address.unique_id == "A1"


def test_name_joins_columns_and_missing_name_and_org():
    mapping = {"name": ["First", "Last"], "organization": "Org", "address1": "Street", "city": "City",
               "state": "State", "postal_code": "Zip"}
    report, rows = mapped_rows([
        {**BASE, "First": "Ann", "Last": "Lee", "Org": ""},
        {**BASE, "First": "", "Last": "", "Org": "Acme"},
        {**BASE, "First": "", "Last": "", "Org": ""},
    ], mapping=mapping)
    assert rows[0].address.name == "Ann Lee" and rows[1].address.organization == "Acme"
    assert [(p.row, p.kind, p.column) for p in report.problems] == [(4, "missing-name", "First + Last")]


def test_line_breaks_outside_streets_are_flattened():
    _, (row,) = mapped_rows([{**BASE, "Name": "Ann\nLee", "Street": "1 A St\n\nFloor 2\nRoom 3\nDesk 4"}])
    assert row.address.name == "Ann Lee"
    assert (row.address.address1, row.address.address2, row.address.address3) == (
        "1 A St", "Floor 2", "Room 3, Desk 4")


def test_policy_rejects_unknown_kinds_and_impossible_actions():
    assert resolve_policy({"state-name": "fix"})["state-name"] == "fix"
    assert resolve_policy()["international"] == "keep"
    with pytest.raises(UsageError, match="unknown problem kind 'typo'"):
        resolve_policy({"typo": "fix"})
    with pytest.raises(UsageError, match="duplicate: can't 'fix'; choose skip or keep"):
        resolve_policy({"duplicate": "fix"})


def test_first_seen_table_agrees_with_a_dict():
    import random

    from c2m_tui.core.addresses.seen import FirstSeen

    table, expected = FirstSeen(4), {}
    rnd = random.Random(5)
    for row in range(20_000):  # grows from 4 slots many times; keys repeat often
        key = hash(f"person {rnd.randrange(5_000)}") if row % 7 else rnd.choice((0, 1, -1, 2**63 - 1, -(2**63)))
        assert table.first_row(key, row) == expected.setdefault(key or 1, row)
    assert len(table) == len(expected)


def test_rows_missing_mapped_columns_take_the_careful_path():
    checker = AddressChecker({"name": "Name", "address1": "Street", "city": "City", "state": "State",
                              "postal_code": "Zip"})
    sparse = checker.check(2, {"Name": "Ann", "Street": None})
    assert sparse.address.name == "Ann" and sparse.address.address1 == ""
    assert [p.kind for p in sparse.problems] == ["missing-street", "missing-city", "missing-state",
                                                 "missing-postal-code"]
    full = checker.check(3, {**BASE, "Name": " Bo "})
    assert full.address.name == "Bo" and not full.problems


def test_characters_xml_cannot_carry_get_a_row_number():
    report, rows = mapped_rows([{**BASE, "Street": "1 A St\x0bFloor 2"}, {**BASE, "Name": "Bo\x00"}])
    assert [(p.row, p.kind, p.column, p.action) for p in report.problems] == [
        (2, "bad-character", "Street", "skipped"), (3, "bad-character", "Name", "skipped")]
    assert "U+000B" in report.problems[0].message
    _, rows = mapped_rows([{**BASE, "Street": "1 A St\x0bFloor 2"}], {"bad-character": "fix"})
    assert rows[0].address.address1 == "1 A St Floor 2" and not rows[0].skipped


def test_import_addresses_for_small_lists():
    from c2m_tui.core.addresses import import_addresses
    from c2m_tui.core.errors import InputError

    result = import_addresses(FIXTURES / "outlook_contacts.csv", policy={"state-name": "fix"})
    assert result.source == "Outlook"
    assert [a.name for a in result.addresses] == ["Jane Doe", "John Q Public", "Maria Garcia", "Li Wei",
                                                  "Hans Müller"]
    assert str(result.problems[0]) == ("row 3, column 'Business State': state 'Illinois' should be its code 'IL' "
                                       "[state-name: fixed to 'IL']")
    given = import_addresses(FIXTURES / "salesforce_contacts.tsv",
                             mapping={"name": "Last Name", "address1": "Mailing Street", "city": "Mailing City",
                                      "state": "Mailing State/Province", "postal_code": "Mailing Zip/Postal Code"})
    assert given.source == "given" and [a.name for a in given.addresses] == ["Ng", "Hopper", "Jordan"]
    with pytest.raises(InputError, match="more than 2 rows"):
        import_addresses(FIXTURES / "salesforce_contacts.tsv", max_rows=2)


def test_two_fixes_on_one_field_combine():
    long_street = "1 A St\x0b" + "x" * 60
    _, (row,) = mapped_rows([{**BASE, "Street": long_street}], {"bad-character": "fix", "too-long": "fix"})
    assert not row.skipped
    assert row.address.address1 == ("1 A St " + "x" * 60)[:50]


def test_a_zero_that_would_give_another_states_zip_is_said():
    report, (row,) = mapped_rows([{**BASE, "City": "Boston", "State": "MA", "Zip": "6010"}], {})
    [problem] = report.problems
    assert problem.kind == "bad-zip" and "'06010', a CT ZIP, not MA's" in problem.message


def test_a_misspelt_state_names_the_closest_and_is_fixed_when_chosen():
    report, (row,) = mapped_rows([{**BASE, "State": "Pensylvania", "Zip": "19103"}], {"state-typo": "fix"})
    (problem,) = report.problems
    assert (problem.kind, problem.action, problem.fixed_value) == ("state-typo", "fixed", "PA")
    assert problem.message == "state 'Pensylvania' is not a state's name; did you mean 'Pennsylvania' (PA)?"
    assert not row.skipped and row.address.state == "PA"


@pytest.mark.parametrize("typed,meant", [
    ("Missisippi", ("MS", "Mississippi")), ("Conneticut", ("CT", "Connecticut")), ("Tennesee", ("TN", "Tennessee")),
    ("New Jersy", ("NJ", "New Jersey")), ("Carolina", None), ("Dakota", None), ("Xyzzy", None), ("Ore", None),
    ("Nevada", None),  # a state's name is state-name's, not a typo
])
def test_state_typo_guesses_only_one_clear_state(typed, meant):
    from c2m_tui.core.usps import state_typo

    assert state_typo(typed) == meant
