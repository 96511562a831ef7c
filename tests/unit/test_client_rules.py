"""Client rules that need no server: base URLs, batch ids, status phases, backoff."""

from __future__ import annotations

import subprocess
import sys

import pytest

from c2m_tui.core import errors as E
from c2m_tui.core.client import _bid, check_base_url
from c2m_tui.core.models import BatchStatus, JobStatus
from c2m_tui.core.polling import Backoff


def test_https_and_loopback_http_are_accepted():
    assert check_base_url("https://stage-batch.click2mail.com/v1/") == "https://stage-batch.click2mail.com/v1"
    assert check_base_url("http://127.0.0.1:8025/v1") == "http://127.0.0.1:8025/v1"
    assert check_base_url("http://localhost:8025/v1")


@pytest.mark.parametrize("url", ["http://batch.click2mail.com/v1", "ftp://x/v1", "batch.click2mail.com", ""])
def test_plain_http_to_a_remote_host_and_junk_are_refused(url):
    with pytest.raises(E.UsageError):
        check_base_url(url)


@pytest.mark.parametrize("bad", ["", "12a", "../1", "1/details", "-3"])
def test_batch_ids_are_numbers(bad):
    with pytest.raises(E.UsageError):
        _bid(bad)
    assert _bid(" 91802 ") == "91802"


def status(**kw) -> BatchStatus:
    return BatchStatus(id="1", **kw)


def test_phases_in_plain_words():
    assert status().phase == "created"
    queued = status(submitted=True)
    assert queued.phase == "queued" and "in the order they came" in queued.describe()
    assert status(submitted=True, received=True).phase == "processing"
    mailed = status(submitted=True, received=True, jobs=[JobStatus("7", job_status="MAILED")])
    assert mailed.phase == "mailed" and mailed.done
    failed = status(submitted=True, has_errors=True, error_message="Invalid page range")
    assert failed.phase == "failed" and "Invalid page range" in failed.describe()
    mixed = status(
        submitted=True, received=True,
        jobs=[JobStatus("1", job_status="MAILED"), JobStatus("2", job_status="IN_PRODUCTION")],
    )
    assert mixed.phase == "processing" and "1 IN_PRODUCTION, 1 MAILED" in mixed.describe()


def test_status_json_uses_the_servers_element_names():
    data = status(submitted=True, jobs=[JobStatus("7", job_index="1", job_status="MAILED")]).to_json()
    assert {"id", "submitted", "received", "hasErrors", "errorMessage", "jobs"} <= set(data)
    assert data["jobs"][0] == {
        "jobId": "7", "jobIndex": "1", "jobStatus": "MAILED", "errorMessage": None,
        "invoice": None, "mailingDate": None, "submittedDate": None,
    }


def test_backoff_starts_at_2s_and_stops_growing_at_30s():
    b = Backoff()
    waits = [b.next() for _ in range(12)]
    assert waits[0] == 2.0
    assert waits == sorted(waits) and waits[-1] == 30.0
    assert b.next(changed=True) == 2.0


def test_core_does_not_import_textual():
    code = (
        "import sys, c2m_tui.core.client, c2m_tui.core.models, c2m_tui.commands.status, c2m_tui.cli;"
        "c2m_tui.cli.build_parser();"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'c2m_tui.sim') or m.startswith('c2m_tui.tui')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
