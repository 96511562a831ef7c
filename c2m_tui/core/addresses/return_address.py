"""Check the sender's return address before it goes on every envelope of a job."""

from __future__ import annotations

from dataclasses import fields

from c2m_tui.core.models import ReturnAddress
from c2m_tui.core.usps import FIELD_LIMITS, is_us_state, normalize_zip, suggest_state


def return_address_problems(ra: ReturnAddress) -> list[tuple[str, str]]:
    """``[(field, message)]``; empty when the return address is complete and well-formed.
    ``field`` is the ReturnAddress attribute ("postal_code"), so a form or a CLI flag can be named."""
    problems: list[tuple[str, str]] = []
    if not ra.name.strip() and not ra.organization.strip():
        problems.append(("name", "a return address needs a name or an organization"))
    for attr, label in (("address1", "street address"), ("city", "city"), ("state", "state"),
                        ("postal_code", "ZIP code")):
        if not getattr(ra, attr).strip():
            problems.append((attr, f"the return address has no {label}"))
    state = ra.state.strip()
    if state and not is_us_state(state):
        code = suggest_state(state)
        problems.append(("state", f"{state!r} is not a US state code" + (f" (use {code!r})" if code else "")))
    postal = ra.postal_code.strip()
    if postal and normalize_zip(postal) is None:
        problems.append(("postal_code", f"{postal!r} is not a ZIP (12345) or ZIP+4 (12345-6789)"))
    elements = dict(ReturnAddress.ELEMENTS)
    for f in fields(ReturnAddress):
        limit = FIELD_LIMITS.get(elements[f.name])
        value = getattr(ra, f.name)
        if limit and len(value) > limit:
            problems.append((f.name, f"{len(value)} characters; the limit is {limit}"))
    return problems


def tidy_return_address(ra: ReturnAddress) -> ReturnAddress:
    """Trimmed values, an upper-case state code and a canonical ZIP where that is certain."""
    values = {f.name: getattr(ra, f.name).strip() for f in fields(ReturnAddress)}
    if values["state"].upper() != values["state"] and is_us_state(values["state"].upper()):
        values["state"] = values["state"].upper()
    values["postal_code"] = normalize_zip(values["postal_code"]) or values["postal_code"]
    return ReturnAddress(**values)
