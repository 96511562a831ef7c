"""The choices of the app's address check (core.addresscheck): what each kind allows, the careful
defaults, and the list they make (order kept, corrections only where chosen, exclusions named)."""

from __future__ import annotations

import pytest

from c2m_tui.core import addresscheck as ac
from c2m_tui.core.models import Address
from c2m_tui.core.rest import CorrectedAddress


def checked(address: Address, fields: dict, *, standard=True, international=False, non_mailable=False,
            message="") -> ac.Checked:
    original = ac.from_address(address)
    return ac.Checked("x", original, CorrectedAddress({**{k: original.get(k, "") for k in ac.ADDRESS_FIELDS}, **fields},
                                                      standard, international, non_mailable, coarse_message=message))


def test_groups_choices_and_defaults():
    a = Address(name="A", organization="Org", address1="1 main street", address3="rear", city="boston", state="MA",
                postal_code="02134", unique_id="7")
    fixed = checked(a, {"address1": "1 MAIN ST", "city": "BOSTON", "zip": "02134-1111"})
    same = checked(a, {})
    abroad = checked(a, {}, standard=False, international=True)
    bad = checked(a, {}, standard=False, non_mailable=True, message="Not mailable: no city.")
    assert [ac.group_of(i) for i in (fixed, same, abroad, bad)] == ["corrected", "standard", "international",
                                                                     "nonMailable"]
    assert ac.choices_for(fixed) == (ac.KEEP, ac.USE, ac.EXCLUDE)  # a correction is never the default
    assert [ac.default_choice(i) for i in (fixed, same, abroad, bad)] == [ac.KEEP, ac.KEEP, ac.KEEP, ac.EXCLUDE]
    assert ac.USE not in ac.choices_for(abroad) and ac.USE not in ac.choices_for(bad)
    assert ac.reason(bad) == "Not mailable: no city."

    out = ac.corrected_address(a, fixed)
    assert (out.address1, out.city, out.postal_code) == ("1 MAIN ST", "BOSTON", "02134-1111")
    assert (out.name, out.organization, out.address3, out.unique_id) == ("A", "Org", "rear", "7")


def test_apply_keeps_order_and_names_the_excluded():
    people = [Address(name=n, address1=f"{i} main street", city="boston", state="MA", postal_code="02134")
              for i, n in enumerate("ABCD", 1)]
    result = ac.CheckResult([checked(people[0], {"address1": "1 MAIN ST"}),
                             checked(people[1], {}, standard=False, non_mailable=True),
                             checked(people[2], {"address1": "3 MAIN ST"}),
                             checked(people[3], {}, standard=False, international=True)], calls=1)
    applied = ac.apply_choices(people, result, [ac.USE, ac.EXCLUDE, ac.KEEP, ac.KEEP])
    assert [a.name for a in applied.addresses] == ["A", "C", "D"] and applied.origins == [0, 2, 3]
    assert applied.addresses[0].address1 == "1 MAIN ST" and applied.addresses[1] is people[2]
    assert applied.corrected == [0] and [i for i, _ in applied.excluded] == [1] and applied.changed
    with pytest.raises(ValueError, match="address 4"):
        ac.apply_choices(people, result, [ac.KEEP, ac.KEEP, ac.KEEP, ac.USE])  # nothing to use abroad
    with pytest.raises(ValueError):
        ac.apply_choices(people[:3], result, [ac.KEEP] * 3)
