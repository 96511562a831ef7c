"""The single intake worker: takes submitted batches first in, first out (reference §2, D1).

A batch submitted while the worker is free is received at once (the store does that in the
submit call itself). The worker then holds it for ``queue_seconds`` while it is checked (in a
thread: PDFs and XMLs can be large), and it becomes either ``hasErrors=true`` with an
``errorMessage`` or one job per ``<job>``. Batches submitted meanwhile wait behind it,
``submitted=true, received=false``: ``queue_seconds`` is what each batch ahead costs them.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Callable

from c2m_tui.sim.store import BatchStore, SimBatch


class IntakeWorker:
    def __init__(self, store: BatchStore, queue_seconds: float, ledger=None) -> None:
        self.store = store
        self.ledger = ledger  # molpro.Ledger: the batch's price is taken from its owner's credit
        self.queue_seconds = queue_seconds
        self._wake = asyncio.Event()
        self._warming: threading.Thread | None = None
        self.on_change: Callable[[], None] | None = None  # after each intake (a kept state saves itself)

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
            batch = self.store.in_intake
            if batch is None:
                self._wake.clear()
                await self._wake.wait()
                continue
            await self._take(batch)

    async def _take(self, batch: SimBatch) -> None:
        from anyio import to_thread

        from c2m_tui.sim.intake import check_batch

        hold = asyncio.ensure_future(asyncio.sleep(self.queue_seconds))  # the check's time counts in it
        try:
            try:
                result = await to_thread.run_sync(check_batch, batch.xml_path, batch.pdf_path)
                errors, document_name, jobs = result.errors, result.document_name, result.jobs
                message = result.error_message
            except Exception as exc:  # a checker bug must not stop the queue behind this batch
                errors, document_name, jobs = ["internal"], "", []
                message = f"Batch could not be processed: {type(exc).__name__}: {exc}"
            await hold
        finally:
            hold.cancel()  # shutting down: do not sit out the rest of queue_seconds
        now = time.time()
        batch.document_name = document_name or batch.upload_name
        if not errors and self.ledger is not None:
            errors, message = self._charge(batch, jobs)
        if errors:
            batch.has_errors = True
            batch.error_message = message
        else:
            batch.pieces = sum(j.pieces for j in jobs)
            batch.jobs = [
                self.store.new_job(index=j.index, pieces=j.pieces, mail_class=j.mail_class, now=now,
                                   cost=j.cost, international=j.international, options=j.options,
                                   start_page=j.start_page, end_page=j.end_page, first_address=j.first_address)
                for j in jobs
            ]
        self.store.finish_intake(batch, now)  # and the next waiting batch is received
        if self.on_change is not None:
            self.on_change()


    def _charge(self, batch: SimBatch, jobs) -> tuple[list[str], str]:
        """Take the batch's price (the sum of its jobs') from the owner's credit: ([], "") when paid,
        else the batch's error [INFERRED: the words of Click2Mail's refusal are not known]."""
        from decimal import Decimal

        total = sum((Decimal(j.cost) for j in jobs), Decimal("0"))
        balance = self.ledger.balance(batch.owner)
        if self.ledger.charge(batch.owner, total):
            return [], ""
        return ["credit"], f"Insufficient credit: the batch costs ${total:.2f} and the balance is ${balance:.2f}."


def _import_checkers() -> None:
    import lxml.etree  # noqa: F401
    import pypdf  # noqa: F401
