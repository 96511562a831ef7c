"""The words that name the price in the CLI's production prompt, from the core's Quote
(confirmation_words); the app's confirmation is tested in tests/tui/test_review_price.py."""

from __future__ import annotations

from decimal import Decimal

from c2m_tui.commands.confirm import price_words
from c2m_tui.core.pricing import Estimate, PriceGroup, Quote
from c2m_tui.core.rest import Credit


def known() -> Quote:
    group = PriceGroup({"documentClass": "Letter 8.5 x 11"}, 2, quantity=3, subtotal=Decimal("1234.5"))
    return Quote(estimate=Estimate([group]), credit=Credit(Decimal("10"), False))


def test_the_production_prompt_names_the_amount_or_that_it_is_unknown():
    assert price_words(known()) == ", estimated $1,234.50"
    assert price_words(Quote(estimate_problem="cannot reach x")) == ", and the price is unknown"
    assert price_words(None) == ""
