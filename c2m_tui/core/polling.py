"""Polling rules: ask again 2 s after an answer, doubling up to 30 s while nothing changes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Backoff:
    first: float = 2.0
    ceiling: float = 30.0
    factor: float = 1.5
    current: float = 0.0

    def next(self, *, changed: bool = False) -> float:
        """Seconds to wait before the next poll; a change resets to ``first``."""
        if changed or self.current == 0.0:
            self.current = self.first
        else:
            self.current = min(self.ceiling, self.current * self.factor)
        return self.current

    def reset(self) -> None:
        self.current = 0.0
