"""PDF upload throughput and memory: BatchClient.upload_pdf against curl uploading the same file to
the same simulator in the same run. Targets: throughput >= 0.9x curl's; the client's peak memory
independent of the file's size.

    uv run python benchmarks/bench_upload.py [--mb 200]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.conftest import start_sim  # noqa: E402

CHILD = r"""
import asyncio, resource, sys, time
from pathlib import Path
from c2m_tui.core.client import BatchClient
base, path = sys.argv[1], Path(sys.argv[2])
async def main():
    async with BatchClient(base, "demo", "demo") as c:
        b = await c.create_batch()
        t = time.perf_counter()
        await c.upload_pdf(b.id, path)
        return time.perf_counter() - t
secs = asyncio.run(main())
print(secs, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def make_file(path: Path, mb: int) -> None:
    block = b"%PDF-1.4\n" + os.urandom(1024 * 1024 - 9)
    with open(path, "wb") as fh:
        for _ in range(mb):
            fh.write(block)


def curl_upload(base: str, path: Path) -> float:
    import httpx

    bid = httpx.post(f"{base}/batches", auth=("demo", "demo")).text.split("<id>")[1].split("<")[0]
    t = time.perf_counter()
    subprocess.run(
        # -T streams the file (--data-binary @file would read it whole into memory first)
        ["curl", "-sS", "-o", "/dev/null", "-K", "-", "-T", str(path), "-H", "Content-Type: application/pdf",
         "-H", "Expect:", f"{base}/batches/{bid}"],
        input='user = "demo:demo"\n', text=True, check=True,
    )
    return time.perf_counter() - t


def client_upload(base: str, path: Path) -> tuple[float, int]:
    out = subprocess.run([sys.executable, "-c", CHILD, base, str(path)], capture_output=True, text=True, check=True)
    secs, rss_kb = out.stdout.split()
    return float(secs), int(rss_kb)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    if not shutil.which("curl"):
        sys.exit("curl is not installed: no baseline")
    sim = start_sim("--queue-seconds", "1", "--job-seconds", "1")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            big, small = Path(tmp) / "big.pdf", Path(tmp) / "small.pdf"
            make_file(big, args.mb)
            make_file(small, max(1, args.mb // 10))
            curl_runs, runs = [], []
            for _ in range(args.rounds):  # interleaved, so both see the same machine noise
                curl_runs.append(curl_upload(sim.base_url, big))
                runs.append(client_upload(sim.base_url, big))
            curl_t = min(curl_runs)
            ours_t = min(t for t, _ in runs)
            big_rss = max(r for _, r in runs)
            small_rss = max(client_upload(sim.base_url, small)[1] for _ in range(args.rounds))
    finally:
        sim.stop()
    size = args.mb * 1024 * 1024
    print(f"upload of {args.mb} MB to the simulator on loopback (best of {args.rounds})")
    print(f"  curl:        {size / curl_t / 1e6:8.1f} MB/s  ({curl_t:.2f} s)")
    print(f"  BatchClient: {size / ours_t / 1e6:8.1f} MB/s  ({ours_t:.2f} s)")
    print(f"  throughput ratio client/curl: {curl_t / ours_t:.2f}x (target >= 0.9x)")
    print(f"  client peak RSS: {small_rss / 1024:.1f} MB for {max(1, args.mb // 10)} MB, "
          f"{big_rss / 1024:.1f} MB for {args.mb} MB: ratio {big_rss / small_rss:.2f}x (target ~1.0x, flat)")


if __name__ == "__main__":
    main()
