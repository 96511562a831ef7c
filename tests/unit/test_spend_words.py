"""Words said before and after money is spent: the CLI's production prompt names the price from the
core's Quote (confirmation_words; the app's confirmation: tests/tui/test_review_price.py), and a
refused cancel keeps the server's own words."""

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


def test_a_refused_cancel_keeps_the_servers_words():
    """The REST error's <description> is the refusal shown on the board; the CLI prints the whole error."""
    from c2m_tui.core.rest import _description

    body = '<?xml version="1.0"?><job><status>9</status><description>Job 7 cannot be cancelled: it is MAILED.' \
           '</description></job>'
    assert _description(body) == "Job 7 cannot be cancelled: it is MAILED."
    assert _description("<html><body>Bad gateway</body></html>") == ""
    assert _description("plain words") == ""
