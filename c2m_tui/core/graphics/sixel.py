"""Sixel: a picture as a DEC terminal's six-pixel-high bands of characters.

``DCS P1;P2;P3 q``, raster attributes, the colour registers, then band after band: for each
colour in the band, ``#n`` and one character per column whose six bits say which of the band's
six pixels have that colour (``?`` + bits), ``$`` back to the band's start for the next colour,
``-`` to the next band; ``ST`` ends it. Runs of one character are ``!count char``.

The encoder works a whole row of pixels at a time: the picture is reduced to at most ``COLOURS``
palette indices by Pillow, and for each band and colour the six rows become six bit masks
(``bytes.translate``) that are OR-ed together as one big integer each; Python never loops over
pixels, so a 760 × 980 page encodes in a few tens of milliseconds.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

DCS = "\x1bP"
ST = "\x1b\\"
BAND = 6
COLOURS = 64  # a letter is paper, ink and the zone's colours; 64 keeps anti-aliased text smooth
_RUN = re.compile(rb"(.)\1{3,}", re.DOTALL)
_TO_CHAR = bytes(min(126, 63 + v) for v in range(256))  # a six-bit value as its sixel character


def encode(image: Image, colours: int = COLOURS) -> str:
    """``image`` as one Sixel stream, every pixel painted (``P2=1``: nothing is left to the
    terminal's background), its size in the raster attributes."""
    from PIL import Image as PILImage

    rgb = image.convert("RGB")
    width, height = rgb.size
    indexed = rgb.quantize(colors=max(2, min(256, colours)), method=PILImage.Quantize.MEDIANCUT,
                           dither=PILImage.Dither.NONE)
    data = indexed.tobytes()
    palette = indexed.getpalette() or []
    used = sorted(set(data))
    out = [f'{DCS}0;1;0q"1;1;{width};{height}']
    for index in used:
        r, g, b = palette[3 * index:3 * index + 3]
        out.append(f"#{index};2;{r * 100 // 255};{g * 100 // 255};{b * 100 // 255}")
    masks: dict[int, list[bytes]] = {}  # colour -> the translate table of each of the six rows
    bands: list[str] = []
    for top in range(0, height, BAND):
        rows = [data[y * width:(y + 1) * width] for y in range(top, min(top + BAND, height))]
        band: list[str] = []
        for index in sorted(set(data[top * width:(top + len(rows)) * width])):
            tables = masks.get(index)
            if tables is None:
                tables = masks[index] = [_mask_table(index, 1 << bit) for bit in range(BAND)]
            bits = 0
            for bit, row in enumerate(rows):
                bits |= int.from_bytes(row.translate(tables[bit]), "big")
            chars = bits.to_bytes(width, "big").translate(_TO_CHAR).rstrip(b"?")
            if chars:
                band.append(f"#{index}" + _RUN.sub(_run, chars).decode("ascii"))
        bands.append("$".join(band))
    # no "-" after the last band: it would move the cursor below the picture (and scroll the screen
    # when the picture ends on its last line)
    out.append("-".join(bands))
    out.append(ST)
    return "".join(out)


def _mask_table(index: int, value: int) -> bytes:
    table = bytearray(256)
    table[index] = value
    return bytes(table)


def _run(match: re.Match[bytes]) -> bytes:
    return b"!%d%s" % (len(match.group(0)), match.group(1))
