"""Local improvement of a feasible slot schedule: ejection chains and priority exchanges.

An unscheduled meeting often fits once a meeting that blocks one of its participants moves to
another free slot; repeated, that is an augmenting path in the participant x slot graph (the
Kempe-chain argument behind edge colouring). Every step keeps the schedule feasible, and
search effort is counted in nodes, never in seconds, so the result does not depend on the
machine's speed.
"""

from __future__ import annotations

from .state import POOL, Schedule


class Budget:
    __slots__ = ("left",)

    def __init__(self, nodes: int) -> None:
        self.left = nodes

    def spend(self, nodes: int = 1) -> bool:
        self.left -= nodes
        return self.left >= 0


def _blockers(sched: Schedule, m: int, s: int, frozen: frozenset[int]) -> list[int] | None:
    """Meetings that must leave slot `s` for `m` to take it; None if that cannot help."""
    inst = sched.inst
    n_slots = inst.n_slots
    found: list[int] = []
    for p in inst.parts[m]:
        b = sched.busy[p * n_slots + s]
        if b >= 0:
            if b in frozen or inst.locked[b]:
                return None
            if b not in found:
                found.append(b)
    for p in inst.parts[m]:
        # a blocker that shares p leaves with p, so p's load only counts the others
        shared = sum(1 for b in found if p in inst.parts[b])
        # at its cap, or busy in every slot it can attend: no chain of moves makes room
        if sched.load[p] - shared >= inst.room[p]:
            return None
    k = inst.kind[m]
    if k == POOL:
        freed = sum(1 for b in found if inst.kind[b] == POOL)
        if sched.pool_used[s] - freed >= inst.pool_cap[s]:
            return None
    else:
        b = sched.fixed_at(k, s)
        if b >= 0 and b not in found:
            if b in frozen or inst.locked[b]:
                return None
            found.append(b)
    return found


def insert(
    sched: Schedule, m: int, depth: int, budget: Budget, frozen: frozenset[int] = frozenset()
) -> bool:
    """Place the unplaced meeting `m`, relocating up to `depth` levels of blocking meetings.

    On failure the schedule is left exactly as it was.
    """
    inst = sched.inst
    frozen = frozen | {m}
    options: list[tuple[int, int, int, list[int]]] = []
    current = inst.current_slot[m]
    for s in inst.feasible[m]:
        if not budget.spend():
            return False
        found = _blockers(sched, m, s, frozen)
        if found is None:
            continue
        if not found:
            sched.place(m, s)
            return True
        if depth > 0 and len(found) <= 2:
            # moving a published meeting costs a move; prefer chains that do not
            published = sum(1 for b in found if inst.current_slot[b] == sched.slot_of[b] >= 0)
            options.append((len(found) + 2 * published, 0 if s == current else 1, s, found))
    options.sort(key=lambda o: (o[0], o[1], o[2]))
    for _, _, s, found in options:
        mark = sched.mark()
        for b in found:
            sched.remove(b)
        sched.place(m, s)
        inner = frozen | set(found)
        if all(insert(sched, b, depth - 1, budget, inner) for b in found):
            return True
        sched.rollback(mark)
        if budget.left < 0:
            return False
    return False


def augment(
    sched: Schedule, candidates: list[int], max_depth: int, budget: Budget, target: int
) -> int:
    """Try to insert each unplaced candidate, deepening the search round by round.

    Stops once the priority sum reaches `target` (the proven bound): nothing is left to gain.
    """
    inst = sched.inst
    placed = 0
    for depth in range(max_depth + 1):
        for m in candidates:
            if sched.slot_of[m] >= 0:
                continue
            if budget.left < 0 or sched.total >= target:
                return placed
            if any(sched.load[p] >= inst.room[p] for p in inst.parts[m]):
                continue
            if insert(sched, m, depth, budget):
                placed += 1
                sched.commit()
    return placed


def exchange(sched: Schedule, candidates: list[int], depth: int, budget: Budget) -> int:
    """Swap a lower-priority meeting out for an unplaced one when that raises the priority sum.

    Only meetings whose participant is at their cap are tried: elsewhere `augment` already
    looked for room without giving anything up.
    """
    inst = sched.inst
    gained = 0
    for m in candidates:
        if sched.slot_of[m] >= 0 or budget.left < 0:
            continue
        weight = inst.weight[m]
        victims: list[tuple[int, int]] = []
        for p in inst.parts[m]:
            if sched.load[p] < inst.cap[p]:
                continue
            for b in inst.meetings_of[p]:
                if sched.slot_of[b] >= 0 and not inst.locked[b] and inst.weight[b] < weight:
                    victims.append((inst.weight[b], b))
        victims.sort()
        for _, b in victims:
            if sched.slot_of[b] < 0 or not budget.spend():
                continue
            mark = sched.mark()
            sched.remove(b)
            if insert(sched, m, depth, budget, frozenset({b})):
                gained += weight - inst.weight[b]
                sched.commit()
                break
            sched.rollback(mark)
    return gained


def restore_published(sched: Schedule, budget: Budget) -> int:
    """Move meetings that left their published slot back when that slot is free again."""
    inst = sched.inst
    back = 0
    for m, s in enumerate(inst.current_slot):
        here = sched.slot_of[m]
        if s < 0 or here < 0 or here == s or inst.locked[m] or s not in inst.feasible[m]:
            continue
        if not budget.spend():
            break
        sched.remove(m)
        if sched.can_place(m, s):
            sched.place(m, s)
            back += 1
        else:
            sched.place(m, here)
        sched.commit()
    return back


def participant_gaps(sched: Schedule, p: int) -> int:
    """Idle slots between a participant's first and last meeting (unavailable ones excluded)."""
    inst = sched.inst
    n_slots = inst.n_slots
    row = sched.busy[p * n_slots : (p + 1) * n_slots]
    first = last = -1
    count = 0
    for s, b in enumerate(row):
        if b >= 0:
            if first < 0:
                first = s
            last = s
            count += 1
    if count < 2:
        return 0
    away = inst.problem.participants[p].unavailable
    blocked = sum(1 for s in away if first < s < last)
    return last - first + 1 - count - blocked


def compact(sched: Schedule, budget: Budget, passes: int = 2) -> int:
    """Move meetings to free slots where their participants' idle gaps shrink.

    Published meetings stay where they are, so this never adds a move.
    """
    inst = sched.inst
    saved = 0
    for _ in range(passes):
        improved = False
        for m in range(len(inst.parts)):
            here = sched.slot_of[m]
            if here < 0 or inst.locked[m] or inst.current_slot[m] == here:
                continue
            parts = inst.parts[m]
            before = sum(participant_gaps(sched, p) for p in parts)
            if before == 0:
                continue
            best_gain, best_slot = 0, -1
            sched.remove(m)
            for s in inst.feasible[m]:
                if s == here or not sched.can_place(m, s):
                    continue
                if not budget.spend(len(parts)):
                    break
                sched.place(m, s)
                gain = before - sum(participant_gaps(sched, p) for p in parts)
                sched.remove(m)
                if gain > best_gain:
                    best_gain, best_slot = gain, s
            sched.place(m, best_slot if best_slot >= 0 else here)
            sched.commit()
            if best_slot >= 0:
                saved += best_gain
                improved = True
            if budget.left < 0:
                return saved
        if not improved:
            break
    return saved
