"""Pages of the batch's PDF as pixels (PDFium through pypdfium2), cached, one page at a time.

PDFium is handed the path, not the bytes: it reads the cross-reference table and then only the
objects of the page it draws, so the first page of a 1,000-page (or 1.5 GB) PDF renders in the
time of one page. PDFium is not thread-safe: every call into it holds ``_LOCK``, so a TUI worker
thread and the zone check can share the cache.

Caches are keyed by the file's identity (resolved path, device, inode, size, mtime in ns): an
edited PDF is a new key, and nothing is hashed (hashing would read the whole file).
"""

from __future__ import annotations

import atexit
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from c2m_tui.core.errors import InputError

if TYPE_CHECKING:
    from PIL.Image import Image

POINTS_PER_INCH = 72.0
_LOCK = threading.RLock()
_DOCS: OrderedDict[tuple, object] = OrderedDict()  # file key -> open PdfDocument
_RENDERS: OrderedDict[tuple, Image] = OrderedDict()  # (file key, page, width px, grey) -> image
_MAX_DOCS = 4
_MAX_RENDERS = 96


@dataclass(slots=True, frozen=True)
class PageFacts:
    """One page as it will come out of the printer: size in points (rotation applied)."""

    number: int  # 1-based
    width_pt: float
    height_pt: float

    @property
    def width_in(self) -> float:
        return self.width_pt / POINTS_PER_INCH

    @property
    def height_in(self) -> float:
        return self.height_pt / POINTS_PER_INCH

    @property
    def landscape(self) -> bool:
        return self.width_pt > self.height_pt * 1.01

    def size_text(self) -> str:
        """``8.5 × 11 in`` or ``A4 (8.27 × 11.69 in)`` for the page sizes people know by name."""
        named = _paper_name(self.width_pt, self.height_pt)
        size = f"{self.width_in:.2f}".rstrip("0").rstrip(".") + " × " + f"{self.height_in:.2f}".rstrip("0").rstrip(".")
        return f"{named} ({size} in)" if named else f"{size} in"


_PAPERS = {"A4": (595.0, 842.0), "A5": (420.0, 595.0), "Legal": (612.0, 1008.0), "Letter": (612.0, 792.0)}


def _paper_name(w: float, h: float) -> str | None:
    for name, (pw, ph) in _PAPERS.items():
        if (abs(w - pw) < 3 and abs(h - ph) < 3) or (abs(w - ph) < 3 and abs(h - pw) < 3):
            return name
    return None


def file_key(path: str | os.PathLike[str]) -> tuple:
    """The cache key of a PDF file: where it is and which version of it (no byte is read)."""
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        from c2m_tui.core.inputfile import missing_words

        raise InputError(missing_words(path)) from None
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror or err}") from None
    import stat

    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{path}: is not a regular file, not a PDF")
    return (str(path.resolve()), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _document(path: str | os.PathLike[str], doing: str = "draw its pages") -> tuple[tuple, object]:
    """The open document for ``path`` (call with ``_LOCK`` held); ``doing`` names what could not be
    done with a damaged one ("damaged PDF, cannot draw its pages; open it and save it again...")."""
    key = file_key(path)
    doc = _DOCS.get(key)
    if doc is not None:
        _DOCS.move_to_end(key)
        return key, doc
    import pypdfium2 as pdfium

    _close_at_exit_before_pdfium()
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        from c2m_tui.core.pdf import not_a_pdf_words

        raise InputError(not_a_pdf_words(path, head))
    try:
        doc = pdfium.PdfDocument(str(key[0]))
    except pdfium.PdfiumError as err:
        # PDFium's last error is left as it was by some failures (an earlier file's "password" or
        # "format error" would be said of this one): a password is said only of an encrypted file
        if "password" in str(err).lower() and _has_encrypt_entry(path):
            raise InputError(f"{path}: the PDF is encrypted with a password; save an unencrypted copy") from None
        raise InputError(f"{path}: damaged PDF, cannot {doing}; {RESAVE}") from None
    pages = len(doc)
    if pages:
        # PDFium takes the page tree's /Count on trust: a tree that names more pages than it holds
        # (a cycle, a null kid, a lying count) is refused here, once, not mid-check with a traceback.
        # The page's size is read from its dictionary alone (its content is not parsed)
        try:
            doc.get_page_size(pages - 1)
        except pdfium.PdfiumError:
            doc.close()
            raise InputError(f"{path}: damaged PDF, cannot {doing}: its page tree says {pages:,} page(s), "
                             f"but page {pages:,} cannot be read; {RESAVE}") from None
    _DOCS[key] = doc
    while len(_DOCS) > _MAX_DOCS:
        old_key, old = _DOCS.popitem(last=False)
        for render_key in [k for k in _RENDERS if k[0] == old_key]:
            del _RENDERS[render_key]
        old.close()
    return key, doc


RESAVE = "open it and save it again as a PDF"


def _has_encrypt_entry(path) -> bool:
    """Whether the PDF's trailer names an /Encrypt dictionary: the trailer (or the cross-reference
    stream's dictionary, never compressed) is at the end, or near the start of a linearized file."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
        fh.seek(max(0, os.fstat(fh.fileno()).st_size - (1 << 16)))
        return b"/Encrypt" in head or b"/Encrypt" in fh.read()


def _unreadable_page(path, page: int) -> InputError:
    return InputError(f"{path}: damaged PDF, cannot read page {page:,}; {RESAVE}")


def page_count(path: str | os.PathLike[str], doing: str = "draw its pages") -> int:
    with _LOCK:
        _key, doc = _document(path, doing)
        return len(doc)


def _check_page(path, doc, page: int) -> None:
    pages = len(doc)
    if not 1 <= page <= pages:
        raise InputError(f"{path}: no page {page}; the PDF has {pages} page{'s' if pages != 1 else ''}")


def page_facts(path: str | os.PathLike[str], page: int) -> PageFacts:
    """The printed size of page ``page`` (1-based), its /Rotate applied, without drawing it."""
    with _LOCK:
        _key, doc = _document(path)
        _check_page(path, doc, page)
        import pypdfium2 as pdfium

        try:
            width, height = doc.get_page_size(page - 1)
        except pdfium.PdfiumError:
            raise _unreadable_page(path, page) from None
        rotation = _rotation(path, doc, page)
    if rotation in (90, 270):
        width, height = height, width
    return PageFacts(page, float(width), float(height))


def _rotation(path, doc, page: int) -> int:
    import pypdfium2.raw as raw

    handle = raw.FPDF_LoadPage(doc, page - 1)
    if not handle:  # a null page: asking its rotation would crash the process
        raise _unreadable_page(path, page)
    try:
        return (raw.FPDFPage_GetRotation(handle) % 4) * 90
    finally:
        raw.FPDF_ClosePage(handle)


def render_page(path: str | os.PathLike[str], page: int, width_px: int, *, grey: bool = False) -> Image:
    """Page ``page`` drawn ``width_px`` pixels wide (height in proportion), on white: a PIL image
    (RGB, or L with ``grey``). Cached: asking again for the same file, page and width is free."""
    width_px = max(1, int(width_px))
    with _LOCK:
        key, doc = _document(path)
        cache_key = (key, page, width_px, grey)
        hit = _RENDERS.get(cache_key)
        if hit is not None:
            _RENDERS.move_to_end(cache_key)
            return hit
        _check_page(path, doc, page)
        import pypdfium2 as pdfium

        try:
            pdf_page = doc[page - 1]
        except pdfium.PdfiumError:
            raise _unreadable_page(path, page) from None
        try:
            width_pt = pdf_page.get_width()
            height_pt = pdf_page.get_height()
            if pdf_page.get_rotation() in (90, 270):
                width_pt, height_pt = height_pt, width_pt
            scale = width_px / width_pt
            bitmap = pdf_page.render(scale=scale, grayscale=grey, may_draw_forms=False)
            image = bitmap.to_pil().convert("L" if grey else "RGB")
        except Exception as err:  # noqa: BLE001 - PDFium reports damage as many kinds of error
            raise InputError(f"{path}: cannot draw page {page} ({type(err).__name__}: {err})") from None
        finally:
            pdf_page.close()
        _RENDERS[cache_key] = image
        while len(_RENDERS) > _MAX_RENDERS:
            _RENDERS.popitem(last=False)
        return image


def forget(path: str | os.PathLike[str] | None = None) -> None:
    """Close the cached documents (of ``path``, or all) and drop their renders."""
    with _LOCK:
        keys = list(_DOCS) if path is None else [k for k in _DOCS if k[0] == str(Path(path).resolve())]
        for key in keys:
            for render_key in [k for k in _RENDERS if k[0] == key]:
                del _RENDERS[render_key]
            for bitmap_key in [k for k in _BITMAPS if k[0] == key]:
                del _BITMAPS[bitmap_key]
            _DOCS.pop(key).close()


# ----------------------------------------------------------------------- pictures with overlays

ZONE_COLOUR = (255, 196, 0)  # amber: where the address goes
INK_COLOUR = (220, 30, 30)  # red: the PDF has ink there
TEXT_COLOUR = (0, 0, 150)
OVERSAMPLE = 4  # pixels drawn per half-block pixel before averaging


@dataclass(slots=True, frozen=True)
class Overlay:
    """A zone to draw over a page: its box in inches, whether the PDF has ink in it, and the lines
    to print in it (the recipient's block, or the return address)."""

    box_in: tuple[float, float, float, float]
    ink: bool = False
    lines: tuple[str, ...] = ()
    label: str = ""


def page_grid(path, page: int, max_columns: int, max_rows: int, overlays: tuple[Overlay, ...] = ()):
    """Page ``page`` as a half-block grid fitting ``max_columns`` × ``max_rows`` cells, with the
    overlays drawn in: (grid, PageFacts)."""
    from c2m_tui.core import halfblock

    facts = page_facts(path, page)
    columns, rows = halfblock.fit(facts.width_pt, facts.height_pt, max_columns, max_rows)
    image = render_page(path, page, columns * OVERSAMPLE)
    grid = halfblock.grid_from_image(image, columns, rows)
    for overlay in overlays:
        left, top, right, bottom = overlay.box_in
        box = (int(left / facts.width_in * columns), int(top / facts.height_in * rows),
               round(right / facts.width_in * columns), round(bottom / facts.height_in * rows))
        colour = INK_COLOUR if overlay.ink else ZONE_COLOUR
        halfblock.tint_box(grid, box, colour)
        inner_rows = max(1, box[3] - box[1] - 1)
        lines = overlay.lines[:inner_rows] if overlay.lines else ()
        if lines:
            bg = halfblock._blend((255, 255, 255), colour, 0.35)
            halfblock.write_text(grid, box[0] + 1, box[1] + (1 if box[3] - box[1] > 2 else 0), lines,
                                 TEXT_COLOUR, bg, max(1, box[2] - box[0] - 2))
    return grid, facts


def annotated_image(path, page: int, overlays: tuple[Overlay, ...] = (), *, dpi: float = 100,
                    size_px: tuple[int, int] | None = None) -> Image:
    """Page ``page`` drawn at ``dpi`` (or scaled to exactly ``size_px``) with each zone outlined
    (red where the PDF has ink in it) and its lines printed in it, as Click2Mail would print the
    address: the PNG of ``preview -o`` and the picture a graphics protocol shows."""
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFont

    facts = page_facts(path, page)
    if size_px is not None:
        dpi = size_px[0] / facts.width_in
    image = render_page(path, page, round(facts.width_in * dpi)).copy()
    if size_px is not None and image.size != size_px:
        image = image.resize(size_px, PILImage.Resampling.LANCZOS)
    draw = ImageDraw.Draw(image, "RGBA")
    scale = image.width / facts.width_in
    font_px = max(8, round(dpi * 10 / 72))  # 10 pt, and never smaller than 8 pixels can be read
    try:
        font = ImageFont.load_default(size=font_px)
    except (TypeError, OSError):  # a Pillow without FreeType: the small bitmap font
        font = ImageFont.load_default()
    for overlay in overlays:
        left, top, right, bottom = (round(v * scale) for v in overlay.box_in)
        colour = INK_COLOUR if overlay.ink else ZONE_COLOUR
        draw.rectangle((left, top, right, bottom), fill=(*colour, 40), outline=(*colour, 255),
                       width=max(1, round(dpi / 50)))
        if overlay.label:
            draw.text((left + 2, max(0, top - max(font_px + 1, round(dpi / 7)))), overlay.label,
                      fill=(*colour, 255), font=font)
        y = top + round(dpi / 12)
        for line in overlay.lines:
            draw.text((left + round(dpi / 12), y), line, fill=(*TEXT_COLOUR, 255), font=font)
            y += max(font_px + 1, round(dpi * 13 / 72))
    return image


def annotated_png(path, page: int, overlays: tuple[Overlay, ...] = (), dpi: int = 100) -> bytes:
    """``annotated_image`` as PNG bytes."""
    import io

    out = io.BytesIO()
    annotated_image(path, page, overlays, dpi=dpi).save(out, format="PNG")
    return out.getvalue()


# ------------------------------------------------------------- pictures for a graphics protocol

_BITMAPS: OrderedDict[tuple, Bitmap] = OrderedDict()
_MAX_BITMAPS = 32


@dataclass(slots=True, frozen=True)
class Bitmap:
    """A page ready for a terminal's graphics protocol: ``columns`` × ``rows`` cells, ``data`` the
    PNG (kitty) or the Sixel stream (sixel), and the same picture in half-blocks of that many
    cells (``fallback``) for where the protocol cannot draw (a Sixel image partly scrolled away)."""

    protocol: str
    columns: int
    rows: int
    size_px: tuple[int, int]
    data: bytes | str
    fallback: tuple = ()


def page_bitmap(path, page: int, max_columns: int, max_rows: int, overlays: tuple[Overlay, ...] = (), *,
                protocol: str, cell_px: tuple[int, int]):
    """Page ``page`` for ``protocol`` ("kitty" or "sixel") fitting ``max_columns`` × ``max_rows``
    cells of ``cell_px`` pixels, the overlays drawn into its pixels: (Bitmap, PageFacts). Cached
    per file version, page, size and overlays."""
    from c2m_tui.core import halfblock
    from c2m_tui.core.graphics import kitty, sixel

    facts = page_facts(path, page)
    cell_w, cell_h = max(1, cell_px[0]), max(1, cell_px[1])
    limit = kitty.MAX_CELLS if protocol == "kitty" else 10_000
    columns, rows = halfblock.fit(facts.width_pt, facts.height_pt, min(max_columns, limit), min(max_rows, limit),
                                  (cell_w, cell_h))
    key = (file_key(path), page, protocol, columns, rows, cell_w, cell_h, overlays)
    with _LOCK:
        hit = _BITMAPS.get(key)
        if hit is not None:
            _BITMAPS.move_to_end(key)
            return hit, facts
    image = annotated_image(path, page, overlays, size_px=(columns * cell_w, rows * cell_h))
    data: bytes | str = kitty.png_bytes(image) if protocol == "kitty" else sixel.encode(image)
    fallback = tuple(halfblock.grid_from_image(image, columns, rows)) if protocol == "sixel" else ()
    bitmap = Bitmap(protocol, columns, rows, image.size, data, fallback)
    with _LOCK:
        _BITMAPS[key] = bitmap
        while len(_BITMAPS) > _MAX_BITMAPS:
            _BITMAPS.popitem(last=False)
    return bitmap, facts


_CLOSE_REGISTERED = False


def _close_at_exit_before_pdfium() -> None:
    """Close the cached documents at exit before PDFium's own exit handler does (it prints a line a
    document on stderr). Exit handlers run last-registered first, and PDFium registers its handler
    when pypdfium2 is first imported: this is called after that import, never at this module's."""
    global _CLOSE_REGISTERED
    if not _CLOSE_REGISTERED:
        _CLOSE_REGISTERED = True
        atexit.register(forget)
