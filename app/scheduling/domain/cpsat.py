"""CP-SAT on meeting x slot booleans, warm-started from the heuristic schedule.

Small instances get the whole model, so CP-SAT's bound is a proven bound on the optimum and
OPTIMAL means proven. Large ones get a neighbourhood: the meetings still out plus the
scheduled meetings of their participants, with everything else frozen in place (a large
neighbourhood search step); its bound then says nothing about the whole problem.

Determinism: one worker, a fixed seed and a deterministic-time limit (CP-SAT's own work
measure), never a wall-clock limit, so a given input and time limit give one answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .state import POOL, Instance, Schedule

# Above this many booleans the model is built around the unscheduled meetings only.
FULL_MODEL_VARS = 60_000
NEIGHBOURHOOD_VARS = 120_000
# CP-SAT deterministic time per second of time limit; it runs about as fast as wall seconds.
DETERMINISTIC_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class CpResult:
    upper: int
    proven: bool


def _free_meetings(inst: Instance, sched: Schedule) -> tuple[list[int], bool]:
    live = [m for m in range(len(inst.parts)) if not inst.locked[m] and inst.feasible[m]]
    if sum(len(inst.feasible[m]) for m in live) <= FULL_MODEL_VARS:
        return live, True
    out = [m for m in live if sched.slot_of[m] < 0 and inst.weight[m] > 0]
    chosen: set[int] = set()
    size = 0
    for m in out:
        ring = [m]
        for p in inst.parts[m]:
            ring.extend(b for b in inst.meetings_of[p] if not inst.locked[b] and b not in chosen)
        extra = sum(len(inst.feasible[b]) for b in set(ring) - chosen)
        if size + extra > NEIGHBOURHOOD_VARS:
            break
        chosen.update(ring)
        size += extra
    return sorted(b for b in chosen if inst.feasible[b]), False


def improve_with_cpsat(inst: Instance, sched: Schedule, upper: int, limit_s: float) -> CpResult:
    from ortools.sat.python import cp_model

    free, full = _free_meetings(inst, sched)
    if not free:
        return CpResult(upper, False)
    free_set = set(free)
    n_slots = inst.n_slots
    # capacity left by the frozen meetings
    frozen_busy: set[tuple[int, int]] = set()
    frozen_table: set[tuple[int, int]] = set()
    frozen_load = [0] * inst.n_participants
    frozen_pool = [0] * n_slots
    for m, s in enumerate(sched.slot_of):
        if s < 0 or m in free_set:
            continue
        for p in inst.parts[m]:
            frozen_busy.add((p, s))
            frozen_load[p] += 1
        k = inst.kind[m]
        if k == POOL:
            if not inst.locked[m]:
                frozen_pool[s] += 1
        else:
            frozen_table.add((k, s))

    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    by_person_slot: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    by_person: dict[int, list[cp_model.IntVar]] = {}
    by_pool_slot: dict[int, list[cp_model.IntVar]] = {}
    by_table_slot: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    for m in free:
        k = inst.kind[m]
        row = []
        for s in inst.feasible[m]:
            if any((p, s) in frozen_busy for p in inst.parts[m]):
                continue
            if k != POOL and (k, s) in frozen_table:
                continue
            v = model.new_bool_var("")
            x[m, s] = v
            row.append(v)
            for p in inst.parts[m]:
                by_person_slot.setdefault((p, s), []).append(v)
                by_person.setdefault(p, []).append(v)
            if k == POOL:
                by_pool_slot.setdefault(s, []).append(v)
            else:
                by_table_slot.setdefault((k, s), []).append(v)
        if len(row) > 1:
            model.add_at_most_one(row)
    for vs in by_person_slot.values():
        if len(vs) > 1:
            model.add_at_most_one(vs)
    for vs in by_table_slot.values():
        if len(vs) > 1:
            model.add_at_most_one(vs)
    for p, vs in by_person.items():
        room = inst.cap[p] - frozen_load[p]
        if room < len(vs):
            model.add(sum(vs) <= room)
    for s, vs in by_pool_slot.items():
        room = inst.pool_cap[s] - frozen_pool[s]
        if room < len(vs):
            model.add(sum(vs) <= room)

    # lexicographic: any priority point outweighs every published meeting kept in place
    stay = [x[m, inst.current_slot[m]] for m in free if (m, inst.current_slot[m]) in x]
    scale = len(stay) + 1
    model.maximize(sum(scale * inst.weight[m] * v for (m, _), v in x.items()) + sum(stay))
    for (m, s), v in x.items():
        model.add_hint(v, sched.slot_of[m] == s)

    frozen_total = sum(
        inst.weight[m] for m, s in enumerate(sched.slot_of) if s >= 0 and m not in free_set
    )
    target = (upper - frozen_total) * scale

    class StopAtBound(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            # the best possible priority is reached; what is left (moves) is not worth the wait
            if self.objective_value >= target:
                self.stop_search()

    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = 1
    params.random_seed = 7
    params.max_deterministic_time = max(1.0, DETERMINISTIC_SHARE * limit_s)
    status = solver.solve(model, StopAtBound())
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return CpResult(upper, False)

    before = sched.total
    chosen = [(m, s) for (m, s), v in x.items() if solver.boolean_value(v)]
    mark = sched.mark()
    for m in free:
        if sched.slot_of[m] >= 0:
            sched.remove(m)
    for m, s in chosen:
        sched.place(m, s)
    if sched.total < before:
        sched.rollback(mark)
    sched.commit()

    if not full:
        return CpResult(upper, False)
    cp_upper = math.floor((solver.best_objective_bound + 1e-6) / scale) + frozen_total
    return CpResult(min(upper, cp_upper), status == cp_model.OPTIMAL)
