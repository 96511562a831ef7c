"""Which column of the person's file holds which part of an address.

A mapping is a plain dict ``target field -> column name or list of column names`` (a list is
joined with spaces, e.g. ``"name": ["First Name", "Last Name"]``). ``guess_mapping`` recognises
the headers of Outlook, Google Contacts (old and new), Apple Contacts vCard-to-CSV tools and
common CRM exports (Salesforce, HubSpot, Zoho); the person corrects it, and may save it by name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping as MappingABC

from c2m_tui.core.atomic import atomic_write
from c2m_tui.core.errors import InputError, UsageError

Mapping = dict[str, "str | list[str]"]

# Targets, in the order a screen lists them. "unique_id" becomes <c2m_uniqueid>; "pages" names a
# row's own page range ("3-4") in the PDF.
TARGETS: tuple[str, ...] = (
    "name", "organization", "address1", "address2", "address3", "city", "state", "postal_code",
    "country", "unique_id", "pages",
)
TARGET_LABELS: dict[str, str] = {
    "name": "Name", "organization": "Organization", "address1": "Address line 1",
    "address2": "Address line 2", "address3": "Address line 3", "city": "City", "state": "State",
    "postal_code": "ZIP / postal code", "country": "Country", "unique_id": "Your id (c2m_uniqueid)",
    "pages": "Page range",
}

MAPPINGS_FILE = "address-mappings.json"
# the key of that file under which the choices of the last imports are kept (remembered.py);
# never a mapping's name
REMEMBERED_KEY = "(last imports)"


def _norm(header: str) -> str:
    """``"Address 1 - Postal Code"`` -> ``"address 1 postal code"``; ``"Zip/Postal"`` -> ``"zip postal"``."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", header.casefold()).split())


# Whole-header names (exact after _norm): suffix matching would take "Account Name" for a person.
_FIRST = {"first name", "given name", "first", "firstname", "fname", "forename"}
_MIDDLE = {"middle name", "additional name", "middle", "middlename"}
_LAST = {"last name", "family name", "surname", "last", "lastname", "lname"}
_FULL = {"name", "full name", "fullname", "display name", "contact name", "contact", "recipient",
         "recipient name", "addressee", "mailing name", "contact full name", "formatted name"}
_ORG = {"company", "organization", "organisation", "organization 1 name", "organization name",
        "organisation name", "company name", "account name", "business name", "employer", "org",
        "firm", "account"}

# Address parts, matched as the end of a header; what comes before is the address "group"
# ("Business", "Home", "Address 1", "Mailing", ...). The longest matching ending wins.
_ADDRESS_ENDINGS: dict[str, str] = {}
for _target, _names in {
    "address1": ("street", "street 1", "street1", "street address", "street address 1", "address",
                 "address 1", "address1", "address line 1", "addressline1", "line 1", "street line 1",
                 "addr1", "addr 1"),
    "address2": ("street 2", "street2", "street address 2", "address 2", "address2", "address line 2",
                 "addressline2", "line 2", "street line 2", "addr2", "addr 2", "extended address",
                 "suite", "apartment"),
    "address3": ("street 3", "street3", "street address 3", "address 3", "address3", "address line 3",
                 "addressline3", "line 3", "addr3", "addr 3"),
    "city": ("city", "town", "locality", "city town"),
    "state": ("state", "region", "province", "state province", "state region", "st", "state code",
              "province state"),
    "postal_code": ("postal code", "postalcode", "zip", "zip code", "zipcode", "postcode", "post code",
                    "zip postal code", "postal zip code", "postal", "zip postal"),
    "country": ("country", "country region", "country code", "nation", "country name"),
    # not a target: used as the street when the street is empty (Google's "Address 1 - PO Box")
    "po_box": ("po box", "pobox", "p o box", "post office box"),
}.items():
    for _name in _names:
        _ADDRESS_ENDINGS[_name] = _target

# A header ending in "address" that is no postal address.
_NOT_POSTAL = {"email", "e mail", "web", "ip", "url", "phone", "fax", "im", "sip", "mac", "website"}
# When several address groups are complete, prefer (in this order) the one with the most data.
_GROUP_ORDER = ("", "mailing", "address 1", "business", "work", "home", "primary", "postal", "billing",
                "shipping", "other", "address 2", "address 3")


@dataclass(slots=True)
class MappingGuess:
    """The guessed mapping, which kind of export it looks like, and what the person should check."""

    mapping: Mapping
    source: str  # "Outlook", "Google Contacts", "CRM (Salesforce-style)", "generic"
    notes: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)  # columns used for nothing


def _split_address_header(norm: str) -> tuple[str, str] | None:
    """``"business postal code"`` -> ``("business", "postal_code")``; None if not an address part."""
    words = norm.split()
    for cut in range(len(words)):  # cut=0 tries the whole header, i.e. the longest ending first
        ending = " ".join(words[cut:])
        target = _ADDRESS_ENDINGS.get(ending)
        if target is None:
            continue
        group = " ".join(words[:cut])
        group = re.sub(r"\baddress\b$", "", group).strip() if group not in ("address 1", "address 2") else group
        if group in _NOT_POSTAL or any(w in _NOT_POSTAL for w in group.split()):
            return None
        return group, target
    return None


def guess_mapping(headers: Iterable[str], sample_rows: Iterable[MappingABC[str, str]] = ()) -> MappingGuess:
    """The mapping the headers most likely mean. ``sample_rows`` (a preview) breaks ties between
    address groups: an Outlook export has Business and Home columns, and the filled ones win."""
    headers = list(headers)
    samples = list(sample_rows)
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(_norm(h), h)
    mapping: Mapping = {}
    notes: list[str] = []

    first = next((by_norm[n] for n in by_norm if n in _FIRST), None)
    middle = next((by_norm[n] for n in by_norm if n in _MIDDLE), None)
    last = next((by_norm[n] for n in by_norm if n in _LAST), None)
    full = next((by_norm[n] for n in by_norm if n in _FULL), None)
    if first or last:
        mapping["name"] = [c for c in (first, middle, last) if c]
        if full:
            notes.append(f'name joins {" + ".join(mapping["name"])}; column "{full}" is not used')
    elif full:
        mapping["name"] = full
    org = next((by_norm[n] for n in by_norm if n in _ORG), None)
    if org:
        mapping["organization"] = org

    groups = _address_groups(headers)
    groups = {g: {t: c for t, c in parts.items() if t != "po_box"} for g, parts in groups.items()}
    groups = {g: parts for g, parts in groups.items() if parts}
    if groups:
        best = max(groups, key=lambda g: _group_score(g, groups[g], samples))
        for target, column in groups[best].items():
            if target == "country" or target not in mapping:
                mapping[target] = column
        if "country" not in groups[best]:
            country = groups.get("", {}).get("country")
            if country:
                mapping["country"] = country
        others = [g or "(plain)" for g in groups if g != best and len(groups[g]) >= 2]
        if others:
            label = best or "(plain)"
            notes.append(f'using the "{label}" address columns; also found: {", ".join(others)}')
    for target in ("address1", "city", "state", "postal_code"):
        if target not in mapping:
            notes.append(f"no column found for {TARGET_LABELS[target]}: map one by hand")
    used = {c for v in mapping.values() for c in ([v] if isinstance(v, str) else v)}
    return MappingGuess(mapping, _source(by_norm), notes, [h for h in headers if h not in used])


def _address_groups(headers: Iterable[str]) -> dict[str, dict[str, str]]:
    """Address columns by group: ``{"business": {"address1": "Business Street", ...}, "home": ...}``."""
    groups: dict[str, dict[str, str]] = {}
    for h in headers:
        split = _split_address_header(_norm(h))
        if split is not None:
            group, target = split
            groups.setdefault(group, {}).setdefault(target, h)
    return groups


# the parts of one postal address: when all of a row's mapped ones are empty, another group is used
ADDRESS_PARTS = ("address1", "address2", "address3", "city", "state", "postal_code", "country")


@dataclass(slots=True, frozen=True)
class AddressFallback:
    """Where a row's address comes from when the mapped columns are empty: another group of the
    same export (Outlook's Home columns when Business is empty, and the other way round), and the
    PO Box column of the mapped group (Google's "Address 1 - PO Box") when there is no street."""

    group: str = ""  # the other group's name ("home")
    columns: tuple[tuple[str, str], ...] = ()  # (target, column) of the other group
    po_box: str | None = None  # the mapped group's PO Box column


def address_fallback(mapping: MappingABC[str, object], headers: Iterable[str]) -> AddressFallback:
    """The fallback for ``mapping`` over a file with ``headers`` (no fallback for a hand-made
    mapping whose columns belong to no recognisable group)."""
    groups = _address_groups(headers)
    street = columns_of(mapping.get("address1"))  # type: ignore[arg-type]
    city = columns_of(mapping.get("city"))  # type: ignore[arg-type]
    probe = (street or city or [None])[0]
    split = _split_address_header(_norm(probe)) if probe else None
    if split is None:
        return AddressFallback()
    mine = split[0]
    po_box = groups.get(mine, {}).get("po_box")
    mapped = {c for t in ADDRESS_PARTS for c in columns_of(mapping.get(t))}  # type: ignore[arg-type]
    others = [(g, parts) for g, parts in groups.items()
              if g != mine and "address1" in parts and "city" in parts and not set(parts.values()) & mapped]
    if not others:
        return AddressFallback(po_box=po_box)
    group, parts = min(others, key=lambda gp: _GROUP_ORDER.index(gp[0]) if gp[0] in _GROUP_ORDER else 99)
    return AddressFallback(group, tuple((t, c) for t, c in parts.items() if t in ADDRESS_PARTS), po_box)


def _group_score(group: str, parts: dict[str, str], samples: list[MappingABC[str, str]]) -> tuple:
    complete = sum(t in parts for t in ("address1", "city", "state", "postal_code"))
    filled = sum(1 for row in samples for c in parts.values() if (row.get(c) or "").strip())
    order = _GROUP_ORDER.index(group) if group in _GROUP_ORDER else len(_GROUP_ORDER)
    return (complete, filled, -order)


def _source(by_norm: dict[str, str]) -> str:
    if "business street" in by_norm or "home street" in by_norm and "home postal code" in by_norm:
        return "Outlook"
    if "address 1 street" in by_norm:
        return "Google Contacts"
    if any(n.startswith(("mailing ", "billing ", "shipping ")) for n in by_norm):
        return "CRM (Salesforce-style)"
    if any(n.startswith(("home ", "work ")) for n in by_norm):
        return "Apple Contacts (vCard to CSV)"
    return "generic"


def columns_of(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def check_mapping(mapping: MappingABC[str, object], headers: Iterable[str]) -> Mapping:
    """The mapping in canonical form (empty entries dropped), or UsageError naming the bad entry."""
    headers = list(headers)
    known = set(headers)
    clean: Mapping = {}
    for target, value in mapping.items():
        if target not in TARGETS:
            raise UsageError(f"unknown address field {target!r}: use one of {', '.join(TARGETS)}")
        if isinstance(value, str):
            cols = [value] if value.strip() else []
        elif isinstance(value, (list, tuple)) and all(isinstance(c, str) for c in value):
            cols = [c for c in value if c.strip()]
        else:
            raise UsageError(f"address field {target!r}: expected a column name or a list of them, got {value!r}")
        for c in cols:
            if c not in known:
                hint = _nearest_header(c, headers)
                raise UsageError(
                    f"address field {target!r}: the file has no column {c!r}"
                    + (f" (did you mean {hint!r}?)" if hint else f"; columns: {', '.join(headers[:12])}")
                )
        if cols:
            clean[target] = cols[0] if len(cols) == 1 else cols
    return clean


def _nearest_header(name: str, headers: list[str]) -> str | None:
    import difflib

    folded = {h.casefold(): h for h in headers}
    if name.casefold() in folded:
        return folded[name.casefold()]
    match = difflib.get_close_matches(name, headers, n=1, cutoff=0.6)
    return match[0] if match else None


def parse_map_option(text: str, headers: Iterable[str]) -> tuple[str, list[str]]:
    """``--map FIELD=COLUMN``; ``COLUMN`` may join several with ``+`` (``name=First+Last``);
    an empty ``COLUMN`` unmaps the field. A header that itself contains ``+`` is taken whole."""
    target, sep, column = text.partition("=")
    target = target.strip()
    if not sep or not target:
        raise UsageError(f"--map {text!r}: expected FIELD=COLUMN, e.g. --map postal_code=Zip")
    if target not in TARGETS:
        raise UsageError(f"--map {text!r}: unknown field {target!r}: use one of {', '.join(TARGETS)}")
    column = column.strip()
    if not column:
        return target, []
    if column in set(headers):
        return target, [column]
    return target, [c.strip() for c in column.split("+") if c.strip()]


# --------------------------------------------------------------------------- saved mappings


# ``store`` is the JSON file the named mappings live in (the app's is
# ``c2m_tui.config.paths.mappings_file()``): the core is told where, it never looks it up.


def read_store(path: Path) -> dict:
    """The whole file (named mappings and remembered choices); InputError when it is unreadable."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InputError(f"{path}: saved mappings are unreadable ({err})") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: saved mappings are not a JSON object")
    return data


def _read_all(path: Path) -> dict[str, Mapping]:
    return {str(k): v for k, v in read_store(path).items() if isinstance(v, dict) and k != REMEMBERED_KEY}


def list_mappings(store: Path) -> list[str]:
    """Names of the saved mappings, sorted."""
    return sorted(_read_all(store))


def load_mapping(store: Path, name: str) -> Mapping:
    """A saved mapping by name; InputError naming the saved ones if there is none."""
    saved = _read_all(store)
    if name not in saved:
        known = ", ".join(sorted(saved)) or "none saved yet"
        raise InputError(f"no saved address mapping named {name!r} (saved: {known})")
    raw = saved[name]
    return {t: v for t, v in raw.items() if t in TARGETS and isinstance(v, (str, list))}


def save_mapping(store: Path, name: str, mapping: MappingABC[str, object]) -> Path:
    """Save (or replace) a named mapping; written atomically. Returns the file's path."""
    name = name.strip()
    if not name:
        raise UsageError("a saved mapping needs a name")
    if name == REMEMBERED_KEY:
        raise UsageError(f"{name!r} is where the last imports' choices are kept: choose another name")
    for target in mapping:
        if target not in TARGETS:
            raise UsageError(f"unknown address field {target!r}: use one of {', '.join(TARGETS)}")
    saved = read_store(store)
    saved[name] = {t: (v if isinstance(v, str) else list(v)) for t, v in mapping.items()}  # type: ignore[arg-type]
    return write_store(store, saved)


def delete_mapping(store: Path, name: str) -> bool:
    """Forget a saved mapping; False if there was none by that name."""
    saved = read_store(store)
    if name == REMEMBERED_KEY or not isinstance(saved.get(name), dict):
        return False
    del saved[name]
    write_store(store, saved)
    return True


def write_store(path: Path, saved: dict) -> Path:
    """Write the whole file atomically, readable by its owner only."""
    with atomic_write(path, text=True, mode=0o600) as out:
        json.dump(saved, out.file, indent=2, ensure_ascii=False, sort_keys=True)
        out.file.write("\n")
    return path
