"""Everything one running simulator holds, reachable from a request as ``request.app.state.sim``."""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from decimal import Decimal
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from c2m_tui.sim.connections import ConnectionRegistry
from c2m_tui.sim.faults import FaultPlan
from c2m_tui.sim.molpro import Ledger
from c2m_tui.sim.options import SimOptions
from c2m_tui.sim.store import BatchStore
from c2m_tui.sim.worker import IntakeWorker


@dataclass
class SimContext:
    options: SimOptions
    workdir: Path  # uploaded PDFs and XMLs, removed at shutdown (kept with a state_dir)
    store: BatchStore
    faults: FaultPlan
    connections: ConnectionRegistry
    worker: IntakeWorker
    ledger: Ledger = field(default_factory=Ledger)
    proofs: list = field(default_factory=list)  # (job id, when) per proof made; its id is its place + 1
    molpro_answers: list = field(default_factory=list)  # canned /molpro answers (POST /__sim__/molpro)
    molpro_calls: dict = field(default_factory=dict)  # route name -> calls answered (GET /__sim__/state)
    started_at: float = field(default_factory=time.time)  # anchors the simulated USPS calendar

    @classmethod
    def create(cls, options: SimOptions) -> "SimContext":
        rng = random.Random(options.seed)
        if options.state_dir:
            workdir = Path(options.state_dir) / "uploads"
            workdir.mkdir(parents=True, exist_ok=True)
        else:
            workdir = Path(tempfile.mkdtemp(prefix="c2m-sim-"))
        store = BatchStore(workdir, random.Random(rng.random()))
        ledger = Ledger(Decimal(str(options.credit)).quantize(Decimal("0.01")), options.allow_negative)
        started_at = None
        if options.state_dir:
            from c2m_tui.sim.persist import load

            started_at = load(store, Path(options.state_dir), ledger.balances)  # the credit spent stays spent
        context = cls(
            options=options,
            workdir=workdir,
            store=store,
            faults=FaultPlan(options.fault_rate, random.Random(rng.random())),
            connections=ConnectionRegistry(),
            worker=IntakeWorker(store, options.queue_seconds, ledger),
            ledger=ledger,
        )
        if started_at is not None:
            context.started_at = started_at
        if options.state_dir:
            context.worker.on_change = context.persist
        else:  # uploads go even when the server never reaches its shutdown (a forced exit)
            weakref.finalize(context, shutil.rmtree, workdir, True)
        return context

    def persist(self) -> None:
        """Save the state (with a state_dir; otherwise nothing to do)."""
        if self.options.state_dir:
            from c2m_tui.sim.persist import save

            save(self.store, self.started_at, Path(self.options.state_dir), self.ledger.balances)

    def remove_files(self) -> None:
        """At shutdown: a temporary folder goes; a kept state is saved once more."""
        if self.options.state_dir:
            self.persist()
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)
