"""USPS facts: state codes, ZIP normalisation, the lost leading zero."""

from __future__ import annotations

import pytest

from c2m_tui.core.usps import (
    FIELD_LIMITS, US_STATES, ZIP_RE, is_us_country, is_us_state, normalize_zip, suggest_state, zip_lost_zero,
)


def test_states_cover_50_states_dc_territories_and_military():
    assert len([c for c in US_STATES]) == 50 + 1 + 9 + 3
    for code in ("DC", "PR", "GU", "VI", "AA", "AE", "AP", "WY"):
        assert is_us_state(code)
    assert not is_us_state("D.C.")
    assert not is_us_state("va")
    assert not is_us_state("")


@pytest.mark.parametrize("value,expected", [
    ("D.C.", "DC"), ("d.c.", "DC"), ("va", "VA"), ("Virginia", "VA"), ("new york", "NY"),
    ("Washington DC", "DC"), ("Ontario", None), ("", None),
])
def test_suggest_state(value, expected):
    assert suggest_state(value) == expected


@pytest.mark.parametrize("value,expected", [
    ("12345", "12345"), ("12345-6789", "12345-6789"), ("123456789", "12345-6789"), (" 12345 6789 ", "12345-6789"),
    ("2134", None), ("ABCDE", None), ("1234-5678", None), ("", None), (None, None),
])
def test_normalize_zip(value, expected):
    assert normalize_zip(value) == expected


@pytest.mark.parametrize("value,expected", [
    ("2134", "02134"), ("501", "00501"), ("21341234", "02134-1234"), ("2134-1234", "02134-1234"),
    ("02134", None), ("12", None),
])
def test_zip_lost_zero(value, expected):
    assert zip_lost_zero(value) == expected


def test_zip_re_is_strict():
    assert ZIP_RE.match("02134") and ZIP_RE.match("02134-0001")
    assert not ZIP_RE.match("2134") and not ZIP_RE.match("021340001")


@pytest.mark.parametrize("country", ["", "US", "usa", "United States", " U.S.A. "])
def test_us_country_spellings(country):
    assert is_us_country(country)


def test_foreign_country_and_limits():
    assert not is_us_country("Canada")
    assert FIELD_LIMITS["city"] < FIELD_LIMITS["address1"]
