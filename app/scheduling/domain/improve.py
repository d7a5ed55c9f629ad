"""Local improvement of a feasible slot schedule: ejection chains and priority exchanges.

An unscheduled meeting often fits once a meeting that blocks one of its participants moves to
another free slot; repeated, that is an augmenting path in the participant x slot graph (the
Kempe-chain argument behind edge colouring). Every step keeps the schedule feasible, and
search effort is counted in nodes, never in seconds, so the result does not depend on the
machine's speed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

from .state import POOL, Instance, Schedule

# victims tried per full participant when a meeting has several full participants
PAIR_FANOUT = 6
# meetings taken out (or refilled) per step of an exchange path, and steps per path
VICTIM_FANOUT = 12
PATH_LEVELS = 3


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


def exchange(
    sched: Schedule, candidates: list[int], depth: int, budget: Budget, target: int
) -> int:
    """Swap meetings out for unplaced ones where that raises the priority sum.

    For an unplaced meeting held back by a full participant p, take out one of p's meetings
    b, put the candidate in, and, when that alone gains nothing (equal priorities), fill the
    room b leaves for its other participants with another unplaced meeting, recursively: an
    augmenting path of the capacitated matching between participants.
    """
    before = sched.total
    for m in candidates:
        if sched.total >= target or budget.left < 0:
            break
        if sched.slot_of[m] >= 0:
            continue
        for level in range(1, PATH_LEVELS + 1):
            mark = sched.mark()
            if _push(sched, m, level, depth, budget, frozenset()):
                sched.commit()
                break
            sched.rollback(mark)
    return sched.total - before


def _push(
    sched: Schedule, m: int, level: int, depth: int, budget: Budget, frozen: frozenset[int]
) -> bool:
    """Put m in with a net priority gain, or leave everything as it was and return False."""
    inst = sched.inst
    if not budget.spend():
        return False
    weight = inst.weight[m]
    full = [p for p in inst.parts[m] if sched.load[p] >= inst.room[p]]
    if not full:
        return weight > 0 and insert(sched, m, depth, budget, frozen)
    options = [[b for b in _victims(sched, p, weight) if b not in frozen] for p in full]
    if len(options) == 1:
        combos: list[tuple[int, ...]] = [(b,) for b in options[0][:VICTIM_FANOUT]]
    else:
        # several full participants: one meeting out of each, worth less than m in total
        combos = [
            tuple(dict.fromkeys(pair))
            for pair in itertools.product(*(o[:PAIR_FANOUT] for o in options))
        ]
        combos = [c for c in combos if sum(inst.weight[b] for b in c) < weight]
    for combo in combos:
        if budget.left < 0:
            return False
        if any(sched.slot_of[b] < 0 for b in combo):
            continue
        gain = weight - sum(inst.weight[b] for b in combo)
        refills: list[int] | None = [] if gain > 0 or len(combo) > 1 or level <= 1 else None
        if refills is None:
            refills = _refills(sched, m, combo[0], -gain)[:VICTIM_FANOUT]
            if not refills:
                continue
        elif gain <= 0:
            continue
        mark = sched.mark()
        for b in combo:
            sched.remove(b)
        inner = frozen | set(combo) | {m}
        if insert(sched, m, depth, budget, inner):
            if gain > 0:
                return True
            for c in refills:
                if sched.slot_of[c] < 0 and _push(sched, c, level - 1, depth, budget, inner):
                    return True
        sched.rollback(mark)
    return False


def _victims(sched: Schedule, p: int, weight: int) -> list[int]:
    """p's movable meetings worth at most `weight`, unpublished and cheap ones first."""
    inst = sched.inst
    found = [
        (int(inst.current_slot[b] >= 0), inst.weight[b], b)
        for b in inst.meetings_of[p]
        if sched.slot_of[b] >= 0 and not inst.locked[b] and inst.weight[b] <= weight
    ]
    found.sort()
    return [b for *_, b in found]


def _refills(sched: Schedule, m: int, b: int, lost: int) -> list[int]:
    """Unplaced meetings worth more than `lost` that b's leaving could make room for."""
    inst = sched.inst
    found: list[int] = []
    for q in inst.parts[b]:
        if q in inst.parts[m]:
            continue
        for c in inst.meetings_of[q]:
            if c == m or sched.slot_of[c] >= 0 or inst.weight[c] <= lost:
                continue
            if not inst.feasible[c] or c in found:
                continue
            # q gets room back; everyone else in c must have some already
            if all(r == q or sched.load[r] < inst.room[r] for r in inst.parts[c]):
                found.append(c)
    return found


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


def participant_gaps(sched: Schedule, p: int, days: Sequence[int]) -> int:
    """Idle slots between a participant's first and last meeting of each day (unavailable
    ones excluded; ``days``: slot_days)."""
    return participant_idle(sched, p, days)[1]


def participant_idle(sched: Schedule, p: int, days: Sequence[int]) -> tuple[int, int]:
    """A participant's (breaks, idle slots): per day (``days``: slot_days), the runs of slots
    without a meeting between their first and last meeting, and the slots in those runs in
    which they are not unavailable. A night is neither."""
    n_slots = sched.inst.n_slots
    row = sched.busy[p * n_slots : (p + 1) * n_slots]
    away = sched.inst.problem.participants[p].unavailable
    breaks = idle = 0
    day, seen, run, run_away = -1, False, 0, 0
    for s, b in enumerate(row):
        if days[s] != day:
            day, seen, run, run_away = days[s], False, 0, 0
        if b >= 0:
            if seen and run:
                breaks += 1
                idle += run - run_away
            seen, run, run_away = True, 0, 0
        else:
            run += 1
            run_away += s in away
    return breaks, idle


def slot_days(inst: Instance) -> list[int]:
    """Day number of each slot (slots without times form one day): breaks end at midnight."""
    days: list[int] = []
    seen: dict[object, int] = {}
    for slot in inst.problem.slots:
        key = slot.start.date() if slot.start is not None else None
        days.append(seen.setdefault(key, len(seen)))
    return days


def participant_breaks(inst: Instance, slot_of: list[int]) -> list[int]:
    """Per participant, the runs of slots without a meeting between their first and last
    meeting of each day (a run of idle slots counts once, whatever keeps them idle)."""
    n_slots = inst.n_slots
    busy = [[False] * n_slots for _ in range(inst.n_participants)]
    for m, s in enumerate(slot_of):
        if s >= 0:
            for p in inst.parts[m]:
                busy[p][s] = True
    days = slot_days(inst)
    result = []
    for row in busy:
        breaks = 0
        last_day, seen_meeting, idle = -1, False, False
        for s in range(n_slots):
            if days[s] != last_day:
                last_day, seen_meeting, idle = days[s], False, False
            if row[s]:
                if idle and seen_meeting:
                    breaks += 1
                seen_meeting, idle = True, False
            else:
                idle = True
        result.append(breaks)
    return result


def compact(sched: Schedule, budget: Budget, passes: int = 2, *, breaks_first: bool = True) -> int:
    """Move meetings to free slots where their participants' days get more compact: fewer
    breaks, or as many and fewer idle slots (a move that closes idle slots by splitting a
    break in two is not taken), then by swapping a meeting with one that is in the way
    (_swap); without ``breaks_first``, single moves for fewer idle slots only. Returns how
    many moves and swaps it made.

    Published meetings stay where they are, so this never adds a move.
    """
    inst = sched.inst
    days = slot_days(inst)

    def cost(parts: Sequence[int]) -> tuple[int, int]:
        breaks = idle = 0
        for p in parts:
            b, i = participant_idle(sched, p, days)
            breaks += b
            idle += i
        return (breaks if breaks_first else 0), idle

    moved = 0
    for _ in range(passes):
        improved = False
        for m in range(len(inst.parts)):
            if not movable(inst, sched, m):
                continue
            here = sched.slot_of[m]
            parts = inst.parts[m]
            best = cost(parts)
            if best == (0, 0):
                continue
            best_slot = -1
            sched.remove(m)
            for s in inst.feasible[m]:
                if s == here or not sched.can_place(m, s):
                    continue
                if not budget.spend(len(parts)):
                    break
                sched.place(m, s)
                after = cost(parts)
                sched.remove(m)
                if after < best:
                    best, best_slot = after, s
            sched.place(m, best_slot if best_slot >= 0 else here)
            sched.commit()
            if best_slot >= 0 or (breaks_first and _swap(sched, m, cost, budget)):
                moved += 1
                improved = True
            if budget.left < 0:
                return moved
        if not improved:
            break
    return moved


def _swap(
    sched: Schedule, m: int, cost: Callable[[Sequence[int]], tuple[int, int]], budget: Budget
) -> bool:
    """Swap ``m`` with the one meeting that keeps one of its participants busy in a slot it
    could take, where that makes the days of everyone in the two more compact (the first such
    slot); whether it did. The participants they share keep their slots: a day with a break
    closes where a partner's meeting moves out of the way."""
    inst = sched.inst
    n_slots = inst.n_slots
    here = sched.slot_of[m]
    parts = inst.parts[m]
    for s in inst.feasible[m]:
        if s == here:
            continue
        blocking = {sched.busy[p * n_slots + s] for p in parts} - {-1}
        if len(blocking) != 1:
            continue
        (other,) = blocking
        if not movable(inst, sched, other) or here not in inst.feasible[other]:
            continue
        people = sorted(set(parts) | set(inst.parts[other]))
        if not budget.spend(len(people)):
            return False
        before = cost(people)
        sched.remove(m)
        sched.remove(other)
        if sched.can_place(m, s):
            sched.place(m, s)
            if sched.can_place(other, here):
                sched.place(other, here)
                if cost(people) < before:
                    sched.commit()
                    return True
                sched.remove(other)
            sched.remove(m)
        sched.place(m, here)
        sched.place(other, s)
        sched.commit()
    return False


def movable(inst: Instance, sched: Schedule, m: int) -> bool:
    """Whether the days phases may move ``m``: scheduled, not locked, not in its published
    slot (priority and moves stay as they are)."""
    s = sched.slot_of[m]
    return s >= 0 and not inst.locked[m] and inst.current_slot[m] != s
