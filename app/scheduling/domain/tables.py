"""Concrete tables for a slot schedule.

Per slot, reserved tables and locks are given; pool tables go first to published meetings that
keep their slot (a table change is cheap but still reprints an agenda), then to the rest,
delegation by delegation in table order so that a delegation's meetings sit side by side.
"""

from __future__ import annotations

from .state import POOL, Instance


def group_key(inst: Instance, m: int) -> tuple[int, str]:
    people = inst.problem.participants
    groups = sorted(g for p in inst.parts[m] if (g := people[p].group) is not None)
    return (0, groups[0]) if groups else (1, "")


def assign_tables(inst: Instance, slot_of: list[int]) -> list[int]:
    meetings = inst.problem.meetings
    table_of = [-1] * len(slot_of)
    by_slot: list[list[int]] = [[] for _ in range(inst.n_slots)]
    for m, s in enumerate(slot_of):
        if s < 0:
            continue
        lock = meetings[m].lock
        if lock is not None:
            table_of[m] = lock.table
        elif inst.kind[m] != POOL:
            table_of[m] = inst.kind[m]
        else:
            by_slot[s].append(m)
    pool = set(inst.pool_tables)
    taken_by_lock: list[set[int]] = [set() for _ in range(inst.n_slots)]
    for meeting in meetings:
        if meeting.lock is not None and meeting.lock.table in pool:
            taken_by_lock[meeting.lock.slot].add(meeting.lock.table)
    for s, waiting in enumerate(by_slot):
        taken = set(taken_by_lock[s])
        rest: list[int] = []
        # meetings that keep their published slot claim their table before moved ones do
        waiting.sort(key=lambda m: (inst.current_slot[m] != s, m))
        for m in waiting:
            t = inst.current_table[m]
            if t in pool and t not in taken:
                table_of[m] = t
                taken.add(t)
            else:
                rest.append(m)
        rest.sort(key=lambda m: (group_key(inst, m), m))
        free = (t for t in inst.pool_tables if t not in taken)
        for m in rest:
            table_of[m] = next(free)
    return table_of
