"""Recognising export headers, correcting a mapping, and saving it by name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from c2m_tui.config.paths import mappings_file
from c2m_tui.core.addresses import (
    check_mapping,
    delete_mapping,
    guess_mapping,
    list_mappings,
    load_mapping,
    open_table,
    parse_map_option,
    preview,
    save_mapping,
)
from c2m_tui.core.errors import InputError, UsageError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "addresses"


def guess_for(name: str):
    pre = preview(FIXTURES / name, 20)
    return guess_mapping(pre.info.headers, [row for _, row in pre.rows])


def test_outlook_business_address_and_joined_name():
    guess = guess_for("outlook_contacts.csv")
    assert guess.source == "Outlook"
    assert guess.mapping == {
        "name": ["First Name", "Middle Name", "Last Name"],
        "organization": "Company",
        "address1": "Business Street",
        "address2": "Business Street 2",
        "address3": "Business Street 3",
        "city": "Business City",
        "state": "Business State",
        "postal_code": "Business Postal Code",
        "country": "Business Country/Region",
    }
    assert "E-mail Address" in guess.unmapped  # an e-mail "address" is no postal address
    assert any('"business"' in n and "home" in n for n in guess.notes)


def test_outlook_home_columns_win_when_they_hold_the_data():
    headers = open_table(FIXTURES / "outlook_contacts.csv").info.headers
    sample = [{"Home Street": "1 A St", "Home City": "Reno", "Home State": "NV", "Home Postal Code": "89501"}] * 3
    mapping = guess_mapping(headers, sample).mapping
    assert mapping["address1"] == "Home Street" and mapping["postal_code"] == "Home Postal Code"
    assert mapping["country"] == "Home Country/Region"


def test_google_contacts_old_format():
    guess = guess_for("google_contacts.csv")
    assert guess.source == "Google Contacts"
    assert guess.mapping == {
        "name": ["Given Name", "Additional Name", "Family Name"],
        "organization": "Organization 1 - Name",
        "address1": "Address 1 - Street",
        "address2": "Address 1 - Extended Address",
        "city": "Address 1 - City",
        "state": "Address 1 - Region",
        "postal_code": "Address 1 - Postal Code",
        "country": "Address 1 - Country",
    }
    assert "Address 1 - Formatted" in guess.unmapped and "Address 1 - PO Box" in guess.unmapped


def test_google_contacts_new_format():
    mapping = guess_for("google_contacts_new.csv").mapping
    assert mapping["name"] == ["First Name", "Middle Name", "Last Name"]
    assert mapping["organization"] == "Organization Name"
    assert mapping["address1"] == "Address 1 - Street" and mapping["state"] == "Address 1 - Region"


def test_salesforce_mailing_columns():
    guess = guess_for("salesforce_contacts.tsv")
    assert guess.source.startswith("CRM")
    assert guess.mapping == {
        "name": ["First Name", "Last Name"],
        "organization": "Account Name",
        "address1": "Mailing Street",
        "city": "Mailing City",
        "state": "Mailing State/Province",
        "postal_code": "Mailing Zip/Postal Code",
        "country": "Mailing Country",
    }
    assert "Contact ID" in guess.unmapped  # ids are chosen by the person (--id-column), not guessed


def test_apple_contacts_vcard_to_csv_picks_the_filled_group():
    guess = guess_for("apple_contacts.csv")
    assert guess.mapping["organization"] == "Organization"
    # one row fills Home, one Work: a tie, and the work address is preferred for mail
    assert guess.mapping["address1"] == "Work street" and guess.mapping["postal_code"] == "Work ZIP"
    assert guess.source.startswith("Apple")


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["First Name", "Last Name", "Company Name", "Street Address", "City", "State/Region", "Postal Code",
          "Country/Region"],  # HubSpot
         {"name": ["First Name", "Last Name"], "organization": "Company Name", "address1": "Street Address",
          "city": "City", "state": "State/Region", "postal_code": "Postal Code", "country": "Country/Region"}),
        (["Company", "Street", "City", "State", "Zip", "Billing Street", "Billing City"],  # generic CRM
         {"organization": "Company", "address1": "Street", "city": "City", "state": "State", "postal_code": "Zip"}),
        (["Full Name", "Address Line 1", "Address Line 2", "Town", "Province", "Postcode", "Country"],
         {"name": "Full Name", "address1": "Address Line 1", "address2": "Address Line 2", "city": "Town",
          "state": "Province", "postal_code": "Postcode", "country": "Country"}),
    ],
)
def test_common_crm_shapes(headers, expected):
    assert guess_mapping(headers).mapping == expected


def test_missing_parts_are_named_in_the_notes():
    guess = guess_mapping(["Name", "Street"])
    assert guess.mapping == {"name": "Name", "address1": "Street"}
    assert any("City" in n for n in guess.notes) and any("ZIP" in n for n in guess.notes)


def test_check_mapping_names_the_bad_entry():
    headers = ["First Name", "Last Name", "Zip"]
    assert check_mapping({"name": ["First Name", "", "Last Name"], "city": ""}, headers) == {
        "name": ["First Name", "Last Name"]}
    with pytest.raises(UsageError, match="no column 'zip'.*did you mean 'Zip'"):
        check_mapping({"postal_code": "zip"}, headers)
    with pytest.raises(UsageError, match="unknown address field 'zipcode'"):
        check_mapping({"zipcode": "Zip"}, headers)
    with pytest.raises(UsageError, match="expected a column name"):
        check_mapping({"city": 3}, headers)


def test_parse_map_option():
    headers = ["First", "Last", "A+B"]
    assert parse_map_option("name=First+Last", headers) == ("name", ["First", "Last"])
    assert parse_map_option("address1=A+B", headers) == ("address1", ["A+B"])
    assert parse_map_option("address2=", headers) == ("address2", [])
    for bad in ("name", "=First", "zipcode=First"):
        with pytest.raises(UsageError):
            parse_map_option(bad, headers)


def test_saved_mappings_round_trip_under_the_app_home(app_home):
    assert list_mappings(mappings_file()) == []
    path = save_mapping(mappings_file(), "outlook", {"name": ["First Name", "Last Name"], "city": "Business City"})
    save_mapping(mappings_file(), "crm", {"address1": "Street"})
    assert path.is_relative_to(app_home)
    assert list_mappings(mappings_file()) == ["crm", "outlook"]
    assert load_mapping(mappings_file(), "outlook") == {"name": ["First Name", "Last Name"], "city": "Business City"}
    save_mapping(mappings_file(), "outlook", {"city": "Home City"})  # replaces
    assert json.loads(path.read_text())["outlook"] == {"city": "Home City"}
    assert delete_mapping(mappings_file(), "crm") and not delete_mapping(mappings_file(), "crm")
    with pytest.raises(InputError, match="no saved address mapping named 'nope'.*outlook"):
        load_mapping(mappings_file(), "nope")
    with pytest.raises(UsageError):
        save_mapping(mappings_file(), "bad", {"zipcode": "Zip"})


def test_corrupt_mappings_file_is_reported(app_home):
    path = save_mapping(mappings_file(), "x", {"city": "City"})
    path.write_text("{not json")
    with pytest.raises(InputError, match="unreadable"):
        list_mappings(mappings_file())
