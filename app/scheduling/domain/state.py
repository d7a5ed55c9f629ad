"""The slot phase's view of a problem and a mutable, undoable meeting -> slot schedule.

Tables are reduced to capacities here: a meeting either needs one reserved table (its
participants' fixed table) or one of the interchangeable "pool" tables. Concrete pool tables
are chosen later (tables.py), which is always possible while the count per slot fits.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Problem

POOL = -1
NO_TABLE = -2  # participants own two different tables: the meeting cannot sit anywhere


@dataclass(frozen=True, slots=True)
class Instance:
    problem: Problem
    n_slots: int
    n_participants: int
    parts: tuple[tuple[int, ...], ...]
    weight: tuple[int, ...]
    # slots a meeting may take, ignoring other meetings; a locked meeting has only its lock
    feasible: tuple[tuple[int, ...], ...]
    kind: tuple[int, ...]  # POOL, NO_TABLE or the reserved table index
    cap: tuple[int, ...]  # per participant, max_meetings or the number of slots
    room: tuple[int, ...]  # per participant, min(cap, slots in which they are available)
    locked: tuple[bool, ...]
    pool_tables: tuple[int, ...]
    pool_cap: tuple[int, ...]  # per slot: pool tables not taken by locked meetings
    meetings_of: tuple[tuple[int, ...], ...]
    current_slot: tuple[int, ...]  # -1 when not published
    current_table: tuple[int, ...]


def build_instance(problem: Problem) -> Instance:
    n_slots = len(problem.slots)
    people = problem.participants
    reserved = {p.table for p in people if p.table is not None}
    pool_tables = tuple(t for t in range(len(problem.tables)) if t not in reserved)
    pool_cap = [len(pool_tables)] * n_slots
    meetings_of: list[list[int]] = [[] for _ in people]
    feasible: list[tuple[int, ...]] = []
    kind: list[int] = []
    for m, meeting in enumerate(problem.meetings):
        owned = {t for p in meeting.participants if (t := people[p].table) is not None}
        k = POOL if not owned else (owned.pop() if len(owned) == 1 else NO_TABLE)
        kind.append(k)
        for p in meeting.participants:
            meetings_of[p].append(m)
        if meeting.lock is not None:
            feasible.append((meeting.lock.slot,))
            if meeting.lock.table not in reserved:
                pool_cap[meeting.lock.slot] -= 1
            continue
        if k == NO_TABLE:
            feasible.append(())
            continue
        blocked: set[int] = set()
        for p in meeting.participants:
            blocked |= people[p].unavailable
        allowed = meeting.allowed_slots
        feasible.append(
            tuple(
                s for s in range(n_slots) if s not in blocked and (allowed is None or s in allowed)
            )
        )
    caps = tuple(n_slots if p.max_meetings is None else p.max_meetings for p in people)
    current_slot = [-1] * len(problem.meetings)
    current_table = [-1] * len(problem.meetings)
    for placement in problem.current:
        current_slot[placement.meeting] = placement.slot
        current_table[placement.meeting] = placement.table
    return Instance(
        problem=problem,
        n_slots=n_slots,
        n_participants=len(people),
        parts=tuple(m.participants for m in problem.meetings),
        weight=tuple(m.priority for m in problem.meetings),
        feasible=tuple(feasible),
        kind=tuple(kind),
        cap=caps,
        room=tuple(min(c, n_slots - len(p.unavailable)) for c, p in zip(caps, people, strict=True)),
        locked=tuple(m.lock is not None for m in problem.meetings),
        pool_tables=pool_tables,
        pool_cap=tuple(pool_cap),
        meetings_of=tuple(tuple(ms) for ms in meetings_of),
        current_slot=tuple(current_slot),
        current_table=tuple(current_table),
    )


class Schedule:
    """Meeting -> slot with occupancy indexes; every change is logged so it can be undone."""

    __slots__ = (
        "busy",
        "fixed_busy",
        "inst",
        "load",
        "log",
        "pool_used",
        "slot_of",
        "total",
    )

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        n_slots = inst.n_slots
        self.slot_of = [-1] * len(inst.parts)
        # flat participant x slot grid: busy[p * n_slots + s] is a meeting or -1
        self.busy = [-1] * (inst.n_participants * n_slots)
        self.load = [0] * inst.n_participants
        self.pool_used = [0] * n_slots
        self.fixed_busy: dict[int, list[int]] = {}
        self.log: list[tuple[int, int]] = []
        self.total = 0
        for m, is_locked in enumerate(inst.locked):
            if is_locked:
                self._set(m, inst.feasible[m][0])
                if inst.kind[m] == POOL:
                    # locked pool meetings are already out of pool_cap
                    self.pool_used[inst.feasible[m][0]] -= 1
        self.log.clear()

    def can_place(self, m: int, s: int) -> bool:
        inst = self.inst
        n_slots = inst.n_slots
        busy = self.busy
        load = self.load
        cap = inst.cap
        for p in inst.parts[m]:
            if busy[p * n_slots + s] >= 0 or load[p] >= cap[p]:
                return False
        k = inst.kind[m]
        if k == POOL:
            return self.pool_used[s] < inst.pool_cap[s]
        row = self.fixed_busy.get(k)
        return row is None or row[s] < 0

    def place(self, m: int, s: int) -> None:
        self.log.append((m, -1))
        self._set(m, s)

    def remove(self, m: int) -> None:
        self.log.append((m, self.slot_of[m]))
        self._unset(m)

    def mark(self) -> int:
        return len(self.log)

    def rollback(self, mark: int) -> None:
        log = self.log
        while len(log) > mark:
            m, previous = log.pop()
            if previous < 0:
                self._unset(m)
            else:
                self._set(m, previous)

    def commit(self) -> None:
        self.log.clear()

    def _set(self, m: int, s: int) -> None:
        inst = self.inst
        self.slot_of[m] = s
        base = inst.n_slots
        for p in inst.parts[m]:
            self.busy[p * base + s] = m
            self.load[p] += 1
        k = inst.kind[m]
        if k == POOL:
            self.pool_used[s] += 1
        else:
            row = self.fixed_busy.get(k)
            if row is None:
                row = self.fixed_busy[k] = [-1] * base
            row[s] = m
        self.total += inst.weight[m]

    def _unset(self, m: int) -> None:
        inst = self.inst
        s = self.slot_of[m]
        self.slot_of[m] = -1
        base = inst.n_slots
        for p in inst.parts[m]:
            self.busy[p * base + s] = -1
            self.load[p] -= 1
        k = inst.kind[m]
        if k == POOL:
            self.pool_used[s] -= 1
        else:
            self.fixed_busy[k][s] = -1
        self.total -= inst.weight[m]

    def fixed_at(self, table: int, s: int) -> int:
        row = self.fixed_busy.get(table)
        return -1 if row is None else row[s]


@dataclass(frozen=True, slots=True)
class Fixed:
    """What the meetings that stay where they are hold, for a model over the moving ones."""

    busy: frozenset[tuple[int, int]]  # (participant, slot)
    pool_room: tuple[int, ...]  # per slot: pool tables left for the moving meetings
    tables: frozenset[tuple[int, int]]  # (reserved table, slot)

    def options(self, inst: Instance, m: int) -> list[int]:
        """The slots moving meeting ``m`` can take beside them."""
        parts, kind = inst.parts[m], inst.kind[m]
        return [
            s
            for s in inst.feasible[m]
            if not any((p, s) in self.busy for p in parts)
            and (kind == POOL or (kind, s) not in self.tables)
        ]


def fixed_part(inst: Instance, sched: Schedule, moving: set[int]) -> Fixed:
    busy: set[tuple[int, int]] = set()
    pool_room = list(inst.pool_cap)
    tables: set[tuple[int, int]] = set()
    for m, s in enumerate(sched.slot_of):
        if s < 0 or m in moving:
            continue
        busy.update((p, s) for p in inst.parts[m])
        if inst.kind[m] == POOL:
            # a locked meeting's table is already out of pool_cap
            pool_room[s] -= 0 if inst.locked[m] else 1
        else:
            tables.add((inst.kind[m], s))
    return Fixed(frozenset(busy), tuple(pool_room), frozenset(tables))
