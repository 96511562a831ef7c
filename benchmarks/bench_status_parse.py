"""Parsing a batch status with 100,000 <jobs>: parse_status against a bare lxml iterparse loop.

Run: uv run python benchmarks/bench_status_parse.py [--quick]
Target: ratio <= 1.5x. parse_status adds the DOCTYPE refusal, the hardened parser options, the
batch's own fields, typed JobStatus objects and error checks; the baseline only pulls the texts out.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lxml import etree  # noqa: E402

from c2m_tui.core.responses import parse_status  # noqa: E402


def status_xml(jobs: int) -> bytes:
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<batchjob>\n'
            b"  <completedAt>2022-04-19T09:00:00-04:00</completedAt>\n"
            b"  <createdAt>2022-04-18T10:52:30-04:00</createdAt>\n  <errorMessage></errorMessage>\n"
            b"  <hasErrors>false</hasErrors>\n  <id>91777</id>\n")
    job = ("  <jobs>\n    <errorMessage></errorMessage>\n    <invoice>INV-{i}</invoice>\n"
           "    <jobId>{id}</jobId>\n    <jobIndex>{i}</jobIndex>\n    <jobStatus>MAILED</jobStatus>\n"
           "    <mailingDate>2022-04-19</mailingDate>\n    <submittedDate>2022-04-18</submittedDate>\n  </jobs>\n")
    body = "".join(job.format(i=i, id=500_000 + i) for i in range(jobs)).encode()
    tail = b"  <received>true</received>\n  <status>0</status>\n  <submitted>true</submitted>\n</batchjob>\n"
    return head + body + tail


def bare(data: bytes) -> list[dict[str, str | None]]:
    """Plain iterparse: each <jobs>' child texts into a dict, then free the element."""
    jobs = []
    for _, el in etree.iterparse(io.BytesIO(data), events=("end",), tag="jobs"):
        jobs.append({child.tag: child.text for child in el})
        el.clear()
    return jobs


def best_times(funcs, data: bytes, repeat: int) -> list[float]:
    best = [float("inf")] * len(funcs)
    for _ in range(repeat):  # interleaved, so load from other processes hits both alike
        for i, func in enumerate(funcs):
            t = time.perf_counter()
            func(data)
            best[i] = min(best[i], time.perf_counter() - t)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 jobs instead of 100,000")
    args = parser.parse_args()
    n = 10_000 if args.quick else 100_000
    data = status_xml(n)
    parsed = parse_status(data)
    assert len(parsed.jobs) == n and parsed.jobs[-1].job_id == str(500_000 + n - 1)
    assert len(bare(data)) == n
    base, mine = best_times([bare, parse_status], data, 5)
    print(f"parse a status with {n:,} <jobs> ({len(data) / 1e6:.1f} MB): parse_status {mine:.3f}s, "
          f"bare iterparse {base:.3f}s, ratio {mine / base:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
