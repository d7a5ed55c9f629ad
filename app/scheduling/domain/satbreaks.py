"""Objective 3 on a one-day session by SAT: "at most B breaks", decided by CaDiCaL.

The same meetings, slots and tables as breaks.BreaksModel, in clauses: a boolean per movable
meeting and allowed slot (exactly one), at most one meeting per participant and slot, the
pool tables' capacity and a reserved table's one meeting per slot; per participant a "busy"
literal per slot and a "run starts here" literal, and the window stated outright for a day
without a break (the n meetings fill slots f .. f + n - 1 for one f). A participant's breaks
(run starts less one) are counted in unary by a totalizer, all of them by one more, and the
bound B is a unit clause on its outputs.

Why a SAT solver: on the published instances CP-SAT (full search and LNS alike) stalled at
4-5 people with a break on ticf-13crafc and forum-13crafc for 90 s; CaDiCaL on these clauses
refutes B = 0 in 0.1 s and finds B = 1 in 1-3 s. Each B gets a fresh solver with the bound as
unit clauses: they simplify away what assumptions on one incremental solver cannot (0.1 s
against 5 s to refute B = 0 on ticf-13crafc).

Search: B = lower, lower + 1, ... below the current count, each within a budget of
conflicts (not of time: the same input gives the same schedule). A refuted B raises the
proven lower bound; the first B found ends the search, proven fewest when every B below it
was refuted, and so does the first B left open. Descent (after CP-SAT, from its schedule):
one incremental solver asked for fewer breaks than its last placement had, its learnt
clauses and phases kept from one answer to the next, first in neighbourhoods (the meetings
in a window of a few slots free, every other meeting held in its slot by assumptions:
nothing to rebuild from one to the next), then in the whole model; near the fewest, until
that is refuted, only the people with a break in the schedule it starts from may have one
(everyone else's day held to one window), then nobody may have two, and on a second lane
nobody may have two from the start (see descend). Meetings that are not scheduled, locked or
in their published slot do not move.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from .improve import participant_breaks
from .satlanes import Descent, Hoods, Lanes
from .state import POOL, Instance, Schedule, fixed_part

# the highest count of breaks the search tries (the totalizers grow with it)
MAX_BOUND = 24
# The largest model searched, in moving meetings × slots. The published instances have up
# to 302 × 22 = 6,644 (110,000-380,000 clauses) and CaDiCaL makes 10,000-18,000 conflicts a
# second on them; a generated one-day session of 400 meetings × 24 slots (404,000 clauses)
# made 1,900 and found nothing in its budget, making the solve 6-12 s slower: CP-SAT alone
# takes those.
MAX_CELLS = 7_000
# A descent starts with neighbourhoods (satlanes.Hoods) for HOOD_SHARE of its conflicts:
# the meetings in a window of HOOD_WIDTH slots move (a wider window after a neighbourhood
# refuted, a narrower one after one out of conflicts), every other meeting stays in its
# slot, HOOD_STEP_CONFLICTS at most each; then the whole model. A conflict in a
# neighbourhood counts HOOD_WEIGHT times: CaDiCaL made 3,400-5,900 a second there against
# 7,900-14,200 in the whole model on the published instances (not for the held meetings'
# many decision levels: held by one activation literal instead, it made as few), so the
# descent takes the wall time it took without them. Measured on the four published
# instances above their best published result and three copies of each with participants,
# meetings and tables shuffled (the 16 schedules CP-SAT ended with, the same conflicts for
# the descent), as the mean over seeds of the total breaks (one seed's total moves by up to
# 7 either way): the whole model alone 114; windows of 3 slots 110.3 (9 seeds: forum-13crafb
# and its copies 44.4, forumt-14crafe 24.0, tic-13crafc 19.4, ticf-13crafb 22.4); the
# meetings of 2 people with a break and of up to 4 of their partners 115.0 (6 seeds: 45.8 /
# 25.5 / 19.0 / 24.7; seed 7 alone, 106, was luck); the two in turn 113.7 (3 seeds). With
# seeds 7-9, where windows of 3 slots gave 107.0: windows of 5 or 2 slots to start 111.0 /
# 111.0, steps of 4,000 conflicts 107.7, a share of 0.5 108.3, weight 2 105.7 but slower,
# windows around a person's idle slot 110.7: all within the noise.
# With the hold on people without a break (descend), the neighbourhoods are held to it too:
# 92 on the sample (seed 8) against 95 without them, and forumt-14crafe stays at 5 (6
# without them), but a conflict under both sets of assumptions is slow there: its
# descents took 12-17 s against 6-8 s (measured, not mended).
HOOD_SHARE = 0.3
HOOD_STEP_CONFLICTS = 2_000
HOOD_WIDTH = 3
HOOD_SEED = 8  # any seed does about as well on average (measured above)
HOOD_WEIGHT = 3.0


def searchable(inst: Instance, free: list[int]) -> bool:
    """Whether the model over ``free`` is small enough for a SAT search to pay."""
    return len(free) * inst.n_slots <= MAX_CELLS


@dataclass(frozen=True, slots=True)
class SatBreaks:
    placement: dict[int, int] | None  # slot per freed meeting; None when nothing was found
    breaks: int  # of the participants in the model (as now when nothing was found)
    proven: bool  # no placement has fewer breaks than this one (or than now)
    lower: int  # the proven lower bound (the breaks when proven)
    conflicts: int  # budget spent, in conflicts


class BreaksCnf:
    """The clauses over ``free`` meetings, everything else fixed where it is."""

    def __init__(self, inst: Instance, sched: Schedule, free: list[int]) -> None:
        from pysat.card import CardEnc, EncType
        from pysat.formula import IDPool

        self.inst, self.sched = inst, sched
        self.pool = pool = IDPool()
        self.clauses: list[list[int]] = []
        free_set = set(free)
        fixed = fixed_part(inst, sched, free_set)
        tables: dict[tuple[int, int], list[int]] = {}
        self.x: dict[tuple[int, int], int] = {}
        on_slot: dict[tuple[int, int], list[int]] = {}
        pooled: dict[int, list[int]] = {}
        for m in free:
            row = []
            for s in fixed.options(inst, m):
                v = pool.id(("x", m, s))
                self.x[m, s] = v
                row.append(v)
                for p in inst.parts[m]:
                    on_slot.setdefault((p, s), []).append(v)
                if inst.kind[m] == POOL:
                    pooled.setdefault(s, []).append(v)
                else:
                    tables.setdefault((inst.kind[m], s), []).append(v)
            self._card(CardEnc.equals(row, 1, vpool=pool, encoding=EncType.seqcounter))
        for s, vs in pooled.items():
            room = fixed.pool_room[s]
            if len(vs) > room:
                enc = CardEnc.atmost(vs, max(room, 0), vpool=pool, encoding=EncType.seqcounter)
                self._card(enc)
        for vs in tables.values():
            if len(vs) > 1:
                self._card(CardEnc.atmost(vs, 1, vpool=pool, encoding=EncType.pairwise))
        self.people: list[int] = []
        self.starts: list[list[int]] = []  # run-start literals per person of self.people
        self.fixed_starts: list[int] = []  # run starts that are certain, per person
        self.has_break: list[int] = []
        for p in range(inst.n_participants):
            if any(m in free_set for m in inst.meetings_of[p]):
                self._participant(p, fixed.busy, on_slot)

    def _card(self, enc: object) -> None:
        self.clauses.extend(enc.clauses)  # type: ignore[attr-defined]

    def _participant(
        self,
        p: int,
        fixed_busy: frozenset[tuple[int, int]],
        on_slot: dict[tuple[int, int], list[int]],
    ) -> None:
        from pysat.card import CardEnc, EncType

        inst, pool, clauses = self.inst, self.pool, self.clauses
        n_slots = inst.n_slots
        busy: list[int | bool] = []
        for s in range(n_slots):
            if (p, s) in fixed_busy:
                busy.append(True)
            elif (p, s) in on_slot:
                vs = on_slot[p, s]
                if len(vs) > 1:
                    self._card(CardEnc.atmost(vs, 1, vpool=pool, encoding=EncType.pairwise))
                b = pool.id(("busy", p, s))
                clauses.append([-b, *vs])
                clauses.extend([-v, b] for v in vs)
                busy.append(b)
            else:
                busy.append(False)
        n = sum(1 for m in inst.meetings_of[p] if self.sched.slot_of[m] >= 0)
        if n < 2:
            return
        starts: list[int] = []
        certain = 0
        for s, now in enumerate(busy):
            before = busy[s - 1] if s else False
            if now is False or before is True:
                continue
            if now is True:
                if before is False:
                    certain += 1
                else:
                    starts.append(-before)
            elif before is False:
                starts.append(now)
            else:
                start = pool.id(("start", p, s))
                clauses.extend([[-now, before, start], [-start, now], [-start, -before]])
                starts.append(start)
        self.people.append(p)
        self.starts.append(starts)
        self.fixed_starts.append(certain)
        # without a break the n meetings fill one window f .. f + n - 1, stated outright
        has_break = pool.id(("break", p))
        self.has_break.append(has_break)
        windows: list[int] = []
        over: dict[int, list[int]] = {s: [] for s in range(n_slots)}
        for f in range(n_slots - n + 1):
            inside = range(f, f + n)
            if any(busy[s] is False for s in inside) or any(
                busy[s] is True for s in range(n_slots) if s not in inside
            ):
                continue
            w = pool.id(("window", p, f))
            windows.append(w)
            for s, now in enumerate(busy):
                if isinstance(now, bool):
                    continue
                clauses.append([-w, now] if s in inside else [-w, -now])
                if s in inside:
                    over[s].append(w)
            clauses.append([-w, -has_break])
        clauses.append([has_break, *windows])
        if len(windows) > 1:
            self._card(CardEnc.atmost(windows, 1, vpool=pool, encoding=EncType.seqcounter))
        for s, now in enumerate(busy):
            if not isinstance(now, bool):
                clauses.append([has_break, -now, *over[s]])
        # a second run start means a break
        clauses.extend([-a, -b, has_break] for i, a in enumerate(starts) for b in starts[i + 1 :])
        if certain:
            clauses.extend([-a, has_break] for a in starts)

    def bounded(self, bound: int) -> list[list[int]]:
        """The clauses saying "at most ``bound`` breaks" among the people of the model."""
        if bound < self.fixed_breaks():
            return [[]]
        clauses, at_most, _ = self.counters(bound)
        return [*clauses, *([lit] for lit in at_most(bound))]

    def counters(self, top: int) -> tuple[list[list[int]], Callable[[int], list[int]], list[int]]:
        """Clauses counting the breaks up to ``top`` + 1; for any B from the fixed breaks to
        ``top`` the literals that say "at most B breaks" (as assumptions); and (for ``top``
        >= 1) per person who can have two breaks or more, the literal saying so."""
        from pysat.card import ITotalizer

        pool = self.pool
        last = pool.top
        clauses: list[list[int]] = []
        counted: list[int] = []
        two: list[int] = []
        for starts, certain in zip(self.starts, self.fixed_starts, strict=True):
            # breaks = run starts - 1; "breaks >= j" for j = 1 .. top + 1
            if len(starts) + certain <= 1:
                continue
            tot = ITotalizer(lits=starts, ubound=min(len(starts), top + 2), top_id=last)
            last = tot.top_id
            clauses.extend(tot.cnf.clauses)
            for j in range(1, top + 2):
                k = j + 1 - certain  # more than k-1 uncertain starts: breaks >= j
                if k <= 0:
                    continue
                if k - 1 < len(tot.rhs):
                    counted.append(tot.rhs[k - 1])
                    if j == 2:
                        two.append(tot.rhs[k - 1])
        fixed = self.fixed_breaks()
        # a person with a break has at least one: at most B people with one, which
        # propagates far better than the count alone (refutes B = 0 at once)
        outputs: list[tuple[list[int], int]] = []  # (totalizer outputs, what B leaves room for)
        for lits, shift in ((counted, fixed), (self.has_break, 0)):
            if len(lits) > top - shift:
                tot = ITotalizer(lits=lits, ubound=top - shift + 1, top_id=last)
                last = tot.top_id
                clauses.extend(tot.cnf.clauses)
                outputs.append((tot.rhs, shift))

        def at_most(bound: int) -> list[int]:
            return [-rhs[bound - shift] for rhs, shift in outputs if bound - shift < len(rhs)]

        return clauses, at_most, two

    def placement(self, true: frozenset[int]) -> dict[int, int]:
        return {m: s for (m, s), v in self.x.items() if v in true}

    def fixed_breaks(self) -> int:
        """Breaks that no placement of the free meetings takes away."""
        return sum(max(c - 1, 0) for c in self.fixed_starts)

    def breaks_now(self) -> int:
        breaks = participant_breaks(self.inst, self.sched.slot_of)
        return sum(breaks[p] for p in self.people)


def fewest_breaks(
    inst: Instance,
    sched: Schedule,
    free: list[int],
    *,
    conflicts: int,
    step_conflicts: int,
    lanes: int = 1,
    until: float = math.inf,
) -> SatBreaks | None:
    """Fewer breaks than now among the people of the model: B = lower, lower + 1, ... each
    within ``step_conflicts``, ``lanes`` of them at once (satlanes.py: one child process per
    core), each lane within ``conflicts`` in all; the first B found ends the search, and so
    does ``until`` (a moment of time.monotonic: the B being decided then are left open).

    A round of lanes decides B and the ones above it (B + 1, B + 3, ...); their answers are
    read in order of B, so the outcome does not depend on which lane finished first. When
    all were refuted the next round starts above them. A round that leaves a B open ends
    the search: near the fewest both refuting and finding get slow and heavy-tailed
    (tic-13crafc: B = 2 open after 300,000 conflicts, B = 3 found in 138,000; every
    published instance whose first open round was not the last found nothing in the
    second), and searching down from CP-SAT's schedule (descend) gets further with the
    conflicts left. The placement is None when no B below the current count was found;
    None when nobody in the model can have a break or the model is too large for the
    search to pay."""
    if not searchable(inst, free):
        return None
    cnf = BreaksCnf(inst, sched, free)
    if not cnf.people:
        return None
    now = cnf.breaks_now()
    top = min(now, MAX_BOUND + 1)
    keep = cnf.pool.top
    lower = bound = min(cnf.fixed_breaks(), now)  # fewer are refuted without a search
    jump = spent = 0
    with Lanes(cnf.clauses, lanes if bound < top else 1) as running:
        while bound < top and spent < conflicts:
            budget = min(step_conflicts, conflicts - spent)
            asked = [bound]
            while len(asked) < running.width:
                jump = max(1, 2 * jump)  # as if the B before were left open
                if asked[-1] + jump >= top:
                    break
                asked.append(asked[-1] + jump)
            answers = running.decide([(cnf.bounded(b), budget) for b in asked], keep, until)
            spent += max(got.conflicts for got in answers)
            for b, got in zip(asked, answers, strict=False):
                if got.answer is True and got.true is not None:
                    return SatBreaks(cnf.placement(got.true), b, lower == b, lower, spent)
                if got.answer is False:
                    lower = max(lower, b + 1)  # at most b refuted: anything fewer too
            if any(got.answer is None for got in answers):
                break  # left open: near the fewest
            bound, jump = lower, 0  # all refuted: below the fewest, on from the next
    return SatBreaks(None, now, lower >= now, lower, spent)


def descend(
    inst: Instance,
    sched: Schedule,
    free: list[int],
    *,
    conflicts: int,
    floor: int = 0,
    more: int = 0,
    until: float = math.inf,
) -> SatBreaks | None:
    """Fewer breaks than the schedule has now, searched down from it: "at most c - 1
    breaks" after each placement of c found, on one incremental solver per lane (its
    learnt clauses kept from one c to the next), within ``conflicts`` per lane
    and ``more`` on top of them, at the end (the neighbourhoods take a share of
    ``conflicts``: more does not change the search up to where it would have ended).
    One lane, or two near the fewest (below).

    Where the ladder of fresh solvers (fewest_breaks) is left open near the fewest, this
    goes on from the best schedule CP-SAT reached (measured from CP-SAT's schedules of the
    published instances: forum-13crafb 12 -> 8 breaks, forumt-14crafe 7 -> 5, ticf-13crafb
    6 -> 4 in 90,000-250,000 conflicts, where CP-SAT had stalled; from a schedule far from
    the fewest it is slow: forum-13crafb 72 -> 18 in 300,000). Each lane's phases start at
    the schedule and follow each placement found (a search around the best so far); it
    first searches neighbourhoods, windows of a few slots (HOOD_SHARE), then the whole
    model; each lane draws its own windows.

    Where the first bound asked is one below now (near the fewest), only the people with a
    break now may have one: everyone else's "has a break" is held false (by one literal
    assumed, satlanes.descend_here; their meetings fill one window), until "at most c - 1"
    is refuted so held (which proves nothing); then anyone may. The search is then over
    the days of a few people, the rest following: on bench/descent_sample.py's 16 sessions
    (total breaks after the descent, the same conflicts) 100 -> 92, and without the
    neighbourhoods 110 -> 93 (on another dump of them); from ticf-13crafb's schedule of 4,
    the published 3 took 37,000-80,000 conflicts held so, 167,000-193,000 not.

    Near the fewest a second lane, on the other core, searches another restriction: nobody
    has two breaks or more (until refuted so), anyone may have one; the held lane takes it
    too once its own hold is refuted. The held lane can only take breaks away from the
    people who have them; where the fewest need a break on
    someone else, it cannot get there (forum-13crafb: from CP-SAT's 13 breaks on 7 people it
    ends at 7, one each, and "at most 6" so held is refuted), while the other lane moves
    breaks between people, one each (from those 7 it found 6 on 6 people, some of them
    others, in 69,000 conflicts). On bench/descent_sample.py (seeds 7-9, total breaks)
    90.0 with the held lane alone, 85.0 with both, every seed better by 4-6 (held out,
    copies 4-7 of the four families: 97 against 90, seed 8); the capped
    lane alone 88 (seed 8); both restrictions on one lane 115 (from CP-SAT's schedule,
    where people have up to 3 breaks, it found almost nothing); a descent takes ~13 % more
    wall time with the second lane beside it. The held lane capped after its hold (instead of
    free of any restriction): 84.3 against 85.0 (seeds 7-9; every case the same or better,
    two better), held out 88 against 90 (two better, none worse); its whole model free of
    restrictions found nothing in most of these cases (ticf-13crafb copies 1-2: its last
    placement came at 8,000-11,000 of 78,000 conflicts).

    The answer is the fewest breaks of any lane, the first lane's on a tie: each lane runs
    to its own end, so the outcome does not depend on which finished first. ``floor`` is a
    lower bound already proven: reaching it ends the descent, proven. A lane still
    descending at ``until`` (a moment of time.monotonic) stops there with what it found.
    None when nobody in the model can have a break, the schedule is at the floor already,
    or the model is too large for the search to pay."""
    if not free or not searchable(inst, free):
        return None
    cnf = BreaksCnf(inst, sched, free)
    if not cnf.people:
        return None
    now = cnf.breaks_now()
    fixed = max(cnf.fixed_breaks(), floor)
    if now <= fixed:
        return None
    keep = cnf.pool.top
    # from "at most now - 1" down (the totalizers grow with the top)
    top = min(now - 1, MAX_BOUND)
    extra, at_most, two = cnf.counters(top)
    bounds = [at_most(b) if b >= fixed else [] for b in range(top + 1)]
    groups = list(zip(cnf.fixed_starts, cnf.starts, strict=True))
    slot_of = sched.slot_of
    here = [v if slot_of[m] == s else -v for (m, s), v in cnf.x.items()]
    # neighbourhoods improve a little at a time, and holding those without a break pays near
    # the fewest: neither when the first bound asked is far below (from a greedy schedule
    # held so, ticf-13crafc found nothing in 20,000 conflicts)
    near = top == now - 1
    hoods = _hoods(cnf, free, round(HOOD_SHARE * conflicts) if near else 0)
    lanes: list[list[list[int]]] = [[]]  # far from the fewest: one lane, unrestricted
    if near:
        # a lane for each restriction (see above)
        breaks = participant_breaks(inst, slot_of)
        hold = [h for p, h in zip(cnf.people, cnf.has_break, strict=True) if not breaks[p]]
        lanes = [[hold, two], [two]] if two else [[hold]]
    plans = [
        Descent(
            extra,
            conflicts + more,
            here,
            bounds,
            fixed,
            groups,
            None if hoods is None else replace(hoods, seed=hoods.seed + lane),
            holds,
        )
        for lane, holds in enumerate(lanes)
    ]
    # in child processes even alone: a descent holds the GIL for seconds
    with Lanes(cnf.clauses, len(plans), apart=True) as running:
        answers = running.descend(plans, keep, until)
    # a lane's refutation proves its last placement (or the schedule) the fewest: no other
    # lane can have found fewer
    proven = any(got.answer is False for got in answers)
    spent = max(got.conflicts for got in answers)
    found = [(got.cost, i, got.true) for i, got in enumerate(answers) if got.cost is not None]
    if not found:
        return SatBreaks(None, now, proven, now if proven else fixed, spent)
    cost, _, true = min(found, key=lambda row: row[:2])
    assert true is not None
    return SatBreaks(cnf.placement(true), cost, proven, cost if proven else fixed, spent)


def _hoods(cnf: BreaksCnf, free: list[int], lead: int) -> Hoods | None:
    """The neighbourhoods a descent starts with (HOOD_SHARE): each free meeting's slot
    literals and their slots (a lane draws its own windows from its seed)."""
    if lead <= 0:
        return None
    row_of = {m: r for r, m in enumerate(free)}
    rows: list[list[int]] = [[] for _ in free]
    slots: list[list[int]] = [[] for _ in free]
    for (m, s), v in cnf.x.items():
        rows[row_of[m]].append(v)
        slots[row_of[m]].append(s)
    return Hoods(lead, HOOD_STEP_CONFLICTS, HOOD_WIDTH, HOOD_SEED, rows, slots, HOOD_WEIGHT)
