"""The REST client's host rule and its tolerant-but-strict readers (no network)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from c2m_tui.core.pricing import Credit, Estimate, PriceGroup, Quote, check_affordable, InsufficientCreditError
from c2m_tui.core.rest import (PRODUCTION_REST_URL, STAGING_REST_URL, RestAnswerError, parse_corrections,
                               parse_credit, parse_job_cost, parse_subtotal, rest_url_for)


def test_rest_host_per_environment_override_and_loopback():
    assert rest_url_for("production", "https://batch.click2mail.com/v1") == PRODUCTION_REST_URL
    assert rest_url_for("staging", "https://stage-batch.click2mail.com/v1") == STAGING_REST_URL
    assert rest_url_for("demo", "http://127.0.0.1:8025/v1") == "http://127.0.0.1:8025/molpro"
    assert rest_url_for("custom", "http://localhost:9/api/v1/") == "http://localhost:9/api/molpro"
    assert rest_url_for("custom", "https://example.com/v1") is None
    assert rest_url_for("production", "https://batch.click2mail.com/v1", "https://r.example/molpro/") == \
        "https://r.example/molpro"


def test_profile_rest_url_read_and_checked(app_home):
    from c2m_tui.config.paths import config_file
    from c2m_tui.config.profiles import load_profiles
    from c2m_tui.core.errors import InputError

    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[profiles.mine]\nbase_url = "https://b.example/v1"\nrest_url = "https://r.example/molpro/"\n')
    assert load_profiles()["mine"].rest_url == "https://r.example/molpro"
    path.write_text('[profiles.mine]\nbase_url = "https://b.example/v1"\nrest_url = "http://r.example/molpro"\n')
    with pytest.raises(InputError, match="rest_url"):
        load_profiles()


def test_readers_keep_unknown_and_refuse_unreadable():
    sub, extra = parse_subtotal(b"<costEstimate><standardCost><subtotal>1.00</subtotal></standardCost>"
                                b"<subtotal>4.20</subtotal><tax>0</tax></costEstimate>", "estimate")
    assert sub == Decimal("4.20") and extra == {"tax": "0"}
    cost = parse_job_cost(b"<job><id>7</id><cost>$1,234.50</cost><totalTax>1.10</totalTax><x>y</x></job>", "7", "c")
    assert (cost.cost, cost.total_tax, cost.extra) == (Decimal("1234.50"), Decimal("1.10"), {"x": "y"})
    for body, words in ((b"", "is empty"), (b"<html><body>hi</body></html>", "HTML page"),
                        (b"not xml", "not readable XML"), (b"<credit><balance>NaN</balance>"
                                                           b"<allowNegative>no</allowNegative></credit>", "'NaN'"),
                        (b"<credit><balance>1</balance></credit>", "no <allowNegative>")):
        with pytest.raises(RestAnswerError, match=words):
            parse_credit(body, "read the credit balance")
    with pytest.raises(RestAnswerError, match="has 1 address"):
        parse_corrections(b"<addresses><address><standard>true</standard></address></addresses>", 2, "correct")


def test_affordable_rule():
    est = Estimate([PriceGroup({"documentClass": "L", "color": "B", "mailClass": "F"}, 1, 1, 0, Decimal("5"))])
    check_affordable(Quote(estimate=est, credit=Credit(Decimal("5"), False)))  # exactly enough
    check_affordable(Quote(estimate=est, credit=Credit(Decimal("1"), True)))  # may go negative
    check_affordable(Quote(estimate=None, credit=Credit(Decimal("1"), False), estimate_problem="x"))  # unknown: ask
    with pytest.raises(InsufficientCreditError, match=r"\$5\.00 is above the credit balance \$1\.00"):
        check_affordable(Quote(estimate=est, credit=Credit(Decimal("1"), False)))
