"""What send uploads: the user's XML less any embedded credentials, and nothing if it is invalid."""

from __future__ import annotations

import pytest

from c2m_tui.core.batchxml import read_batch
from c2m_tui.core.errors import InputError
from c2m_tui.core.preflight import human_size, prepare, strip_credentials
from tests.conftest import SAMPLES, make_pdf

SHELL = SAMPLES / "click2mail-shell-batch-request-letter.xml"
BTB = SAMPLES / "btb-correct_xml.xml"


@pytest.mark.parametrize("sample", [SHELL, BTB])
def test_embedded_credentials_are_removed_and_nothing_else_changes(sample):
    raw = sample.read_bytes()
    stripped, removed = strip_credentials(raw)
    assert removed
    assert b"<username>" not in stripped and b"<password>" not in stripped
    assert b"Password123" not in stripped
    assert stripped.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    before, after = read_batch(raw).batch, read_batch(stripped).batch
    assert [(j.starting_page, j.ending_page, list(j.recipients)) for j in before.jobs] == [
        (j.starting_page, j.ending_page, list(j.recipients)) for j in after.jobs
    ]


def test_xml_without_credentials_is_sent_byte_for_byte():
    raw = b'<?xml version="1.0" encoding="UTF-8"?>\n<batch><filename>a.pdf</filename></batch>\n'
    assert strip_credentials(raw) == (raw, False)


def test_prepare_counts_and_strips(tmp_path):
    pdf = make_pdf(tmp_path / "letters.pdf", 10)
    prepared = prepare(pdf, SHELL)
    assert prepared.report.valid
    assert (prepared.jobs, prepared.pieces, prepared.pdf_pages) == (5, 10, 10)
    assert prepared.credentials_removed and b"jdoe123" not in prepared.xml


def test_prepare_names_a_missing_pdf(tmp_path):
    with pytest.raises(InputError, match="nope.pdf"):
        prepare(tmp_path / "nope.pdf", SHELL)


def test_human_size():
    assert human_size(512) == "512 B"
    assert human_size(1536) == "1.5 KB"
    assert human_size(200 * 1024 * 1024) == "200.0 MB"
