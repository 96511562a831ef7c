"""Peak memory of a real ``c2m-tui`` process, and big PDFs that cost no disk, for the tests that
hold memory flat (and for benchmarks/bench_commands.py).

The peak is the child's own ``VmHWM`` (Linux): ``ru_maxrss`` of a child also counts the memory of
the process it was forked from, so a pytest process of 150 MB would hide any child smaller than that.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = r"""
import sys
from c2m_tui.cli import main
try:
    code = main(sys.argv[1:])
finally:
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    sys.stderr.write(f"\nPEAK_KB {peak}\n")
raise SystemExit(code)
"""


def run_measured(*args: str, env: dict | None = None, timeout: float = 120) -> tuple[int, str, str, float]:
    """(exit code, stdout, stderr without the probe line, peak RSS in MB) of ``c2m-tui ARGS``."""
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)
    err, _, peak = proc.stderr.rpartition("\nPEAK_KB ")
    assert peak.strip().isdigit(), proc.stderr[-2000:]
    assert "Traceback" not in err, err
    return proc.returncode, proc.stdout, err, int(peak) / 1024


def make_big_pdf(path: Path, size: int, pages: int = 3, sparse: bool = True) -> Path:
    """A valid PDF of ``size`` bytes or a little less: ``pages`` empty pages and one filler stream
    (a hole in the file when ``sparse``, so 1.5 GB costs no disk), with a correct xref table."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (4 + i) for i in range(pages))
            + b"] /Count %d >>" % pages]
    filler = max(0, size - 2048 - 120 * pages)
    offsets = []
    with open(path, "wb") as fh:
        fh.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        for number, body in enumerate(objs, 1):
            offsets.append(fh.tell())
            fh.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
        offsets.append(fh.tell())
        fh.write(b"3 0 obj\n<< /Length %d >>\nstream\n" % filler)
        if sparse:
            fh.seek(filler, os.SEEK_CUR)
        else:
            block = os.urandom(1 << 20)
            left = filler
            while left:
                left -= fh.write(block[:min(left, len(block))])
        fh.write(b"\nendstream\nendobj\n")
        for i in range(pages):
            offsets.append(fh.tell())
            fh.write(b"%d 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\nendobj\n" % (4 + i))
        xref = fh.tell()
        fh.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
        for off in offsets:
            fh.write(b"%010d 00000 n \n" % off)
        fh.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref))
    return path
