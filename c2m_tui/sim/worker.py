"""The single intake worker: takes submitted batches first in, first out (reference §2, D1).

Each batch occupies the worker for ``queue_seconds``; the batches behind it stay
``submitted=true, received=false``. Then the batch is checked (in a thread: PDFs and XMLs can be
large) and becomes either ``hasErrors=true`` with an ``errorMessage`` or one job per ``<job>``.
"""

from __future__ import annotations

import asyncio
import threading
import time

from c2m_tui.sim.store import BatchStore, SimBatch


class IntakeWorker:
    def __init__(self, store: BatchStore, queue_seconds: float) -> None:
        self.store = store
        self.queue_seconds = queue_seconds
        self._wake = asyncio.Event()
        self._warming: threading.Thread | None = None

    def warm_up(self) -> None:
        """Import the checkers' libraries (pypdf takes ~0.8 s) in the background, once, when the
        first batch is created: by the time it is submitted, intake starts at once. Not at start-up,
        so ``--demo`` shows its first screen without waiting for them."""
        if self._warming is None:
            self._warming = threading.Thread(target=_import_checkers, name="c2m-sim-warm-up", daemon=True)
            self._warming.start()

    def notify(self) -> None:
        """A batch joined the queue."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            if not self.store.pending:
                self._wake.clear()
                await self._wake.wait()
                continue
            batch = self.store.pending[0]
            await asyncio.sleep(self.queue_seconds)
            await self._take(batch)

    async def _take(self, batch: SimBatch) -> None:
        from anyio import to_thread

        from c2m_tui.sim.intake import check_batch

        try:
            result = await to_thread.run_sync(check_batch, batch.xml_path, batch.pdf_path)
            errors, document_name, jobs = result.errors, result.document_name, result.jobs
            message = result.error_message
        except Exception as exc:  # a checker bug must not stop the queue behind this batch
            errors, document_name, jobs = ["internal"], "", []
            message = f"Batch could not be processed: {type(exc).__name__}: {exc}"
        now = time.time()
        self.store.finish_intake(batch, now)
        batch.document_name = document_name or batch.upload_name
        if errors:
            batch.has_errors = True
            batch.error_message = message
            return
        batch.pieces = sum(j.pieces for j in jobs)
        batch.jobs = [
            self.store.new_job(index=j.index, pieces=j.pieces, mail_class=j.mail_class, now=now) for j in jobs
        ]


def _import_checkers() -> None:
    import lxml.etree  # noqa: F401
    import pypdf  # noqa: F401
