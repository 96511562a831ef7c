"""The page renderer (PDFium), its cache, the half-block grid, and `c2m-tui preview`."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from c2m_tui.core import halfblock, preview
from c2m_tui.core.errors import InputError
from tests.pdf_maker import LETTER, letter, make_pdf
from tests.unit.test_zone_check import FIRST, batch_xml

REPO = Path(__file__).resolve().parents[2]


def test_render_is_cached_per_file_version_page_and_width(tmp_path):
    pdf = letter(tmp_path / "l.pdf", 3)
    a = preview.render_page(pdf, 2, 100)
    assert preview.render_page(pdf, 2, 100) is a
    assert preview.render_page(pdf, 2, 120) is not a
    assert a.width == 100 and abs(a.height - 100 * 11 / 8.5) < 1
    st = pdf.stat()
    letter(pdf, 3, in_zone=True)  # the file changes: a new key
    os.utime(pdf, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert preview.render_page(pdf, 2, 100) is not a


def test_page_facts_and_errors(tmp_path):
    pdf = make_pdf(tmp_path / "a4.pdf", [((8.27, 11.69), [])])
    facts = preview.page_facts(pdf, 1)
    assert facts.size_text().startswith("A4") and not facts.landscape
    with pytest.raises(InputError, match="no page 2; the PDF has 1 page"):
        preview.render_page(pdf, 2, 50)
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf at all")
    with pytest.raises(InputError, match="not a PDF"):
        preview.page_count(bad)


def test_half_blocks_show_the_text_lines_of_a_page(tmp_path):
    pdf = letter(tmp_path / "l.pdf", 1)
    grid, facts = preview.page_grid(pdf, 1, 40, 30)
    assert len(grid[0]) == 40 and len(grid) == round(40 * 11 / 8.5 / 2)
    dark_rows = [r for r, row in enumerate(grid) if any(min(c.fg + c.bg) < 160 for c in row)]
    inches = [(r + 0.5) * 11 / len(grid) for r in dark_rows]  # each dark row's middle, from the top
    # the heading (0.6 in), the body (4.0-4.5 in) and the signature (9.5 in) show; nothing between
    for y in (0.7, 4.2, 9.6):
        assert any(abs(i - y) < 0.5 for i in inches), (y, inches)
    assert not [i for i in inches if 5.0 < i < 9.2 or 1.2 < i < 3.6]


def test_16_colours_use_only_the_16_ansi_codes(tmp_path):
    pdf = letter(tmp_path / "l.pdf", 1, in_zone=True)
    grid, _ = preview.page_grid(pdf, 1, 30, 20, (preview.Overlay((0.5, 1.75, 4.5, 3.25), True, ("Ada",)),))
    text = "\n".join(halfblock.ansi_lines(grid, "16"))
    codes = {int(c) for seq in re.findall(r"\x1b\[([\d;]+)m", text) for c in seq.split(";")}
    assert codes <= set(range(30, 38)) | set(range(90, 98)) | set(range(40, 48)) | set(range(100, 108)) | {0}
    assert 41 in codes or 31 in codes  # the inked zone is red at 16 colours too


def cli(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "60", "LINES": "30", **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "c2m_tui", *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=60)


def test_cli_preview_writes_a_png_with_the_zone_drawn(tmp_path):
    from PIL import Image

    pdf = letter(tmp_path / "l.pdf", 2, in_zone=True)
    xml = batch_xml(tmp_path / "b.xml", [(1, 2, FIRST, "#10 Double Window", "Ada Lovelace")])
    out = tmp_path / "p.png"
    result = cli("preview", str(pdf), "--xml", str(xml), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "job 1 (pages 1-2) to Ada Lovelace" in result.stdout and "INK IN THE ZONE" in result.stdout
    image = Image.open(out).convert("RGB")
    assert image.size == (850, 1100)
    # the zone's left edge (0.5 in = 50 px at 100 dpi) is drawn in red
    r, g, b = image.getpixel((50, 250))
    assert r > 180 and g < 90 and b < 90


def test_cli_preview_in_the_terminal_and_bad_input(tmp_path):
    pdf = letter(tmp_path / "l.pdf", 1)
    result = cli("preview", str(pdf), "--colors", "16", "--width", "40")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("l.pdf: page 1 of 1, Letter (8.5 × 11 in)")
    assert "▀" in lines[1] and "\x1b[" in lines[1]
    result = cli("preview", str(pdf), "--page", "5")
    assert result.returncode == 1 and result.stderr.strip().endswith("no page 5; the PDF has 1 page")
    assert "Traceback" not in result.stderr
    result = cli("preview", str(tmp_path / "missing.pdf"))
    assert result.returncode == 1 and "no such file" in result.stderr


def test_a_process_that_read_a_pdf_exits_without_pdfium_complaining(tmp_path):
    """PDFium's exit handler prints a line for every document still open; ours closes them first,
    whichever exit hooks were there before pypdfium2 was imported (a weakref finalizer's, as here:
    pytest and tempfile make one; CI printed four such lines)."""
    pdf = letter(tmp_path / "l.pdf", 2)
    probe = (
        "import sys, weakref\n"
        "class Thing: pass\n"
        "keep = Thing()\n"
        "weakref.finalize(keep, lambda: None)\n"
        "from c2m_tui.core import preview\n"
        "print(preview.page_count(sys.argv[1]), preview.page_facts(sys.argv[1], 2).size_text())\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, str(pdf)], capture_output=True, text=True, cwd=REPO,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "2"
    assert done.stderr == ""


def test_cli_preview_of_a_page_names_the_job_and_person_it_is_mailed_to(tmp_path):
    # --page 3 of a 1-page-per-person merge is the third person's letter, whatever --job says
    pdf = letter(tmp_path / "m.pdf", 4)
    xml = batch_xml(tmp_path / "b.xml", [(1, 1, FIRST, "#10 Double Window", "Ada Lovelace"),
                                         (2, 2, FIRST, "#10 Double Window", "Bob Clean"),
                                         (3, 3, FIRST, "#10 Double Window", "Carlos Rivera")])
    out = tmp_path / "p.png"
    result = cli("preview", str(pdf), "--xml", str(xml), "--page", "3", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "page 3 of 4" in result.stdout and "job 3 (pages 3-3) to Carlos Rivera" in result.stdout, result.stdout
    result = cli("preview", str(pdf), "--xml", str(xml), "--job", "2", "--page", "4", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "page 4 of 4" in result.stdout and "in no job: not mailed" in result.stdout and "Bob" not in result.stdout
