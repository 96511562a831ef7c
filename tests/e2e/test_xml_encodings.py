"""A batch XML with a UTF-8 BOM, or in UTF-16, is validated and uploaded as the same UTF-8 bytes:
the batch the server receives is not failed (it was "not well-formed: line 2" before)."""

from __future__ import annotations

import codecs
import json
import re
import time

import pytest

from tests.conftest import SAMPLES, make_pdf
from tests.e2e.helpers import run_cli

TEXT = (SAMPLES / "click2mail-shell-batch-request-letter.xml").read_text(encoding="utf-8")
# without the sample's embedded credentials: stripping them re-wrote the file as UTF-8 and hid the bug
BODY = re.sub(r"\s*<(username|password)>[^<]*</\1>", "", TEXT.split("?>", 1)[1]).replace(
    "<filename>batch-test.pdf", "<filename>Zoë-東京.pdf")
DECL16 = '<?xml version="1.0" encoding="UTF-16"?>'

ENCODED = {
    "utf8-bom": codecs.BOM_UTF8 + ('<?xml version="1.0" encoding="UTF-8"?>' + BODY).encode("utf-8"),
    "utf16-le": codecs.BOM_UTF16_LE + (DECL16 + BODY).encode("utf-16-le"),
    "utf16-be": codecs.BOM_UTF16_BE + (DECL16 + BODY).encode("utf-16-be"),
}


def wait_settled(sim, batch_id: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        r = run_cli("status", batch_id, "--json", sim=sim)
        status = json.loads(r.out)
        if status["hasErrors"] or status["jobs"] or time.monotonic() > deadline:
            return status
        time.sleep(0.2)


@pytest.mark.parametrize("name", sorted(ENCODED))
def test_bom_and_utf16_xml_validate_and_arrive_intact(sim, tmp_path, name):
    xml = tmp_path / f"{name}.xml"
    xml.write_bytes(ENCODED[name])
    pdf = make_pdf(tmp_path / "letters.pdf", 10)
    checked = run_cli("validate", str(xml), "--pdf", str(pdf))
    assert checked.code == 0, checked.out + checked.err
    sent = run_cli("send", "--pdf", str(pdf), "--xml", str(xml), "--yes", sim=sim)
    assert sent.code == 0, sent.err
    status = wait_settled(sim, sent.last_line)
    assert status["hasErrors"] is False, status["errorMessage"]
    assert len(status["jobs"]) == BODY.count("<job>")
