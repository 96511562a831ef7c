"""Addresses to send to Click2Mail's address correction, read from a batch XML or an address list,
and what came back, side by side (``c2m-tui check-addresses``, the recipients step)."""

from __future__ import annotations

from dataclasses import dataclass, field

from c2m_tui.core.rest import ADDRESS_FIELDS, CorrectedAddress

KINDS = ("standard", "international", "nonMailable")


@dataclass
class Checked:
    """One address: where it came from (``row 5`` or ``job 1, recipient 3``), as given, and as corrected."""

    where: str
    original: dict[str, str]  # name + ADDRESS_FIELDS
    corrected: CorrectedAddress

    @property
    def kind(self) -> str:
        return self.corrected.kind

    @property
    def changed(self) -> list[str]:
        return [k for k in ADDRESS_FIELDS if (self.corrected.fields.get(k) or "") != (self.original.get(k) or "")
                and not (k == "country" and not self.corrected.fields.get(k))]

    def to_json(self) -> dict:
        return {"where": self.where, "original": self.original, "corrected": self.corrected.fields,
                "kind": self.kind, "standard": self.corrected.standard, "international": self.corrected.international,
                "nonMailable": self.corrected.non_mailable, "changed": self.changed,
                "fineCorrectionMessage": self.corrected.fine_message,
                "coarseCorrectionMessage": self.corrected.coarse_message, "extra": self.corrected.extra}


@dataclass
class CheckResult:
    items: list[Checked] = field(default_factory=list)
    calls: int = 0

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys((*KINDS, "unknown"), 0)
        for item in self.items:
            out[item.kind] += 1
        if not out["unknown"]:
            del out["unknown"]
        return out


def from_address(addr) -> dict[str, str]:
    """A models.Address as the correction call's fields."""
    return {"name": addr.name, "address1": addr.address1, "address2": addr.address2, "city": addr.city,
            "state": addr.state, "zip": addr.postal_code, "country": addr.country}


def from_mapped(values: dict[str, str]) -> dict[str, str]:
    """A mapped address-list row (``AddressChecker.extract``) as the correction call's fields."""
    return {"name": values.get("name", ""), "address1": values.get("address1", ""),
            "address2": values.get("address2", ""), "city": values.get("city", ""),
            "state": values.get("state", ""), "zip": values.get("postal_code", ""), "country": values.get("country", "")}


def addresses_of_batch(xml) -> list[tuple[str, dict[str, str]]]:
    from c2m_tui.core.batchxml import read_batch

    out = []
    for j, job in enumerate(read_batch(xml).batch.jobs, 1):
        for r, addr in enumerate(job.recipients, 1):
            out.append((f"job {j}, recipient {r}", from_address(addr)))
    return out


async def check(rest, sources: list[tuple[str, dict[str, str]]], *, on_call=None) -> CheckResult:
    """Correct every address, in calls of at most 100; answers matched back in order."""
    corrected = await rest.correct_addresses([a for _, a in sources], on_call=on_call)
    from c2m_tui.core.rest import MAX_ADDRESSES_PER_CALL

    result = CheckResult(calls=(len(sources) + MAX_ADDRESSES_PER_CALL - 1) // MAX_ADDRESSES_PER_CALL)
    result.items = [Checked(where, original, fixed) for (where, original), fixed in zip(sources, corrected)]
    return result


CSV_COLUMNS = ("where", "name", *ADDRESS_FIELDS, "kind", "message")


def corrected_rows(result: CheckResult):
    """Rows of the corrected CSV: the corrected fields (a non-mailable or international one as given)."""
    yield CSV_COLUMNS
    for item in result.items:
        use = item.corrected.fields if item.kind == "standard" else item.original
        message = item.corrected.fine_message or item.corrected.coarse_message
        yield (item.where, item.original.get("name", ""), *(use.get(k, "") for k in ADDRESS_FIELDS), item.kind, message)


# --------------------------------------------------------------------------- choosing what to use
# The app's recipients step: every address is kept as given, corrected or excluded. A careful
# default: no correction is used until it is accepted; a non-mailable address is excluded (and
# shown, with the reason); everything else is kept as given.

USE, KEEP, EXCLUDE = "use", "keep", "exclude"
CHOICE_WORDS = {USE: "use correction", KEEP: "keep as given", EXCLUDE: "exclude"}
# the groups a person decides on, in the order shown: (key, label)
GROUPS = (("corrected", "standard, corrected"), ("standard", "standard, no change"),
          ("international", "international"), ("nonMailable", "not mailable"), ("unknown", "not classified"))


def group_of(item: Checked) -> str:
    """``corrected`` (standard, Click2Mail changed something), else the item's kind."""
    return "corrected" if item.kind == "standard" and item.changed else item.kind


def choices_for(item: Checked) -> tuple[str, ...]:
    """What can be done with an address: a correction can be used only when there is one (a
    standard address Click2Mail changed); an international or non-mailable one is never rewritten."""
    group = group_of(item)
    if group == "corrected":
        return (KEEP, USE, EXCLUDE)
    if group == "nonMailable":
        return (EXCLUDE, KEEP)
    return (KEEP, EXCLUDE)


def default_choice(item: Checked) -> str:
    return choices_for(item)[0]


def reason(item: Checked) -> str:
    """Why an address is what it is, in Click2Mail's words when it gave any."""
    message = item.corrected.coarse_message or item.corrected.fine_message
    if message:
        return message
    return {"nonMailable": "not mailable", "international": "international address",
            "unknown": "Click2Mail did not say whether it is standard"}.get(item.kind, "")


def corrected_address(address, item: Checked):
    """``address`` (a models.Address) with Click2Mail's corrected lines; the name, organization,
    address3 and unique id are kept, and so is the country when the answer leaves it blank."""
    from dataclasses import replace

    fields = item.corrected.fields
    return replace(address, address1=fields.get("address1", ""), address2=fields.get("address2", ""),
                   city=fields.get("city", ""), state=fields.get("state", ""), postal_code=fields.get("zip", ""),
                   country=fields.get("country") or address.country)


@dataclass
class Applied:
    """The list after the choices: the addresses kept, in their order, and what happened to the rest."""

    addresses: list  # models.Address, the kept ones in the checked list's order
    origins: list[int]  # each kept address's index in the checked list
    corrected: list[int]  # indexes whose correction was used
    excluded: list[tuple[int, Checked]]  # (index, what Click2Mail said) of each one left out
    checked: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.corrected or self.excluded)


def apply_choices(addresses: list, result: CheckResult, choices: list[str]) -> Applied:
    """The checked ``addresses`` (models.Address, in the order they were checked) with each one's
    choice (USE, KEEP, EXCLUDE) applied; a choice an address does not allow is refused."""
    if not (len(addresses) == len(result.items) == len(choices)):
        raise ValueError(f"{len(addresses)} address(es), {len(result.items)} answer(s), {len(choices)} choice(s)")
    out = Applied([], [], [], [], checked=len(addresses))
    for index, (address, item, choice) in enumerate(zip(addresses, result.items, choices)):
        if choice not in choices_for(item):
            raise ValueError(f"address {index + 1}: {choice!r} is not one of {choices_for(item)}")
        if choice == EXCLUDE:
            out.excluded.append((index, item))
            continue
        if choice == USE:
            address = corrected_address(address, item)
            out.corrected.append(index)
        out.addresses.append(address)
        out.origins.append(index)
    return out
