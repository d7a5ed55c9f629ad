"""`solve(problem) -> Solution`: greedy, then proven-safe improvements, then tables.

Pipeline: most-constrained-first greedy; ejection chains and priority exchanges (improve.py);
CP-SAT on the meetings that are still out and their neighbourhood, warm-started from the
current schedule (cpsat.py); then secondary goals (published slots restored, idle gaps
closed) and concrete tables. Every phase keeps a feasible schedule, the result is verified
before it is returned, and all effort limits are counted work, not wall-clock time, so the
same input and time limit give the same schedule on a machine fast enough for them; on a
far slower one the CP-SAT and SAT searches also stop at twice the time limit
(wallclock.py) unless ``wall_clock`` is False.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from .bound import upper_bound
from .breaks import exact_takes, movable_meetings
from .cpsat import MovesResult, improve_with_cpsat, minimise_moves
from .days import compact_days
from .greedy import greedy, greedy_order
from .improve import (
    Budget,
    augment,
    compact,
    exchange,
    participant_breaks,
    participant_gaps,
    restore_published,
    slot_days,
)
from .model import Assignment, Problem, Solution, Stats
from .state import POOL, Instance, Schedule, build_instance
from .wallclock import NO_DEADLINE, Deadline

DEFAULT_TIME_LIMIT_S = 30.0
# Search nodes per second of time limit: a node costs a few microseconds in CPython, so this
# leaves most of the limit for the rest of the pipeline on a slow machine.
NODES_PER_SECOND = 60_000
# The searches' budgets of counted work take about two thirds of the limit on a 2-core
# machine; on a machine too slow for them they also stop at this many times the limit
# (wallclock.py: a safety net that keeps the wall time bounded, less a margin for the
# checks, tables and reasons after them). Stopped at the limit itself, a VM about 2.1 times
# slower than that lost much of what the budgets reach at a 30 s limit: forum-13crafb 17
# breaks against 7, forum-14 29 against 2, tic-14crafc 4 against 0, forumt-14crafe 6
# against 5 (measured); at twice the limit it stops nothing there.
WALL_LIMIT_FACTOR = 2.0
WALL_MARGIN_SHARE = 0.03


class InfeasibleScheduleError(AssertionError):
    """A phase broke a hard constraint: a bug, never an input problem."""


def solve(
    problem: Problem, time_limit_s: float | None = None, *, wall_clock: bool = True
) -> Solution:
    """The schedule: ``time_limit_s`` sizes the budgets of counted work, and with
    ``wall_clock`` the searches also stop at WALL_LIMIT_FACTOR times it. Without it the
    budgets alone: the same input and limit give the same schedule on any machine, in
    whatever time its speed makes of them."""
    started = time.perf_counter()
    limit = time_limit_s or problem.time_limit_s or DEFAULT_TIME_LIMIT_S
    wall_s = (WALL_LIMIT_FACTOR - WALL_MARGIN_SHARE) * limit
    deadline = Deadline.after(wall_s) if wall_clock else NO_DEADLINE
    inst = build_instance(problem)
    bound = upper_bound(inst)
    sched = Schedule(inst)
    order = greedy_order(inst, bound.relaxed)
    # published meetings first, each where it is: agendas are printed, and the published
    # schedule minus cancellations is still feasible except where availability changed
    keep_published(sched, order)
    greedy(sched, order)
    check_schedule(inst, sched.slot_of)
    fallback = list(sched.slot_of)

    upper = bound.value
    proven = False
    budget = Budget(int(limit * NODES_PER_SECOND))
    _improve(inst, sched, bound.relaxed, budget, upper)
    if sched.total < upper and any(s >= 0 for s in inst.current_slot):
        # Keeping published meetings first can leave a meeting out that a schedule built
        # from scratch places (a chain through full slots). Priority outranks moves, so the
        # fresh schedule wins when it holds more; built in the same order, it keeps most
        # published meetings where they are anyway (6.7 % moved at the 5,000-person size).
        fresh = Schedule(inst)
        greedy(fresh, order)
        _improve(inst, fresh, bound.relaxed, Budget(int(limit * NODES_PER_SECOND)), upper)
        if fresh.total > sched.total:
            check_schedule(inst, fresh.slot_of)
            sched = fresh
            fallback = list(sched.slot_of)
    if sched.total < upper:
        result = improve_with_cpsat(inst, sched, upper, limit, deadline)
        upper = min(upper, result.upper)
        proven = result.proven
    restore_published(sched, Budget(len(inst.parts) + 1))
    moves: MovesResult | None = None
    if any(s >= 0 for s in inst.current_slot):
        moves = minimise_moves(inst, sched, limit, deadline)
    breaks_before = sum(participant_breaks(inst, sched.slot_of))
    # Fewer breaks first, then fewer idle slots, by single moves and swaps (closing idle slots
    # alone split breaks: 5,000 people x 20,000 meetings went from 7,011 breaks to 7,411;
    # breaks first 6,028, with swaps 4,727). Where the exact model follows (breaks.py), this
    # is only its starting point and closes idle slots by single moves, as before: the model
    # minimises the breaks itself, and from the breaks-first start it did no better on
    # bench/descent_sample.py's 16 sessions (102 breaks against 100) while the published
    # twenty moved by up to 2 either way (45 against 41): its search is a lottery on the
    # start, judged on a sample.
    exact_ahead = exact_takes(inst, movable_meetings(inst, sched))
    compact(sched, Budget(int(limit * NODES_PER_SECOND)), breaks_first=not exact_ahead)
    compact_days(inst, sched, days_limit(limit, moves), deadline)
    slot_of = list(sched.slot_of)
    try:
        check_schedule(inst, slot_of)
    except InfeasibleScheduleError:
        # never hand out a broken schedule: the greedy one was verified above
        slot_of = fallback
    total = sum(inst.weight[m] for m, s in enumerate(slot_of) if s >= 0)
    return finish(
        inst,
        slot_of,
        upper=upper,
        optimal=proven or total >= upper,
        started=started,
        moves_lower_bound=None if moves is None else moves.lower_bound,
        breaks_before=breaks_before,
    )


# The moves model's deterministic second beyond its usual share costs about 1.7 wall seconds
# (measured on a 1,000-person re-schedule), a second of the days phase's limit about 0.65:
# the days phase gives up this many seconds of its limit per extra second, and keeps at
# least the floor share, so the whole solve stays near the time limit.
DAYS_PER_MOVES_SECOND = 2.5
DAYS_FLOOR_SHARE = 0.3


def days_limit(limit: float, moves: MovesResult | None) -> float:
    """The days phase's time limit after the moves phase took what it needed."""
    if moves is None:
        return limit
    return max(DAYS_FLOOR_SHARE * limit, limit - DAYS_PER_MOVES_SECOND * moves.overrun_s)


def _improve(
    inst: Instance, sched: Schedule, relaxed: dict[int, float], budget: Budget, upper: int
) -> None:
    """Ejection chains, then priority exchanges, while below the bound."""
    if sched.total < upper:
        augment(sched, unplaced_by_value(inst, sched, relaxed), 3, budget, upper)
        if sched.total < upper:
            exchange(sched, unplaced_by_value(inst, sched, relaxed), 1, budget, upper)


def keep_published(sched: Schedule, order: list[int]) -> None:
    inst = sched.inst
    for m in order:
        s = inst.current_slot[m]
        if s >= 0 and s in inst.feasible[m] and sched.can_place(m, s):
            sched.place(m, s)
    sched.commit()


def unplaced_by_value(
    inst: Instance, sched: Schedule, relaxed: dict[int, float] | None
) -> list[int]:
    """Meetings still out, those the LP would take first."""
    return [m for m in greedy_order(inst, relaxed) if sched.slot_of[m] < 0 and inst.weight[m] > 0]


def check_schedule(inst: Instance, slot_of: list[int]) -> None:
    """Raise if a slot schedule breaks a hard constraint (tables are checked by counts)."""
    seen: set[tuple[int, int]] = set()
    seats: Counter[int] = Counter()
    fixed: set[tuple[int, int]] = set()
    load: Counter[int] = Counter()
    for m, s in enumerate(slot_of):
        if s < 0:
            if inst.locked[m]:
                raise InfeasibleScheduleError(f"locked meeting {m} unscheduled")
            continue
        if s not in inst.feasible[m]:
            raise InfeasibleScheduleError(f"meeting {m} in infeasible slot {s}")
        for p in inst.parts[m]:
            if (p, s) in seen:
                raise InfeasibleScheduleError(f"participant {p} twice in slot {s}")
            seen.add((p, s))
            load[p] += 1
        k = inst.kind[m]
        if k == POOL:
            if not inst.locked[m]:
                seats[s] += 1
        elif (k, s) in fixed:
            raise InfeasibleScheduleError(f"table {k} twice in slot {s}")
        else:
            fixed.add((k, s))
    for p, n in load.items():
        if n > inst.cap[p]:
            raise InfeasibleScheduleError(f"participant {p} over cap")
    for s, n in seats.items():
        if n > inst.pool_cap[s]:
            raise InfeasibleScheduleError(f"slot {s} over table capacity")


def finish(
    inst: Instance,
    slot_of: list[int],
    *,
    upper: int | None,
    optimal: bool,
    started: float | None,
    moves_lower_bound: int | None = None,
    breaks_before: int | None = None,
) -> Solution:
    """Tables, statistics and reasons for a verified slot schedule."""
    from .tables import assign_tables

    problem = inst.problem
    table_of = assign_tables(inst, slot_of)
    assignments = []
    unscheduled = []
    moved = table_changes = 0
    total = 0
    for m, meeting in enumerate(problem.meetings):
        s = slot_of[m]
        published = inst.current_slot[m]
        if published >= 0:
            if s != published:
                moved += 1
            elif table_of[m] != inst.current_table[m]:
                table_changes += 1
        if s < 0:
            unscheduled.append(m)
            continue
        total += meeting.priority
        assignments.append(
            Assignment(meeting.id, problem.slots[s].id, problem.tables[table_of[m]].id)
        )
    sched = Schedule(inst)
    for m, s in enumerate(slot_of):
        if s >= 0 and not inst.locked[m]:
            sched.place(m, s)
    days = slot_days(inst)
    gaps = sum(participant_gaps(sched, p, days) for p in range(inst.n_participants))
    if upper is None:
        upper = upper_bound(inst).value
    details = {problem.meetings[m].id: reason_detail(inst, sched, m) for m in unscheduled}
    reasons = {mid: reason_text(d) for mid, d in details.items()}
    elapsed = 0.0 if started is None else round(time.perf_counter() - started, 3)
    breaks = sum(participant_breaks(inst, slot_of))
    stats = Stats(
        scheduled=len(assignments),
        priority_sum=total,
        upper_bound=max(upper, total),
        moved=moved,
        table_changes=table_changes,
        idle_gaps=gaps,
        solve_s=elapsed,
        optimal=optimal,
        moves_lower_bound=moved if moves_lower_bound is None else min(moves_lower_bound, moved),
        breaks=breaks,
        breaks_before=breaks if breaks_before is None else breaks_before,
    )
    return Solution(
        tuple(assignments),
        tuple(problem.meetings[m].id for m in unscheduled),
        stats,
        reasons,
        details,
    )


def why_unscheduled(inst: Instance, sched: Schedule, m: int) -> str:
    return reason_text(reason_detail(inst, sched, m))


def reason_detail(inst: Instance, sched: Schedule, m: int) -> dict[str, Any]:
    """Why meeting ``m`` is out, as data (``code`` plus participant ids and counts), so that
    an application can say it in its users' language."""
    problem = inst.problem
    people = problem.participants
    meeting = problem.meetings[m]
    if inst.kind[m] != POOL and inst.kind[m] < 0:
        return {"code": "fixed_tables"}
    if not inst.feasible[m]:
        if meeting.allowed_slots is not None:
            return {"code": "no_allowed_slot"}
        return {
            "code": "no_common_slot",
            "participants": [people[p].id for p in meeting.participants],
        }
    full = [people[p].id for p in meeting.participants if sched.load[p] >= inst.cap[p]]
    if full:
        return {"code": "cap", "participants": full}
    busy: Counter[str] = Counter()
    no_table = 0
    for s in inst.feasible[m]:
        blockers = [
            people[p].id for p in meeting.participants if sched.busy[p * inst.n_slots + s] >= 0
        ]
        busy.update(blockers)
        if not blockers:
            no_table += 1
    return {
        "code": "slots_taken",
        "possible": len(inst.feasible[m]),
        "busy": dict(sorted(busy.items())),
        "no_table": no_table,
    }


def reason_text(detail: dict[str, Any]) -> str:
    code = detail["code"]
    if code == "fixed_tables":
        return "its participants have different fixed tables"
    if code == "no_allowed_slot":
        return "no allowed slot in which all participants are available"
    if code == "no_common_slot":
        return f"no slot in which all of {', '.join(detail['participants'])} are available"
    if code == "cap":
        return f"{', '.join(detail['participants'])} reached max_meetings"
    parts = [f"{pid} busy in {n} of them" for pid, n in detail["busy"].items()]
    if detail["no_table"]:
        parts.append(f"no free table in {detail['no_table']}")
    return f"all {detail['possible']} possible slots are taken: " + "; ".join(parts)
