"""PDF facts on real PDFs made by pypdf, and clear errors for everything that is not one."""

from __future__ import annotations

import pytest
from pypdf import PdfWriter

from c2m_tui.core.errors import InputError
from c2m_tui.core.pdf import pdf_info


def test_counts_pages_and_size(pdf_factory):
    path = pdf_factory(7)
    info = pdf_info(path)
    assert info.pages == 7 and info.size_bytes == path.stat().st_size and info.path == path


def test_owner_password_only_still_opens(tmp_path):
    w = PdfWriter()
    for _ in range(3):
        w.add_blank_page(612, 792)
    w.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    path = tmp_path / "restricted.pdf"
    with open(path, "wb") as fh:
        w.write(fh)
    assert pdf_info(path).pages == 3


def test_user_password_is_a_clear_error(tmp_path):
    w = PdfWriter()
    w.add_blank_page(612, 792)
    w.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    with open(path, "wb") as fh:
        w.write(fh)
    with pytest.raises(InputError, match="locked.pdf: the PDF is encrypted"):
        pdf_info(path)


@pytest.mark.parametrize("content,match", [
    (b"", "the file is empty"),
    (b"hello, I am text", "not a PDF"),
    (b"%PDF-1.7\n%garbage that never ends", "damaged PDF|no pages"),
])
def test_bad_files(tmp_path, content, match):
    path = tmp_path / "x.pdf"
    path.write_bytes(content)
    with pytest.raises(InputError, match=match) as info:
        pdf_info(path)
    assert str(info.value).startswith(str(path))


def test_zero_page_pdf(tmp_path):
    path = tmp_path / "zero.pdf"
    with open(path, "wb") as fh:
        PdfWriter().write(fh)
    with pytest.raises(InputError, match="no pages"):
        pdf_info(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        pdf_info(tmp_path / "missing.pdf")
    with pytest.raises(InputError, match="is a directory"):
        pdf_info(tmp_path)


def test_a_pdf_that_opens_is_counted_without_pypdf(pdf_factory):
    """The page count is PDFium's (the zone check's cached document): importing pypdf cost every
    send, validate and build-xml ~0.14 s and 17 MB. pypdf is asked only why a refused PDF fails."""
    import subprocess
    import sys

    path = pdf_factory(3)
    code = ("import sys; from c2m_tui.core.pdf import pdf_info; from c2m_tui.core.validate import validate_batch; "
            f"print(pdf_info({str(path)!r}).pages, 'pypdf' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["3", "False"]


def test_the_count_and_the_zone_check_share_one_open_document(pdf_factory):
    from c2m_tui.core import preview

    path = pdf_factory(2)
    preview.forget()
    assert pdf_info(path).pages == 2
    assert [k[0] for k in preview._DOCS] == [str(path.resolve())]
    assert preview.page_count(path) == 2 and len(preview._DOCS) == 1  # the same document, not opened again
    preview.forget()


def test_a_big_damaged_pdf_is_not_handed_to_pypdf(tmp_path):
    """pypdf repairs a damaged PDF by reading it whole: only a small refused file is asked why."""
    import subprocess
    import sys

    path = tmp_path / "big-damaged.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"garbage " * (300 * 1024))  # 2.4 MB that PDFium refuses
    code = ("import sys; from c2m_tui.core.pdf import pdf_info; from c2m_tui.core.errors import InputError\n"
            f"try: pdf_info({str(path)!r})\n"
            "except InputError as err: print(str(err)); print('pypdf' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    said, imported = out.strip().splitlines()
    assert said.startswith(f"{path}: damaged PDF, cannot count its pages") and imported == "False"


# --- page trees PDFium takes on trust (found by an attack run: tracebacks and phantom pages) ----------

PAGE = b"<< /Type /Page /Parent 2 0 R >>"


def raw_pdf(path: Path, *objects: bytes) -> Path:
    """A PDF of exactly these objects (1 0 obj the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")  # the binary comment line real PDFs carry
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"


@pytest.mark.parametrize("name,tree,says", [
    ("cycle", b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 /MediaBox [0 0 612 792] >>", "2 page(s), but page 2"),
    ("lying count", b"<< /Type /Pages /Kids [3 0 R 3 0 R 3 0 R] /Count 10 /MediaBox [0 0 612 792] >>",
     "10 page(s), but page 10"),
    ("missing kid", b"<< /Type /Pages /Kids [3 0 R null 99 0 R] /Count 3 /MediaBox [0 0 612 792] >>",
     "3 page(s), but page 3"),
])
def test_a_page_tree_naming_pages_it_does_not_hold_is_refused(tmp_path, name, tree, says):
    path = raw_pdf(tmp_path / "tree.pdf", CATALOG, tree, PAGE)
    with pytest.raises(InputError) as info:
        pdf_info(path)
    assert str(info.value) == (f"{path}: damaged PDF, cannot count its pages: its page tree says {says} cannot be "
                               "read; open it and save it again as a PDF")


def test_a_missing_page_inside_the_tree_is_one_line_from_the_zone_check(tmp_path):
    from c2m_tui.core.validate import validate_batch
    from tests.unit.test_zone_check import batch_xml

    # the last page reads, the second does not: counted as 3, then the check of page 2 says so
    path = raw_pdf(tmp_path / "hole.pdf", CATALOG,
                   b"<< /Type /Pages /Kids [3 0 R null 3 0 R] /Count 3 /MediaBox [0 0 612 792] >>", PAGE)
    assert pdf_info(path).pages == 3
    xml = batch_xml(tmp_path / "b.xml", [(1, 3, "Address on Separate Page", None, "Ann")])
    with pytest.raises(InputError, match=r"hole.pdf: damaged PDF, cannot read page 2; open it and save it again"):
        validate_batch(xml.read_bytes(), path, source="b.xml")


def test_pdfiums_stale_error_is_never_said_of_another_file(tmp_path):
    """PDFium leaves its last error as it was for some failures: a damaged PDF opened after a locked
    one was called "encrypted with a password", and one with no page "PDFium: Success"."""
    from pypdf import PdfWriter

    locked = tmp_path / "locked.pdf"
    w = PdfWriter()
    w.add_blank_page(612, 792)
    w.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    with open(locked, "wb") as fh:
        w.write(fh)
    # no page, and over the size pypdf is asked about
    empty = raw_pdf(tmp_path / "nopages.pdf", CATALOG, b"<< /Type /Pages /Kids [] /Count 0 >>",
                    b"<< /Padding (" + b"x" * (2 << 20) + b") >>")
    for _ in range(2):
        with pytest.raises(InputError, match="locked.pdf: the PDF is encrypted with a password"):
            pdf_info(locked)
        with pytest.raises(InputError) as info:
            pdf_info(empty)
        assert str(info.value) == f"{empty}: damaged PDF, cannot count its pages; open it and save it again as a PDF"


def test_validate_with_a_cyclic_page_tree_is_one_line(tmp_path, capsys):
    from c2m_tui.cli import main

    from tests.unit.test_zone_check import batch_xml

    path = raw_pdf(tmp_path / "cycle.pdf", CATALOG,
                   b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 /MediaBox [0 0 612 792] >>", PAGE)
    xml = batch_xml(tmp_path / "b.xml", [(1, 1, "Address on Separate Page", None, "Ann")])
    assert main(["validate", str(xml), "--pdf", str(path)]) == 1
    err = capsys.readouterr().err
    assert "cycle.pdf: damaged PDF" in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("content,kind", [
    (b"PK\x03\x04\x14\x00\x06\x00", "a .docx, .xlsx or other ZIP file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "an old .doc or .xls file"),
    (b'<?xml version="1.0"?>\n<batch/>', "an XML file"),
    (b"\x89PNG\r\n\x1a\n\x00", "a PNG image"),
    (b"Dear Ann,\nthank you for your letter.", "a text file"),
    ("Chère Anne, merci".encode() * 100, "a text file"),  # the 1,024 bytes read end inside an 'è'
])
def test_a_file_picked_by_mistake_is_named_for_what_it_is(tmp_path, content, kind):
    path = tmp_path / "letters.pdf"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        pdf_info(path)
    assert str(info.value) == f"{path}: not a PDF (no %PDF- header): it is {kind}; save or print it as a PDF"


def test_bytes_of_no_known_kind_are_only_not_a_pdf(tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError) as info:
        pdf_info(path)
    assert str(info.value) == f"{path}: not a PDF (no %PDF- header)"
