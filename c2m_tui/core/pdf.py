"""Facts about the batch's one PDF: how many pages it has, how big it is.

Every failure is an InputError naming the file: missing, not a regular file, not a PDF, empty,
zero pages, encrypted with a password we do not have, or too damaged to count its pages.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from c2m_tui.core.errors import InputError
from c2m_tui.core.inputfile import open_regular


@dataclass(slots=True, frozen=True)
class PdfInfo:
    path: Path
    pages: int
    size_bytes: int


NO_PAGES_ASKED_UP_TO = 1 << 20


def pdf_info(path: str | Path) -> PdfInfo:
    """Count the pages of ``path`` with PDFium, through the document cache of ``core.preview``.

    The zone check, the preview and the proof open the same cached document, so the PDF is opened
    once for all of them (it was once by pypdf for the count, again by pypdf inside the validation,
    and again by PDFium; importing pypdf alone took ~0.14 s of every send). PDFium reads the
    cross-reference table and the page tree only (a 1.5 GB PDF is counted in a few MB), repairs
    what real-world PDFs often break, and opens a PDF with an owner password alone (print
    restrictions) as a printer would. A page tree that names pages it does not hold is refused
    (``core.preview``). pypdf is asked only why a small PDF PDFium refused has no pages.

    Memory: a PDF whose cross-reference table is broken is rebuilt by reading its objects, and
    PDFium holds each stream it reads whole, so such a PDF costs about its largest stream (a 1.5 GB
    one with a single 1.5 GB stream: 1.5 GB; pypdf, before, read the whole file, 1.5-3 GB).
    """
    path = Path(path)
    # a FIFO or a device would block or never end: refused before anything is read
    with os.fdopen(open_regular(path, "a PDF"), "rb") as fh:
        try:
            size = os.fstat(fh.fileno()).st_size
            head = fh.read(1024)
        except OSError as err:
            raise InputError(f"{path}: cannot read: {err.strerror or err}") from None
    if size == 0:
        raise InputError(f"{path}: the file is empty, not a PDF")
    if b"%PDF-" not in head:  # PDF readers accept the header anywhere in the first 1024 bytes
        raise InputError(not_a_pdf_words(path, head))

    from c2m_tui.core.preview import page_count

    try:
        pages = page_count(path, doing="count its pages")
    except InputError:
        # PDFium calls an empty page tree a format error: say what it is. Only a small file is asked
        # (pypdf reads a damaged one whole to repair it; a PDF with no page is a few hundred bytes)
        if size <= NO_PAGES_ASKED_UP_TO and _has_no_pages(path):
            pages = 0
        else:
            raise
    if pages == 0:
        raise InputError(f"{path}: the PDF has no pages")
    return PdfInfo(path=path, pages=pages, size_bytes=size)


# what a file picked by mistake often is, by its first bytes
_KINDS = (
    (b"PK\x03\x04", "a .docx, .xlsx or other ZIP file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old .doc or .xls file"),
    (b"{\\rtf", "an RTF document"),
    (b"<?xml", "an XML file"),
    (b"\xef\xbb\xbf<?xml", "an XML file"),
    (b"%!PS", "a PostScript file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
)


def not_a_pdf_words(path: str | Path, head: bytes) -> str:
    """"PATH: not a PDF (no %PDF- header)", and what the file is where its first bytes tell."""
    said = f"{path}: not a PDF (no %PDF- header)"
    kind = next((name for magic, name in _KINDS if head.startswith(magic)), None)
    if kind is None and head and b"\x00" not in head:
        try:
            head.decode("utf-8")
            kind = "a text file"
        except UnicodeDecodeError as err:
            kind = "a text file" if err.start >= len(head) - 3 else None  # cut inside a character
    return f"{said}: it is {kind}; save or print it as a PDF" if kind else said


def _has_no_pages(path: Path) -> bool:
    """Whether pypdf reads a page tree with no page in a PDF that PDFium refused (only asked on
    that error, so pypdf is not imported for a PDF that opens)."""
    import logging
    import warnings

    from pypdf import PdfReader

    pypdf_logger = logging.getLogger("pypdf")  # it reports repairable damage as warnings and log lines
    level = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR + 10)
    try:
        with warnings.catch_warnings(), os.fdopen(open_regular(path, "a PDF"), "rb") as fh:
            warnings.simplefilter("ignore")
            reader = PdfReader(fh, strict=False)
            return not reader.is_encrypted and len(reader.pages) == 0
    except Exception:  # noqa: BLE001 - damaged past pypdf too: PDFium's words stand
        return False
    finally:
        pypdf_logger.setLevel(level)
