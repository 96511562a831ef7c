"""upload_pdf hashes what it sends, so the send path need not read the PDF again to vouch for it."""

from __future__ import annotations

import asyncio
import hashlib

from c2m_tui.core.client import BatchClient
from tests.conftest import make_pdf
from tests.e2e.test_client_faults import arm


def _upload(sim, pdf) -> str:
    async def go() -> str:
        async with BatchClient(sim.base_url, sim.username, sim.password, backoff=0.05) as client:
            batch = await client.create_batch()
            return await client.upload_pdf(batch.id, pdf)

    return asyncio.run(go())


def test_upload_returns_the_sha256_of_the_bytes_sent(sim, tmp_path):
    pdf = make_pdf(tmp_path / "letters.pdf", 40)
    assert _upload(sim, pdf) == hashlib.sha256(pdf.read_bytes()).hexdigest()


def test_a_retried_upload_returns_the_hash_of_the_attempt_that_landed(sim, tmp_path):
    pdf = make_pdf(tmp_path / "letters.pdf", 40)
    arm(sim, method="PUT", path="pdf", kind="drop-after")  # stored, then the answer is lost: sent again
    assert _upload(sim, pdf) == hashlib.sha256(pdf.read_bytes()).hexdigest()
