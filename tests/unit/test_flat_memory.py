"""Memory stays flat on big inputs: a 1.5 GB PDF (a sparse file) and a 200,000-recipient batch are
checked by real processes whose peak RSS must stay under a cap (the million is the benchmark's)."""

from __future__ import annotations

import sys

import pytest

from c2m_tui.core.batchxml import write_batch
from c2m_tui.core.models import Address, Batch, Job, PrintOptions
from tests.peak_memory import make_big_pdf, run_measured

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads VmHWM from /proc")

CAP_MB = 120  # python + lxml + PDFium start at about 40 MB; the old code took 1.6 GB and 750 MB here


def _batch_xml(path, recipients: int) -> None:
    people = (Address(name=f"Person {i}", address1=f"{i} Main Street", city="Springfield", state="VA",
                      postal_code="22039", country="US") for i in range(recipients))
    write_batch(Batch(filename="letters.pdf", jobs=[Job(1, 3, PrintOptions(), people)]), path)


def test_validate_with_a_1_5_gb_pdf_stays_small(tmp_path):
    pdf = make_big_pdf(tmp_path / "big.pdf", 1536 << 20)
    xml = tmp_path / "batch.xml"
    _batch_xml(xml, 3)
    code, out, err, peak = run_measured("validate", str(xml), "--pdf", str(pdf))
    assert code == 0, err
    assert "(PDF: 3 pages)" in out
    assert peak < CAP_MB, f"validate --pdf of a 1.5 GB PDF peaked at {peak:.0f} MB"


def test_validating_200_000_recipients_stays_small(tmp_path):
    xml = tmp_path / "batch.xml"
    _batch_xml(xml, 200_000)
    code, out, err, peak = run_measured("validate", str(xml))
    assert code == 0, err
    assert "200,000 pieces" in out
    assert peak < CAP_MB, f"validating 200,000 recipients peaked at {peak:.0f} MB"
