"""Kitty's escapes and Sixel streams, read back: the Kitty payload decodes to the PNG of the page at
the placement's size, a Sixel stream is DCS ... q ... ST and decodes (with an independent decoder)
to the picture; the address zone is in the pixels of both; `c2m-tui preview --graphics`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageDraw

from c2m_tui.core import preview, zone_check
from c2m_tui.core.graphics import kitty, sixel, tmux_wrap
from tests.graphics_decode import decode_sixel, kitty_deletes, kitty_images
from tests.pdf_maker import letter
from tests.unit.test_zone_check import FIRST, batch_xml

REPO = Path(__file__).resolve().parents[2]


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "c2m_tui", *args], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, **(env or {})}, timeout=120, stdin=subprocess.DEVNULL)


def _picture(width: int, height: int) -> Image.Image:
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((2, 3, width // 2, height // 2), outline=(220, 30, 30), width=2)
    for y in range(height // 2 + 2, height - 2, 5):
        draw.line((4, y, width - 5, y), fill=(40, 40, 40))
    return image


# ---------------------------------------------------------------------------------- Kitty

def test_kitty_transmission_carries_the_png_in_chunks():
    noise = Image.frombytes("RGB", (300, 400), os.urandom(300 * 400 * 3))  # a PNG of many chunks
    png = kitty.png_bytes(noise)
    text = kitty.transmit(png, 0x123456, 30, 20)
    [sent] = kitty_images(text)
    assert sent.png == png
    assert sent.keys | {"m": "?"} == {"a": "T", "U": "1", "f": "100", "t": "d", "i": str(0x123456), "c": "30",
                                      "r": "20", "q": "2", "m": "?"}
    assert sent.escapes == len(sent.chunk_lengths) > 1
    assert all(n == kitty.CHUNK for n in sent.chunk_lengths[:-1]) and 0 < sent.chunk_lengths[-1] <= kitty.CHUNK
    assert sent.image().size == (300, 400)
    assert text.startswith("\x1b_G") and text.endswith("\x1b\\")


def test_kitty_through_tmux_wraps_every_escape():
    png = kitty.png_bytes(_picture(200, 200))
    text = kitty.transmit(png, 77, 10, 10, tmux=True)
    wrapped = re.findall(r"\x1bPtmux;(.*?)\x1b\\(?=\x1bPtmux;|$)", text, re.DOTALL)
    assert wrapped and "".join("\x1bPtmux;" + w + "\x1b\\" for w in wrapped) == text
    inner = "".join(w.replace("\x1b\x1b", "\x1b") for w in wrapped)
    assert inner == kitty.transmit(png, 77, 10, 10)
    assert tmux_wrap("\x1b[c") == "\x1bPtmux;\x1b\x1b[c\x1b\\"
    assert kitty_deletes(kitty.delete(77)) == [77]


def test_kitty_placeholders_name_the_image_row_and_column():
    row = kitty.placeholder_row(3, 5)
    assert len(row) == 15 and row[::3] == kitty.PLACEHOLDER * 5
    assert set(row[1::3]) == {kitty.DIACRITICS[3]}
    assert list(row[2::3]) == list(kitty.DIACRITICS[:5])
    assert kitty.id_colour(0x0A0B0C) == (10, 11, 12)
    for _ in range(200):
        image_id = kitty.new_image_id()
        assert 0 < image_id < 1 << 24 and all(kitty.id_colour(image_id))
    [first, second] = kitty.ansi_rows(0x010203, 4, 2)
    assert first.startswith("\x1b[38;2;1;2;3m") and first.endswith("\x1b[39m")
    assert second.count(kitty.PLACEHOLDER) == 4


# ---------------------------------------------------------------------------------- Sixel

def test_sixel_is_a_well_formed_dcs_stream_that_decodes_to_the_picture():
    picture = _picture(123, 47)  # neither a multiple of 6 nor even: the last band is partial
    stream = sixel.encode(picture)
    assert stream.startswith('\x1bP0;1;0q"1;1;123;47#') and stream.endswith("\x1b\\")
    assert not stream[:-2].endswith("-")  # no line feed after the last band (it would scroll)
    assert stream.count("\x1b") == 2  # nothing else in it that a terminal would take as an escape
    decoded = decode_sixel(stream)
    assert decoded.size == (123, 47)
    for x, y in [(0, 0), (2, 3), (30, 3), (61, 23), (60, 10), (10, 30), (120, 46)]:
        want = picture.getpixel((x, y))
        got = decoded.getpixel((x, y))
        assert max(abs(a - b) for a, b in zip(want, got)) <= 6, ((x, y), want, got)


def test_sixel_of_one_colour_and_of_a_single_pixel_row():
    stream = sixel.encode(Image.new("RGB", (50, 1), (0, 0, 255)))
    assert decode_sixel(stream).getpixel((49, 0)) == (0, 0, 255)
    assert "!50@" in stream  # run-length: 50 columns of the top pixel only


# ---------------------------------------------------------------- pages with their overlays

def _job(tmp_path):
    pdf = letter(tmp_path / "l.pdf", 2, in_zone=True)
    xml = batch_xml(tmp_path / "b.xml", [(1, 2, FIRST, "#10 Double Window", "Ada Lovelace")])
    job = zone_check.pick_job(zone_check.read_job_facts(xml), 1)
    return pdf, zone_check.job_overlays(pdf, job, 1)


def _reds(image: Image.Image, box) -> int:
    data = image.convert("RGB").crop(box).tobytes()
    return sum(1 for i in range(0, len(data), 3) if data[i] > 180 and data[i + 1] < 90 and data[i + 2] < 90)


def test_page_bitmaps_carry_the_zone_in_their_pixels(tmp_path):
    pdf, overlays = _job(tmp_path)
    [recipient] = [o for o in overlays if o.ink]
    bitmap, facts = preview.page_bitmap(pdf, 1, 60, 20, overlays, protocol="kitty", cell_px=(9, 18))
    # 20 rows of 18 px are 360 px; a letter page that tall is 278 px wide: 31 columns of 9 px
    assert (bitmap.columns, bitmap.rows) == (31, 20) and bitmap.size_px == (31 * 9, 20 * 18)
    png = Image.open(__import__("io").BytesIO(bitmap.data))
    assert png.size == bitmap.size_px
    scale = png.width / facts.width_in
    left, top, right, bottom = (round(v * scale) for v in recipient.box_in)
    assert _reds(png, (left - 1, top - 1, right + 2, bottom + 2)) > 40  # the inked zone, outlined in red
    assert _reds(png, (0, bottom + 20, png.width, png.height)) == 0  # and nowhere else
    assert preview.page_bitmap(pdf, 1, 60, 20, overlays, protocol="kitty", cell_px=(9, 18))[0] is bitmap  # cached

    sixel_bitmap, _ = preview.page_bitmap(pdf, 1, 60, 20, overlays, protocol="sixel", cell_px=(9, 18))
    decoded = decode_sixel(sixel_bitmap.data)
    assert decoded.size == bitmap.size_px
    assert _reds(decoded, (left - 1, top - 1, right + 2, bottom + 2)) > 40
    assert len(sixel_bitmap.fallback) == 20 and all(len(row) == 31 for row in sixel_bitmap.fallback)
    clean, _ = preview.page_bitmap(pdf, 1, 60, 20, (), protocol="sixel", cell_px=(9, 18))
    assert _reds(decode_sixel(clean.data), (0, 0, decoded.width, decoded.height)) == 0


def test_kitty_bitmaps_stay_within_the_placeholder_limit(tmp_path):
    pdf, _ = _job(tmp_path)
    bitmap, _ = preview.page_bitmap(pdf, 1, 1000, 1000, (), protocol="kitty", cell_px=(1, 2))
    assert bitmap.columns <= kitty.MAX_CELLS and bitmap.rows <= kitty.MAX_CELLS


# ---------------------------------------------------------------------------------- the CLI

def test_cli_preview_forced_kitty(tmp_path):
    pdf, _ = _job(tmp_path)
    result = cli("preview", str(pdf), "--xml", str(tmp_path / "b.xml"), "--graphics", "kitty")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")
    assert lines[0].startswith("l.pdf: page 1 of 2, Letter (8.5 × 11 in); job 1")
    [sent] = kitty_images(result.stdout)
    columns, rows = int(sent.keys["c"]), int(sent.keys["r"])
    assert sent.image().size == (columns * 10, rows * 20)  # no terminal to ask: a VT340's cell
    colour = "\x1b[38;2;{};{};{}m".format(*kitty.id_colour(int(sent.keys["i"])))
    placed = [line for line in lines if kitty.PLACEHOLDER in line]
    assert len(placed) == rows and all(colour in line and line.count(kitty.PLACEHOLDER) == columns for line in placed)
    assert "INK IN THE ZONE" in result.stdout
    assert _reds(sent.image(), (0, 0, columns * 10, rows * 20)) > 40


def test_cli_preview_forced_sixel_and_the_setting(tmp_path, app_home):
    pdf, _ = _job(tmp_path)
    result = cli("preview", str(pdf), "--graphics", "sixel")
    assert result.returncode == 0, result.stderr
    [stream] = re.findall(r"\x1bP.*?\x1b\\", result.stdout, re.DOTALL)
    assert stream.startswith("\x1bP0;1;0q") and decode_sixel(stream).size[0] > 100
    assert "▀" not in result.stdout

    config = app_home / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[preview]\ngraphics = "sixel"\n', encoding="utf-8")
    from_setting = cli("preview", str(pdf))
    assert from_setting.returncode == 0 and "\x1bP0;1;0q" in from_setting.stdout
    flag_wins = cli("preview", str(pdf), "--graphics", "halfblock")
    assert "▀" in flag_wins.stdout and "\x1bP" not in flag_wins.stdout

    config.write_text('[preview]\ngraphics = "iterm"\n', encoding="utf-8")
    bad = cli("preview", str(pdf))
    assert bad.returncode == 0 and "▀" in bad.stdout  # auto, and auto here (no terminal) is half-blocks
    assert "[preview] graphics = 'iterm' is not one of auto, kitty, sixel, halfblock" in bad.stderr

    usage = cli("preview", str(pdf), "--graphics", "iterm")
    assert usage.returncode == 2 and "invalid choice: 'iterm'" in usage.stderr


def test_cli_preview_auto_without_a_terminal_writes_no_graphics(tmp_path):
    pdf, _ = _job(tmp_path)
    result = cli("preview", str(pdf), env={"TERM": "xterm-kitty", "COLORTERM": "truecolor"})
    assert result.returncode == 0, result.stderr
    assert "▀" in result.stdout
    assert re.sub(r"\x1b\[[\d;]*m", "", result.stdout).count("\x1b") == 0  # only colours: no query, no image
