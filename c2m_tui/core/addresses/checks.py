"""Check each row of an address list and turn it into an ``Address``, applying the person's policy.

Every problem has a *kind*; the policy says, per kind, whether to ``"fix"`` it (only where a fix
is certain enough to offer: a state name, a ZIP that lost its leading zero, a field too long),
``"skip"`` the row, or ``"keep"`` the row as it is. Nothing is dropped silently: each problem is
recorded with its row number (header = row 1, first data row = row 2, as a spreadsheet shows it),
its column, and what was done.

Silent normalisation, by design: values are trimmed, line breaks outside the street lines become
spaces, a lower-case state code is upper-cased ("ma" -> "MA"), "12345 6789" becomes "12345-6789".
A multi-line street cell (Outlook writes "Business Street" that way) is spread over address1..3.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Iterable, Iterator, Mapping as MappingABC

from c2m_tui.core.errors import UsageError
from c2m_tui.core.models import Address
from c2m_tui.core.usps import (FIELD_LIMITS, US_STATES, is_us_country, normalize_zip, state_typo, suggest_state, zero_zip_state,
                               zip_lost_zero)

from .edits import apply_edit, clean_edit
from .mapping import ADDRESS_PARTS, TARGET_LABELS, TARGETS, AddressFallback, address_fallback, columns_of
from .seen import FirstSeen


@dataclass(frozen=True, slots=True)
class KindInfo:
    label: str
    actions: tuple[str, ...]  # the choices offered for this kind
    default: str


KINDS: dict[str, KindInfo] = {
    # not found by a check: a row the person edited by hand (edits.py) that then passed every check;
    # first, because what the person did comes first in a summary
    "hand-edit": KindInfo("fixed by hand: your edit of the row", ("fix",), "fix"),
    "missing-name": KindInfo("no name and no organization", ("skip", "keep"), "skip"),
    "missing-street": KindInfo("no street address", ("skip", "keep"), "skip"),
    "missing-city": KindInfo("no city", ("skip", "keep"), "skip"),
    "missing-state": KindInfo("no state for a US address", ("skip", "keep"), "skip"),
    "missing-postal-code": KindInfo("no ZIP code for a US address", ("skip", "keep"), "skip"),
    # certain fixes are made unless the person says otherwise: nobody is dropped for them
    "state-name": KindInfo("state spelled out instead of its code", ("fix", "skip", "keep"), "fix"),
    "unknown-state": KindInfo("not a US state or territory code", ("skip", "keep"), "skip"),
    # a guess, so not made by default: the person sees the closest name and may accept it (fix)
    "state-typo": KindInfo("state name misspelled: fix uses the closest name's code", ("skip", "fix", "keep"),
                           "skip"),
    # only found where the state agrees (a state whose ZIPs start with 0), or with no state, which is
    # a problem of its own that skips the row by default: so "fix" is the certain default
    "zip-lost-zero": KindInfo("ZIP lost its leading zero in a spreadsheet", ("fix", "skip", "keep"), "fix"),
    "bad-zip": KindInfo("malformed ZIP or ZIP+4", ("skip", "keep"), "skip"),
    "too-long": KindInfo("field longer than the limit", ("fix", "skip", "keep"), "skip"),
    "duplicate": KindInfo("same recipient as an earlier row", ("skip", "keep"), "skip"),
    "international": KindInfo("foreign address, mailed internationally", ("keep", "skip"), "keep"),
    "missing-id": KindInfo("empty id column", ("keep", "skip"), "keep"),
    "duplicate-id": KindInfo("id already used by an earlier row", ("skip", "keep"), "skip"),
    "bad-character": KindInfo("a character XML cannot carry (fix: a space instead)", ("fix", "skip"),
                              "skip"),
    "bad-pages": KindInfo("page range missing, malformed or outside the PDF", ("skip",), "skip"),
    "other-address": KindInfo("the mapped address is empty: the export's other address is used", ("fix", "skip"),
                              "fix"),
    "po-box": KindInfo("no street: the PO Box is used as the street", ("fix", "skip"), "fix"),
}

_ELEMENT = {"unique_id": "c2m_uniqueid", **{attr: xml for attr, xml in Address.ELEMENTS}}
_ADDRESS_FIELDS = ("name", "organization", "address1", "address2", "address3", "city", "state",
                   "postal_code", "country", "unique_id")
# ZIPs that start with 0 belong to New England, NJ, PR/VI, a few NY ZIPs and APO AE (USPS prefixes).
_EMPTY: tuple = ()
# What XML 1.0 cannot hold (control characters but tab/newline/CR, lone surrogates, U+FFFE/U+FFFF):
# old spreadsheets put U+000B in multi-line cells. Found here, it gets a row number and a choice.
_BAD_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def resolve_policy(policy: MappingABC[str, str] | None = None) -> dict[str, str]:
    """Every kind's action: the defaults overlaid with ``policy``. UsageError for an unknown kind
    or an action the kind does not offer (a duplicate cannot be "fixed")."""
    resolved = {kind: info.default for kind, info in KINDS.items()}
    for kind, action in (policy or {}).items():
        if kind not in KINDS:
            raise UsageError(f"unknown problem kind {kind!r}: use one of {', '.join(KINDS)}")
        if action not in KINDS[kind].actions:
            raise UsageError(f"{kind}: can't {action!r}; choose {' or '.join(KINDS[kind].actions)}")
        resolved[kind] = action
    return resolved


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One problem in one row. ``column`` is the person's column name ("" when not mapped)."""

    row: int
    kind: str
    field: str  # target field ("state", "postal_code", ...) or "" for the whole row
    column: str
    value: str
    message: str
    action: str  # "fixed" | "skipped" | "kept"
    fixed_value: str | None = None
    who: str = ""  # the row's name (or organization), so a person can tell whom the problem is about

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        where = f"row {self.row}" + (f", column {self.column!r}" if self.column else "")
        done = {"fixed": f"fixed to {self.fixed_value!r}", "skipped": "row skipped", "kept": "kept"}[self.action]
        return f"{where}: {self.message} [{self.kind}: {done}]"


@dataclass(slots=True)
class CheckedRow:
    row: int
    address: Address
    problems: list[RowProblem] | tuple
    skipped: bool
    pages: str = ""  # the row's own page range, when a page column is mapped


@dataclass(slots=True)
class CheckReport:
    """What happened to the rows: counts and every problem, in row order."""

    rows_read: int = 0
    rows_accepted: int = 0
    rows_skipped: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)  # (kind, action) -> problems
    notes: list[str] = field(default_factory=list)

    def add(self, problem: RowProblem) -> None:
        self.problems.append(problem)
        self.counts[(problem.kind, problem.action)] += 1

    @property
    def skipped_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems if p.action == "skipped"})

    def summary(self) -> list[str]:
        """One line per (kind, action), e.g. ``3 x unknown-state (not a US state...): skipped``."""
        return [
            f"{n} x {kind} ({KINDS[kind].label}): {action}"
            for (kind, action), n in sorted(self.counts.items(), key=lambda kv: list(KINDS).index(kv[0][0]))
        ]


class AddressChecker:
    """Turns mapped rows into Addresses. One checker per pass over the list (it remembers the
    recipients it has seen, to find duplicates); its ``report`` collects the problems.
    ``edits`` (row number -> {field: value}, see edits.py) are the person's hand edits: put into
    those rows before they are checked."""

    def __init__(self, mapping: MappingABC[str, object], policy: MappingABC[str, str] | None = None,
                 report: CheckReport | None = None, *,
                 edits: MappingABC[int, MappingABC[str, str]] | None = None) -> None:
        self.policy = resolve_policy(policy)
        self._edits = {int(n): clean_edit(e) for n, e in edits.items() if e} if edits else None
        self.report = report if report is not None else CheckReport()
        self._columns = {t: columns_of(mapping.get(t)) for t in TARGETS}  # type: ignore[arg-type]
        self._labels = {t: " + ".join(cols) for t, cols in self._columns.items()}
        self._getters = [(t, cols[0] if len(cols) == 1 else tuple(cols)) for t, cols in self._columns.items() if cols]
        self._has_id = bool(self._columns["unique_id"])
        singles = [(t, col) for t, col in self._getters if type(col) is str]
        self._single_targets = [t for t, _ in singles]
        # itemgetter with one key returns the value, not a 1-tuple: wrap it so the result is iterable
        self._single_get = (itemgetter(*[c for _, c in singles]) if len(singles) > 1
                            else (lambda row, _c=singles[0][1]: (row[_c],)) if singles else None)
        self._joined = [(t, col) for t, col in self._getters if type(col) is not str]
        self._seen = FirstSeen()  # hash of a recipient -> its first row, ~20 bytes a recipient
        self._seen_ids = FirstSeen()
        self._limits = [(t, FIELD_LIMITS[_ELEMENT[t]]) for t in _ADDRESS_FIELDS if FIELD_LIMITS.get(_ELEMENT[t])]
        self._us_cache: dict[str, bool] = {}
        self._mapping = dict(mapping)
        self._fallback: AddressFallback | None = None  # found from the first row's columns

    def _use_fallback(self, number: int, row: MappingABC[str, str], v: dict[str, str]) -> list[RowProblem]:
        """Outlook's Home address when the mapped Business one is empty (and the other way round);
        Google's PO Box when there is no street. Each is a problem of its own kind, fixed by default."""
        fb = self._fallback
        if fb is None:
            fb = self._fallback = address_fallback(self._mapping, list(row.keys()))
        found: list[RowProblem] = []
        if fb.columns and not any(v[t] for t in ADDRESS_PARTS):
            alt = {t: (row.get(c) or "").strip() for t, c in fb.columns}
            if alt.get("address1") or alt.get("city"):
                fix = self.policy["other-address"] == "fix"
                label = " + ".join(c for _, c in fb.columns[:2])
                found.append(RowProblem(number, "other-address", "address1", label, "",
                                        f"the mapped address is empty; the {fb.group or 'other'} address is "
                                        f"{alt.get('address1', '')}, {alt.get('city', '')}",
                                        "fixed" if fix else "skipped", alt.get("address1", "") if fix else None,
                                        v["name"] or v["organization"]))
                if fix:
                    v.update(alt)
        if fb.po_box and not v["address1"]:
            box = (row.get(fb.po_box) or "").strip()
            if box:
                street = box if not box.replace(" ", "").isdigit() else f"PO Box {box}"
                fix = self.policy["po-box"] == "fix"
                found.append(RowProblem(number, "po-box", "address1", fb.po_box, box,
                                        "no street; the PO Box column holds " + repr(box),
                                        "fixed" if fix else "skipped", street if fix else None,
                                        v["name"] or v["organization"]))
                if fix:
                    v["address1"] = street
        return found

    def check_rows(self, rows: Iterable[tuple[int, MappingABC[str, str]]]) -> Iterator[CheckedRow]:
        from c2m_tui.core.gcquiet import sharing

        for number, row in sharing(rows):  # a worker thread's loop: the UI's event loop gets its turns
            yield self.check(number, row)

    def extract(self, row: MappingABC[str, str]) -> dict[str, str]:
        """A row's values per target field, as mapped (no checks): what ``check-addresses`` sends."""
        return self._extract(row)

    def _extract(self, row: MappingABC[str, str]) -> dict[str, str]:
        values = dict.fromkeys(TARGETS, "")
        if self._single_get is not None:
            try:  # the fast path: one C call fetches every single-column field
                values.update(zip(self._single_targets, map(str.strip, self._single_get(row))))
            except (KeyError, TypeError):  # a row without some column, or None cells: the careful path
                pass
            else:
                for target, cols in self._joined:
                    values[target] = " ".join([p for p in [(row.get(c) or "").strip() for c in cols] if p])
                return values
        for target, col in self._getters:
            if type(col) is str:
                values[target] = (row.get(col) or "").strip()
            else:
                values[target] = " ".join([p for p in [(row.get(c) or "").strip() for c in col] if p])
        return values

    def check(self, number: int, row: MappingABC[str, str]) -> CheckedRow:
        v = self._extract(row)
        self.report.rows_read += 1
        edited = None
        if self._edits is not None and number in self._edits:  # one dict lookup: rows are many, edits few
            tidy(v)  # the edit was typed over the row as read (edits.row_as_read), street lines spread
            edited = apply_edit(v, self._edits[number])
        used: list[RowProblem] = []
        if not v["address1"] and (self._fallback is None or self._fallback.columns or self._fallback.po_box):
            used = self._use_fallback(number, row, v)
        found: list[tuple[str, str, str, str, str | None]] = []  # kind, field, value, message, fix
        joined = "".join(v.values())
        if "\n" in joined or "\r" in joined or "\t" in joined:
            tidy(v)
        if _BAD_CHAR.search(joined):
            for target in _ADDRESS_FIELDS:
                value = v[target]
                m = _BAD_CHAR.search(value)
                if m:
                    found.append(("bad-character", target, value,
                                  f"{target} holds character U+{ord(m.group()):04X}, which XML cannot carry",
                                  _clean(value)))

        if not v["name"] and not v["organization"]:
            found.append(("missing-name", "name", "", "no name and no organization", None))
        if not v["address1"]:
            found.append(("missing-street", "address1", "", "no street address", None))
        if not v["city"]:
            found.append(("missing-city", "city", "", "no city", None))
        country = v["country"]
        us = self._us_cache.get(country)
        if us is None:
            us = is_us_country(country)
            if len(self._us_cache) < 1000:  # a handful of spellings repeat on every row
                self._us_cache[country] = us
        if us:
            if v["state"] not in US_STATES:  # fast paths first: most rows are already right
                self._check_state(v, found)
            zip_code = v["postal_code"]
            if len(zip_code) != 5 or not zip_code.isdigit():
                self._check_zip(v, found)
        else:
            found.append(("international", "country", v["country"],
                          f"foreign address ({v['country']}): mailed internationally", None))
        for target, limit in self._limits:
            if len(v[target]) > limit:
                value = v[target]
                found.append(("too-long", target, value,
                              f"{target} is {len(value)} characters; the limit is {limit}",
                              _clean(value)[:limit].rstrip()))  # cleaned too: both fixes may apply
        if self._has_id and not v["unique_id"]:
            found.append(("missing-id", "unique_id", "", "the id column is empty", None))

        skipped = any(p.action == "skipped" for p in used)
        problems: list[RowProblem] | tuple = used or _EMPTY
        if found:
            problems = list(used)
            for kind, target, value, message, fix in found:
                action = self.policy[kind]
                if action == "fix":
                    v[target] = fix  # type: ignore[assignment]
                    done = "fixed"
                elif action == "skip":
                    skipped = True
                    done = "skipped"
                else:
                    done = "kept"
                problems.append(RowProblem(number, kind, target, self._labels.get(target, ""), value, message,
                                           done, fix if done == "fixed" else None, v["name"] or v["organization"]))
        if not skipped:  # only rows that will be mailed count as "seen": a skipped row hides nothing
            later: list[RowProblem] = []
            skipped = self._check_duplicates(number, v, later)
            if later:
                problems = [*problems, *later]
        if edited and not skipped:  # still wrong, its problems say so; passed, it was fixed by hand
            who = v["name"] or v["organization"]
            problems = [*(RowProblem(number, "hand-edit", target, self._labels.get(target, ""), old,
                                     f"{TARGET_LABELS[target]} typed by hand"
                                     + (f" (the file has {old!r})" if old else " (empty in the file)"),
                                     "fixed", new, who)
                          for target, old, new in edited), *problems]
        report = self.report
        for p in problems:
            report.add(p)
        if skipped:
            report.rows_skipped += 1
        else:
            report.rows_accepted += 1
        address = Address(v["name"], v["organization"], v["address1"], v["address2"], v["address3"], v["city"],
                          v["state"], v["postal_code"], v["country"], v["unique_id"])
        return CheckedRow(number, address, problems, skipped, v["pages"])

    def reject(self, checked: CheckedRow, kind: str, field_name: str, value: str, message: str) -> None:
        """Skip a row for a problem found later (the planner's page ranges); keeps counts right."""
        problem = RowProblem(checked.row, kind, field_name, self._labels.get(field_name, ""), value, message,
                             "skipped", who=checked.address.name or checked.address.organization)
        if not checked.skipped:
            self.report.rows_accepted -= 1
            self.report.rows_skipped += 1
            checked.skipped = True
        if isinstance(checked.problems, tuple):
            checked.problems = []
        checked.problems.append(problem)
        self.report.add(problem)

    def _check_state(self, v: dict[str, str], found: list) -> None:
        state = v["state"]
        if not state:
            found.append(("missing-state", "state", "", "no state", None))
            return
        if state in US_STATES:
            return
        code = suggest_state(state)
        if code is not None and code == state.upper():
            v["state"] = code  # only the case differed: not worth asking
        elif code is not None:
            found.append(("state-name", "state", state, f"state {state!r} should be its code {code!r}", code))
        elif (typo := state_typo(state)) is not None:
            found.append(("state-typo", "state", state, f"state {state!r} is not a state's name; did you mean "
                          f"{typo[1]!r} ({typo[0]})?", typo[0]))
        else:
            found.append(("unknown-state", "state", state, f"{state!r} is not a US state or territory code", None))

    def _check_zip(self, v: dict[str, str], found: list) -> None:
        raw = v["postal_code"]
        if not raw:
            found.append(("missing-postal-code", "postal_code", "", "no ZIP code", None))
            return
        zip_code = normalize_zip(raw)
        if zip_code is not None:
            v["postal_code"] = zip_code
            return
        padded = zip_lost_zero(raw)
        state = v["state"].upper()
        # the zero given back only where the ZIP is then the state's ("6010" in MA would be CT's 06010)
        if padded is not None and (zero_zip_state(padded) == state or not state or state not in US_STATES):
            found.append(("zip-lost-zero", "postal_code", raw,
                          f"ZIP {raw!r} looks like {padded!r} with its leading zero lost", padded))
        elif padded is not None:  # the zero back would make it another state's ZIP: say so, fix nothing
            owner = zero_zip_state(padded)
            whose = f"a {owner} ZIP" if owner else "no state's ZIP"
            found.append(("bad-zip", "postal_code", raw, f"ZIP {raw!r} with its leading zero back would be "
                          f"{padded!r}, {whose}, not {state}'s", None))
        else:
            found.append(("bad-zip", "postal_code", raw, f"ZIP {raw!r} is not a ZIP (12345) or ZIP+4 (12345-6789)",
                          None))

    def _check_duplicates(self, number: int, v: dict[str, str], problems: list) -> bool:
        key = hash(_duplicate_key(v["name"], v["organization"], v["address1"], v["address2"], v["city"],
                                  v["state"], v["postal_code"], v["country"]))
        skipped = False
        first = self._seen.first_row(key, number)
        if first != number:
            action = self.policy["duplicate"]
            problems.append(RowProblem(number, "duplicate", "", "", v["name"] or v["organization"],
                                       f"same recipient as row {first}", "skipped" if action == "skip" else "kept",
                                       who=v["name"] or v["organization"]))
            skipped = action == "skip"
        uid = v["unique_id"]
        if uid and not skipped:
            first = self._seen_ids.first_row(hash(uid), number)
            if first != number:
                action = self.policy["duplicate-id"]
                problems.append(RowProblem(number, "duplicate-id", "unique_id", self._labels["unique_id"], uid,
                                           f"id {uid!r} is already used by row {first}",
                                           "skipped" if action == "skip" else "kept", who=v["name"] or v["organization"]))
                skipped = action == "skip"
        return skipped


def _duplicate_key(name: str, organization: str, address1: str, address2: str, city: str, state: str,
                   postal_code: str, country: str) -> str:
    """Two recipients are the same when these agree, ignoring case and the ZIP+4."""
    return "\x1f".join((name, organization, address1, address2, city, state, postal_code[:5], country)).casefold()


def recipient_key(a: Address) -> str:
    """The duplicate key of an Address (the checker's, so a list and an import agree)."""
    return _duplicate_key(a.name.strip(), a.organization.strip(), a.address1.strip(), a.address2.strip(),
                          a.city.strip(), a.state.strip(), a.postal_code.strip(), a.country.strip())


def merge_recipients(current: Iterable[Address], added: Iterable[Address]) -> tuple[list[Address], list[Address]]:
    """One recipient list from the list so far and an import added to it: duplicates are looked for
    across the whole list, so nobody is mailed twice. Returns (the merged list, the added
    recipients left out as duplicates of someone already in it)."""
    merged = list(current)
    seen = {recipient_key(a) for a in merged}
    dropped: list[Address] = []
    for a in added:
        key = recipient_key(a)
        if key in seen:
            dropped.append(a)
        else:
            seen.add(key)
            merged.append(a)
    return merged, dropped


def _clean(value: str) -> str:
    """``value`` without characters XML cannot carry (each becomes a space, runs collapsed)."""
    return " ".join(_BAD_CHAR.sub(" ", value).split()) if _BAD_CHAR.search(value) else value


def tidy(v: dict[str, str]) -> None:
    """Spread multi-line street cells over address1..3; flatten line breaks anywhere else."""
    street = (v["address1"], v["address2"], v["address3"])
    if any("\n" in s or "\r" in s for s in street):
        lines = [ln.strip() for s in street for ln in s.splitlines() if ln.strip()]
        if len(lines) > 3:
            lines = lines[:2] + [", ".join(lines[2:])]
        lines += [""] * (3 - len(lines))
        v["address1"], v["address2"], v["address3"] = lines
    for key in ("name", "organization", "city", "state", "postal_code", "country", "unique_id"):
        value = v[key]
        if "\n" in value or "\r" in value or "\t" in value:
            v[key] = " ".join(value.split())
