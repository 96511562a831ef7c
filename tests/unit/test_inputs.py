"""--pdf, --xml and address lists must be regular files: a FIFO or /dev/zero is one clear line,
never a hang or a file read until memory runs out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from c2m_tui.core.addresses import open_table
from c2m_tui.core.errors import InputError
from c2m_tui.core.inputfile import require_regular_file
from c2m_tui.core.pdf import pdf_info


@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "pipe.pdf"
    os.mkfifo(path)
    return path


def test_regular_files_pass_and_everything_else_is_named(tmp_path, fifo):
    plain = tmp_path / "a.pdf"
    plain.write_bytes(b"%PDF-1.4")
    assert require_regular_file(plain, "a PDF") == plain
    for path, said in ((fifo, "is a named pipe (FIFO), not a PDF"), (Path("/dev/zero"), "is a character device"),
                       (tmp_path, "is a directory, not a PDF"), (tmp_path / "none.pdf", "no such file")):
        with pytest.raises(InputError, match=f"{path}: {said}".replace("(", r"\(").replace(")", r"\)")):
            require_regular_file(path, "a PDF")


def test_the_core_readers_refuse_them():
    # /dev/zero here (the old code took it for an empty file); FIFOs only in a subprocess below,
    # where the old code's hang ends in a timeout instead of hanging the suite
    with pytest.raises(InputError, match="/dev/zero: is a character device, not a PDF"):
        pdf_info("/dev/zero")
    with pytest.raises(InputError, match="/dev/zero: is a character device, not an address list"):
        open_table("/dev/zero")


@pytest.mark.parametrize("argv", [
    ["validate", "{fifo}"],
    ["validate", "{xml}", "--pdf", "/dev/zero"],
    ["build-xml", "--addresses", "{fifo}", "--pdf", "{pdf}", "--same-pages", "1-1", "-o", "{out}"],
    ["build-xml", "--addresses", "/dev/zero", "--pdf", "{pdf}", "--same-pages", "1-1", "-o", "{out}"],
])
def test_commands_say_so_in_one_line_and_exit_1(tmp_path, fifo, pdf_factory, argv):
    xml = tmp_path / "batch.xml"
    xml.write_text("<batch/>")
    values = {"fifo": fifo, "xml": xml, "pdf": pdf_factory(1), "out": tmp_path / "out.xml"}
    done = subprocess.run([sys.executable, "-m", "c2m_tui", *(a.format(**values) for a in argv)],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "not a regular" not in lines[0] and ("named pipe" in lines[0] or "device" in lines[0])


def test_a_missing_file_names_the_file_of_a_close_name(tmp_path):
    from c2m_tui.core.inputfile import missing_words, open_regular

    (tmp_path / "Letters.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "contacts-2026.csv").write_text("Name\n")
    assert missing_words(tmp_path / "letters.pdf") == f"{tmp_path / 'letters.pdf'}: no such file; did you mean {tmp_path / 'Letters.pdf'}?"
    assert missing_words(tmp_path / "contacts-2062.csv").endswith(f"did you mean {tmp_path / 'contacts-2026.csv'}?")
    assert missing_words(tmp_path / "budget.xlsx") == f"{tmp_path / 'budget.xlsx'}: no such file"
    assert missing_words(tmp_path / "gone" / "a.pdf") == f"{tmp_path / 'gone' / 'a.pdf'}: no such file (no folder {tmp_path / 'gone'})"
    with pytest.raises(InputError, match="did you mean .*Letters.pdf"):
        open_regular(tmp_path / "letters.pdf", "a PDF")
