"""Most-constrained-first greedy placement (Bofill et al. 2022 report it lands close to optimal)."""

from __future__ import annotations

from .state import Instance, Schedule


def greedy_order(inst: Instance, relaxed: dict[int, float] | None = None) -> list[int]:
    """Unlocked, placeable meetings: high priority first, then fewest effective options.

    With `relaxed` (the LP's choice, see bound.py), meetings the LP takes go first: the LP
    already solved who gets a capped or over-requested participant's time, and is nearly
    always integral on these bipartite-like instances.

    A meeting with an over-demanded participant has fewer options than its slot count says,
    because the participant's other requests compete for the same slots; dividing by the
    participant's demand/capacity ratio accounts for that.
    """
    demand = [0] * inst.n_participants
    for m, slots in enumerate(inst.feasible):
        if slots and not inst.locked[m]:
            for p in inst.parts[m]:
                demand[p] += 1
    room = inst.room
    keyed: list[tuple[int, int, float, int]] = []
    for m, slots in enumerate(inst.feasible):
        if not slots or inst.locked[m]:
            continue
        pressure = max(demand[p] / max(room[p], 1) for p in inst.parts[m])
        chosen = 1 if relaxed is None else round(relaxed.get(m, 0.0) * 4)
        keyed.append((-chosen, -inst.weight[m], len(slots) / max(pressure, 1.0), m))
    keyed.sort()
    return [m for *_, m in keyed]


def best_slot(sched: Schedule, m: int) -> int:
    """The free slot for `m` that keeps it published, then next to its participants' meetings.

    Returns -1 when no slot is free. Adjacent placement keeps days compact (fewer idle gaps);
    the least-used slot comes next so that table demand stays spread over the session.
    """
    inst = sched.inst
    n_slots = inst.n_slots
    busy = sched.busy
    current = inst.current_slot[m]
    if current >= 0 and current in inst.feasible[m] and sched.can_place(m, current):
        return current
    best = -1
    best_key: tuple[int, int, int] | None = None
    parts = inst.parts[m]
    for s in inst.feasible[m]:
        if not sched.can_place(m, s):
            continue
        adjacent = 0
        for p in parts:
            base = p * n_slots
            if (s > 0 and busy[base + s - 1] >= 0) or (s + 1 < n_slots and busy[base + s + 1] >= 0):
                adjacent += 1
        key = (-adjacent, sched.pool_used[s], s)
        if best_key is None or key < best_key:
            best, best_key = s, key
    return best


def greedy(sched: Schedule, order: list[int]) -> None:
    for m in order:
        if sched.slot_of[m] >= 0:
            continue
        s = best_slot(sched, m)
        if s >= 0:
            sched.place(m, s)
    sched.commit()
