"""Objective 3 on a one-day session: the number of breaks itself, in one CP-SAT model.

Each movable meeting chooses a slot (a boolean per slot and the slot number); per participant
a "busy" literal per slot, "busy now or later" as a chain, and one literal per possible break
start (busy in the slot before, idle now, busy again later). The objective is the sum of the
break starts, searched core-first: the optimum is small (0-6 on the published instances), so
the solver first assumes nobody has a break and relaxes only where a core proves it must,
which also proves the lower bound. What makes that assumption propagate is a window stated
outright: a participant without a break holds their n meetings in slots f .. f + n - 1.

Meetings that are not scheduled, locked or in their published slot do not move, so priority
and moves are untouched. Limited by CP-SAT's deterministic time with interleaved workers:
the same input and limit give the same schedule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .improve import participant_breaks, slot_days
from .state import POOL, Instance, Schedule

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

# The largest session the exact model takes (movable meetings); LNS handles larger ones.
# Its wall time grows much faster than its deterministic time: 560 meetings × 40 tables took
# 21 s for a 4.5 s budget on a busy 2-core machine. The published instances have <= 302.
EXACT_MAX_MEETINGS = 400
WORKERS = 2


def movable(inst: Instance, sched: Schedule, m: int) -> bool:
    s = sched.slot_of[m]
    return s >= 0 and not inst.locked[m] and inst.current_slot[m] != s


class BreaksModel:
    """The model over ``free`` meetings, everything else fixed where it is."""

    def __init__(self, inst: Instance, sched: Schedule, free: list[int]) -> None:
        from ortools.sat.python import cp_model

        self.inst, self.sched, self.free = inst, sched, free
        self.model = model = cp_model.CpModel()
        n_slots = inst.n_slots
        free_set = set(free)
        fixed_busy: set[tuple[int, int]] = set()
        pool_fixed = [0] * n_slots
        tables: dict[tuple[int, int], list[cp_model.LinearExprT]] = {}
        for m, s in enumerate(sched.slot_of):
            if s < 0 or m in free_set:
                continue
            fixed_busy.update((p, s) for p in inst.parts[m])
            if inst.kind[m] == POOL:
                pool_fixed[s] += 0 if inst.locked[m] else 1
            else:
                tables.setdefault((inst.kind[m], s), []).append(1)
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        self.y: dict[int, cp_model.IntVar] = {}
        on_slot: dict[tuple[int, int], list[cp_model.IntVar]] = {}
        pool: dict[int, list[cp_model.IntVar]] = {}
        for m in free:
            row = []
            for s in inst.feasible[m]:
                if any((p, s) in fixed_busy for p in inst.parts[m]):
                    continue
                v = model.new_bool_var("")
                model.add_hint(v, sched.slot_of[m] == s)
                self.x[m, s] = v
                row.append((s, v))
                for p in inst.parts[m]:
                    on_slot.setdefault((p, s), []).append(v)
                if inst.kind[m] == POOL:
                    pool.setdefault(s, []).append(v)
                else:
                    tables.setdefault((inst.kind[m], s), []).append(v)
            model.add_exactly_one(v for _, v in row)
            y = model.new_int_var_from_domain(cp_model.Domain.from_values([s for s, _ in row]), "")
            for s, v in row:
                model.add(y == s).only_enforce_if(v)
            model.add_hint(y, sched.slot_of[m])
            self.y[m] = y
        for s, vs in pool.items():
            model.add(sum(vs) <= inst.pool_cap[s] - pool_fixed[s])
        for ts in tables.values():
            if len(ts) > 1:
                model.add(sum(ts) <= 1)
        self.break_starts: list[cp_model.IntVar] = []
        for p in range(inst.n_participants):
            mine = [m for m in inst.meetings_of[p] if m in free_set]
            fixed = [s for s in range(n_slots) if (p, s) in fixed_busy]
            if mine:
                self._participant(p, mine, fixed, on_slot)
        model.minimize(sum(self.break_starts))

    def _participant(
        self,
        p: int,
        mine: list[int],
        fixed: list[int],
        on_slot: dict[tuple[int, int], list[cp_model.IntVar]],
    ) -> None:
        model, n_slots = self.model, self.inst.n_slots
        if len(mine) > 1:
            model.add_all_different(self.y[m] for m in mine)
        n = len(mine) + len(fixed)
        if n < 2:
            return
        busy: list[cp_model.IntVar] = []
        for s in range(n_slots):
            if s in fixed:
                busy.append(model.new_constant(1))
            elif (p, s) in on_slot:
                b = model.new_bool_var("")
                model.add(sum(on_slot[p, s]) == b)
                model.add_hint(b, any(self.sched.slot_of[m] == s for m in mine))
                busy.append(b)
            else:
                busy.append(model.new_constant(0))
        model.add(sum(busy) == n)
        # later[s]: busy in slot s or after it
        later = [model.new_constant(0)] * (n_slots + 1)
        for s in range(n_slots - 1, -1, -1):
            a = model.new_bool_var("")
            model.add_bool_or([~a, busy[s], later[s + 1]])
            model.add_implication(busy[s], a)
            model.add_implication(later[s + 1], a)
            later[s] = a
        mine_starts = []
        for s in range(1, n_slots - 1):
            start = model.new_bool_var("")
            model.add_bool_or([~busy[s - 1], busy[s], ~later[s + 1], start])
            model.add_implication(start, busy[s - 1])
            model.add_implication(start, ~busy[s])
            model.add_implication(start, later[s + 1])
            mine_starts.append(start)
        self.break_starts.extend(mine_starts)
        has_break = model.new_bool_var("")
        model.add_bool_or([~has_break, *mine_starts])
        for start in mine_starts:
            model.add_implication(start, has_break)
        first = model.new_int_var(0, n_slots - 1, "")
        for m in mine:
            model.add(self.y[m] >= first)
            model.add(self.y[m] <= first + n - 1).only_enforce_if(~has_break)
        for s in fixed:
            model.add(first <= s)
            model.add(first >= s - n + 1).only_enforce_if(~has_break)

    def solve(self, det_limit_s: float) -> tuple[dict[int, int] | None, bool]:
        """(slot per freed meeting or None, proven optimal)."""
        from ortools.sat.python import cp_model

        solver = cp_model.CpSolver()
        params = solver.parameters
        params.num_workers = WORKERS
        params.interleave_search = True
        params.optimize_with_core = True
        params.random_seed = 7
        params.max_deterministic_time = det_limit_s
        status = solver.solve(self.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, False
        chosen = {m: s for (m, s), v in self.x.items() if solver.boolean_value(v)}
        return chosen, status == cp_model.OPTIMAL


def exact_breaks(inst: Instance, sched: Schedule, det_limit_s: float) -> bool:
    """Fewest breaks on a one-day session by the exact model; True when proven optimal.
    The schedule changes only if the model's placement has fewer breaks."""
    if len(set(slot_days(inst))) != 1:
        return False
    free = [m for m in range(len(inst.parts)) if movable(inst, sched, m)]
    if not free or len(free) > EXACT_MAX_MEETINGS:
        return False
    chosen, optimal = BreaksModel(inst, sched, free).solve(det_limit_s)
    if chosen is None:
        return False
    kept = replace_unless_worse(sched, chosen, lambda: sum(participant_breaks(inst, sched.slot_of)))
    return optimal and kept


def replace_unless_worse(
    sched: Schedule, placement: dict[int, int], breaks: Callable[[], int]
) -> bool:
    """Move each meeting of ``placement`` to its slot; undo it all if ``breaks()`` grew.
    Returns whether the placement was kept."""
    before = breaks()
    mark = sched.mark()
    for m in placement:
        sched.remove(m)
    for m, s in placement.items():
        sched.place(m, s)
    kept = breaks() <= before
    if not kept:
        sched.rollback(mark)
    sched.commit()
    return kept
