"""The product catalog checks: unknown values are errors with a suggestion (warnings when allowed),
known-invalid combinations fail."""

from __future__ import annotations

import pytest

from c2m_tui.core.catalog import CATALOG, KNOWN_VALUES, nearest, option_problems
from c2m_tui.core.models import PrintOptions


def by_field(problems):
    return {p.field: p for p in problems}


def test_default_print_options_are_in_the_catalog():
    assert option_problems(PrintOptions()) == []


@pytest.mark.parametrize("doc_class", sorted(CATALOG))
def test_first_value_of_every_product_passes(doc_class):
    entry = CATALOG[doc_class]
    opts = PrintOptions(
        document_class=doc_class,
        layout=entry["layout"][0],
        production_time=entry["productionTime"][0],
        envelope=entry["envelope"][0] if entry["envelope"] else None,
        color=entry["color"][0],
        paper_type=entry["paperType"][0],
        print_option=entry["printOption"][-1],
        mail_class=entry["mailClass"][0],
    )
    assert option_problems(opts) == []


def test_firstclass_without_space_is_an_error_and_suggests_first_class():
    problems = by_field(option_problems(PrintOptions(mail_class="FirstClass")))
    p = problems["mailClass"]
    assert p.severity == "error" and p.unknown
    assert p.suggestion == "First Class"
    assert 'did you mean "First Class"' in p.message


@pytest.mark.parametrize("value", ["First-Class", "Frist Class"])
def test_typoed_mail_class_is_an_error_unless_unknown_options_are_allowed(value):
    (p,) = option_problems(PrintOptions(mail_class=value))
    assert (p.field, p.severity, p.suggestion) == ("mailClass", "error", "First Class")
    assert p.message == f'mailClass "{value}" is not in the product catalog (did you mean "First Class"?)'
    (allowed,) = option_problems(PrintOptions(mail_class=value), allow_unknown=True)
    assert (allowed.severity, allowed.message) == ("warning", p.message)


def test_not_offered_for_this_class_stays_an_error_even_when_unknown_options_are_allowed():
    (p,) = option_problems(PrintOptions(envelope="Certified Mail Letter Envelope"), allow_unknown=True)
    assert p.severity == "error" and not p.unknown


@pytest.mark.parametrize("doc_class", ["Postcard 3.5 x 5", "EDDM Mailer 8.5 x 11", "Flyer 8.5 x 11"])
def test_reference_9_5_products_are_known(doc_class):
    opts = PrintOptions(document_class=doc_class, layout="Double Sided Postcard", envelope=None,
                        paper_type="White Matte", print_option="Printing both sides", mail_class="First Class",
                        production_time="Within 7 Days")
    assert option_problems(opts) == []


def test_case_only_difference_is_a_warning_with_the_catalog_spelling():
    p = by_field(option_problems(PrintOptions(print_option="Printing Both sides")))["printOption"]
    assert p.severity == "warning"
    assert p.suggestion == "Printing both sides"
    assert "case" in p.message


def test_envelope_on_a_postcard_is_an_error():
    opts = PrintOptions(
        document_class="Postcard 4.25 x 6", layout="Double Sided Postcard", envelope="#10 Double Window",
        paper_type="White Matte", print_option="Printing both sides",
    )
    p = by_field(option_problems(opts))["envelope"]
    assert p.severity == "error"
    assert "without an envelope" in p.message


def test_postcard_without_envelope_and_empty_envelope_both_pass():
    base = dict(document_class="Postcard 4.25 x 6", layout="Double Sided Postcard", paper_type="White Matte",
                print_option="Printing both sides")
    assert option_problems(PrintOptions(envelope=None, **base)) == []
    assert option_problems(PrintOptions(envelope="", **base)) == []


def test_letter_without_envelope_is_an_error():
    p = by_field(option_problems(PrintOptions(envelope=None)))["envelope"]
    assert p.severity == "error"
    assert p.suggestion == "#10 Double Window"


def test_layout_of_another_product_is_an_error():
    p = by_field(option_problems(PrintOptions(layout="Double Sided Postcard")))["layout"]
    assert p.severity == "error"
    assert "not offered for \"Letter 8.5 x 11\"" in p.message


def test_unknown_document_class_is_an_error_and_other_fields_still_checked():
    opts = PrintOptions(document_class="Postcard 3 x 4", layout="Single Sided Postcard", envelope=None,
                        paper_type="White Uncoated", print_option="Printing both sides", mail_class="FirstClass")
    problems = by_field(option_problems(opts))
    assert problems["documentClass"].severity == "error"
    assert problems["documentClass"].suggestion is not None
    assert problems["mailClass"].suggestion == "First Class"
    assert set(problems) == {"documentClass", "mailClass"}


def test_empty_required_field_is_an_error():
    p = by_field(option_problems(PrintOptions(color="")))["color"]
    assert p.severity == "error"


def test_full_color_only_products():
    opts = PrintOptions(document_class="Postcard 6 x 11", layout="Double Sided Postcard", envelope=None,
                        paper_type="White Matte with Gloss UV Finish", print_option="Printing both sides",
                        color="Black and White")
    p = by_field(option_problems(opts))["color"]
    assert p.severity == "error"


def test_document_class_spacing_variant_is_recognised():
    opts = PrintOptions(document_class="Priority Express Letter 8.5 x 11", layout="Address on Separate Page",
                        envelope="Flat Rate USPS Priority Mail Express", production_time="Same Day",
                        mail_class="Priority Mail Express No Signature Required")
    problems = option_problems(opts)
    assert [(p.field, p.severity, p.suggestion) for p in problems] == [
        ("documentClass", "warning", "Priority Express Letter  8.5 x 11")
    ]


def test_nearest_and_known_values():
    assert nearest("Standrd", KNOWN_VALUES["mailClass"]) == "Standard"
    assert nearest("zzzz", KNOWN_VALUES["mailClass"]) is None
    assert "Flat Envelope" in KNOWN_VALUES["envelope"]
