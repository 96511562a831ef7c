"""Know before you spend: a batch's estimated price, the account's credit, and the rule that refuses a
send the account cannot pay for (issue 12).

``price_groups(xml)`` groups a batch's jobs by their eight print options and page count, counting
domestic and international pieces apart (no network). ``estimate(rest, xml)`` asks ``GET
/costEstimate`` once per group. ``estimate_for(rest, xml)`` is what ``send``, ``resume`` and the
app's review call: the estimate and the balance, or why either could not be had (a ``Quote`` never
raises for a network or answer problem: the person is told and still decides).
``check_affordable(quote)`` raises ``InsufficientCreditError`` when the estimate is above the
balance and the account may not go negative: before any batch is created.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from c2m_tui.core import errors as E
from c2m_tui.core.rest import OPTION_NAMES, Credit

_ATTR_OF = {"documentClass": "document_class", "layout": "layout", "productionTime": "production_time",
            "envelope": "envelope", "color": "color", "paperType": "paper_type", "printOption": "print_option",
            "mailClass": "mail_class"}
US = frozenset({"", "US", "USA", "U.S.", "U.S.A.", "UNITED STATES", "UNITED STATES OF AMERICA"})


class InsufficientCreditError(E.C2MError):
    """The estimate is above the balance and the account may not go negative: nothing was created."""


@dataclass
class PriceGroup:
    """Jobs with identical print options and page count: one costEstimate."""

    options: dict[str, str]  # the eight element names -> values ("" for an absent envelope)
    pages: int
    quantity: int = 0  # domestic pieces
    international: int = 0
    subtotal: Decimal | None = None
    extra: dict[str, str] = field(default_factory=dict)  # unknown elements of the estimate answer

    def to_json(self) -> dict:
        return {**self.options, "quantity": self.quantity, "internationalQuantity": self.international,
                "pages": self.pages, "subtotal": None if self.subtotal is None else float(self.subtotal)}


@dataclass
class Estimate:
    groups: list[PriceGroup]

    @property
    def total(self) -> Decimal:
        return sum((g.subtotal or Decimal("0") for g in self.groups), Decimal("0"))

    @property
    def pieces(self) -> int:
        return sum(g.quantity + g.international for g in self.groups)

    def to_json(self) -> dict:
        return {"total": float(self.total), "groups": [g.to_json() for g in self.groups], "pieces": self.pieces}


@dataclass
class Quote:
    """What a person sees before they spend: either part may be missing, with the reason."""

    estimate: Estimate | None = None
    credit: Credit | None = None
    estimate_problem: str = ""
    credit_problem: str = ""

    @property
    def remaining(self) -> Decimal | None:
        if self.estimate is None or self.credit is None:
            return None
        return self.credit.balance - self.estimate.total

    @property
    def affordable(self) -> bool:
        """False only when it is known that the account cannot pay (never on a missing figure)."""
        remaining = self.remaining
        return remaining is None or remaining >= 0 or self.credit.allow_negative  # type: ignore[union-attr]

    def lines(self) -> list[str]:
        """The estimate per group, the total, the balance and what remains, as plain lines."""
        out = []
        if self.estimate is not None:
            for g in self.estimate.groups:
                abroad = f" + {g.international} international" if g.international else ""
                out.append(f"  {g.quantity:,}{abroad} x {g.options['documentClass']}, {g.pages} page(s), "
                           f"{g.options['color']}, {g.options['mailClass']}: {money(g.subtotal)}")
            out.append(f"estimated cost: {money(self.estimate.total)} for {self.estimate.pieces:,} piece(s)")
        else:
            out.append(f"estimated cost: unknown ({self.estimate_problem})")
        if self.credit is not None:
            negative = " (may go negative)" if self.credit.allow_negative else ""
            line = f"credit balance: {money(self.credit.balance)}{negative}"
            if self.remaining is not None:
                line += f"; after this batch: {money(self.remaining)}"
            out.append(line)
        else:
            out.append(f"credit balance: unknown ({self.credit_problem})")
        return out

    def confirmation_words(self) -> str:
        """What a production confirmation names: the amount, or that it is unknown."""
        if self.estimate is None:
            return "the price is unknown"
        return f"estimated {money(self.estimate.total)}"


def money(value: Decimal | None) -> str:
    return "?" if value is None else (f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}")


def is_international(country: str) -> bool:
    return (country or "").strip().upper() not in US


def price_groups(xml: bytes | str) -> list[PriceGroup]:
    """The batch's jobs grouped by print options and pages, in first-seen order (InputError for bad XML)."""
    from c2m_tui.core.batchxml import tally_jobs

    groups: dict[tuple, PriceGroup] = {}

    def count(tally) -> None:
        job = tally.job
        options = {name: getattr(job.options, _ATTR_OF[name]) or "" for name in OPTION_NAMES}
        key = (*options.values(), job.page_count)
        group = groups.get(key)
        if group is None:
            group = groups[key] = PriceGroup(options, job.page_count)
        for country, n in tally.countries.items():
            if is_international(country):
                group.international += n
            else:
                group.quantity += n

    tally_jobs(xml, count, keep=0)  # counted as read: a million recipients are never all held
    return list(groups.values())


async def estimate(rest, xml: bytes | str, groups: list[PriceGroup] | None = None) -> Estimate:
    """One costEstimate per group (``groups``: the XML's, when already made); errors (network,
    unreadable answer) are raised."""
    groups = price_groups(xml) if groups is None else groups
    for group in groups:
        group.subtotal, group.extra = await rest.cost_estimate(
            group.options, pages=group.pages, quantity=group.quantity, international=group.international)
    return Estimate(groups)


async def estimate_for(rest, xml: bytes | str) -> Quote:
    """The estimate and the balance for a batch, each or both replaced by the reason it could not be
    had. ``rest`` None means no REST host is known (say so). Bad local XML is still raised."""
    quote = Quote()
    if rest is None:
        quote.estimate_problem = quote.credit_problem = "no REST API host is known for this server (--rest-url)"
        return quote
    groups = price_groups(xml)  # a bad XML is the person's to fix, not "price unknown"
    try:
        quote.estimate = await estimate(rest, xml, groups)
    except E.C2MError as err:
        quote.estimate_problem = str(err)
    try:
        quote.credit = await rest.credit()
    except E.C2MError as err:
        quote.credit_problem = str(err)
    return quote


def check_affordable(quote: Quote) -> None:
    """Raise InsufficientCreditError (exit 1) when the estimate is known to be above the balance and the
    account may not go negative. One line with both amounts."""
    if quote.affordable:
        return
    raise InsufficientCreditError(
        f"not sent: the estimated cost {money(quote.estimate.total)} is above the credit balance "  # type: ignore[union-attr]
        f"{money(quote.credit.balance)} and the account may not go negative"  # type: ignore[union-attr]
    )
