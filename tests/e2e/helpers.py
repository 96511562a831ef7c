"""Running the real CLI in a subprocess against a simulator, as a script would."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def last_line(self) -> str:
        lines = [l for l in self.out.splitlines() if l.strip()]
        return lines[-1] if lines else ""


def run_cli(*args: str, sim=None, env: dict | None = None, stdin: str | None = None, timeout: float = 60) -> Result:
    full_env = {**os.environ}
    if sim is not None:
        full_env.update({"C2M_USERNAME": sim.username, "C2M_PASSWORD": sim.password})
        args = (*args, "--base-url", sim.base_url)
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "c2m_tui", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=stdin if stdin is not None else "",
        timeout=timeout,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout, proc.stdout
    return Result(proc.returncode, proc.stdout, proc.stderr)
