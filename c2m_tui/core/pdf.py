"""Facts about the batch's one PDF: how many pages it has, how big it is.

Every failure is an InputError naming the file: missing, not a PDF, empty, zero pages,
encrypted with a password we do not have, or too damaged for pypdf to count its pages.
"""

from __future__ import annotations

import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from c2m_tui.core.errors import InputError
from c2m_tui.core.inputfile import open_regular


@dataclass(slots=True, frozen=True)
class PdfInfo:
    path: Path
    pages: int
    size_bytes: int


def pdf_info(path: str | Path) -> PdfInfo:
    """Count the pages of ``path`` (pypdf, non-strict: real-world PDFs are often slightly broken).

    pypdf is handed an open file, not the path: given a path it reads the whole file into memory,
    while from a file it reads only the cross-reference table and the page tree (a 1.5 GB PDF is
    counted in a few MB). Only a PDF whose cross-reference table is broken makes pypdf scan it all.
    """
    path = Path(path)
    fh = os.fdopen(open_regular(path, "a PDF"), "rb")  # a FIFO or a device would block or never end
    with fh:
        return _count_pages(path, fh)


def _count_pages(path: Path, fh) -> PdfInfo:
    try:
        size = os.fstat(fh.fileno()).st_size
        head = fh.read(1024)
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror or err}") from None
    if size == 0:
        raise InputError(f"{path}: the file is empty, not a PDF")
    if b"%PDF-" not in head:  # PDF readers accept the header anywhere in the first 1024 bytes
        raise InputError(f"{path}: not a PDF (no %PDF- header)")

    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PyPdfError

    # pypdf reports repairable damage through warnings and its logger; a page count is all we need
    pypdf_logger = logging.getLogger("pypdf")
    level = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR + 10)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fh.seek(0)
            reader = PdfReader(fh, strict=False)
            if reader.is_encrypted:
                try:
                    reader.decrypt("")  # an owner password alone (print restrictions) still opens
                except Exception:  # noqa: BLE001 - any failure here means "cannot open"
                    pass
            pages = len(reader.pages)
    except FileNotDecryptedError:
        raise InputError(f"{path}: the PDF is encrypted with a password; save an unencrypted copy") from None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as err:
        raise InputError(f"{path}: damaged PDF, cannot count its pages ({type(err).__name__}: {err})") from None
    finally:
        pypdf_logger.setLevel(level)
    if pages == 0:
        raise InputError(f"{path}: the PDF has no pages")
    return PdfInfo(path=path, pages=pages, size_bytes=size)
