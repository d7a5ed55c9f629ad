"""Slot generation: plain functions over datetimes, no database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise


@dataclass(frozen=True, order=True)
class Interval:
    starts_at: datetime
    ends_at: datetime

    def overlaps(self, other: Interval) -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


def generate_slots(
    starts_at: datetime,
    ends_at: datetime,
    slot_minutes: int,
    *,
    gap_minutes: int = 0,
    breaks: Sequence[Interval] = (),
) -> list[Interval]:
    """Back-to-back slots of ``slot_minutes`` from ``starts_at``, none crossing a break.

    A slot that would run into a break starts again when the break ends; a remainder
    shorter than a slot at the end of the session is left empty, as organisers expect.
    ``gap_minutes`` is the change-over time between two slots (people stand up, move on).
    """
    if slot_minutes <= 0:
        raise ValueError("slot_minutes must be positive")
    if gap_minutes < 0:
        raise ValueError("gap_minutes must not be negative")
    if ends_at <= starts_at:
        return []
    length = timedelta(minutes=slot_minutes)
    gap = timedelta(minutes=gap_minutes)
    ordered = sorted(breaks)
    slots: list[Interval] = []
    cursor = starts_at
    while cursor + length <= ends_at:
        candidate = Interval(cursor, cursor + length)
        blocking = [b for b in ordered if b.overlaps(candidate)]
        if blocking:
            cursor = max(b.ends_at for b in blocking)
            continue
        slots.append(candidate)
        cursor = candidate.ends_at + gap
    return slots


def break_problems(
    starts_at: datetime, ends_at: datetime, breaks: Sequence[Interval]
) -> list[tuple[int, str]]:
    """(index, message) for each break that is empty, outside the session or overlapping."""
    problems: list[tuple[int, str]] = []
    for index, item in enumerate(breaks):
        if item.ends_at <= item.starts_at:
            problems.append((index, "a break must end after it starts"))
        elif item.starts_at < starts_at or item.ends_at > ends_at:
            problems.append((index, "a break must lie inside the session"))
    indexed = sorted(enumerate(breaks), key=lambda pair: pair[1])
    for (_, first), (index, second) in pairwise(indexed):
        if first.overlaps(second):
            problems.append((index, "breaks must not overlap each other"))
    return problems
