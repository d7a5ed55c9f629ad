"""A proven upper bound on the scheduled priority sum.

Each "resource" (a participant, a reserved table, the pool of free tables) can host at most
c_r of its meetings: its cap, and no more than a maximum matching of its meetings into the
slots they could use. The LP relaxation  max sum w_m x_m  s.t.  sum_{m in r} x_m <= c_r,
0 <= x <= 1  bounds every schedule. The LP is solved with GLOP only to find good multipliers
y_r >= 0; the bound itself is the Lagrangian value

    sum_r c_r y_r + sum_m max(0, w_m - sum_{r ni m} y_r)

which is an upper bound for ANY y >= 0 (weak duality), so an inexact or failed LP solve can
make the bound weaker, never wrong.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .state import POOL, Instance


@dataclass(frozen=True, slots=True)
class Bound:
    value: int
    # meetings no schedule can contain, with the reason (for organisers)
    impossible: dict[int, str]
    # the LP's choice of meetings (1.0 = in); a near-integral guide for the greedy order
    relaxed: dict[int, float]


def _matching(options: list[tuple[int, ...]], limit: int) -> int:
    """Size of a maximum matching of items into slots, stopping early at `limit`."""
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for s in options[i]:
            if s in seen:
                continue
            seen.add(s)
            j = owner.get(s)
            if j is None or augment(j, seen):
                owner[s] = i
                return True
        return False

    size = 0
    for i in range(len(options)):
        if size >= limit:
            break
        if augment(i, set()):
            size += 1
    return size


def free_slots(inst: Instance) -> list[tuple[int, ...]]:
    """Feasible slots of each unlocked meeting once locked meetings hold theirs."""
    held: set[tuple[int, int]] = set()
    table_held: set[tuple[int, int]] = set()
    for m, is_locked in enumerate(inst.locked):
        if is_locked:
            s = inst.feasible[m][0]
            held.update((p, s) for p in inst.parts[m])
            if inst.kind[m] != POOL:
                table_held.add((inst.kind[m], s))
    result: list[tuple[int, ...]] = []
    for m, slots in enumerate(inst.feasible):
        if inst.locked[m]:
            result.append(())
            continue
        k = inst.kind[m]
        result.append(
            tuple(
                s
                for s in slots
                if not any((p, s) in held for p in inst.parts[m])
                and (k == POOL or (k, s) not in table_held)
                and (k != POOL or inst.pool_cap[s] > 0)
            )
        )
    return result


def upper_bound(inst: Instance) -> Bound:
    slots = free_slots(inst)
    locked_sum = sum(w for w, is_locked in zip(inst.weight, inst.locked, strict=True) if is_locked)
    locked_load = [0] * inst.n_participants
    for m, is_locked in enumerate(inst.locked):
        if is_locked:
            for p in inst.parts[m]:
                locked_load[p] += 1

    impossible: dict[int, str] = {}
    live: list[int] = []
    for m, options in enumerate(slots):
        if inst.locked[m]:
            continue
        if not options:
            impossible[m] = _why_impossible(inst, m)
        elif inst.weight[m] > 0:
            live.append(m)

    # resources: participants, reserved tables, the pool; each with its members and capacity
    members: list[list[int]] = [[] for _ in range(inst.n_participants)]
    table_members: dict[int, list[int]] = {}
    pool_members: list[int] = []
    for m in live:
        for p in inst.parts[m]:
            members[p].append(m)
        k = inst.kind[m]
        if k == POOL:
            pool_members.append(m)
        else:
            table_members.setdefault(k, []).append(m)

    resources: list[tuple[list[int], int]] = []
    for p, ms in enumerate(members):
        if not ms:
            continue
        room = max(inst.cap[p] - locked_load[p], 0)
        if room < len(ms):
            resources.append((ms, _matching([slots[m] for m in ms], room)))
        else:
            resources.append((ms, _matching([slots[m] for m in ms], len(ms))))
    for _, ms in sorted(table_members.items()):
        resources.append((ms, _matching([slots[m] for m in ms], len(ms))))
    if pool_members:
        used = sorted({s for m in pool_members for s in slots[m]})
        resources.append((pool_members, sum(inst.pool_cap[s] for s in used)))
    # a resource that can take all its members constrains nothing
    resources = [(ms, c) for ms, c in resources if c < len(ms)]

    y, relaxed_x = _lp_solve(inst, live, resources)
    price = dict.fromkeys(live, 0.0)
    terms = []
    for (ms, c), yr in zip(resources, y, strict=True):
        if yr <= 0.0:
            continue
        terms.append(c * yr)
        for m in ms:
            price[m] += yr
    terms.extend(max(0.0, inst.weight[m] - price[m]) for m in live)
    relaxed = math.fsum(terms)
    plain = sum(inst.weight[m] for m in live)
    # the float sum is exact to ~1e-9 here; the margin keeps rounding on the safe side
    value = locked_sum + min(plain, math.floor(relaxed + 1e-6))
    return Bound(value, impossible, relaxed_x)


def _lp_solve(
    inst: Instance, live: list[int], resources: list[tuple[list[int], int]]
) -> tuple[list[float], dict[int, float]]:
    """Multipliers for the resources and the LP's primal values per meeting."""
    everything = dict.fromkeys(live, 1.0)
    if not resources:
        return [], everything
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return [0.0] * len(resources), everything
    x = {m: solver.NumVar(0.0, 1.0, "") for m in live}
    rows = []
    for ms, c in resources:
        row = solver.Constraint(-solver.infinity(), float(c))
        for m in ms:
            row.SetCoefficient(x[m], 1.0)
        rows.append(row)
    objective = solver.Objective()
    for m in live:
        objective.SetCoefficient(x[m], float(inst.weight[m]))
    objective.SetMaximization()
    if solver.Solve() not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return [0.0] * len(resources), everything
    duals = [max(0.0, row.dual_value()) for row in rows]
    return duals, {m: var.solution_value() for m, var in x.items()}


def _why_impossible(inst: Instance, m: int) -> str:
    problem = inst.problem
    meeting = problem.meetings[m]
    names = ", ".join(problem.participants[p].id for p in meeting.participants)
    if inst.kind[m] != POOL and inst.kind[m] < 0:
        return f"participants {names} have different fixed tables"
    if not inst.feasible[m]:
        if meeting.allowed_slots is not None and not meeting.allowed_slots:
            return "no allowed slot"
        return f"no slot in which all of {names} are available"
    return f"every slot in which all of {names} are available is locked by other meetings"
