"""Progress of a send on stderr: one line a step; the upload as a percentage with throughput."""

from __future__ import annotations

import time
from typing import TextIO

STEP_WORDS = {
    "create": "create the batch",
    "pdf": "upload the PDF",
    "xml": "upload the batch XML",
    "submit": "submit",
}


class StepPrinter:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self._started = 0.0
        self._last_pct = -1

    def step(self, step: str, state: str, detail: str = "") -> None:
        words = STEP_WORDS.get(step, step)
        if self.tty and self._last_pct >= 0:
            self.stream.write("\n")
        self._last_pct = -1
        suffix = f": {detail}" if detail else ""
        self.stream.write(f"[{step}] {words}: {state}{suffix}\n")
        self.stream.flush()
        if state == "start":
            self._started = time.monotonic()

    def progress(self, sent: int, total: int) -> None:
        pct = 100 if total == 0 else int(sent * 100 / total)
        step = 1 if self.tty else 10
        if pct // step == self._last_pct // step and sent != total:
            return
        self._last_pct = pct
        elapsed = max(time.monotonic() - self._started, 1e-6)
        rate = sent / elapsed
        eta = (total - sent) / rate if rate > 0 else 0.0
        from c2m_tui.core.preflight import human_size  # "24.0 KB", never "0.0/0.0 MB"

        line = f"  {pct:3d}%  {human_size(sent)} of {human_size(total)}  {human_size(rate)}/s  ETA {eta:.0f} s"
        if self.tty:
            self.stream.write("\r" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
