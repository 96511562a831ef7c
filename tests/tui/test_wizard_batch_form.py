"""The wizard's page plans and form → Batch (no widgets)."""

from __future__ import annotations

import pytest

from c2m_tui.core.batchxml import batch_xml_bytes, read_batch
from c2m_tui.core.errors import InputError
from c2m_tui.core.models import Address
from c2m_tui.tui.batch_form import BatchForm, batch_counts, parse_range

PEOPLE = [Address(name=f"P{i}", address1=f"{i} Main St", city="Oakton", state="VA", postal_code="22124")
          for i in range(1, 4)]


def form(mode: str, spec: str, pages: int | None = 6, people=PEOPLE) -> BatchForm:
    return BatchForm(filename="letters.pdf", pdf_pages=pages, recipients=list(people), page_mode=mode, page_spec=spec)


def test_same_pages_make_one_job_for_everybody():
    batch = form("same", "").to_batch()  # empty spec: the whole PDF
    jobs = list(batch.jobs)
    assert [(j.starting_page, j.ending_page) for j in jobs] == [(1, 6)]
    assert batch_counts(batch) == (1, 3, 18)


def test_mail_merge_gives_each_recipient_their_pages():
    batch = form("each", "2").to_batch()
    assert [(j.starting_page, j.ending_page, j.recipients[0].name) for j in batch.jobs] == [
        (1, 2, "P1"), (3, 4, "P2"), (5, 6, "P3")]
    again = read_batch(batch_xml_bytes(batch)).batch  # and it survives the XML round trip
    assert [(j.starting_page, j.ending_page) for j in again.jobs] == [(1, 2), (3, 4), (5, 6)]


def test_explicit_ranges_one_per_recipient():
    batch = form("ranges", "1-2, 3, 4-6").to_batch()
    assert [(j.starting_page, j.ending_page) for j in batch.jobs] == [(1, 2), (3, 3), (4, 6)]


@pytest.mark.parametrize(
    ("mode", "spec", "message"),
    [
        ("same", "2-9", "past the end of the PDF (6 pages)"),
        ("same", "3-1", "first page 1, end >= start"),
        ("same", "one", "not a page range"),
        ("each", "4", "3 recipient(s) × 4 page(s) = 12 pages, but the PDF has 6"),
        ("each", "x", "not a whole number"),
        ("ranges", "1-2, 3-4", "2 range(s) for 3 recipient(s)"),
    ],
)
def test_bad_page_plans_say_what_is_wrong(mode, spec, message):
    with pytest.raises(InputError) as err:
        form(mode, spec).to_batch()
    assert message in str(err.value)


def test_no_recipients_is_named():
    with pytest.raises(InputError, match="add at least one recipient"):
        form("same", "1-2", people=[]).to_batch()


def test_one_page_range_parser_takes_an_en_dash_as_build_xml_does():
    from c2m_tui.core.addresses import parse_page_range

    assert parse_range("3\u20134", 6) == parse_page_range("3\u20134") == (3, 4)
    assert form("ranges", "1\u20132, 3, 4\u20136").page_plan() == [(1, 2), (3, 3), (4, 6)]


def test_mail_merge_follows_the_original_rows_when_some_are_skipped():
    # the file had 25 rows and the PDF 2 pages each; rows at positions 1 and 3 were skipped
    people = [Address(name=f"P{i}") for i in range(23)]
    positions = [0, 2] + list(range(4, 25))
    f = BatchForm(filename="m.pdf", pdf_pages=50, recipients=people, page_mode="each", page_spec="2",
                  positions=positions, list_rows=25)
    plan = f.page_plan()
    assert plan[:3] == [(1, 2), (5, 6), (9, 10)] and plan[-1] == (49, 50)
    with pytest.raises(InputError, match="25 row"):
        BatchForm(filename="m.pdf", pdf_pages=48, recipients=people, page_mode="each", page_spec="2",
                  positions=positions, list_rows=25).page_plan()


def test_same_many_pages_to_everyone_is_said_in_plain_words():
    people = [Address(name=f"P{i}") for i in range(18)]
    f = BatchForm(filename="m.pdf", pdf_pages=36, recipients=people, page_mode="same", page_spec="1-36")
    (note,) = f.plan_notes()
    assert note.startswith("each of the 18 letter(s) has 36 pages (648 printed pages in all)")
    assert "mail merge of 2 page(s) per recipient" in note
    assert BatchForm(filename="m.pdf", pdf_pages=5, recipients=people, page_spec="1-5").plan_notes() == []


def test_the_plan_that_fits_is_proposed():
    from c2m_tui.core.addresses import propose_plan

    assert propose_plan(50, 25).mode == "each" and propose_plan(50, 25).spec == "2"
    assert (propose_plan(3, 25).mode, propose_plan(3, 25).spec) == ("same", "1-3")
    assert propose_plan(4, 1).mode == "same" and propose_plan(None, 3) is None


def test_parse_range_without_a_pdf_accepts_any_end():
    assert parse_range(" 4 - 40 ", None) == (4, 40)
