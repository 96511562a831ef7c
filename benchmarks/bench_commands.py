"""Whole commands, timed as a user runs them: each ``c2m-tui`` command is a fresh process, measured
from its start to its exit (``os.wait4`` gives its wall time and peak RSS), against a baseline
process doing the same job with the bare libraries, interleaved, medians of ``--rounds`` rounds.

    nice uv run python benchmarks/bench_commands.py [--rounds 3] [--only send,rss,status,...]

Rows (targets from issue 18; benchmarks/README.md holds the last figures):
  send      send of a 150 MB PDF to the simulator       vs curl making the same four calls   >= 0.8x throughput
  rss       peak RSS of send and validate --pdf at 15 MB / 150 MB / 1.5 GB (sparse) PDFs     flat: < 30 MB growth
  status    status ID --json, 100,000 jobs               vs an httpx + lxml + json script    <= 1.3x
  tracking  tracking ID --json, 100,000 scans            vs an httpx + lxml + json script    <= 1.3x
  validate  validate of a 1,000,000-recipient batch XML  vs one bare lxml iterparse pass     <= 2.5x, RSS < 150 MB
  buildxml  build-xml of a 1,000,000-row CSV             vs csv.DictReader + bare lxml writer <= 2x, flat memory
  startup   time to the first screen                     vs a minimal Textual app            <= 1.4x

status and tracking are served by a canned HTTP server on loopback (the simulator cannot hold a
100,000-job batch cheaply); the same bytes go to both the command and its baseline. Generated
inputs are kept in ``--data`` (default /tmp/c2m-bench-data) so later runs skip making them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

PY = sys.executable
C2M = [PY, "-m", "c2m_tui"]
MB = 1024 * 1024


# --------------------------------------------------------------------------- running processes


def run(cmd: list[str], env: dict | None = None, stdout=subprocess.DEVNULL, stdin=None) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one process run to its end; it must exit 0.

    The peak RSS comes from /usr/bin/time: a child's own ``ru_maxrss`` also counts the memory of
    the process it was forked from (Linux keeps the old high-water mark across exec), so measured
    from here every child would look at least as big as this benchmark."""
    with tempfile.NamedTemporaryFile("r") as rss_file:
        t0 = time.perf_counter()
        proc = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss_file.name, *cmd], env=env, stdout=stdout,
                                stderr=subprocess.PIPE, stdin=stdin)
        err = proc.stderr.read()  # small: progress and messages
        proc.wait()
        secs = time.perf_counter() - t0
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(map(str, cmd))[:200]} exited {proc.returncode}:\n{err.decode()[-2000:]}")
        rss_kb = int(rss_file.read().split()[-1])
    return secs, rss_kb / 1024


def interleave(runs: dict[str, callable], rounds: int) -> dict[str, list[tuple[float, float]]]:
    """Each callable once per round, the order flipped every round; returns name -> [(secs, rss_mb)]."""
    out: dict[str, list] = {name: [] for name in runs}
    names = list(runs)
    for r in range(rounds):
        for name in names if r % 2 == 0 else reversed(names):
            out[name].append(runs[name]())
    return out


def med(values) -> float:
    return statistics.median(values)


def line(title: str, ours: list, base: list, target: str, throughput: bool = False) -> None:
    t_ours, t_base = med(t for t, _ in ours), med(t for t, _ in base)
    ratio = t_base / t_ours if throughput else t_ours / t_base
    kind = "throughput" if throughput else "time"
    print(f"{title}: c2m-tui {t_ours:.2f} s (RSS {max(r for _, r in ours):.0f} MB), baseline {t_base:.2f} s "
          f"(RSS {max(r for _, r in base):.0f} MB): {kind} ratio {ratio:.2f}x (target {target}); "
          f"rounds c2m-tui {' '.join(f'{t:.2f}' for t, _ in ours)} | baseline {' '.join(f'{t:.2f}' for t, _ in base)}",
          flush=True)


# --------------------------------------------------------------------------- inputs


def make_pdf(path: Path, size: int, pages: int = 3, sparse: bool = False) -> Path:
    """A valid PDF of about ``size`` bytes (tests/peak_memory.py), made once and kept in --data."""
    from tests.peak_memory import make_big_pdf

    if path.exists() and path.stat().st_size >= size - 4096:
        return path
    return make_big_pdf(path, size, pages, sparse)


def make_batch_xml(path: Path, recipients: int, pages: tuple[int, int] = (1, 3)) -> Path:
    if path.exists():
        return path
    from c2m_tui.core.batchxml import write_batch
    from c2m_tui.core.models import Address, Batch, Job, PrintOptions

    def people():
        for i in range(recipients):
            yield Address(name=f"Person {i}", organization="", address1=f"{i} Main Street", address2="",
                          address3="", city="Springfield", state="VA", postal_code="22039", country="US")

    options = PrintOptions()
    write_batch(Batch(filename="letters.pdf", jobs=[Job(pages[0], pages[1], options, people())]), path)
    return path


# --------------------------------------------------------------------------- send


def sim_env(home: Path) -> dict:
    env = {**os.environ, "C2M_TUI_HOME": str(home), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    for name in ("C2M_USERNAME", "C2M_PASSWORD", "C2M_PROFILE"):
        env.pop(name, None)
    return env


def start_simulator(tmp: Path):
    from tests.conftest import start_sim

    sim_tmp = tmp / "sim"
    sim_tmp.mkdir(exist_ok=True)
    return start_sim("--queue-seconds", "3600", "--job-seconds", "1", env={"TMPDIR": str(sim_tmp)}), sim_tmp


def forget_uploads(sim_tmp: Path) -> None:
    """Drop what the simulator stored, so neither side pays for the other's page cache."""
    for stored in sim_tmp.glob("*/*"):
        if stored.is_file():
            stored.unlink(missing_ok=True)


def send_cmd(base: str, pdf: Path, xml: Path) -> list[str]:
    return [*C2M, "send", "--pdf", str(pdf), "--xml", str(xml), "--yes", "--allow-duplicate",
            "--profile", "demo", "--base-url", base]


def curl_send(base: str, pdf: Path, xml: Path) -> tuple[float, float]:
    """The four calls by curl: create, then PUT PDF, PUT XML and submit on one connection (--next)."""
    t0 = time.perf_counter()
    made = subprocess.run(["curl", "-sS", "-u", "demo:demo", "-X", "POST", f"{base}/batches"],
                          capture_output=True, check=True)
    bid = made.stdout.split(b"<id>")[1].split(b"<")[0].decode()
    url = f"{base}/batches/{bid}"
    rest = ["curl", "-sS", "-f", "-u", "demo:demo", "-o", "/dev/null", "-H", "Expect:",
            "-H", "Content-Type: application/pdf", "-T", str(pdf), url,
            "--next", "-sS", "-f", "-u", "demo:demo", "-o", "/dev/null", "-H", "Content-Type: application/xml",
            "-T", str(xml), url,
            "--next", "-sS", "-f", "-u", "demo:demo", "-o", "/dev/null", "-X", "POST", url]
    secs, rss = run(rest)
    return time.perf_counter() - t0, rss


def bench_send(data: Path, rounds: int) -> None:
    pdf = make_pdf(data / "150mb.pdf", 150 * MB)
    xml = make_batch_xml(data / "send.xml", 3)
    with tempfile.TemporaryDirectory(dir=data) as tmp:
        tmp = Path(tmp)
        sim, sim_tmp = start_simulator(tmp)
        env = sim_env(tmp / "home")
        try:
            def ours():
                forget_uploads(sim_tmp)
                return run(send_cmd(sim.base_url, pdf, xml), env)

            def curl():
                forget_uploads(sim_tmp)
                return curl_send(sim.base_url, pdf, xml)

            ours(), curl()  # warm the page cache and byte code
            res = interleave({"ours": ours, "curl": curl}, rounds)
        finally:
            sim.stop()
    line("send, 150 MB PDF, 3 recipients", res["ours"], res["curl"], ">= 0.8x", throughput=True)


def bench_rss(data: Path, rounds: int) -> None:
    sizes = [(15, False), (150, False), (1536, True)]
    pdfs = {mb: make_pdf(data / f"{mb}mb{'-sparse' if sparse else ''}.pdf", mb * MB, sparse=sparse)
            for mb, sparse in sizes}
    xml = make_batch_xml(data / "send.xml", 3)
    with tempfile.TemporaryDirectory(dir=data) as tmp:
        tmp = Path(tmp)
        sim, sim_tmp = start_simulator(tmp)
        env = sim_env(tmp / "home")
        rss: dict[tuple[str, int], list] = {}
        try:
            for _ in range(max(1, rounds - 1)):
                for mb, pdf in pdfs.items():
                    forget_uploads(sim_tmp)
                    rss.setdefault(("send", mb), []).append(run(send_cmd(sim.base_url, pdf, xml), env))
                    rss.setdefault(("validate --pdf", mb), []).append(
                        run([*C2M, "validate", str(xml), "--pdf", str(pdf)], env))
        finally:
            sim.stop()
    for cmd in ("send", "validate --pdf"):
        figures = {mb: max(r for _, r in rss[(cmd, mb)]) for mb in pdfs}
        times = {mb: med(t for t, _ in rss[(cmd, mb)]) for mb in pdfs}
        growth = max(figures.values()) - min(figures.values())
        print(f"peak RSS of {cmd}: " + ", ".join(f"{mb} MB PDF {figures[mb]:.0f} MB ({times[mb]:.2f} s)"
                                                   for mb in pdfs)
              + f": growth {growth:.0f} MB (target < 30 MB)", flush=True)


# --------------------------------------------------------------------------- status, tracking

CANNED_SERVER = r"""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
status, tracking = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        body = tracking if "/tracking" in self.path else status
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
print(srv.server_address[1], flush=True)
srv.serve_forever()
"""

BASELINE_STATUS = r"""
import io, json, sys
import httpx
from lxml import etree
r = httpx.get(sys.argv[1] + "/batches/91777", auth=("demo", "demo"))
r.raise_for_status()
JOB = ("jobId", "jobIndex", "jobStatus", "errorMessage", "invoice", "mailingDate", "submittedDate")
jobs, top = [], {}
for _, el in etree.iterparse(io.BytesIO(r.content), events=("end",)):
    if el.tag == "jobs":
        t = {c.tag: (c.text or "").strip() for c in el}
        jobs.append({k: t.get(k) for k in JOB})
        el.clear()
    elif el.getparent() is not None and el.getparent().tag == "batchjob":
        top[el.tag] = (el.text or "").strip()
out = {"id": top["id"], "createdAt": top.get("createdAt"), "errorMessage": top.get("errorMessage", ""),
       "hasErrors": top.get("hasErrors") == "true", "received": top.get("received") == "true",
       "submitted": top.get("submitted") == "true", "completedAt": top.get("completedAt") or None,
       "status": top.get("status"), "jobs": jobs}
sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
"""

BASELINE_TRACKING = r"""
import io, json, sys
import httpx
from lxml import etree
r = httpx.get(sys.argv[1] + "/batches/91777/tracking", params={"trackingType": "IMB"}, auth=("demo", "demo"))
r.raise_for_status()
rows = []
for _, el in etree.iterparse(io.BytesIO(r.content), events=("end",), tag="trackingDetail"):
    t = {c.tag: (c.text or "").strip() for c in el}
    rows.append({"barCode": t.get("barCode", ""), "status": t.get("status", ""), "dateTime": t.get("dateTime", ""),
                 "statusLocation": t.get("statusLocation", "")})
    el.clear()
from email.utils import parsedate_to_datetime
out = {"available": True, "message": "Success", "trackingType": "IMB", "trackingDetails": rows,
       "shape": "trackingDetail", "asOf": parsedate_to_datetime(r.headers["date"]).isoformat(timespec="seconds")}
sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
"""


def tracking_xml(scans: int) -> bytes:
    """The ``<trackingDetails>`` shape (the one the baseline script reads), two scans a piece."""
    from c2m_tui.sim.render import tracking_head, tracking_scan, tracking_tail

    rows = "".join(tracking_scan("details", {"barCode": f"{i // 2:031d}",
                                             "status": "Processed" if i % 2 else "Accepted",
                                             "dateTime": f"2024-05-0{1 + i % 2}T10:00:00",
                                             "statusLocation": "SPRINGFIELD VA 22039"}) for i in range(scans))
    return tracking_head("details") + rows.encode() + tracking_tail("details")


def bench_status_tracking(data: Path, rounds: int, which: tuple[str, ...]) -> None:
    import json

    from bench_status_parse import status_xml

    status_file, tracking_file = data / "status-100k.xml", data / "tracking-100k.xml"
    if not status_file.exists():
        status_file.write_bytes(status_xml(100_000))
    if not tracking_file.exists():
        tracking_file.write_bytes(tracking_xml(100_000))
    server = subprocess.Popen([PY, "-c", CANNED_SERVER, str(status_file), str(tracking_file)],
                              stdout=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{server.stdout.readline().strip()}/v1"
        with tempfile.TemporaryDirectory(dir=data) as tmp:
            env = sim_env(Path(tmp) / "home")
            cases = {"status": ([*C2M, "status", "91777", "--json"], BASELINE_STATUS),
                     "tracking": ([*C2M, "tracking", "91777", "--json"], BASELINE_TRACKING)}
            for name in which:
                cmd, script = cases[name]
                cmd = [*cmd, "--profile", "demo", "--base-url", base]
                outs = []
                for argv in (cmd, [PY, "-c", script, base]):  # same JSON from both (checked once, not timed)
                    with open(Path(tmp) / "out.json", "w+b") as fh:
                        run(argv, env, stdout=fh)
                        fh.seek(0)
                        outs.append(json.load(fh))
                for out in outs:
                    out.pop("asOf", None)  # the server's clock: the two runs may be a second apart
                if outs[0] != outs[1]:
                    raise SystemExit(f"{name}: the baseline's JSON differs from c2m-tui's")
                res = interleave({"ours": lambda: run(cmd, env), "base": lambda: run([PY, "-c", script, base], env)},
                                 rounds)
                line(f"{name} --json, 100,000 {'jobs' if name == 'status' else 'scans'}", res["ours"], res["base"],
                     "<= 1.3x")
    finally:
        server.terminate()
        server.wait()


# --------------------------------------------------------------------------- validate, build-xml

BARE_ITERPARSE = r"""
import sys
from lxml import etree
n = 0
for _, el in etree.iterparse(sys.argv[1], events=("end",), tag="address"):
    n += 1
    el.clear()
    while el.getprevious() is not None:
        del el.getparent()[0]
print(n)
"""


def bench_validate(data: Path, rounds: int) -> None:
    xml = make_batch_xml(data / "validate-1m.xml", 1_000_000)
    env = sim_env(data / "home")
    res = interleave({"ours": lambda: run([*C2M, "validate", str(xml)], env),
                      "base": lambda: run([PY, "-c", BARE_ITERPARSE, str(xml)], env)}, rounds)
    line(f"validate, 1,000,000 recipients ({xml.stat().st_size / MB:.0f} MB)", res["ours"], res["base"],
         "<= 2.5x, RSS < 150 MB")


BASELINE_BUILD = r"""
import sys
sys.path.insert(0, sys.argv[3])
from pathlib import Path
from bench_addresses import baseline
print(baseline(Path(sys.argv[1]), Path(sys.argv[2])))
"""


def bench_build_xml(data: Path, rounds: int) -> None:
    from bench_addresses import make_csv

    src = data / "addresses-1m.csv"
    if not src.exists():
        make_csv(src, 1_000_000)
    small = data / "addresses-10k.csv"
    if not small.exists():
        make_csv(small, 10_000)
    pdf = make_pdf(data / "2page.pdf", 4096, pages=2)
    env = sim_env(data / "home")
    with tempfile.TemporaryDirectory(dir=data) as tmp:
        out = Path(tmp) / "out.xml"

        def cmd(csv: Path) -> list[str]:
            return [*C2M, "build-xml", "--addresses", str(csv), "--pdf", str(pdf), "--same-pages", "1-2",
                    "-o", str(out)]

        res = interleave({"ours": lambda: run(cmd(src), env),
                          "base": lambda: run([PY, "-c", BASELINE_BUILD, str(src), str(out), str(REPO / "benchmarks")],
                                              env)}, rounds)
        small_rss = run(cmd(small), env)[1]
    line(f"build-xml, 1,000,000 CSV rows ({src.stat().st_size / MB:.0f} MB)", res["ours"], res["base"], "<= 2x")
    print(f"  build-xml peak RSS: 10,000 rows {small_rss:.0f} MB, 1,000,000 rows "
          f"{max(r for _, r in res['ours']):.0f} MB", flush=True)


# --------------------------------------------------------------------------- startup


def bench_startup(rounds: int) -> None:
    import bench_startup as bs

    home = tempfile.mkdtemp(prefix="c2m-bench-")
    env = sim_env(Path(home))
    env.pop("C2M_THEME", None)
    children = {"ours": bs.C2M_CHILD.format(repo=str(REPO)), "base": bs.MINIMAL_CHILD}
    for code in children.values():
        bs.run_child(code, env)
    runs = max(rounds, 5)  # cheap, and noisier than the rest
    res = interleave({name: (lambda code=code: (bs.run_child(code, env), 0.0)) for name, code in children.items()},
                     runs)
    shutil.rmtree(home, ignore_errors=True)
    line("time to the first screen", res["ours"], res["base"], "<= 1.4x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", default="send,rss,status,tracking,validate,buildxml,startup")
    ap.add_argument("--data", default="/tmp/c2m-bench-data", help="where generated inputs are kept")
    args = ap.parse_args()
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    only = args.only.split(",")
    if "send" in only:
        bench_send(data, args.rounds)
    if "rss" in only:
        bench_rss(data, args.rounds)
    picked = tuple(n for n in ("status", "tracking") if n in only)
    if picked:
        bench_status_tracking(data, args.rounds, picked)
    if "validate" in only:
        bench_validate(data, args.rounds)
    if "buildxml" in only:
        bench_build_xml(data, args.rounds)
    if "startup" in only:
        bench_startup(args.rounds)


if __name__ == "__main__":
    main()
