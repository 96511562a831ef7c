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
