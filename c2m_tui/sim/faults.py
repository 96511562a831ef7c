"""Failures on purpose: random (``--fault-rate``) or armed by a test (``POST /__sim__/faults``).

Kinds:
- ``500-before``: the server answers 500 and nothing happened;
- ``500-after``: the call took effect, then the answer is a 500 (the ambiguous case a client must
  resolve by reading the batch's status, never by blindly repeating a submit);
- ``drop-before``: the connection is closed with no answer and nothing happened (for an upload:
  after part of the body was read);
- ``drop-after``: the call took effect, then the connection is closed with no answer;
- ``delay``: the answer comes ``delay_ms`` late.
"""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass

FAULT_KINDS = ("500-before", "500-after", "drop-before", "drop-after", "delay")
RANDOM_KINDS = ("500-before", "500-after", "drop-before", "drop-after")
OPERATIONS = ("create", "pdf", "xml", "upload", "submit", "status", "details", "tracking", "other")
METHODS = ("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH")

_BATCH_PATH = re.compile(r"^/v1/batches/([^/]+)(/details|/tracking)?/?$")


def operation(method: str, path: str, content_type: str) -> str:
    """The name a fault uses for a /v1 call: create, pdf, xml, upload (other type), submit,
    status, details, tracking, or other."""
    if path.rstrip("/") == "/v1/batches":
        return "create" if method == "POST" else "other"
    match = _BATCH_PATH.match(path)
    if match is None:
        return "other"
    suffix = match.group(2)
    if suffix:
        return suffix[1:] if method == "GET" else "other"
    if method == "PUT":
        media = content_type.split(";", 1)[0].strip().lower()
        return {"application/pdf": "pdf", "application/xml": "xml"}.get(media, "upload")
    return {"POST": "submit", "GET": "status"}.get(method, "other")


@dataclass
class ArmedFault:
    kind: str
    method: str | None = None  # None: any method
    path: str | None = None  # an operation name; "upload" matches pdf and xml too; None: any
    count: int = 1
    delay_ms: int = 0

    def matches(self, method: str, op: str) -> bool:
        if self.method is not None and self.method != method:
            return False
        if self.path is None or self.path == op:
            return True
        return self.path == "upload" and op in ("pdf", "xml")

    @classmethod
    def from_json(cls, data: object) -> "ArmedFault":
        """Validate a ``POST /__sim__/faults`` body; ValueError says what is wrong."""
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object")
        unknown = set(data) - {"kind", "method", "path", "count", "delay_ms"}
        if unknown:
            raise ValueError(f"unknown field(s): {', '.join(sorted(unknown))}")
        kind = data.get("kind")
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(FAULT_KINDS)}")
        method = data.get("method")
        if method in (None, "*"):
            method = None
        elif not isinstance(method, str) or method.upper() not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)} or '*'")
        else:
            method = method.upper()
        path = data.get("path")
        if path in (None, "*"):
            path = None
        elif path not in OPERATIONS:
            raise ValueError(f"path must be one of {', '.join(OPERATIONS)} or '*'")
        count, delay_ms = data.get("count", 1), data.get("delay_ms", 0)
        for name, value in (("count", count), ("delay_ms", delay_ms)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{name} must be a whole number of 0 or more")
        if count < 1:
            raise ValueError("count must be 1 or more")
        return cls(kind=kind, method=method, path=path, count=count, delay_ms=delay_ms)

    def to_json(self) -> dict:
        return asdict(self)


class FaultPlan:
    """Armed faults first (in arming order, each used ``count`` times), then the random rate."""

    def __init__(self, rate: float, rng: random.Random) -> None:
        self.rate = rate
        self.rng = rng
        self.armed: list[ArmedFault] = []

    def arm(self, fault: ArmedFault) -> None:
        self.armed.append(fault)

    def clear(self) -> None:
        self.armed.clear()

    def pick(self, method: str, op: str) -> ArmedFault | None:
        for fault in self.armed:
            if fault.matches(method, op):
                fault.count -= 1
                if fault.count <= 0:
                    self.armed.remove(fault)
                return fault
        if self.rate > 0 and self.rng.random() < self.rate:
            return ArmedFault(kind=self.rng.choice(RANDOM_KINDS))
        return None
