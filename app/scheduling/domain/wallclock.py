"""The wall-clock limit of a solve: a safety net under its budgets of counted work.

Every phase's effort is counted work (CP-SAT's deterministic time, CaDiCaL's conflicts,
search nodes), so the same input and time limit give the same schedule on a machine fast
enough to do that work: the budgets are set to take about two thirds of the limit on a
2-core machine (the hardest published one-day sessions 20-24 s of 30). On a slower machine
the work takes longer (a 2-core VM at about half that speed took 37-58 s for a 30 s limit
on the hardest five), so every CP-SAT and SAT search also stops at a deadline
(solver.WALL_LIMIT_FACTOR times the limit; those of the one-day breaks search,
breaks.exact_breaks, each at its share of the time left), with the best it found: the wall
time stays bounded, and the schedule then depends on the machine's speed. Where a search
stops, what it found so far is kept, never a half-made placement.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Deadline:
    """A moment on the monotonic clock (``math.inf``: no wall-clock limit)."""

    at: float = math.inf

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + max(seconds, 0.0))

    def left(self) -> float:
        """Seconds until the deadline (0 once it has passed; ``math.inf`` without one)."""
        return max(self.at - time.monotonic(), 0.0)

    def part(self, share: float) -> Deadline:
        """The deadline of a step given ``share`` of the time left (none without one)."""
        return Deadline.after(share * self.left())

    @property
    def passed(self) -> bool:
        return self.left() <= 0.0

    def cap(self, params: Any) -> None:
        """CP-SAT's parameters (``SatParameters``) also stop at the deadline: a safety net
        only, on a machine fast enough its deterministic limit ends the search first."""
        if self.at < math.inf:
            params.max_time_in_seconds = max(self.left(), 0.01)


NO_DEADLINE = Deadline()
