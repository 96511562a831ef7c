"""Small PDFs for tests, written by hand (Helvetica text at positions given in inches from the
top-left of the page), so a test says exactly where the ink is."""

from __future__ import annotations

from pathlib import Path

LETTER = (8.5, 11.0)
A4 = (8.27, 11.69)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(path: Path, pages: list[tuple[tuple[float, float], list[tuple[float, float, str]]]],
             font_size: float = 11) -> Path:
    """``pages``: ((width_in, height_in), [(x_in, y_in_from_top, text), ...]) for each page."""
    objects: list[bytes] = [b"", b""]  # 1: catalog, 2: pages (filled in below)
    font_id = 3
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    kids = []
    for (w_in, h_in), texts in pages:
        w, h = w_in * 72, h_in * 72
        ops = [f"BT /F1 {font_size} Tf {x * 72:.1f} {h - y * 72 - font_size:.1f} Td ({_escape(t)}) Tj ET"
               for x, y, t in texts]
        stream = "\n".join(ops).encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        content_id = len(objects)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w:.2f} {h:.2f}] "
                       f"/Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {content_id} 0 R >>".encode())
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


def letter(path: Path, n: int = 1, in_zone: bool = False, size=LETTER) -> Path:
    """``n`` letter pages with a heading and body text clear of the address zones; ``in_zone``
    puts a line of text where the recipient's address is printed."""
    pages = []
    for i in range(n):
        texts = [(5.0, 0.6, "ACME Widgets"), (1.0, 4.0, f"Dear customer, page {i + 1}."),
                 (1.0, 4.3, "Thank you for your order. " * 3), (1.0, 9.5, "Yours, the ACME team")]
        if in_zone and i == 0:
            texts.append((0.9, 2.3, "THIS TEXT SITS IN THE ADDRESS WINDOW"))
        pages.append((size, texts))
    return make_pdf(path, pages)
