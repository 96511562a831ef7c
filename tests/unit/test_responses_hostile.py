"""Hostile and broken answers: every parser refuses them with ResponseFormatError and reads no file."""

from __future__ import annotations

import pytest

from c2m_tui.core.responses import ResponseFormatError, parse_create, parse_details, parse_status, parse_tracking
from c2m_tui.core.safexml import XMLRejected, parse_bytes

PARSERS = [parse_create, parse_status, parse_details, parse_tracking]


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-CONTENT-4711")
    return path


def xxe(root: str, path) -> bytes:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "file://{path}">]>\n'
            f"<{root}><id>&xxe;</id><batchNumber>&xxe;</batchNumber><description>&xxe;</description>"
            f"<hasErrors>false</hasErrors></{root}>").encode()


@pytest.mark.parametrize("parse", PARSERS)
@pytest.mark.parametrize("root", ["batchjob", "batch", "tracking"])
def test_xxe_never_reads_the_file(parse, root, secret_file):
    with pytest.raises(ResponseFormatError) as info:
        parse(xxe(root, secret_file))
    assert "TOP-SECRET" not in str(info.value)
    assert "DOCTYPE" in str(info.value)


@pytest.mark.parametrize("parse", PARSERS)
def test_xxe_etc_passwd(parse):
    data = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><batchjob><id>&x;</id></batchjob>'
    with pytest.raises(ResponseFormatError) as info:
        parse(data)
    assert "root:" not in str(info.value) and "root:" not in info.value.body.replace("<!DOCTYPE r", "")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<batchjob><id>&lol9;</id></batchjob>"""


@pytest.mark.parametrize("parse", PARSERS)
def test_billion_laughs_is_refused(parse):
    with pytest.raises(ResponseFormatError, match="DOCTYPE"):
        parse(BILLION_LAUGHS)


@pytest.mark.parametrize("parse", PARSERS)
def test_external_dtd_is_refused(parse):
    data = b'<?xml version="1.0"?><!DOCTYPE batchjob SYSTEM "http://127.0.0.1:9/evil.dtd"><batchjob><id>1</id></batchjob>'
    with pytest.raises(ResponseFormatError, match="DOCTYPE"):
        parse(data)


@pytest.mark.parametrize("parse", [parse_create, parse_status, parse_details])
@pytest.mark.parametrize("data", [
    b'<?xml version="1.0" encoding="UTF-8"?><batchjob><id>1</id><hasErrors>fal',
    b"<batchjob><id>1</id>",
    b"",
    b"   ",
    b"<html><body>502 Bad Gateway</body></html>",
    b"\x00\x01\x02garbage",
])
def test_truncated_garbled_and_wrong_root(parse, data):
    with pytest.raises(ResponseFormatError):
        parse(data)


def test_undeclared_entity_is_refused():
    with pytest.raises(ResponseFormatError):
        parse_status(b"<batchjob><id>&nope;</id></batchjob>")


def test_utf16_doctype_is_refused_too(secret_file):
    data = xxe("batchjob", secret_file).decode().replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    with pytest.raises((ResponseFormatError, XMLRejected)) as info:
        parse_status(data.encode("utf-16"))
    assert "TOP-SECRET" not in str(info.value)


def test_safexml_parse_bytes_rejects_dtd_and_reports_lines():
    with pytest.raises(XMLRejected) as info:
        parse_bytes(b"<a>\n<b>\n</a>")
    assert info.value.line in (3, 2)
    with pytest.raises(XMLRejected, match="DOCTYPE"):
        parse_bytes(b'<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>')
    assert parse_bytes(b"<a>&#353;</a>").text == "\u0161"


@pytest.mark.parametrize("bad_id", ["../../etc/passwd", "9" * 21, "9" * 5000, "12a", "١٢٣", "-1", "1 2"])
def test_a_server_id_that_is_not_a_short_number_is_refused(bad_id):
    from c2m_tui.core.responses import ResponseFormatError, parse_create, parse_status

    answer = (f"<?xml version='1.0'?><batchjob><id>{bad_id}</id><hasErrors>false</hasErrors>"
              "<received>false</received><submitted>false</submitted></batchjob>").encode()
    for parse in (parse_create, parse_status):
        with pytest.raises(ResponseFormatError, match="is not a number of at most 20 digits"):
            parse(answer)
    ok = answer.replace(bad_id.encode(), b"9" * 20)
    assert parse_create(ok).id == "9" * 20


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16-be"])
def test_a_doctype_is_found_wherever_the_scan_cuts_a_big_document(encoding):
    """The DOCTYPE scan goes a MiB at a time (handing the GIL over between): a DOCTYPE across every
    cut near the first boundary, or far in, is still refused, with its line."""
    from c2m_tui.core import safexml

    head = "<batch>\n" + "x" * 100 + "\n"
    unit = len("a".encode(encoding))
    for offset in range(-20, 21, 3):
        filler = (safexml._SCAN_CHUNK // unit) + offset - len(head)
        text = head + "y" * filler + "<!dOcTyPe batch>\n<batch/>"
        with pytest.raises(XMLRejected) as err:
            safexml.reject_doctype(text.encode(encoding))
        assert err.value.line == 3
    far = (head + ("z" * 999 + "\n") * 5000 + "<!DOCTYPE b>").encode(encoding)
    with pytest.raises(XMLRejected) as err:
        safexml.reject_doctype(far)
    assert err.value.line == 5003
    safexml.reject_doctype((head + "w" * (3 * safexml._SCAN_CHUNK) + "<!-- no DOCTYPE here -->").encode(encoding))
