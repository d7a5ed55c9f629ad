"""CP-SAT on meeting x slot booleans, warm-started from the heuristic schedule.

Two uses of one model (`SlotModel`): the priority phase (objective 1: as much priority as the
bound allows) and the moves phase (objective 2: at the priority already reached, as many
published meetings as possible stay in their published slot).

Small instances get the whole model, so CP-SAT's bound is a proven bound on the optimum and
OPTIMAL means proven. Large ones get a neighbourhood: the meetings that matter to the phase
plus the scheduled meetings of their participants, with everything else frozen in place (a
large neighbourhood search step); its bound then says nothing about the whole problem.

Determinism: one worker, a fixed seed and a deterministic-time limit (CP-SAT's own work
measure), so a given input and time limit give one answer; the wall-clock deadline
(wallclock.py) stops it only on a machine far too slow for that limit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .state import POOL, Instance, Schedule
from .wallclock import NO_DEADLINE, Deadline

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

# Above this many booleans the model is built around the meetings that matter only.
FULL_MODEL_VARS = 60_000
NEIGHBOURHOOD_VARS = 120_000
# CP-SAT deterministic time per second of time limit; it runs about as fast as wall seconds.
DETERMINISTIC_SHARE = 0.25
# Objective 2 outranks objective 3: the whole moves model may take up to this share (it
# stops as soon as it is proven); the days phase gets less by what it used beyond the usual
# share (solver.py). On a 1,000-person re-schedule the last needless move needs ~14 det-s.
MOVES_FULL_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class CpResult:
    upper: int
    proven: bool


@dataclass(frozen=True, slots=True)
class MovesResult:
    """Published meetings moved after the phase, and a proven lower bound on that number at
    the same priority sum (0 when no proof was possible: a neighbourhood, not the whole)."""

    moved: int
    lower_bound: int
    proven: bool
    # CP-SAT's deterministic seconds beyond DETERMINISTIC_SHARE of the limit
    overrun_s: float = 0.0


def live_meetings(inst: Instance) -> list[int]:
    return [m for m in range(len(inst.parts)) if not inst.locked[m] and inst.feasible[m]]


def neighbourhood(inst: Instance, sched: Schedule, seeds: Iterable[int]) -> list[int]:
    """The seed meetings and every meeting of their participants, up to a size limit."""
    chosen: set[int] = set()
    size = 0
    for m in seeds:
        ring = [m]
        for p in inst.parts[m]:
            ring.extend(b for b in inst.meetings_of[p] if not inst.locked[b] and b not in chosen)
        extra = sum(len(inst.feasible[b]) for b in set(ring) - chosen)
        if size + extra > NEIGHBOURHOOD_VARS:
            break
        chosen.update(ring)
        size += extra
    return sorted(b for b in chosen if inst.feasible[b])


def _free_meetings(inst: Instance, sched: Schedule) -> tuple[list[int], bool]:
    live = live_meetings(inst)
    if sum(len(inst.feasible[m]) for m in live) <= FULL_MODEL_VARS:
        return live, True
    out = [m for m in live if sched.slot_of[m] < 0 and inst.weight[m] > 0]
    return neighbourhood(inst, sched, out), False


@dataclass
class SlotModel:
    """Booleans x[m, s] for the free meetings; everything else keeps its slot."""

    inst: Instance
    sched: Schedule
    free: list[int]
    model: cp_model.CpModel = field(init=False)
    x: dict[tuple[int, int], cp_model.IntVar] = field(init=False)
    frozen_total: int = field(init=False)

    def __post_init__(self) -> None:
        from ortools.sat.python import cp_model

        inst, sched = self.inst, self.sched
        free_set = set(self.free)
        n_slots = inst.n_slots
        frozen_busy: set[tuple[int, int]] = set()
        frozen_table: set[tuple[int, int]] = set()
        frozen_load = [0] * inst.n_participants
        frozen_pool = [0] * n_slots
        frozen_total = 0
        for m, s in enumerate(sched.slot_of):
            if s < 0 or m in free_set:
                continue
            frozen_total += inst.weight[m]
            for p in inst.parts[m]:
                frozen_busy.add((p, s))
                frozen_load[p] += 1
            k = inst.kind[m]
            if k == POOL:
                if not inst.locked[m]:
                    frozen_pool[s] += 1
            else:
                frozen_table.add((k, s))
        self.frozen_total = frozen_total

        model = cp_model.CpModel()
        x: dict[tuple[int, int], cp_model.IntVar] = {}
        by_person_slot: dict[tuple[int, int], list[cp_model.IntVar]] = {}
        by_person: dict[int, list[cp_model.IntVar]] = {}
        by_pool_slot: dict[int, list[cp_model.IntVar]] = {}
        by_table_slot: dict[tuple[int, int], list[cp_model.IntVar]] = {}
        for m in self.free:
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
        for (m, s), v in x.items():
            model.add_hint(v, sched.slot_of[m] == s)
        self.model = model
        self.x = x

    def priority(self) -> cp_model.LinearExpr:
        from ortools.sat.python import cp_model

        pairs = list(self.x.items())
        return cp_model.LinearExpr.weighted_sum(
            [v for _, v in pairs], [self.inst.weight[m] for (m, _), _ in pairs]
        )

    def stays(self) -> list[cp_model.IntVar]:
        """Published free meetings at their published slot."""
        cur = self.inst.current_slot
        return [self.x[m, cur[m]] for m in self.free if (m, cur[m]) in self.x]

    def solve(
        self,
        limit_s: float,
        share: float,
        callback: cp_model.CpSolverSolutionCallback | None,
        deadline: Deadline = NO_DEADLINE,
    ) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
        from ortools.sat.python import cp_model

        solver = cp_model.CpSolver()
        params = solver.parameters
        params.num_workers = 1
        params.random_seed = 7
        params.max_deterministic_time = max(1.0, share * limit_s)
        deadline.cap(params)
        status = solver.solve(self.model, callback)
        return solver, status

    def apply(self, solver: cp_model.CpSolver, keep_if: int) -> bool:
        """Take the solver's slots unless the schedule's priority would drop below
        ``keep_if``; True when taken."""
        sched = self.sched
        chosen = [(m, s) for (m, s), v in self.x.items() if solver.boolean_value(v)]
        mark = sched.mark()
        for m in self.free:
            if sched.slot_of[m] >= 0:
                sched.remove(m)
        for m, s in chosen:
            sched.place(m, s)
        taken = sched.total >= keep_if
        if not taken:
            sched.rollback(mark)
        sched.commit()
        return taken


def improve_with_cpsat(
    inst: Instance, sched: Schedule, upper: int, limit_s: float, deadline: Deadline = NO_DEADLINE
) -> CpResult:
    from ortools.sat.python import cp_model

    free, full = _free_meetings(inst, sched)
    if not free:
        return CpResult(upper, False)
    slot_model = SlotModel(inst, sched, free)
    model = slot_model.model
    # lexicographic: any priority point outweighs every published meeting kept in place
    stay = slot_model.stays()
    scale = len(stay) + 1
    model.maximize(scale * slot_model.priority() + cp_model.LinearExpr.sum(stay))
    target = (upper - slot_model.frozen_total) * scale

    class StopAtBound(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            # the best possible priority is reached; the moves phase takes it from here
            if self.objective_value >= target:
                self.stop_search()

    solver, status = slot_model.solve(limit_s, DETERMINISTIC_SHARE, StopAtBound(), deadline)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return CpResult(upper, False)
    slot_model.apply(solver, sched.total)
    if not full:
        return CpResult(upper, False)
    cp_upper = math.floor((solver.best_objective_bound + 1e-6) / scale) + slot_model.frozen_total
    return CpResult(min(upper, cp_upper), status == cp_model.OPTIMAL)


def moved_count(inst: Instance, sched: Schedule) -> int:
    cur = inst.current_slot
    return sum(1 for m, s in enumerate(cur) if s >= 0 and sched.slot_of[m] != s)


def forced_moves(inst: Instance) -> int:
    """Published meetings whose published slot is no longer possible: a trivial lower bound."""
    cur = inst.current_slot
    return sum(1 for m, s in enumerate(cur) if s >= 0 and s not in inst.feasible[m])


def minimise_moves(
    inst: Instance, sched: Schedule, limit_s: float, deadline: Deadline = NO_DEADLINE
) -> MovesResult:
    """Objective 2 at the priority already reached: as few published meetings as possible
    leave their published slot (or the schedule)."""
    from ortools.sat.python import cp_model

    before = moved_count(inst, sched)
    floor = forced_moves(inst)
    if before <= floor:
        return MovesResult(before, floor, True)
    live = live_meetings(inst)
    full = sum(len(inst.feasible[m]) for m in live) <= FULL_MODEL_VARS
    if full:
        free = live
    else:
        cur = inst.current_slot
        moved = [m for m, s in enumerate(cur) if s >= 0 and sched.slot_of[m] != s]
        # whoever sits in a moved meeting's published slot, and the meetings still out that
        # could take a displaced meeting's place in the priority sum
        out = [m for m in live if sched.slot_of[m] < 0 and inst.weight[m] > 0]
        free = neighbourhood(inst, sched, [*moved, *out])
    if not free:
        return MovesResult(before, floor, False)
    slot_model = SlotModel(inst, sched, free)
    model = slot_model.model
    model.add(slot_model.priority() >= sched.total - slot_model.frozen_total)
    stays = slot_model.stays()
    model.maximize(cp_model.LinearExpr.sum(stays))
    solver, status = slot_model.solve(
        limit_s, MOVES_FULL_SHARE if full else DETERMINISTIC_SHARE, None, deadline
    )
    overrun = max(0.0, solver.deterministic_time - DETERMINISTIC_SHARE * limit_s)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return MovesResult(before, floor, False, overrun)
    cur = inst.current_slot
    staying = sum(1 for m in free if cur[m] >= 0 and sched.slot_of[m] == cur[m])
    if solver.objective_value > staying:
        slot_model.apply(solver, sched.total)
    after = moved_count(inst, sched)
    if not full:
        return MovesResult(after, floor, False, overrun)
    free_set = set(free)
    published_free = sum(1 for m in free if cur[m] >= 0)
    # outside the model: locked meetings and those with no possible slot; they stay exactly
    # when their published slot is still theirs
    forced_outside = sum(
        1 for m, s in enumerate(cur) if s >= 0 and m not in free_set and s not in inst.feasible[m]
    )
    best_stays = math.floor(solver.best_objective_bound + 1e-6)
    bound = forced_outside + published_free - best_stays
    return MovesResult(after, min(max(bound, floor), after), status == cp_model.OPTIMAL, overrun)
