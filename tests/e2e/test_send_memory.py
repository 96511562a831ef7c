"""send of a 1.5 GB PDF (a sparse file) to the simulator: the process's peak memory stays under a
cap, whatever the PDF's size (the old code read it whole: 3 GB)."""

from __future__ import annotations

import shutil
import sys

import pytest

from tests.conftest import start_sim
from tests.peak_memory import make_big_pdf, run_measured
from tests.unit.test_flat_memory import CAP_MB, _batch_xml

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads VmHWM from /proc")


def test_send_of_a_1_5_gb_pdf_stays_small(tmp_path):
    pdf = make_big_pdf(tmp_path / "big.pdf", 1536 << 20)
    xml = tmp_path / "batch.xml"
    _batch_xml(xml, 3)
    stored = tmp_path / "sim"  # the simulator keeps uploads under its TMPDIR: removed below, not left
    stored.mkdir()
    sim = start_sim("--queue-seconds", "0.2", "--job-seconds", "0.2", env={"TMPDIR": str(stored)})
    try:
        code, out, err, peak = run_measured(
            "send", "--pdf", str(pdf), "--xml", str(xml), "--yes", "--base-url", sim.base_url,
            env={"C2M_USERNAME": sim.username, "C2M_PASSWORD": sim.password}, timeout=300)
    finally:
        sim.stop()
        shutil.rmtree(stored, ignore_errors=True)
    assert code == 0, err
    assert out.strip().splitlines()[-1].isdigit()
    assert peak < CAP_MB, f"send of a 1.5 GB PDF peaked at {peak:.0f} MB"
