"""The simulator's settings: one dataclass shared by the CLI, the embedded runner and tests."""

from __future__ import annotations

from dataclasses import dataclass, field

TRACKING_MODES = ("none", "simulated")
TRACKING_SHAPES = ("official", "details")  # <tracking><mailPiece> (Click2Mail's own) or <trackingDetails>


@dataclass
class SimOptions:
    """How the simulated Batch API behaves.

    ``port=0`` picks a free port (``c2m-tui sim`` defaults to 8025 instead). ``tracking="none"``
    answers every tracking call the way staging does: no data.
    """

    users: dict[str, str] = field(default_factory=lambda: {"demo": "demo"})
    # time the single FIFO intake worker spends on each received batch before its jobs (or errors)
    # show; a batch submitted meanwhile waits, received=false. One with nothing ahead is received at once.
    queue_seconds: float = 3.0
    job_seconds: float = 2.0  # time between job status steps, ORDER_SUBMITTED ... MAILED
    tracking: str = "simulated"  # "none" | "simulated"
    day_seconds: float = 5.0  # one simulated USPS day of scan events
    tracking_shape: str = "official"  # "official" (<mailPiece>, reference §9.1) | "details" (<trackingDetail>)
    fault_rate: float = 0.0  # fraction of /v1 requests that fail (500 or dropped connection)
    latency_ms: int = 0  # added before every /v1 answer
    credit: float = 10000.0  # every user's starting balance for GET /molpro/credit; batches are charged
    allow_negative: bool = False  # the account may go below zero (batches are never refused for credit)
    seed: int | None = None  # makes ids and random faults repeatable
    host: str = "127.0.0.1"
    port: int = 0
    access_log: bool = False  # one short line per /v1 request on stdout (the CLI turns it on)
    # a folder that keeps batches and uploads across runs (see persist.py); None: a temporary
    # folder removed at shutdown, and an empty simulator each start
    state_dir: str | None = None

    def __post_init__(self) -> None:
        if self.tracking not in TRACKING_MODES:
            raise ValueError(f"tracking must be one of {', '.join(TRACKING_MODES)}, not {self.tracking!r}")
        if self.tracking_shape not in TRACKING_SHAPES:
            raise ValueError(f"tracking_shape must be one of {', '.join(TRACKING_SHAPES)}, not {self.tracking_shape!r}")
        if not 0.0 <= self.fault_rate <= 1.0:
            raise ValueError(f"fault_rate must be between 0 and 1, not {self.fault_rate}")
        for name in ("queue_seconds", "job_seconds", "day_seconds", "latency_ms"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if not self.users:
            raise ValueError("at least one user is needed")
