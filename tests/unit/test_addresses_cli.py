"""``c2m-tui build-xml`` end to end: real address files, real PDFs, XML read back and validated."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from c2m_tui.cli import main
from c2m_tui.core.batchxml import read_batch

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "addresses"


def build(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["build-xml", *args])
    out, err = capsys.readouterr()
    return code, out, err


def validate(xml: Path, pdf: Path):
    from c2m_tui.core.validate import validate_batch

    report = validate_batch(xml, pdf)
    assert report.valid, [p.message for p in report.errors]
    return report


def test_outlook_rejected_rows_are_listed_and_nothing_is_written(capsys, tmp_path, pdf_factory):
    pdf = pdf_factory(2)
    out_xml = tmp_path / "out.xml"
    out_xml.write_text("previous")
    code, out, err = build(capsys, "--addresses", str(FIXTURES / "outlook_contacts.csv"), "--pdf", str(pdf),
                           "--same-pages", "1-2", "-o", str(out_xml))
    assert code == 1 and out == ""
    assert out_xml.read_text() == "previous"  # untouched
    assert not list(tmp_path.glob(".out.xml*"))  # no temp file left behind
    lines = err.splitlines()
    # certain fixes are made by default (issue 11): nobody is dropped for them
    assert "row 3, column 'Business State': state 'Illinois' should be its code 'IL' [state-name: fixed to 'IL']" in lines
    assert "row 5, column 'Business Postal Code': ZIP '6103' looks like '06103' with its leading zero lost " \
           "[zip-lost-zero: fixed to '06103']" in lines
    assert "row 8: same recipient as row 2 [duplicate: row skipped]" in lines
    assert "row 10, column 'Business Postal Code': ZIP '8950-12' is not a ZIP (12345) or ZIP+4 (12345-6789) " \
           "[bad-zip: row skipped]" in lines
    assert "9 row(s) read, 5 recipient(s) accepted, 4 skipped" in err
    assert "--skip-invalid to write the other 5" in err


def test_outlook_with_fixes_and_skip_invalid_writes_valid_xml(capsys, tmp_path, pdf_factory):
    pdf = pdf_factory(2, "letter.pdf")
    out_xml = tmp_path / "out.xml"
    code, out, err = build(capsys, "--addresses", str(FIXTURES / "outlook_contacts.csv"), "--pdf", str(pdf),
                           "--same-pages", "1-2", "--fix", "state-name", "--fix", "zip-lost-zero", "--skip-invalid",
                           "--return-name", "Sender Co", "--return-address1", "9 Post Rd",
                           "--return-city", "Concord", "--return-state", "nh", "--return-postal-code", "03301",
                           "-o", str(out_xml))
    assert code == 0, err
    assert out.strip() == (f"wrote 5 recipient(s) in 1 job(s), 10 printed page(s), to {out_xml} "
                           "(9 row(s) read, 5 recipient(s) accepted, 4 skipped)")
    assert "row 3, column 'Business State': state 'Illinois' should be its code 'IL' [state-name: fixed to 'IL']" in err
    batch = read_batch(out_xml).batch
    (job,) = batch.jobs
    assert batch.filename == "letter.pdf"
    assert (job.starting_page, job.ending_page) == (1, 2)
    assert [(a.name, a.address2, a.state, a.postal_code, a.country) for a in job.recipients] == [
        ("Jane Doe", "Suite 400", "MA", "02134", "United States"),
        ("John Q Public", "", "IL", "62701", "United States of America"),
        ("Maria Garcia", "", "TX", "78701", ""),  # Home address only: used (issue 11)
        ("Li Wei", "", "CT", "06103", ""),
        ("Hans Müller", "", "", "10117", "Germany"),
    ]
    assert job.return_address is not None and job.return_address.state == "NH"
    validate(out_xml, pdf)


def test_google_contacts_keep_and_exact_recipients(capsys, tmp_path, pdf_factory):
    pdf = pdf_factory(1)
    out_xml = tmp_path / "google.xml"
    code, out, err = build(capsys, "--addresses", str(FIXTURES / "google_contacts.csv"), "--pdf", str(pdf),
                           "--same-pages", "1", "--fix", "state-name", "--fix", "zip-lost-zero", "--fix", "too-long",
                           "--keep", "missing-street", "-o", str(out_xml))
    assert code == 0, err
    assert "row 6, column 'Address 1 - Street': no street address [missing-street: kept]" in err
    assert "row 7, column 'Address 1 - Country': foreign address (Canada): mailed internationally " \
           "[international: kept]" in err
    (job,) = read_batch(out_xml).batch.jobs
    assert [(a.name, a.address1, a.address2, a.state, a.postal_code) for a in job.recipients] == [
        ("Alice Smith", "12 Oak Ln", "Apt 3", "OR", "97201"),
        ("Bob Brown", "8 Birch Rd", "", "NJ", "07102"),
        ("Carol White", "99 Maple Ave", "", "NY", "12207-1234"),
        ("Dan Black", "", "", "CO", "80202"),
        ("Émile Roy", "1 rue Sainte-Catherine", "", "QC", "H2X 1Z4"),
    ]


def make_xlsx(path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Customer #", "Contact", "Company", "Address", "City", "ST", "Zip Code"])
    ws.append([1001, "Ann Lee", "Lee Bakery", "4 Oak St", "Boston", "MA", 2134])  # ZIP lost its zero
    ws.append([1002, "Bo Diaz", None, "5 Elm St", "Austin", "TX", 78701])
    ws.append([1003, "Cy Young", None, "6 Ash St", "Newark", "NJ", "07102"])
    wb.save(path)
    return path


def test_excel_mail_merge_with_ids(capsys, tmp_path, pdf_factory):
    xlsx = make_xlsx(tmp_path / "customers.xlsx")
    pdf = pdf_factory(6)
    out_xml = tmp_path / "merge.xml"
    code, out, err = build(capsys, "--addresses", str(xlsx), "--pdf", str(pdf), "--pages-per-recipient", "2",
                           "--id-column", "Customer #", "--fix", "zip-lost-zero", "--color", "Full Color",
                           "-o", str(out_xml))
    assert code == 0, err
    assert "wrote 3 recipient(s) in 3 job(s), 6 printed page(s)" in out
    jobs = read_batch(out_xml).batch.jobs
    assert [(j.starting_page, j.ending_page) for j in jobs] == [(1, 2), (3, 4), (5, 6)]
    assert [(a.name, a.postal_code, a.unique_id) for j in jobs for a in j.recipients] == [
        ("Ann Lee", "02134", "1001"), ("Bo Diaz", "78701", "1002"), ("Cy Young", "07102", "1003")]
    assert all(j.options.color == "Full Color" for j in jobs)
    report = validate(out_xml, pdf)
    assert report.jobs == 3 and report.pieces == 3


def test_mail_merge_page_count_mismatch_is_a_clear_error(capsys, tmp_path, pdf_factory):
    xlsx = make_xlsx(tmp_path / "customers.xlsx")
    pdf = pdf_factory(5, "merged.pdf")
    out_xml = tmp_path / "merge.xml"
    code, out, err = build(capsys, "--addresses", str(xlsx), "--pdf", str(pdf), "--pages-per-recipient", "2",
                           "--fix", "zip-lost-zero", "-o", str(out_xml))
    assert code == 1 and not out_xml.exists()
    assert ("c2m-tui: mail merge: 3 row(s) (rows 2-4) x 2 page(s) each = 6 pages, but merged.pdf has 5 pages; "
            "5 is not a multiple of 2") in err
    code, out, err = build(capsys, "--addresses", str(xlsx), "--pdf", str(pdf_factory(4, "short.pdf")),
                           "--pages-per-recipient", "2", "--fix", "zip-lost-zero", "-o", str(out_xml))
    assert code == 1 and not out_xml.exists()
    assert "the last 1 row(s) have no pages (from data row 3, spreadsheet row 4)" in err
    # the rows' own problems are still listed above the error
    assert "row 2, column 'Zip Code': ZIP '2134' looks like '02134' with its leading zero lost " \
           "[zip-lost-zero: fixed to '02134']" in err


def test_tsv_page_column_and_id_column(capsys, tmp_path, pdf_factory):
    pdf = pdf_factory(3)
    out_xml = tmp_path / "sf.xml"
    code, out, err = build(capsys, "--addresses", str(FIXTURES / "salesforce_contacts.tsv"), "--pdf", str(pdf),
                           "--page-column", "Letter Pages", "--id-column", "Contact ID", "-o", str(out_xml))
    assert code == 0, err
    jobs = read_batch(out_xml).batch.jobs
    assert [(j.starting_page, j.ending_page, [a.unique_id for a in j.recipients]) for j in jobs] == [
        (1, 2, ["0035g00000AbCdE", "0035g00000AbCdF"]), (3, 3, ["0035g00000AbCdG"])]
    validate(out_xml, pdf)


def test_saved_mapping_with_corrections_is_reused(capsys, tmp_path, pdf_factory):
    pdf = pdf_factory(1)
    src = tmp_path / "list.csv"
    src.write_text("Who,Where,Town,Region,Code\nAnn Lee,4 Oak St,Reno,NV,89501\n", encoding="utf-8")
    code, _, err = build(capsys, "--addresses", str(src), "--pdf", str(pdf), "--same-pages", "1",
                         "--map", "name=Who", "--map", "address1=Where", "--map", "postal_code=Code",
                         "--save-mapping", "mine", "-o", str(tmp_path / "a.xml"))
    assert code == 0, err
    assert "saved mapping 'mine'" in err
    code, _, err = build(capsys, "--addresses", str(src), "--pdf", str(pdf), "--same-pages", "1",
                         "--mapping", "mine", "-o", str(tmp_path / "b.xml"))
    assert code == 0, err
    assert (tmp_path / "a.xml").read_bytes() == (tmp_path / "b.xml").read_bytes()
    (job,) = read_batch(tmp_path / "b.xml").batch.jobs
    assert [(a.name, a.address1, a.city, a.postal_code) for a in job.recipients] == [
        ("Ann Lee", "4 Oak St", "Reno", "89501")]


def test_latin1_file_is_read_and_the_fallback_reported(capsys, tmp_path, pdf_factory):
    src = tmp_path / "windows.csv"
    src.write_bytes("Name,Street,City,State,Zip\r\nJosé Núñez,1 Calle Ocho,Miami,FL,33135\r\n".encode("cp1252"))
    code, _, err = build(capsys, "--addresses", str(src), "--pdf", str(pdf_factory(1)), "--same-pages", "1",
                         "-o", str(tmp_path / "o.xml"))
    assert code == 0, err
    assert "note: windows.csv is not UTF-8 (first bad byte on line 2); read it as Latin-1 (Windows-1252)" in err
    (job,) = read_batch(tmp_path / "o.xml").batch.jobs
    assert [a.name for a in job.recipients] == ["José Núñez"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--envelope", "none"], "c2m-tui: --envelope: \"Letter 8.5 x 11\" is mailed in an envelope"),
        (["--document-class", "Postcard 4.25 x 6"], "c2m-tui: --envelope:"),
        (["--return-name", "Me", "--return-city", "Reno"], "--return-address1: the return address has no street"),
        (["--return-name", "Me", "--return-address1", "1 A", "--return-city", "Reno", "--return-state", "Nevada",
          "--return-postal-code", "89501"], "--return-state: 'Nevada' is not a US state code (use 'NV')"),
    ],
)
def test_bad_options_exit_1_naming_the_option(capsys, tmp_path, pdf_factory, extra, message):
    out_xml = tmp_path / "o.xml"
    code, _, err = build(capsys, "--addresses", str(FIXTURES / "google_contacts_new.csv"), "--pdf",
                         str(pdf_factory(1)), "--same-pages", "1", *extra, "-o", str(out_xml))
    assert code == 1 and message in err and not out_xml.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "--same-pages A-B or --pages-per-recipient N"),
        (["--same-pages", "2-1"], "--same-pages: '2-1' is not a page range"),
        (["--same-pages", "1", "--fix", "duplicate"], "duplicate: can't 'fix'; choose skip or keep"),
        (["--same-pages", "1", "--fix", "bad-zip", "--keep", "bad-zip"], "--keep bad-zip: already --fix bad-zip"),
        (["--same-pages", "1", "--map", "postal_code=Zipp"], "no column 'Zipp'"),
    ],
)
def test_usage_errors_exit_2(capsys, tmp_path, pdf_factory, extra, message):
    code, _, err = build(capsys, "--addresses", str(FIXTURES / "google_contacts_new.csv"), "--pdf",
                         str(pdf_factory(1)), *extra, "-o", str(tmp_path / "o.xml"))
    assert code == 2 and message in err


def test_both_page_modes_are_refused_by_argparse(capsys, tmp_path, pdf_factory):
    with pytest.raises(SystemExit) as exc:
        main(["build-xml", "--addresses", str(FIXTURES / "google_contacts_new.csv"), "--pdf", str(pdf_factory(2)),
              "--same-pages", "1", "--pages-per-recipient", "1", "-o", str(tmp_path / "o.xml")])
    assert exc.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_missing_pdf_and_addresses_are_one_line_errors(capsys, tmp_path, pdf_factory):
    code, _, err = build(capsys, "--addresses", str(FIXTURES / "google_contacts_new.csv"), "--pdf",
                         str(tmp_path / "none.pdf"), "--same-pages", "1", "-o", str(tmp_path / "o.xml"))
    assert code == 1 and "none.pdf" in err and "Traceback" not in err
    code, _, err = build(capsys, "--addresses", str(tmp_path / "none.csv"), "--pdf", str(pdf_factory(1)),
                         "--same-pages", "1", "-o", str(tmp_path / "o.xml"))
    assert code == 1 and "none.csv: no such file" in err


def test_help_documents_the_return_address(capsys):
    with pytest.raises(SystemExit):
        main(["build-xml", "--help"])
    text = capsys.readouterr().out
    for flag in ("--return-name", "--return-organization", "--return-address1", "--return-address2",
                 "--return-city", "--return-state", "--return-postal-code", "--skip-invalid", "--id-column"):
        assert flag in text
    assert "<returnAddress>" in text


def test_bom_csv_end_to_end(capsys, tmp_path, pdf_factory):
    src = tmp_path / "bom.csv"
    shutil.copy(FIXTURES / "google_contacts_new.csv", src)
    src.write_bytes(b"\xef\xbb\xbf" + src.read_bytes())
    code, out, err = build(capsys, "--addresses", str(src), "--pdf", str(pdf_factory(1)), "--same-pages", "1",
                           "-o", str(tmp_path / "o.xml"))
    assert code == 0, err
    (job,) = read_batch(tmp_path / "o.xml").batch.jobs
    assert [(a.name, a.organization) for a in job.recipients] == [("Erin Gray", ""), ("", "Globex LLC")]


def test_same_pages_says_when_part_of_the_pdf_is_not_mailed(capsys, tmp_path, pdf_factory):
    code, _, err = build(capsys, "--addresses", str(FIXTURES / "google_contacts_new.csv"), "--pdf",
                         str(pdf_factory(3, "three.pdf")), "--same-pages", "2", "-o", str(tmp_path / "o.xml"))
    assert code == 0 and "note: only pages 2-2 of three.pdf (3 pages) are mailed" in err


def test_importing_the_address_core_stays_light():
    import subprocess
    import sys

    code = ("import sys, c2m_tui.core.addresses, c2m_tui.commands.build_xml; "
            "print(sorted(m for m in ('textual', 'lxml', 'openpyxl', 'httpx') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_blank_line_does_not_shift_the_row_named_in_the_page_count_error(capsys, tmp_path, pdf_factory):
    """A new user's Outlook export with an empty line in the middle: the row with no pages is named by
    its own spreadsheet row, not by counting from row 2."""
    csv_path = tmp_path / "contacts.csv"
    lines = ["Name,Street,City,State,Zip"] + [f"Person {i},{i} Main St,Boston,MA,02134" for i in range(1, 4)]
    lines.insert(3, "")  # the file's line 4 is empty: Person 3 is on line 5
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = build(capsys, "--addresses", str(csv_path), "--pdf", str(pdf_factory(2, "two.pdf")),
                           "--pages-per-recipient", "1", "-o", str(tmp_path / "out.xml"))
    assert code == 1
    assert "3 row(s) (rows 2-5)" in err
    assert "the last 1 row(s) have no pages (from data row 3, spreadsheet row 5)" in err
