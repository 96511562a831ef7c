"""USPS facts for checking addresses offline: state codes, ZIP formats, field lengths."""

from __future__ import annotations

import re

# USPS two-letter codes (Publication 28, appendix B): states, DC, territories, freely associated
# states, and the military "states" used with APO/FPO/DPO addresses.
US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    # territories and freely associated states
    "AS": "American Samoa", "GU": "Guam", "MP": "Northern Mariana Islands", "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands", "UM": "U.S. Minor Outlying Islands", "FM": "Federated States of Micronesia",
    "MH": "Marshall Islands", "PW": "Palau",
    # military mail (APO/FPO/DPO)
    "AA": "Armed Forces Americas", "AE": "Armed Forces Europe", "AP": "Armed Forces Pacific",
}

_BY_NAME = {name.casefold(): code for code, name in US_STATES.items()}
_BY_NAME.update({"washington dc": "DC", "virgin islands": "VI", "us virgin islands": "VI"})
# the traditional abbreviations old address books use (AP and GPO style, "Calif." / "Mass."),
# looked up without their dots; two letters ("Va.", "N.H.") are codes already
_BY_NAME.update({
    "ala": "AL", "ariz": "AZ", "ark": "AR", "cal": "CA", "calif": "CA", "colo": "CO", "conn": "CT", "del": "DE",
    "fla": "FL", "ill": "IL", "ind": "IN", "kan": "KS", "kans": "KS", "mass": "MA", "mich": "MI", "minn": "MN",
    "miss": "MS", "mont": "MT", "neb": "NE", "nebr": "NE", "nev": "NV", "okla": "OK", "ore": "OR", "oreg": "OR",
    "penn": "PA", "penna": "PA", "tenn": "TN", "tex": "TX", "wash": "WA", "w va": "WV", "wva": "WV", "wis": "WI",
    "wisc": "WI", "wyo": "WY",
})

# country values that mean "this is a US address" (an empty country is US too)
US_COUNTRY_NAMES = frozenset(
    {"", "us", "usa", "u.s.", "u.s.a.", "united states", "united states of america", "america"}
)

ZIP_RE = re.compile(r"^\d{5}(?:-\d{4})?$")
_ZIP_LOOSE = re.compile(r"^(\d{5})[\s-]?(\d{4})?$")

# Maximum lengths we warn about. Click2Mail publishes no limits (reference §5); these follow
# USPS Pub 28 habits (city names <= 28 characters, lines that fit a #10 window, ~40-50 characters)
# and keep well-formed input free of warnings.
FIELD_LIMITS: dict[str, int] = {
    "name": 50,
    "organization": 50,
    "address1": 50,
    "address2": 50,
    "address3": 50,
    "city": 28,
    "state": 30,  # non-US provinces are spelled out
    "postalCode": 12,
    "country": 40,
    "c2m_uniqueid": 50,
    "filename": 255,
    "appSignature": 100,
}


def is_us_country(country: str | None) -> bool:
    return (country or "").strip().casefold() in US_COUNTRY_NAMES


def is_us_state(code: str | None) -> bool:
    """True for a USPS code in canonical upper case (``"VA"``; not ``"va"`` or ``"Virginia"``)."""
    return (code or "") in US_STATES


def suggest_state(value: str | None) -> str | None:
    """The USPS code someone most likely meant by ``value`` ("D.C." -> "DC", "va" -> "VA",
    "Virginia" -> "VA"), or None when nothing fits."""
    text = (value or "").strip()
    if not text:
        return None
    if text.upper() in US_STATES:
        return text.upper()
    letters = re.sub(r"[^A-Za-z]", "", text).upper()
    if len(letters) == 2 and letters in US_STATES:
        return letters
    key = " ".join(text.split()).casefold()
    return _BY_NAME.get(key) or _BY_NAME.get(key.replace(".", ""))


def state_typo(value: str | None) -> tuple[str, str] | None:
    """(code, name) of the state whose name ``value`` misspells ("Pensylvania" -> ("PA",
    "Pennsylvania"), "Missisippi", "Conneticut"), only where one name is close and clearly closer
    than any other ("Carolina" is both Carolinas: None). A guess, for a person to accept."""
    import difflib

    text = " ".join((value or "").replace(".", " ").split()).casefold()
    if len(text) < 4 or suggest_state(value) is not None:
        return None
    scores = sorted(((difflib.SequenceMatcher(None, text, name.casefold()).ratio(), code, name)
                     for code, name in US_STATES.items()), reverse=True)
    (best, code, name), (second, _, _) = scores[0], scores[1]
    return (code, name) if best >= 0.85 and best - second >= 0.1 else None


def normalize_zip(value: str | None) -> str | None:
    """A US ZIP in canonical form (``12345`` or ``12345-6789``), or None if it is not one.

    Accepts ``123456789`` and ``12345 6789``; does not invent a lost leading zero (see
    ``zip_lost_zero``), because that is a guess a person must confirm.
    """
    text = (value or "").strip()
    m = _ZIP_LOOSE.match(text)
    if not m:
        return None
    return m.group(1) + (f"-{m.group(2)}" if m.group(2) else "")


def zip_lost_zero(value: str | None) -> str | None:
    """For a ZIP a spreadsheet turned into a number ("2134", "21341234"), the ZIP with its zero back."""
    text = (value or "").strip()
    if re.fullmatch(r"\d{4}", text):
        return "0" + text
    if re.fullmatch(r"\d{3}", text):
        return "00" + text
    if re.fullmatch(r"\d{8}", text):  # ZIP+4 without separator and without its leading zero
        return f"0{text[:4]}-{text[4:]}"
    m = re.fullmatch(r"(\d{4})-(\d{4})", text)
    if m:
        return f"0{m.group(1)}-{m.group(2)}"
    return None


# The ZIPs that start with 0, by the first three digits (USPS's ZIP prefixes; 06390 is Fishers
# Island, NY): a ZIP given back its lost zero must be one of its state's.
_ZERO_ZIP_PREFIXES: dict[str, tuple[tuple[int, int], ...]] = {
    "NY": ((5, 5),), "PR": ((6, 7), (9, 9)), "VI": ((8, 8),), "MA": ((10, 27), (55, 55)), "RI": ((28, 29),),
    "NH": ((30, 38),), "ME": ((39, 49),), "VT": ((50, 54), (56, 59)), "CT": ((60, 69),), "NJ": ((70, 89),),
    "AE": ((90, 98),),
}


def zero_zip_state(zip_code: str) -> str | None:
    """The state a ZIP starting with 0 belongs to (``"06010"`` -> ``"CT"``), None if no state's."""
    if zip_code.startswith("06390"):
        return "NY"
    try:
        prefix = int(zip_code[:3])
    except ValueError:
        return None
    for state, ranges in _ZERO_ZIP_PREFIXES.items():
        if any(low <= prefix <= high for low, high in ranges):
            return state
    return None


_US_LAST_LINE = re.compile(r"^(?P<city>.*?)[\s,]+(?P<state>[A-Za-z]{2})\s+(?P<zip>\d{5}(?:-\d{4})?)$")
_CODE_FIRST = re.compile(r"^(?P<zip>[A-Za-z]{0,2}[\d][\dA-Za-z-]{1,9})\s+(?P<city>\D.*)$")
_CODE_LAST = re.compile(r"^(?P<city>\D.*?)\s+(?P<zip>[A-Za-z]{0,2}\d[\dA-Za-z -]{1,9})$")


def split_address_line(text: str | None) -> tuple[str, str, str]:
    """(name, city, postal code) from an address written as one line, as Click2Mail's tracking
    answer carries it ("Anna Kowalski, 12 Main St, Chicago IL 60601"; "Marie Dupont, 5 rue Cler,
    75007 Paris, France"). Best effort: what cannot be told apart is left empty."""
    parts = [p.strip() for p in (text or "").split(",") if p.strip()]
    if len(parts) < 2:
        return "", "", ""
    name = parts[0]
    for part in reversed(parts[1:]):
        m = _US_LAST_LINE.match(part)
        if m:
            return name, m.group("city").strip(), m.group("zip")
    if len(parts) >= 3 and not any(c.isdigit() for c in parts[-1]):  # "..., Paris 75007, France"
        place = parts[-2]
        m = _CODE_FIRST.match(place) or _CODE_LAST.match(place)
        if m:
            return name, m.group("city").strip(), m.group("zip").strip()
        return name, place, ""
    return name, "", ""
