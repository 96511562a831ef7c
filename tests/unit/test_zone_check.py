"""The address zone checked on rendered pages, page sizes and orientation, on PDFs made here."""

from __future__ import annotations

from pathlib import Path

import pytest

from c2m_tui.core import catalog, zone_check
from c2m_tui.core.validate import validate_batch
from tests.pdf_maker import A4, LETTER, letter, make_pdf


def batch_xml(path: Path, jobs: list[tuple[int, int, str, str | None, str]], doc_class="Letter 8.5 x 11") -> Path:
    """``jobs``: (start, end, layout, envelope, recipient name)."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<batch>\n<filename>letters.pdf</filename>\n'
             '<appSignature>test</appSignature>']
    for start, end, layout, envelope, name in jobs:
        env = f"<envelope>{envelope}</envelope>" if envelope else ""
        parts.append(f"""<job><startingPage>{start}</startingPage><endingPage>{end}</endingPage>
<printProductionOptions><documentClass>{doc_class}</documentClass><layout>{layout}</layout>
<productionTime>Next Day</productionTime>{env}<color>Black and White</color><paperType>White 24#</paperType>
<printOption>Printing One side</printOption><mailClass>First Class</mailClass></printProductionOptions>
<returnAddress><name>ACME</name><organization></organization><address1>1 Main St</address1><address2></address2>
<city>Troy</city><state>VA</state><postalCode>22974</postalCode></returnAddress>
<recipients><address><name>{name}</name><organization></organization><address1>9 Elm St</address1>
<address2></address2><address3></address3><city>Boston</city><state>MA</state><postalCode>02110</postalCode>
<country>US</country></address></recipients></job>""")
    parts.append("</batch>\n")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


FIRST = "Address on First Page"


def test_text_in_the_zone_is_an_error_naming_the_job_recipient_and_page(tmp_path):
    pdf = make_pdf(tmp_path / "l.pdf", [
        (LETTER, [(1.0, 5.0, "clean page one")]),
        (LETTER, [(0.9, 2.3, "TEXT WHERE THE ADDRESS IS PRINTED")]),
    ])
    xml = batch_xml(tmp_path / "b.xml", [(1, 1, FIRST, "#10 Double Window", "Ada Clean"),
                                         (2, 2, FIRST, "#10 Double Window", "Bob Inked")])
    report = validate_batch(xml, pdf)
    zone = [p for p in report.errors if "zone" in p.message]
    assert len(zone) == 1, report.errors
    problem = zone[0]
    assert problem.job == 2 and problem.recipient == 1
    assert "Bob Inked" in problem.message and "page 2" in problem.message
    assert "prints the address over it" in problem.message and "inferred" in problem.message
    assert not report.valid


def test_a_clean_letter_is_not_flagged(tmp_path):
    pdf = letter(tmp_path / "l.pdf", 2)
    xml = batch_xml(tmp_path / "b.xml", [(1, 2, FIRST, "#10 Double Window", "Ada Clean")])
    assert zone_check.check_batch(xml, pdf) == []
    report = validate_batch(xml, pdf)
    assert report.valid and not [p for p in report.warnings if "zone" in p.message or "landscape" in p.message]


def test_ink_in_the_return_window_is_a_warning_only(tmp_path):
    pdf = make_pdf(tmp_path / "l.pdf", [(LETTER, [(0.8, 0.7, "BIG LETTERHEAD LOGO HERE")])])
    xml = batch_xml(tmp_path / "b.xml", [(1, 1, FIRST, "#10 Double Window", "Ada")])
    [finding] = zone_check.check_batch(xml, pdf)
    assert finding.severity == "warning" and finding.zone.name == "return address"
    assert "window" in finding.message
    # a single-window envelope has no return window
    xml = batch_xml(tmp_path / "b.xml", [(1, 1, FIRST, "#10 Open Window Envelope", "Ada")])
    assert zone_check.check_batch(xml, pdf) == []


def test_separate_address_page_is_not_printed_over(tmp_path):
    pdf = letter(tmp_path / "l.pdf", 1, in_zone=True)
    xml = batch_xml(tmp_path / "b.xml", [(1, 1, "Address on Separate Page", "#10 Double Window", "Ada")])
    assert zone_check.check_batch(xml, pdf) == []
    [job] = zone_check.read_job_facts(xml)
    assert "adds an address page" in zone_check.separate_page_note(job)


def test_a4_pages_are_flagged_for_a_letter_product(tmp_path):
    pdf = make_pdf(tmp_path / "a4.pdf", [(A4, [(1, 5, "x")]), (A4, [(1, 5, "y")]), (LETTER, [(1, 5, "z")])])
    xml = batch_xml(tmp_path / "b.xml", [(1, 3, "Address on Separate Page", "#10 Double Window", "Ada")])
    [finding] = zone_check.check_batch(xml, pdf)
    assert finding.kind == "size" and finding.page == 1
    assert "pages 1-2 are A4" in finding.message and "Letter 8.5 x 11" in finding.message
    report = validate_batch(xml, pdf)
    assert any("A4" in p.message and p.job == 1 for p in report.warnings)


def test_landscape_pages_are_flagged(tmp_path):
    pdf = make_pdf(tmp_path / "land.pdf", [(LETTER, [(1, 5, "x")]), ((11.0, 8.5), [(1, 5, "y")])])
    xml = batch_xml(tmp_path / "b.xml", [(1, 2, "Address on Separate Page", "#10 Double Window", "Ada")])
    [finding] = zone_check.check_batch(xml, pdf)
    assert finding.kind == "landscape" and finding.page == 2 and "page 2 is landscape" in finding.message


def test_postcard_address_side_is_the_last_page_bottom_right(tmp_path):
    card = (6.0, 4.25)
    pdf = make_pdf(tmp_path / "card.pdf", [(card, [(0.5, 0.5, "FRONT PICTURE")]),
                                           (card, [(3.0, 2.5, "MESSAGE IN THE ADDRESS AREA")])])
    xml = batch_xml(tmp_path / "b.xml", [(1, 2, "Double Sided Postcard", None, "Ada")], doc_class="Postcard 4.25 x 6")
    [finding] = zone_check.check_batch(xml, pdf)
    assert finding.kind == "ink" and finding.page == 2 and finding.severity == "error"


def test_zone_table_names_its_sources():
    zones = catalog.address_zones("Letter 8.5 x 11", FIRST, "#10 Double Window")
    assert [z.name for z in zones] == ["recipient address", "return address"]
    assert all(z.inferred and z.source for z in zones)
    assert catalog.address_zones("Letter 8.5 x 11", "Address Back Page", "#10 Double Window") == ()
    assert catalog.page_size_in("Letter 8.5 x 11") == (8.5, 11.0)
    assert catalog.page_size_in("Postcard 4.25 x 6") == (4.25, 6.0)


@pytest.mark.parametrize("tolerance,flagged", [(zone_check.TOLERANCE, True), (0.5, False)])
def test_tolerance(tmp_path, tolerance, flagged):
    pdf = make_pdf(tmp_path / "l.pdf", [(LETTER, [(3.0, 2.9, "ok")])], font_size=6)
    xml = batch_xml(tmp_path / "b.xml", [(1, 1, FIRST, "#10 Open Window Envelope", "Ada")])
    assert bool(zone_check.check_batch(xml, pdf, tolerance)) is flagged
