"""Plain data for the B2B meeting scheduling problem and its solution.

The problem refers to slots, tables, participants and meetings by position (int index) so that
the algorithms can use flat lists; ids are kept next to the positions for the outside world.

Semantics that the file format leaves open, decided here once for every algorithm:

- Slots are listed in time order; the order defines "between" for idle gaps. A slot id is the
  unit of conflict: a participant is in at most one meeting per slot.
- A table that is some participant's fixed ``table`` is reserved: only meetings of a
  participant who owns it may sit there, and such a meeting must sit there. A meeting whose
  participants own two different tables cannot be scheduled.
- Tables that nobody owns are interchangeable; only their number per slot matters to the slot
  phase, and concrete tables are chosen afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class ProblemError(ValueError):
    """The input is not a valid problem; the message names the offending item."""


@dataclass(frozen=True, slots=True)
class Slot:
    id: str
    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True, slots=True)
class Table:
    id: str


@dataclass(frozen=True, slots=True)
class Participant:
    id: str
    unavailable: frozenset[int] = frozenset()
    max_meetings: int | None = None
    group: str | None = None
    table: int | None = None


@dataclass(frozen=True, slots=True)
class Lock:
    slot: int
    table: int


@dataclass(frozen=True, slots=True)
class Meeting:
    id: str
    participants: tuple[int, ...]
    priority: int = 1
    allowed_slots: frozenset[int] | None = None
    lock: Lock | None = None


@dataclass(frozen=True, slots=True)
class Placement:
    """A meeting at a slot and table, by index (used for `current`)."""

    meeting: int
    slot: int
    table: int


@dataclass(frozen=True, slots=True)
class Problem:
    slots: tuple[Slot, ...]
    tables: tuple[Table, ...]
    participants: tuple[Participant, ...]
    meetings: tuple[Meeting, ...]
    current: tuple[Placement, ...] = ()
    time_limit_s: float | None = None


@dataclass(frozen=True, slots=True)
class Assignment:
    """A scheduled meeting, by id, as published."""

    meeting: str
    slot: str
    table: str


@dataclass(frozen=True, slots=True)
class Stats:
    scheduled: int
    priority_sum: int
    upper_bound: int
    moved: int
    table_changes: int
    idle_gaps: int
    solve_s: float
    optimal: bool
    # objective 2: a proven lower bound on `moved` at this priority sum (= moved if unknown)
    moves_lower_bound: int = 0
    # objective 3 as the literature counts it: per participant and day, the runs of idle
    # slots between their first and last meeting
    breaks: int = 0
    # the same before the days were compacted (at the same priority and moves): for benches
    breaks_before: int = 0


@dataclass(frozen=True, slots=True)
class Solution:
    assignments: tuple[Assignment, ...]
    unscheduled: tuple[str, ...]
    stats: Stats
    # Why each unscheduled meeting is out, in words an organiser can act on.
    reasons: dict[str, str] = field(default_factory=dict)
    # The same as data: {"code": "no_common_slot" | "cap" | "slots_taken" | ..., ...}.
    reason_details: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "assignments": [
                {"meeting": a.meeting, "slot": a.slot, "table": a.table} for a in self.assignments
            ],
            "unscheduled": list(self.unscheduled),
            "reasons": dict(self.reasons),
            "stats": {
                "scheduled": self.stats.scheduled,
                "priority_sum": self.stats.priority_sum,
                "upper_bound": self.stats.upper_bound,
                "moved": self.stats.moved,
                "table_changes": self.stats.table_changes,
                "idle_gaps": self.stats.idle_gaps,
                "solve_s": self.stats.solve_s,
                "optimal": self.stats.optimal,
                "moves_lower_bound": self.stats.moves_lower_bound,
                "breaks": self.stats.breaks,
            },
        }
