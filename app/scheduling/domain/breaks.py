"""Objective 3 on a one-day session: the number of breaks itself.

First a SAT search (satbreaks.py: "at most B breaks" for B = 0, 1, ... by CaDiCaL, two B
at once in child processes, within a budget of conflicts), which settles most sessions
outright: the fewest found and every smaller B refuted. Where it does not, the CP-SAT model
below goes on from what it found, and then a SAT descent from CP-SAT's schedule
(satbreaks.descend: one incremental solver asked for fewer breaks than its last placement
had, first with only the meetings in a window of a few slots free, then in the whole
model), which gets further near the fewest than either (see SAT_DESCENT_SHARE).

Each movable meeting chooses a slot (a boolean per slot); per participant a "busy" literal
per slot and a literal where a run of meetings starts (busy now, not in the slot before):
their breaks are the run starts less one. What makes the model propagate is a literal "has a
break" per participant and, without one, the window stated outright: the n meetings fill
slots f .. f + n - 1 for exactly one window start f.

Solved lexicographically, as the published approaches count on: first the fewest people
with a break (a far easier objective: it fixes most people's whole day to one window), then,
with that many at most, the fewest breaks. Both solves are CP-SAT's large-neighbourhood
search from the current schedule, interleaved in deterministic batches: the same input and
limit give the same schedule. Minimising the breaks directly, or core-first, stalled at
20-70 breaks on instances whose optimum is 0-2.

Before them a short ladder of decisions, at most k people with a break for k = 0, 1, ...,
by CP-SAT's full search (not LNS): it refutes a too-small k in ~0.1 deterministic s and,
when the fewest is easy to reach, finds it (forum-13: no break for anyone in 2 s, where the
LNS stopped at 2 breaks); the people are then proven fewest. That search can abort the
process in OR-Tools 9.15, so it runs in a child process (isolated.py); without its answer
the LNS runs exactly as without the ladder.

Meetings that are not scheduled, locked or in their published slot do not move, so priority
and moves are untouched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from .improve import movable, participant_breaks, slot_days
from .satbreaks import descend, fewest_breaks, searchable
from .state import POOL, Instance, Schedule, fixed_part
from .wallclock import NO_DEADLINE, Deadline

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

log = logging.getLogger(__name__)

# The largest session the exact model takes (movable meetings); LNS handles larger ones.
# Its wall time grows much faster than its deterministic time: 560 meetings × 40 tables took
# 21 s for a 4.5 s budget on a busy 2-core machine. The published instances have <= 302.
EXACT_MAX_MEETINGS = 400
WORKERS = 2
# the share of the limit spent on the fewest people with a break; the rest on the fewest breaks
FEWEST_PEOPLE_SHARE = 0.7
# The SAT search (satbreaks.py) first, on WORKERS lanes (child processes) at once: each
# lane's budget of conflicts per deterministic second of the exact model's limit (CaDiCaL
# makes 8,000-18,000 a second per lane on the published instances: 75,000 at a 30 s limit,
# 3-8 s) and for each B half of it. It settles most sessions at once (forum-13crafc and
# ticf-13crafc, 1 break each, within 15,000; forumt-14crafc and tic-14crafd within 35,000);
# where it does not, the hard B take 100,000-600,000 conflicts with a heavy tail, and CP-SAT
# goes on (taking its budget away when the SAT search found nothing cost breaks on
# tic-14crafc and ticf-13crafb). 100,000 a lane found 11 instead of nothing on forum-13crafb
# but 9 on ticf-13crafb, from where CP-SAT reached 7 instead of 6, 1-4 s slower (measured).
SAT_CONFLICTS_PER_DET_S = 6_600
SAT_STEPS = 2
# After CP-SAT, a descent by SAT from its schedule (satbreaks.descend; near the fewest on two
# lanes, each with its own restriction, for ~13 % more wall time than one): the
# share of CP-SAT's searches (not of its ladder) it takes, and its conflicts per
# deterministic second of the exact model's limit taken; it also gets the conflicts the
# SAT search before CP-SAT left (that search ends at its first B left open). On the
# published instances where CP-SAT stalled above the best published, at a 30 s limit:
# forum-13crafb 13 -> 10 breaks, ticf-13crafb 10 -> 4, forumt-14crafe 7 -> 5, tic-13crafc 6
# -> 4 (with its neighbourhoods first, satbreaks.HOOD_SHARE; 9 / 5 / 6 / 6 without: each is
# one draw of a heavy-tailed search, judged on a sample there). Since the descent lets only
# the people with a break at its start have one until that is refuted (satbreaks.descend):
# forum-13crafb 13 -> 7, ticf-13crafb 10 -> 5 (the sample: 100 -> 92 breaks in all).
# Measured and not kept: two lanes (the second with the solver's own phases) make ~6,300
# conflicts a second each on a 22-slot forum against ~8,400 for one, so twice the
# conflicts cost 1.5 times the wall time; with both lanes and 16,000 conflicts a second
# taken from 0.3 of CP-SAT's searches those four ended at 8/5/4/6 but forum-13crafb took
# 35 s; taking the share from CP-SAT's ladder as well lost tic-14crafc's day without
# breaks (0 -> 3). The outcome on each of these four moves by a break or two with any such
# change (the hard B are heavy-tailed).
SAT_DESCENT_SHARE = 0.4
SAT_DESCENT_PER_DET_S = 6_000
# The days search after the exact model (days.compact_days' steps of CP-SAT) found nothing
# from where the descent ends on the published twenty and their 40 variants (measured) and
# took 2.0-2.7 s of a 30 s limit on a 22-slot forum: the descent takes its deterministic
# seconds instead, on top of its own conflicts at the end (satbreaks.descend's ``more``: its
# search up to where it would have ended is the same, so more can only find fewer breaks).
# Its hold by one literal (satlanes.descend_here) made it ~15 % faster a conflict as well:
# at this many conflicts per second taken (the descent makes ~8,000 a second) the hard
# published instances take about the wall time they took before. On bench/descent_sample.py
# (seeds 7-9) 92.3 breaks at 12,000, 90.0 at 24,000; ticf-13crafb 5 -> 3 on the twenty.
SAT_AFTER_PER_DET_S = 24_000
# All the descent's conflicts (its own and what the SAT search left) are scaled by this: its
# solver stays in CaDiCaL's stable mode (satlanes.DESCENT_OPTIONS), where a conflict takes
# ~10 % longer. On bench/descent_sample.py (mean total breaks, seeds 7-12): stable mode 101.5
# at 1.0 (5.6 s a descent), 101.0 at 0.9 (4.9 s); without it 108.8 (5.1 s).
SAT_DESCENT_SCALE = 0.9
# what CP-SAT keeps of its budget when the SAT search found fewer breaks without proof
# (it starts from them; without a placement found it keeps the whole budget)
SAT_FOUND_LEFT = 0.7
# ... when what it found is at most this many breaks above the proven lower bound; further
# above CP-SAT keeps its whole budget (ticf-13crafb: the SAT search found 9 with 3 proven
# possible, and CP-SAT from there with 70 % of its budget stayed at 9, with all of it 6)
SAT_FOUND_GAP = 3
# The full-search ladder (at most k people with a break, k ascending, in a child process):
# its share of the limit on top of the rest, and the share of a single k.
LADDER_SHARE = 0.25
LADDER_STEP_SHARE = 0.2
LADDER_WALL_FACTOR = 3.0
LADDER_WALL_EXTRA_S = 5.0
# A k that full search left open is tried again by single-worker searches without the LP
# relaxation, one per seed (finding the point is heavy-tailed: on tic-14crafc one of twelve
# seeds finds "no one with a break" in 2.3 deterministic s, where the interleaved search
# found nothing in 6), each for this share of the limit before scaling; what they use comes
# out of the LNS's budget, so the wall time stays about the same.
RETRY_SEEDS = (1, 2, 3, 4, 5)
RETRY_STEP_SHARE = 0.25
# A deterministic second of CP-SAT takes about twice the wall time on a model of 20,000+
# constraints (a 22-slot forum) as on one of 5,000 (a 10-slot day): smaller models get up to
# twice the budget, so every one-day session uses about the same wall time. It depends on
# the input only, so the schedule stays deterministic.
LARGE_MODEL_CONSTRAINTS = 20_000
MAX_BUDGET_FACTOR = 2.0
# The wall-clock deadline (wallclock.py: only where the machine is far too slow for the
# budgets above): the SAT search stops at this share of the time left, CP-SAT at this share
# of what is left after it (its ladder at LADDER_WALL_SHARE of that, its search of the
# fewest people at FEWEST_PEOPLE_SHARE of what the ladder left), the descent at the
# deadline. On a VM about 2.1 times slower than the budgets are set for, ticf-13crafb took
# 13.4 / 23.3 / 19.8 s in these three at a 30 s limit, within their shares of a deadline at
# twice it (17.5 / 26.9 / 21.5 s): nothing stopped there (measured).
SAT_WALL_SHARE = 0.3
CPSAT_WALL_SHARE = 0.6
LADDER_WALL_SHARE = 0.5


def movable_meetings(inst: Instance, sched: Schedule) -> list[int]:
    return [m for m in range(len(inst.parts)) if movable(inst, sched, m)]


class BreaksModel:
    """The model over ``free`` meetings, everything else fixed where it is."""

    def __init__(self, inst: Instance, sched: Schedule, free: list[int]) -> None:
        from ortools.sat.python import cp_model

        self.inst, self.sched, self.free = inst, sched, free
        self.model = model = cp_model.CpModel()
        free_set = set(free)
        fixed = fixed_part(inst, sched, free_set)
        tables: dict[tuple[int, int], list[cp_model.IntVar]] = {}
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        on_slot: dict[tuple[int, int], list[cp_model.IntVar]] = {}
        pool: dict[int, list[cp_model.IntVar]] = {}
        for m in free:
            row = []
            for s in fixed.options(inst, m):
                v = model.new_bool_var("")
                model.add_hint(v, sched.slot_of[m] == s)
                self.x[m, s] = v
                row.append(v)
                for p in inst.parts[m]:
                    on_slot.setdefault((p, s), []).append(v)
                if inst.kind[m] == POOL:
                    pool.setdefault(s, []).append(v)
                else:
                    tables.setdefault((inst.kind[m], s), []).append(v)
            model.add_exactly_one(row)
        for s, vs in pool.items():
            if len(vs) > fixed.pool_room[s]:
                model.add(sum(vs) <= fixed.pool_room[s])
        for ts in tables.values():
            if len(ts) > 1:
                model.add(sum(ts) <= 1)
        self.has_break: list[cp_model.IntVar] = []
        self.people: list[int] = []  # whose has_break it is
        self.run_starts: list[cp_model.LinearExprT] = []
        for p in range(inst.n_participants):
            if any(m in free_set for m in inst.meetings_of[p]):
                self._participant(p, fixed.busy, on_slot)

    def _participant(
        self,
        p: int,
        fixed_busy: frozenset[tuple[int, int]],
        on_slot: dict[tuple[int, int], list[cp_model.IntVar]],
    ) -> None:
        model, n_slots = self.model, self.inst.n_slots
        n = sum(1 for m in self.inst.meetings_of[p] if self.sched.slot_of[m] >= 0)
        if n < 2:
            return
        busy: list[cp_model.IntVar | int] = []
        for s in range(n_slots):
            if (p, s) in fixed_busy:
                busy.append(1)
            elif (p, s) in on_slot:
                b = model.new_bool_var("")
                model.add(sum(on_slot[p, s]) == b)
                busy.append(b)
            else:
                busy.append(0)
        # a run of meetings starts in s: busy in s and not in the slot before
        starts: list[cp_model.LinearExprT] = []
        for s, now in enumerate(busy):
            before = busy[s - 1] if s else 0
            if isinstance(now, int):
                if now and not isinstance(before, int):
                    starts.append(before.Not())
                elif now and not before:
                    starts.append(1)
            elif isinstance(before, int):
                if not before:
                    starts.append(now)
            else:
                start = model.new_bool_var("")
                model.add_bool_or([~now, before, start])
                model.add_implication(start, now)
                model.add_implication(start, ~before)
                starts.append(start)
        self.run_starts.extend(starts)
        self.run_starts.append(-1)
        has_break = model.new_bool_var("")
        self.has_break.append(has_break)
        self.people.append(p)
        model.add(sum(starts) <= 1).only_enforce_if(~has_break)
        # without a break the n meetings fill one window f .. f + n - 1, stated outright
        windows = []
        windows_at: list[tuple[int, cp_model.IntVar]] = []
        for f in range(n_slots - n + 1):
            inside = range(f, f + n)
            if any(busy[s] == 0 for s in inside if isinstance(busy[s], int)) or any(
                busy[s] == 1 for s in range(n_slots) if s not in inside and isinstance(busy[s], int)
            ):
                continue
            w = model.new_bool_var("")
            windows.append(w)
            windows_at.append((f, w))
            for s, now in enumerate(busy):
                if not isinstance(now, int):
                    model.add_implication(w, now if s in inside else ~now)
        model.add_bool_or([has_break, *windows])
        model.add_at_most_one(windows)
        for w in windows:
            model.add_implication(w, ~has_break)
        # and the other way round: a meeting in slot s puts the window over s
        for s, now in enumerate(busy):
            if not isinstance(now, int):
                over = [w for f, w in windows_at if f <= s < f + n]
                model.add_bool_or([has_break, ~now, *over])

    def solve(
        self, det_limit_s: float, lns_share: float = 1.0, deadline: Deadline = NO_DEADLINE
    ) -> tuple[dict[int, int] | None, bool]:
        """(slot per freed meeting or None, proven optimal). Lexicographic: first the fewest
        people with a break, then, with that many at most, the fewest breaks. The two
        searches get ``lns_share`` of what the limit leaves them after the ladder; each stops
        at its share of the wall-clock time left before ``deadline`` (wallclock.py)."""
        from ortools.sat.python import cp_model

        if not self.has_break:
            return None, True
        model = self.model
        size = len(model.proto.constraints)
        retry_limit_s = RETRY_STEP_SHARE * det_limit_s
        det_limit_s *= min(MAX_BUDGET_FACTOR, max(1.0, LARGE_MODEL_CONSTRAINTS / max(size, 1)))
        breaks = participant_breaks(self.inst, self.sched.slot_of)
        now = sum(1 for p in self.people if breaks[p])
        found, retried = self._ladder(
            now,
            LADDER_SHARE * det_limit_s,
            LADDER_STEP_SHARE * det_limit_s,
            retry_limit_s,
            deadline.part(LADDER_WALL_SHARE),
        )
        det_limit_s = lns_share * max(det_limit_s - retried, 0.5 * det_limit_s)
        if found is not None:
            # the fewest people with a break, proven: only the breaks are left to minimise
            chosen, people = found
            if people == 0:
                return chosen, True
            spent = 0.0
        else:
            model.minimize(sum(self.has_break))
            solver = self._solver(
                FEWEST_PEOPLE_SHARE * det_limit_s, deadline.part(FEWEST_PEOPLE_SHARE)
            )
            status = solver.solve(model)
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return None, False
            people = round(solver.objective_value)
            spent = solver.deterministic_time
            chosen = self._chosen(solver)
            if people == 0:
                return chosen, True
        model.clear_hints()
        for (m, s), v in self.x.items():
            model.add_hint(v, chosen.get(m) == s)
        model.add(sum(self.has_break) <= people)
        model.minimize(sum(self.run_starts))
        second = self._solver(max(det_limit_s - spent, 0.1 * det_limit_s), deadline)
        status = second.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return chosen, False
        return self._chosen(second), status == cp_model.OPTIMAL

    def _ladder(
        self,
        now: int,
        det_limit_s: float,
        step_limit_s: float,
        retry_limit_s: float,
        deadline: Deadline,
    ) -> tuple[tuple[dict[int, int], int] | None, float]:
        """A placement with the fewest people with a break, proven, or None: CP-SAT's full
        search (not LNS) for at most k of them, k = 0, 1, ... below ``now``, in a child
        process (isolated.py) on a copy of the model. Each k gets a short limit: refuting
        one takes ~0.1 deterministic s, finding one up to ~2 s when it is easy, and only
        then is it worth the time; otherwise the LNS goes on as without it. The first k
        left open gets the RETRY_SEEDS searches. Also returns the deterministic time they
        used (beyond ``det_limit_s``). Killed at ``deadline``, it answers nothing."""
        from ortools.sat.python import cp_model

        from .isolated import FEASIBLE, INFEASIBLE, OPTIMAL, solve_ladder

        if now <= 0:
            return None, 0.0
        copy = self.model.clone()
        cap = copy.add(
            cp_model.LinearExpr.sum(
                [copy.get_bool_var_from_proto_index(h.index) for h in self.has_break]
            )
            <= 0
        ).index
        params = cp_model.SatParameters()
        params.num_workers = WORKERS
        params.interleave_search = True
        params.random_seed = 7
        retries = []
        for seed in RETRY_SEEDS:
            retry = cp_model.SatParameters()
            retry.num_workers = 1
            retry.linearization_level = 0
            retry.random_seed = seed
            retries.append(retry)
        retry_budget = retry_limit_s * len(retries)
        steps = solve_ladder(
            copy,
            params,
            cap,
            list(range(now)),
            det_limit_s,
            min(
                LADDER_WALL_FACTOR * (det_limit_s + retry_budget) + LADDER_WALL_EXTRA_S,
                deadline.left(),
            ),
            step_limit_s,
            retries,
            retry_limit_s,
        )
        if steps is None:
            # killed at the wall-clock limit: count the retries as spent
            return None, retry_budget
        retried = max(0.0, sum(step.det_time for step in steps) - det_limit_s)
        for step in steps:
            if step.status in (FEASIBLE, OPTIMAL) and step.solution is not None:
                values = step.solution
                chosen = {m: s for (m, s), v in self.x.items() if values[v.index]}
                return (chosen, sum(values[h.index] for h in self.has_break)), retried
            if step.status != INFEASIBLE:
                break
        return None, retried

    def _chosen(self, solver: cp_model.CpSolver) -> dict[int, int]:
        return {m: s for (m, s), v in self.x.items() if solver.boolean_value(v)}

    @staticmethod
    def _solver(det_limit_s: float, deadline: Deadline) -> cp_model.CpSolver:
        from ortools.sat.python import cp_model

        solver = cp_model.CpSolver()
        params = solver.parameters
        # LNS from the hint, in deterministic batches: the same input gives the same answer
        params.num_workers = WORKERS
        params.interleave_search = True
        params.use_lns_only = True
        params.random_seed = 7
        params.max_deterministic_time = det_limit_s
        deadline.cap(params)
        return solver


def exact_takes(inst: Instance, free: list[int]) -> bool:
    """Whether the exact model takes a session whose movable meetings are ``free``: one day,
    and at most EXACT_MAX_MEETINGS of them."""
    return len(set(slot_days(inst))) == 1 and 0 < len(free) <= EXACT_MAX_MEETINGS


def exact_breaks(
    inst: Instance,
    sched: Schedule,
    det_limit_s: float,
    after_s: float = 0.0,
    deadline: Deadline = NO_DEADLINE,
) -> bool | None:
    """Fewest breaks on a one-day session by the exact model: True when nothing is left to
    search (proven optimal, or searched down to the end by the SAT descent, which then also
    takes ``after_s``, the deterministic seconds of the search that would follow), False
    when searched without proof, None when the model does not take this session. The
    schedule changes only if the model's placement has fewer breaks. Each search also
    stops at its share of the wall-clock time left before ``deadline`` (SAT_WALL_SHARE)."""
    free = movable_meetings(inst, sched)
    if not exact_takes(inst, free):
        return None
    conflicts = round(SAT_CONFLICTS_PER_DET_S * det_limit_s)
    polish = round(SAT_DESCENT_PER_DET_S * SAT_DESCENT_SHARE * det_limit_s)
    searched = free
    stop = deadline.part(SAT_WALL_SHARE)
    sat = fewest_breaks(
        inst,
        sched,
        free,
        conflicts=conflicts,
        step_conflicts=conflicts // SAT_STEPS,
        lanes=WORKERS,
        until=stop.at,
    )
    _tell_if_stopped("the SAT search", stop)
    if sat is not None:
        if sat.placement is not None:
            kept = _keep(inst, sched, sat.placement)
            if kept and sat.proven:
                return True
            free = movable_meetings(inst, sched)
            if sat.breaks - sat.lower <= SAT_FOUND_GAP:
                # CP-SAT starts close to the fewest: it gets what the SAT search took
                det_limit_s *= SAT_FOUND_LEFT
        elif sat.proven:
            return True  # every B below the current count refuted
        # CP-SAT (its ladder of people with a break, then LNS) from what was found
    # the descent's share of CP-SAT's searches, where it can run
    share = 1 - SAT_DESCENT_SHARE if searchable(inst, free) else 1.0
    stop = deadline.part(CPSAT_WALL_SHARE)
    chosen, optimal = BreaksModel(inst, sched, free).solve(det_limit_s, share, stop)
    _tell_if_stopped("CP-SAT", stop)
    if chosen is not None:
        kept = _keep(inst, sched, chosen)
        if optimal and kept:
            return True
    # down from the best schedule so far by SAT, where CP-SAT's search stalled, with what
    # the SAT search above left of its conflicts
    free = movable_meetings(inst, sched)
    if sat is not None:
        polish += max(conflicts - sat.conflicts, 0)
    # the lower bound proven above holds while the same meetings are free
    floor = sat.lower if sat is not None and free == searched else 0
    polish = round(SAT_DESCENT_SCALE * polish)
    more = round(SAT_DESCENT_SCALE * SAT_AFTER_PER_DET_S * after_s)
    down = descend(inst, sched, free, conflicts=polish, more=more, floor=floor, until=deadline.at)
    _tell_if_stopped("the SAT descent", deadline)
    if down is None:
        # at the floor already (proven), or nothing the SAT search takes
        return searchable(inst, free) and bool(free)
    if down.placement is not None:
        _keep(inst, sched, down.placement)
    return True


def _tell_if_stopped(search: str, stop: Deadline) -> None:
    if stop.passed:
        log.warning("breaks: %s stopped at the wall-clock limit, short of its budget", search)


def _keep(inst: Instance, sched: Schedule, placement: dict[int, int]) -> bool:
    """``placement`` applied unless it has more breaks in all; whether it was kept."""
    return replace_unless_worse(
        sched, placement, lambda: sum(participant_breaks(inst, sched.slot_of))
    )


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
