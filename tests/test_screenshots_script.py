"""screenshots/generate.py runs end to end (so it cannot rot) and captures every screen."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXPECTED = {
    "home", "help", "login",
    "wizard-1-create", "wizard-2-pdf", "wizard-3-jobs", "wizard-4-review", "wizard-4-review-estimate", "wizard-5-confirm", "wizard-6-submitted",
    "status", "details", "tracking", "tracking-not-available", "addresses-mapping", "addresses-problems",
    "addresses-check", "preview-zone-flagged",
}


def svg_text(path: Path) -> str:
    return html.unescape(" ".join(re.findall(r">([^<>]+)</text>", path.read_text()))).replace("\xa0", " ")


def test_generate_writes_every_screen(tmp_path):
    out = tmp_path / "shots"
    proc = subprocess.run([sys.executable, str(REPO / "screenshots" / "generate.py"), "--out", str(out)],
                          capture_output=True, text=True, timeout=240, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    written = {p.stem for p in out.glob("*.svg")}
    assert written == EXPECTED, (written ^ EXPECTED, proc.stderr[-2000:])
    for name in EXPECTED:
        svg = (out / f"{name}.svg").read_text()
        assert svg.startswith("<svg") and "c2m-tui · " + name in html.unescape(svg).replace("\xa0", " ")
        assert "\r\n" not in svg
    status = svg_text(out / "status.svg")
    assert "mailed" in status and "Last" in status
    assert "Tracking" in svg_text(out / "tracking-not-available.svg")
    assert "Delivered" in svg_text(out / "tracking.svg")
    assert "INK IN THE ZONE" in svg_text(out / "preview-zone-flagged.svg")
    assert "sample-letters.pdf · page 1 of" in svg_text(out / "wizard-4-review.svg")
    estimate = svg_text(out / "wizard-4-review-estimate.svg")  # the simulator's price table, two groups
    assert "Price group 2" in estimate and "1 international" in estimate and "After this batch" in estimate
    assert "Estimated" in svg_text(out / "wizard-5-confirm.svg")
    assert "row 5 (Ann Lee) fixed by hand" in svg_text(out / "addresses-problems.svg")
    # the committed screenshots are the same set
    assert {p.stem for p in (REPO / "screenshots").glob("*.svg")} == EXPECTED
