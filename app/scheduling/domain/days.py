"""Objective 3, compact days: fewer breaks (runs of idle slots between a participant's first
and last meeting of a day), at the priority and the moves already reached.

Large-neighbourhood search with CP-SAT: each step frees the meetings of a few participants
who have breaks (and of the people they meet), or every meeting in a window of slots, keeps
the rest in place, and asks CP-SAT for the placement of the freed meetings with the fewest
"run starts" (a slot where a participant is busy and was not in the slot before; breaks =
run starts - days with a meeting). The same meetings stay scheduled, and meetings in their
published slot are not freed, so priority and moves never get worse. Steps are chosen by a
seeded generator and limited by CP-SAT's deterministic time: same input, same schedule.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from .breaks import exact_breaks, movable, movable_meetings, replace_unless_worse
from .improve import participant_breaks, slot_days
from .state import POOL, Instance, Schedule
from .wallclock import NO_DEADLINE, Deadline

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

# deterministic seconds per second of time limit: the exact model, then the search
# (the exact model's wall time is about twice its deterministic time on 2 cores)
EXACT_SHARE = 0.38
DAYS_SHARE = 0.05
STEP_DET_TIME = 0.4
STEP_PEOPLE = 6
WINDOW = 4
# the one-day slot-variable model: its share of the time limit, and the largest it takes
TIGHTEN_SHARE = 0.06
# Above this many movable meetings CP-SAT's presolve of this model alone takes seconds to
# tens of seconds of wall time whatever the deterministic limit (24 s for 4,000 meetings ×
# 250 tables, 12 s for 1,000 × 70, at a 10 s limit, without a break less): larger sessions
# go to the LNS steps instead.
TIGHTEN_MAX_MEETINGS = 600
# steps without a better total before the search gives up (small events end early)
PATIENCE = 25


def _step(
    inst: Instance, sched: Schedule, free: list[int], days: list[int], deadline: Deadline
) -> float:
    """Re-place ``free`` (all scheduled) for the fewest run starts; returns det time used."""
    from ortools.sat.python import cp_model

    n_slots = inst.n_slots
    free_set = set(free)
    people = sorted({p for m in free for p in inst.parts[m]})
    fixed_busy = {
        (p, sched.slot_of[b])
        for p in people
        for b in inst.meetings_of[p]
        if sched.slot_of[b] >= 0 and b not in free_set
    }
    pool_used = list(sched.pool_used)
    fixed_rows: dict[int, list[int]] = {k: list(r) for k, r in sched.fixed_busy.items()}
    for m in free:
        s = sched.slot_of[m]
        k = inst.kind[m]
        if k == POOL:
            pool_used[s] -= 1
        else:
            fixed_rows[k][s] = -1

    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    by_ps: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    by_pool: dict[int, list[cp_model.IntVar]] = {}
    by_table: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    for m in free:
        k = inst.kind[m]
        row = []
        for s in inst.feasible[m]:
            if any((p, s) in fixed_busy for p in inst.parts[m]):
                continue
            if k == POOL:
                if pool_used[s] >= inst.pool_cap[s]:
                    continue
            elif fixed_rows.get(k, [-1] * n_slots)[s] >= 0:
                continue
            v = model.new_bool_var("")
            x[m, s] = v
            row.append(v)
            model.add_hint(v, sched.slot_of[m] == s)
            for p in inst.parts[m]:
                by_ps.setdefault((p, s), []).append(v)
            if k == POOL:
                by_pool.setdefault(s, []).append(v)
            else:
                by_table.setdefault((k, s), []).append(v)
        model.add_exactly_one(row)
    for vs in by_table.values():
        model.add_at_most_one(vs)
    for s, vs in by_pool.items():
        room = inst.pool_cap[s] - pool_used[s]
        if room < len(vs):
            model.add(sum(vs) <= room)
    starts: list[cp_model.IntVar] = []
    const_starts = 0
    for p in people:
        prev: cp_model.IntVar | int = 0
        for s in range(n_slots):
            if s > 0 and days[s] != days[s - 1]:
                prev = 0
            if (p, s) in fixed_busy:
                busy: cp_model.IntVar | int = 1
            elif (p, s) in by_ps:
                b = model.new_bool_var("")
                model.add(sum(by_ps[p, s]) == b)
                model.add_hint(b, any(sched.slot_of[m] == s for m in inst.meetings_of[p]))
                busy = b
            else:
                busy = 0
            if isinstance(busy, int):
                if busy and isinstance(prev, int) and not prev:
                    const_starts += 1
                elif busy and not isinstance(prev, int):
                    st = model.new_bool_var("")
                    model.add(st == prev.Not())  # type: ignore[union-attr]
                    starts.append(st)
            elif isinstance(prev, int):
                if not prev:
                    starts.append(busy)
            else:
                st = model.new_bool_var("")
                model.add_implication(st, busy)
                model.add_implication(st, prev.Not())
                model.add_bool_or([st, busy.Not(), prev])
                starts.append(st)
            prev = busy
    model.minimize(cp_model.LinearExpr.sum(starts))
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = 1
    params.random_seed = 7
    params.max_deterministic_time = STEP_DET_TIME
    deadline.cap(params)
    status = solver.solve(model)
    used = solver.deterministic_time
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return used
    chosen = {m: s for (m, s), v in x.items() if solver.boolean_value(v)}
    if all(chosen.get(m) == sched.slot_of[m] for m in free):
        return used
    replace_unless_worse(
        sched, chosen, lambda: sum(participant_breaks_of(inst, sched, p, days) for p in people)
    )
    return used


def participant_breaks_of(inst: Instance, sched: Schedule, p: int, days: list[int]) -> int:
    n_slots = inst.n_slots
    row = sched.busy[p * n_slots : (p + 1) * n_slots]
    breaks = 0
    day, seen, idle = -1, False, False
    for s in range(n_slots):
        if days[s] != day:
            day, seen, idle = days[s], False, False
        if row[s] >= 0:
            if idle and seen:
                breaks += 1
            seen, idle = True, False
        else:
            idle = True
    return breaks


def compact_days(
    inst: Instance, sched: Schedule, limit_s: float, deadline: Deadline = NO_DEADLINE
) -> None:
    """Fewer breaks: the exact model where it fits (breaks.py), then the idle-slot model and
    large-neighbourhood search; never changes which meetings are held. Every search also
    stops at ``deadline`` (wallclock.py: on a machine far too slow for its budget)."""
    if not any(participant_breaks(inst, sched.slot_of)):
        return
    # where the SAT descent searches the whole model after CP-SAT, it takes this search's
    # share as well (exact_breaks): from where it ends these steps found nothing
    exact = exact_breaks(inst, sched, EXACT_SHARE * limit_s, DAYS_SHARE * limit_s, deadline)
    if exact:
        return
    if exact is None:
        tighten_days(inst, sched, limit_s, deadline)
    days = slot_days(inst)
    budget = DAYS_SHARE * limit_s
    rng = random.Random(7)
    n_slots = inst.n_slots
    spent = 0.0
    step = 0
    stale = 0
    best = -1
    since_better = 0
    while spent < budget and since_better < PATIENCE and not deadline.passed:
        breaks = participant_breaks(inst, sched.slot_of)
        troubled = [p for p, b in enumerate(breaks) if b > 0]
        if not troubled:
            return
        total = sum(breaks)
        if best < 0 or total < best:
            best, since_better = total, 0
        else:
            since_better += 1
        step += 1
        if step % 3:
            # a participant with breaks, the people they meet, and a few more of those
            seed = rng.choice(troubled)
            chosen = {seed}
            partners = sorted({q for m in inst.meetings_of[seed] for q in inst.parts[m]} - {seed})
            rng.shuffle(partners)
            chosen.update(partners[: STEP_PEOPLE - 1])
            free = sorted(
                {m for p in chosen for m in inst.meetings_of[p] if movable(inst, sched, m)}
            )
        else:
            start = rng.randrange(max(1, n_slots - WINDOW + 1))
            window = set(range(start, start + WINDOW))
            seed = rng.choice(troubled)
            chosen = {seed} | {q for m in inst.meetings_of[seed] for q in inst.parts[m]}
            free = sorted(
                {
                    m
                    for p in chosen
                    for m in inst.meetings_of[p]
                    if movable(inst, sched, m) and sched.slot_of[m] in window
                }
                | {m for m in inst.meetings_of[seed] if movable(inst, sched, m)}
            )
        if not free:
            stale += 1
            if stale > 50:
                return
            continue
        stale = 0
        spent += max(_step(inst, sched, free, days, deadline), 0.01)


def tighten_days(
    inst: Instance, sched: Schedule, limit_s: float, deadline: Deadline = NO_DEADLINE
) -> None:
    """One CP-SAT model over the movable meetings of a one-day schedule: each meeting a slot
    variable, all-different per participant, table capacity as a cumulative constraint, and
    the idle slots between each participant's first and last meeting minimised. Tight where
    a boolean model is weak: when every day can be back to back it usually proves it."""
    from ortools.sat.python import cp_model

    if len(set(slot_days(inst))) != 1:
        return
    free = movable_meetings(inst, sched)
    if not free or len(free) > TIGHTEN_MAX_MEETINGS:
        return
    free_set = set(free)
    n_slots = inst.n_slots
    model = cp_model.CpModel()
    fixed_slots: dict[int, set[int]] = {}
    table_fixed: dict[int, set[int]] = {}
    pool_fixed = [0] * n_slots
    for m, s in enumerate(sched.slot_of):
        if s < 0 or m in free_set:
            continue
        for p in inst.parts[m]:
            fixed_slots.setdefault(p, set()).add(s)
        k = inst.kind[m]
        if k == POOL:
            if not inst.locked[m]:
                pool_fixed[s] += 1
        else:
            table_fixed.setdefault(k, set()).add(s)
    y: dict[int, cp_model.IntVar] = {}
    intervals: dict[int, cp_model.IntervalVar] = {}
    for m in free:
        k = inst.kind[m]
        taken = set().union(*(fixed_slots.get(p, set()) for p in inst.parts[m]))
        if k != POOL:
            taken |= table_fixed.get(k, set())
        values = [s for s in inst.feasible[m] if s not in taken]
        y[m] = model.new_int_var_from_domain(cp_model.Domain.from_values(values), "")
        intervals[m] = model.new_fixed_size_interval_var(y[m], 1, "")
        model.add_hint(y[m], sched.slot_of[m])
    capacity = max(inst.pool_cap) if inst.pool_cap else 0
    pool = [m for m in free if inst.kind[m] == POOL]
    if pool:
        blocks = [
            (model.new_fixed_size_interval_var(s, 1, ""), capacity - inst.pool_cap[s] + used)
            for s, used in enumerate(pool_fixed)
            if capacity - inst.pool_cap[s] + used > 0
        ]
        model.add_cumulative(
            [intervals[m] for m in pool] + [b for b, _ in blocks],
            [1] * len(pool) + [d for _, d in blocks],
            capacity,
        )
    by_table: dict[int, list[int]] = {}
    for m in free:
        if inst.kind[m] != POOL:
            by_table.setdefault(inst.kind[m], []).append(m)
    for ms in by_table.values():
        model.add_all_different([y[m] for m in ms])
    idles = []
    for p in range(inst.n_participants):
        mine = [m for m in inst.meetings_of[p] if m in free_set]
        if not mine:
            continue
        if len(mine) > 1:
            model.add_all_different([y[m] for m in mine])
        fixed = sorted(fixed_slots.get(p, set()))
        count = len(mine) + len(fixed)
        if count < 2:
            continue
        terms: list[cp_model.LinearExprT] = [*(y[m] for m in mine), *fixed]
        first = model.new_int_var(0, n_slots - 1, "")
        last = model.new_int_var(0, n_slots - 1, "")
        model.add_min_equality(first, terms)
        model.add_max_equality(last, terms)
        idle = model.new_int_var(0, n_slots, "")
        model.add(idle == last - first + 1 - count)
        idles.append(idle)
    if not idles:
        return
    model.minimize(cp_model.LinearExpr.sum(idles))
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = 1
    params.random_seed = 7
    params.max_deterministic_time = max(0.5, TIGHTEN_SHARE * limit_s)
    deadline.cap(params)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return
    replace_unless_worse(
        sched,
        {m: solver.value(y[m]) for m in free},
        lambda: sum(participant_breaks(inst, sched.slot_of)),
    )
