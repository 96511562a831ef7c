"""Readers for what the graphics protocols write, so tests check the pictures themselves: Kitty's
escapes back to the PNG they carry, a Sixel stream back to pixels (a small decoder written from
the DEC spec, independent of the encoder)."""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass, field

KITTY = re.compile(r"\x1b_G([^;\x1b]*)(?:;([^\x1b]*))?\x1b\\")
SIXEL = re.compile(r"\x1bP([\d;]*)q(.*?)\x1b\\", re.DOTALL)


@dataclass
class KittyImage:
    keys: dict[str, str]  # the first escape's keys (a=T, i=, c=, r=, ...)
    png: bytes
    escapes: int
    chunk_lengths: list[int] = field(default_factory=list)

    def image(self):
        from PIL import Image

        return Image.open(io.BytesIO(self.png))


def kitty_images(text: str) -> list[KittyImage]:
    """Each image sent (``a=T`` and the chunks after it, up to ``m=0``)."""
    images: list[KittyImage] = []
    current: KittyImage | None = None
    payload: list[str] = []
    for match in KITTY.finditer(text):
        keys = dict(kv.split("=", 1) for kv in match.group(1).split(",") if "=" in kv)
        data = match.group(2) or ""
        if current is None:
            if keys.get("a") != "T":
                continue
            current = KittyImage(keys, b"", 0)
            payload = []
        current.escapes += 1
        current.chunk_lengths.append(len(data))
        payload.append(data)
        if keys.get("m", "0") == "0":
            current.png = base64.b64decode("".join(payload), validate=True)
            images.append(current)
            current = None
    return images


def kitty_deletes(text: str) -> list[int]:
    return [int(keys["i"]) for m in KITTY.finditer(text)
            for keys in [dict(kv.split("=", 1) for kv in m.group(1).split(",") if "=" in kv)]
            if keys.get("a") == "d"]


def decode_sixel(stream: str):
    """A Sixel stream (``DCS ... q ... ST``) as an RGB Pillow image of its raster size; pixels no
    band paints stay (1, 2, 3), a colour no encoder picks."""
    from PIL import Image

    match = SIXEL.fullmatch(stream)
    assert match, f"not one DCS ... q ... ST: {stream[:40]!r} ... {stream[-10:]!r}"
    body = match.group(2)
    raster = re.match(r'"(\d+);(\d+);(\d+);(\d+)', body)
    assert raster, "no raster attributes"
    width, height = int(raster.group(3)), int(raster.group(4))
    image = Image.new("RGB", (width, height), (1, 2, 3))
    pixels = image.load()
    palette: dict[int, tuple[int, int, int]] = {}
    colour = 0
    x = band = 0
    i = raster.end()
    while i < len(body):
        ch = body[i]
        if ch == "#":
            m = re.match(r"#(\d+)(?:;2;(\d+);(\d+);(\d+))?", body[i:])
            colour = int(m.group(1))
            if m.group(2) is not None:
                palette[colour] = tuple(round(int(v) * 255 / 100) for v in m.group(2, 3, 4))
            i += m.end()
            continue
        if ch == "$":
            x = 0
        elif ch == "-":
            x, band = 0, band + 1
        elif ch == "!":
            m = re.match(r"!(\d+)(.)", body[i:], re.DOTALL)
            _paint(pixels, width, height, x, band, ord(m.group(2)) - 63, int(m.group(1)), palette[colour])
            x += int(m.group(1))
            i += m.end()
            continue
        elif "?" <= ch <= "~":
            _paint(pixels, width, height, x, band, ord(ch) - 63, 1, palette[colour])
            x += 1
        else:
            raise AssertionError(f"unexpected {ch!r} at {i} in the Sixel data")
        i += 1
    return image


def _paint(pixels, width, height, x, band, bits, count, rgb) -> None:
    for dx in range(count):
        for row in range(6):
            y = band * 6 + row
            if bits >> row & 1:
                assert x + dx < width and y < height, f"pixel ({x + dx}, {y}) outside {width}x{height}"
                pixels[x + dx, y] = rgb
