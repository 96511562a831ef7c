"""Batch XML writing: write_batch against a bare lxml xmlfile loop, and memory at 10k vs 1M recipients.

Run: uv run python benchmarks/bench_xml_write.py [--quick]
Targets: time ratio <= 1.3x the bare loop; peak memory flat from 10k to 1M recipients (generator input).
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lxml import etree  # noqa: E402

from c2m_tui.core.batchxml import write_batch  # noqa: E402
from c2m_tui.core.models import Address, Batch, Job, PrintOptions  # noqa: E402

TAGS = ("name", "organization", "address1", "address2", "address3", "city", "state", "postalCode", "country")


class NullSink:
    """A binary file that forgets what it is given, so only the writer is measured."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass


def addresses(n: int):
    for i in range(n):
        yield Address(name=f"Person {i}", organization="", address1=f"{i} Main Street", address2="Apt 4",
                      city="Fairfax Station", state="VA", postal_code="22039", country="US")


def ours(n: int, sink) -> None:
    write_batch(Batch(filename="letters.pdf", jobs=[Job(1, 2, recipients=addresses(n))]), sink)


def _leaf(tag: str, text: str) -> etree._Element:
    el = etree.Element(tag)
    el.text = text
    return el


def bare(n: int, sink) -> None:
    """The same bytes as write_batch (same elements, same indentation), written the plainest way lxml allows:
    no models, no checks, no statistics. main() checks that both outputs are identical."""
    opts = PrintOptions()
    sink.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    with etree.xmlfile(sink, encoding="UTF-8") as xf:
        with xf.element("batch"):
            xf.write("\n  ")
            xf.write(_leaf("filename", "letters.pdf"))
            xf.write("\n  ")
            xf.write(_leaf("appSignature", "c2m-tui"))
            xf.write("\n  ")
            with xf.element("job"):
                xf.write("\n    ")
                xf.write(_leaf("startingPage", "1"))
                xf.write("\n    ")
                xf.write(_leaf("endingPage", "2"))
                xf.write("\n    ")
                ppo = etree.Element("printProductionOptions")
                ppo.text = "\n      "
                for attr, tag in PrintOptions.ELEMENTS:
                    child = etree.SubElement(ppo, tag)
                    child.text = getattr(opts, attr)
                    child.tail = "\n      "
                child.tail = "\n    "
                xf.write(ppo)
                xf.write("\n    ")
                with xf.element("recipients"):
                    sub = etree.SubElement
                    for a in addresses(n):
                        el = etree.Element("address")
                        el.text = "\n        "
                        for tag, value in zip(TAGS, (a.name, a.organization, a.address1, a.address2, a.address3,
                                                     a.city, a.state, a.postal_code, a.country)):
                            child = sub(el, tag)
                            child.text = value
                            child.tail = "\n        "
                        child.tail = "\n      "
                        xf.write("\n      ")
                        xf.write(el)
                    xf.write("\n    ")
                xf.write("\n  ")
            xf.write("\n")
    sink.write(b"\n")


def best_times(funcs, n: int, repeat: int) -> list[float]:
    """Best of ``repeat`` runs each, interleaved so that load from other processes hits both alike."""
    best = [float("inf")] * len(funcs)
    for _ in range(repeat):
        for i, func in enumerate(funcs):
            t = time.perf_counter()
            func(n, NullSink())
            best[i] = min(best[i], time.perf_counter() - t)
    return best


def peak_python_memory(n: int) -> int:
    tracemalloc.start()
    ours(n, NullSink())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def child_rss_kib(n: int) -> int:
    """Max RSS of a fresh process writing n recipients (counts lxml's C memory, which tracemalloc cannot)."""
    code = (f"import sys, resource; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
            f"import bench_xml_write as b; b.ours({n}, b.NullSink()); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    return int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run)")
    args = parser.parse_args()
    speed_n, small, large = (10_000, 1_000, 100_000) if args.quick else (100_000, 10_000, 1_000_000)

    a, b = io.BytesIO(), io.BytesIO()
    ours(50, a)
    bare(50, b)
    assert a.getvalue() == b.getvalue(), "the baseline must write exactly the same bytes"
    base, mine = best_times([bare, ours], speed_n, 5)
    print(f"write {speed_n:,} recipients: write_batch {mine:.3f}s, bare xmlfile loop {base:.3f}s, "
          f"ratio {mine / base:.2f}x (target <= 1.3x)")

    p_small, p_large = peak_python_memory(small), peak_python_memory(large)
    print(f"peak Python memory (tracemalloc): {small:,} recipients {p_small / 1024:.0f} KiB, "
          f"{large:,} recipients {p_large / 1024:.0f} KiB, ratio {p_large / p_small:.2f}x (target: flat, ~1x)")
    r_small, r_large = child_rss_kib(small), child_rss_kib(large)
    print(f"max RSS of a fresh process: {small:,} recipients {r_small / 1024:.1f} MiB, "
          f"{large:,} recipients {r_large / 1024:.1f} MiB, ratio {r_large / r_small:.2f}x")


if __name__ == "__main__":
    main()
