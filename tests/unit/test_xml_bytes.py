"""Batch XML normalised once: UTF-8 with a declaration, whatever encoding it came in."""

from __future__ import annotations

import codecs

import pytest

from c2m_tui.core.errors import InputError
from c2m_tui.core.validate import validate_batch
from c2m_tui.core.xml_bytes import MAX_XML_BYTES, UTF8_DECLARATION, normalise_batch_xml, read_batch_xml
from tests.conftest import SAMPLES

SAMPLE = (SAMPLES / "click2mail-shell-batch-request-letter.xml").read_bytes()
BODY = SAMPLE.split(b"?>", 1)[1]  # everything after the declaration ("\n<batch ...")
TEXT = BODY.decode("utf-8").replace("<filename>batch-test.pdf", "<filename>Zoë-Ñandú-東京.pdf")


def test_utf8_with_a_declaration_is_kept_byte_for_byte():
    assert normalise_batch_xml(SAMPLE) is not None
    assert normalise_batch_xml(SAMPLE) == SAMPLE


def test_utf8_without_a_declaration_gets_one_on_the_same_line():
    out = normalise_batch_xml(BODY.lstrip())
    assert out == UTF8_DECLARATION + BODY.lstrip()
    assert out.count(b"\n") == BODY.lstrip().count(b"\n")  # line numbers stay the file's


@pytest.mark.parametrize("encoded", [
    codecs.BOM_UTF8 + b'<?xml version="1.0" encoding="UTF-8"?>' + TEXT.encode("utf-8"),
    codecs.BOM_UTF8 + TEXT.lstrip().encode("utf-8"),
    codecs.BOM_UTF16_LE + ('<?xml version="1.0" encoding="UTF-16"?>' + TEXT).encode("utf-16-le"),
    codecs.BOM_UTF16_BE + ('<?xml version="1.0" encoding="UTF-16"?>' + TEXT).encode("utf-16-be"),
    codecs.BOM_UTF16_LE + TEXT.lstrip().encode("utf-16-le"),
    ('<?xml version="1.0" encoding="UTF-16LE"?>' + TEXT).encode("utf-16-le"),  # no BOM
    codecs.BOM_UTF32_LE + ('<?xml version="1.0"?>' + TEXT).encode("utf-32-le"),
], ids=["utf8-bom-decl", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le-bom-nodecl", "utf16le-nobom", "utf32"])
def test_boms_and_utf16_become_utf8_with_a_declaration(encoded):
    out = normalise_batch_xml(encoded)
    assert out.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert out.decode("utf-8").endswith(TEXT.lstrip()) and "東京" in out.decode("utf-8")
    assert validate_batch(out).valid
    assert normalise_batch_xml(out) == out  # normalised once: a second pass changes nothing


def test_a_declared_legacy_encoding_is_transcoded_and_keeps_standalone():
    text = TEXT.replace("東京", "")
    data = b'<?xml version="1.0" encoding="ISO-8859-1" standalone="yes"?>' + text.encode("latin-1")
    out = normalise_batch_xml(data)
    assert out.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>')
    assert "Zoë-Ñandú" in out.decode("utf-8")


@pytest.mark.parametrize("data,match", [
    (b'<?xml version="1.0" encoding="klingon-8"?><batch/>', "not known"),
    (codecs.BOM_UTF16_LE + '<?xml version="1.0" encoding="ISO-8859-1"?><batch/>'.encode("utf-16-le"),
     "byte-order mark but declares"),
    (b'<?xml version="1.0" encoding="Shift_JIS"?>\n<batch>\n<filename>\x82</filename></batch>',
     "line 3: bytes that are not valid SHIFT_JIS"),
    (codecs.BOM_UTF8 + b"<batch>\n\xff</batch>", "line 2: bytes that are not valid UTF-8"),
])
def test_undecodable_input_is_one_clear_line(data, match):
    with pytest.raises(InputError, match=match):
        normalise_batch_xml(data, "b.xml")


def test_validate_sees_the_normalised_bytes(tmp_path):
    path = tmp_path / "utf16.xml"
    path.write_bytes(codecs.BOM_UTF16_LE + ('<?xml version="1.0" encoding="UTF-16"?>' + TEXT).encode("utf-16-le"))
    assert read_batch_xml(path).startswith(UTF8_DECLARATION)
    assert validate_batch(path).valid


def test_limit_is_documented_and_enforced(tmp_path, monkeypatch):
    assert MAX_XML_BYTES == 1024 * 1024 * 1024
    import c2m_tui.core.xml_bytes as xb

    monkeypatch.setattr(xb, "MAX_XML_BYTES", 2 * 1024 * 1024)
    with pytest.raises(InputError, match="over the 2 MiB limit"):
        normalise_batch_xml(b" " * (2 * 1024 * 1024 + 1))
    big = tmp_path / "big.xml"
    big.write_bytes(SAMPLE + b" " * (3 * 1024 * 1024))
    with pytest.raises(InputError, match="big.xml: the batch XML is 3 MiB, over the 2 MiB limit"):
        read_batch_xml(big)
