"""Objectives 2 and 3: fewest moves at the reached priority, fewest breaks at both."""

from __future__ import annotations

import copy
import gzip
import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from app.scheduling.domain import parse_problem, satbreaks, satlanes, solve
from app.scheduling.domain.bound import upper_bound
from app.scheduling.domain.breaks import exact_breaks, movable_meetings, replace_unless_worse
from app.scheduling.domain.cpsat import MovesResult
from app.scheduling.domain.generator import generate, reschedule_scenario
from app.scheduling.domain.greedy import greedy, greedy_order
from app.scheduling.domain.improve import (
    Budget,
    compact,
    participant_breaks,
    participant_gaps,
    participant_idle,
    slot_days,
)
from app.scheduling.domain.satbreaks import descend, fewest_breaks
from app.scheduling.domain.solver import WALL_LIMIT_FACTOR, check_schedule, days_limit
from app.scheduling.domain.state import Instance, Schedule, build_instance
from tests.unit.scheduling.conftest import base, meeting, solve_checked
from tests.unit.scheduling.scheduling_checker import violations


def _timed_slots(day_slots: list[int]) -> list[dict[str, str]]:
    slots = []
    for day, count in enumerate(day_slots):
        for i in range(count):
            slots.append(
                {"id": f"d{day}s{i}", "start": f"2027-03-{16 + day}T{9 + i:02d}:00:00+07:00"}
            )
    return slots


def test_breaks_count_runs_of_idle_slots_per_day() -> None:
    problem = base(slots=0, tables=3, people=4)
    problem["slots"] = _timed_slots([5, 3])
    problem["meetings"] = [meeting(f"m{i}", "p1", f"p{2 + i % 3}") for i in range(5)]
    inst = build_instance(parse_problem(problem))
    # p1 busy at day-0 slots 0, 2, 3 (one break: slot 1), then day 1 slots 0 and 2 (one break);
    # the night between the days is not a break
    slot_of = [0, 2, 3, 5, 7]
    assert participant_breaks(inst, slot_of)[0] == 2
    # two idle slots in a row count once
    assert participant_breaks(inst, [0, 3, 4, -1, -1])[0] == 1


def test_idle_slots_count_per_day_not_over_the_night() -> None:
    problem = base(slots=0, tables=3, people=4)
    problem["slots"] = _timed_slots([5, 3])
    problem["meetings"] = [meeting(f"m{i}", "p1", f"p{2 + i % 3}") for i in range(3)]
    inst = build_instance(parse_problem(problem))
    sched = Schedule(inst)
    # p1 meets in the last slot of day 0 and the first two of day 1: a full night between,
    # no idle slot; then day-0 slots 2 and 4: one idle slot (3), one break
    for m, s in enumerate((4, 5, 6)):
        sched.place(m, s)
    days = slot_days(inst)
    assert participant_idle(sched, 0, days) == (0, 0)
    assert participant_gaps(sched, 0, days) == 0
    sched.remove(1)
    sched.place(1, 2)
    assert participant_idle(sched, 0, days) == (1, 1)


def test_compacting_never_splits_a_break_to_close_idle_slots() -> None:
    # p1 meets p2 in s1, p3 in s2 and p4 in s6: one break of three idle slots (s3-s5). p3
    # can only meet in s2, p4 only in s6, p2 in s1 or s4: moving m1 to s4 closes an idle slot
    # (two left) but splits the break in two; compacting must leave it where it is
    problem = base(slots=6, tables=2, people=4)
    problem["participants"][1]["unavailable"] = ["s2", "s3", "s5", "s6"]
    problem["participants"][2]["unavailable"] = ["s1", "s3", "s4", "s5", "s6"]
    problem["participants"][3]["unavailable"] = ["s1", "s2", "s3", "s4", "s5"]
    problem["meetings"] = [
        meeting("m1", "p1", "p2"),
        meeting("m2", "p1", "p3"),
        meeting("m3", "p1", "p4"),
    ]
    inst = build_instance(parse_problem(problem))
    sched = Schedule(inst)
    for m, s in enumerate((0, 1, 5)):
        sched.place(m, s)
    sched.commit()
    assert participant_idle(sched, 0, slot_days(inst)) == (1, 3)
    compact(sched, Budget(10_000))
    assert sched.slot_of[0] == 0
    assert participant_idle(sched, 0, slot_days(inst)) == (1, 3)


def test_compacting_swaps_a_meeting_with_the_one_in_its_way() -> None:
    # p1 meets p4 in s1, p5 in s2 and p2 in s4: a break in s3, where p2 meets p3. p4 and p5
    # can only meet where they do; p3 only in s3 or s4. No single move closes the break (p2
    # is busy in s3, p3 cannot leave for a free slot): swapping m3 and m4 does
    problem = base(slots=5, tables=2, people=5)
    problem["participants"][2]["unavailable"] = ["s1", "s2", "s5"]
    problem["participants"][3]["unavailable"] = ["s2", "s3", "s4", "s5"]
    problem["participants"][4]["unavailable"] = ["s1", "s3", "s4", "s5"]
    problem["meetings"] = [
        meeting("m1", "p1", "p4"),
        meeting("m2", "p1", "p5"),
        meeting("m3", "p1", "p2"),
        meeting("m4", "p2", "p3"),
    ]
    inst = build_instance(parse_problem(problem))
    days = slot_days(inst)
    for breaks_first, slots, idle in ((False, [0, 1, 3, 2], (1, 1)), (True, [0, 1, 2, 3], (0, 0))):
        sched = Schedule(inst)
        for m, s in enumerate((0, 1, 3, 2)):
            sched.place(m, s)
        sched.commit()
        compact(sched, Budget(10_000), breaks_first=breaks_first)
        assert sched.slot_of == slots
        assert participant_idle(sched, 0, days) == idle
        assert sum(participant_breaks(inst, sched.slot_of)) == idle[0]


def test_a_session_too_large_for_the_exact_model_ends_with_far_fewer_breaks() -> None:
    # 1,000 people, 4,000 requests, 16 slots: the exact model does not take it (over
    # EXACT_MAX_MEETINGS movable meetings), compacting and the LNS steps do. Closing idle slots
    # alone split breaks (1,182 -> 1,108); fewer breaks first: 862; with swaps: 647
    data = generate(1_000, 4_000, 16, seed=5, popularity=0.3, table_slack=0.75)
    stats = solve(parse_problem(data), time_limit_s=5).stats
    assert stats.priority_sum >= 0.995 * stats.upper_bound
    assert stats.breaks <= 0.6 * stats.breaks_before


def test_days_are_compacted_when_every_meeting_can_be_back_to_back() -> None:
    # a host meets six visitors; the visitors are free all day: no breaks are needed
    problem = base(slots=10, tables=2, people=7)
    problem["meetings"] = [meeting(f"m{i}", "p1", f"p{i + 2}") for i in range(6)]
    problem["participants"][3]["unavailable"] = ["s2", "s3", "s4", "s5"]
    solution = solve_checked(problem, time_limit_s=5)
    assert solution["stats"]["scheduled"] == 6
    assert solution["stats"]["breaks"] == 0


def test_reschedule_moves_no_more_than_the_proven_minimum() -> None:
    data = generate(150, 600, 10, seed=21)
    published = solve_checked(data, time_limit_s=5)
    changed = reschedule_scenario(data, published, seed=21, lose=0.05)
    again = solve(parse_problem(changed), time_limit_s=20).stats
    fresh = solve(parse_problem({**changed, "current": []}), time_limit_s=5).stats
    assert again.priority_sum >= fresh.priority_sum
    # the moves phase proves a lower bound on an instance this small and gets within 10 %
    assert 0 < again.moves_lower_bound <= again.moved <= 1.1 * again.moves_lower_bound
    assert again.moved <= 0.05 * len(changed["current"])


def test_days_phase_gives_the_moves_phase_what_it_used_beyond_its_share() -> None:
    # objective 2 outranks objective 3: extra time for the moves model comes out of the days
    # phase, so the whole solve stays near its limit; the days phase always keeps a floor
    assert days_limit(30, None) == 30
    assert days_limit(30, MovesResult(7, 7, True)) == 30
    assert days_limit(30, MovesResult(7, 7, True, overrun_s=6.4)) == pytest.approx(14)
    assert days_limit(30, MovesResult(8, 4, False, overrun_s=7.5)) == pytest.approx(11.25)
    assert days_limit(30, MovesResult(8, 4, False, overrun_s=10)) == pytest.approx(9)


def _published(name: str) -> dict[str, Any]:
    path = Path(__file__).parent / "data" / f"{name}.original.json.gz"
    data: dict[str, Any] = json.loads(gzip.decompress(path.read_bytes()))
    return data


@pytest.mark.parametrize(
    ("name", "published"),
    # ticf-13crafc reaches 1 only through the SAT search (CP-SAT's ladder and LNS stopped
    # at 5 breaks in 30 s and at 4 people with a break in 96 s)
    [
        ("tic-13", 0),
        ("forumt-14crafd", 4),
        ("forum-13", 0),
        ("tic-14crafc", 0),
        ("ticf-13crafc", 1),
    ],
)
def test_published_instances_reach_the_published_number_of_breaks(
    name: str, published: int
) -> None:
    # real forum instances: the greedy and priority phases leave 24 and 34 breaks; forum-13
    # and tic-14crafc need a search for a whole day without a break (the LNS alone stopped
    # at 2 and 3). By the limit's budgets alone: on a machine far slower than they are set
    # for (or busy with other tests beside it), the wall-clock stop would cut the searches
    # short (tic-14crafc: 3 breaks, stopped at the limit with two tests at once on 2 cores of
    # a slow VM); that stop is tested below.
    data = _published(name)
    solution = solve_checked(data, time_limit_s=30, wall_clock=False)
    assert solution["stats"]["scheduled"] == len(data["meetings"])
    assert solution["stats"]["breaks"] <= published


def test_exact_breaks_model_keeps_published_and_locked_meetings_and_is_deterministic() -> None:
    data = _published("tic-13")
    inst = build_instance(parse_problem(data))
    first = Schedule(inst)
    greedy(first, greedy_order(inst, upper_bound(inst).relaxed))
    before = list(first.slot_of)
    assert sum(participant_breaks(inst, before)) > 0
    # publish the greedy schedule's first ten meetings: the model must leave them where they are
    changed = {
        **data,
        "current": [
            {"meeting": data["meetings"][m]["id"], "slot": data["slots"][s]["id"], "table": "L1"}
            for m, s in enumerate(before[:10])
        ],
    }
    inst = build_instance(parse_problem(changed))
    results = []
    for _ in range(2):
        sched = Schedule(inst)
        for m, s in enumerate(before):
            sched.place(m, s)
        sched.commit()
        exact_breaks(inst, sched, 5.0)
        check_schedule(inst, sched.slot_of)
        assert sched.slot_of[:10] == before[:10]
        assert [s >= 0 for s in sched.slot_of] == [s >= 0 for s in before]
        assert sum(participant_breaks(inst, sched.slot_of)) < sum(participant_breaks(inst, before))
        results.append(list(sched.slot_of))
    assert results[0] == results[1]


def _greedy(inst: Instance) -> tuple[Schedule, list[int]]:
    """The greedy schedule and its movable meetings."""
    sched = Schedule(inst)
    greedy(sched, greedy_order(inst, upper_bound(inst).relaxed))
    return sched, movable_meetings(inst, sched)


def _held(inst: Instance, sched: Schedule, placement: dict[int, int]) -> int:
    """Moves the meetings of ``placement``, checks every meeting is still held in a valid
    schedule, and returns its breaks."""
    for m in placement:
        sched.remove(m)
    for m, s in placement.items():
        sched.place(m, s)
    check_schedule(inst, sched.slot_of)
    assert all(s >= 0 for s in sched.slot_of)
    return sum(participant_breaks(inst, sched.slot_of))


@pytest.mark.parametrize("lanes", [1, 2])
def test_sat_search_refutes_fewer_breaks_then_finds_the_fewest_deterministically(
    lanes: int,
) -> None:
    # ticf-13crafc, published best 1 break: B = 0 is refuted, B = 1 found, so it is proven;
    # with two lanes (child processes) B = 0 and B = 1 are decided at once, same outcome
    inst = build_instance(parse_problem(_published("ticf-13crafc")))
    placements = []
    for _ in range(2):
        sched, free = _greedy(inst)
        result = fewest_breaks(
            inst, sched, free, conflicts=300_000, step_conflicts=100_000, lanes=lanes
        )
        assert result is not None
        assert result.placement is not None
        assert (result.breaks, result.lower, result.proven) == (1, 1, True)
        assert _held(inst, sched, result.placement) == 1
        placements.append(result.placement)
    assert placements[0] == placements[1]


def test_sat_descent_goes_down_from_the_schedule_the_same_way_each_time() -> None:
    # ticf-13crafc from the greedy schedule (dozens of breaks): the solver asks for fewer
    # breaks than its last placement had, so two runs give the same placement; every
    # meeting stays held
    inst = build_instance(parse_problem(_published("ticf-13crafc")))
    placements = []
    for _ in range(2):
        sched, free = _greedy(inst)
        before = sum(participant_breaks(inst, sched.slot_of))
        result = descend(inst, sched, free, conflicts=20_000)
        assert result is not None
        assert result.placement is not None
        assert result.conflicts <= 20_000
        assert _held(inst, sched, result.placement) == result.breaks < before
        placements.append(result.placement)
    assert placements[0] == placements[1]


def _near_the_fewest() -> tuple[Instance, Schedule, list[int]]:
    """ticf-13crafc from a schedule with 22 breaks: the greedy one after a first descent."""
    inst = build_instance(parse_problem(_published("ticf-13crafc")))
    sched, free = _greedy(inst)
    first = descend(inst, sched, free, conflicts=20_000)
    assert first is not None
    assert first.placement is not None
    replace_unless_worse(
        sched, first.placement, lambda: sum(participant_breaks(inst, sched.slot_of))
    )
    return inst, sched, movable_meetings(inst, sched)


def test_sat_descent_near_the_fewest_starts_in_neighbourhoods_the_same_way_each_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # ticf-13crafc near the fewest: close enough for neighbourhoods (the meetings in a
    # window of a few slots free, every other meeting held) to find fewer breaks on their own
    inst, sched, free = _near_the_fewest()
    before = sum(participant_breaks(inst, sched.slot_of))
    assert before <= satbreaks.MAX_BOUND
    events: dict[satlanes._Near, list[str]] = {}  # per lane (its neighbourhoods)
    held, moved = satlanes._Near.held, satlanes._Near.moved

    def holding(near: satlanes._Near) -> list[int]:
        events.setdefault(near, []).append("neighbourhood")
        return held(near)

    def moving(near: satlanes._Near, holds: set[int]) -> None:
        events.setdefault(near, []).append("found")
        moved(near, holds)

    start = sched
    placements = []
    for _ in range(2):
        sched = copy.deepcopy(start)
        events.clear()
        with monkeypatch.context() as patch:
            # in this process, to see the neighbourhoods at work
            patch.setattr(satlanes._Near, "held", holding)
            patch.setattr(satlanes._Near, "moved", moving)
            patch.setattr(satbreaks, "Lanes", _LanesHere)
            # every conflict in neighbourhoods: each placement found is found in one
            patch.setattr(satbreaks, "HOOD_SHARE", 1.0)
            result = descend(inst, sched, free, conflicts=20_000)
        assert result is not None
        assert result.placement is not None
        assert _held(inst, sched, result.placement) == result.breaks < before
        placements.append(result.placement)
        # fewer breaks found in neighbourhoods, each right after its step (counted from
        # the first step: _Near takes the starting schedule in through moved as well), on
        # each lane (near the fewest: two)
        assert len(events) == 2
        for lane in events.values():
            assert "neighbourhood" in lane
            steps = lane[lane.index("neighbourhood") :]
            pairs = list(itertools.pairwise(steps))
            assert steps.count("neighbourhood") > steps.count("found") >= 1
            assert pairs.count(("neighbourhood", "found")) == steps.count("found")
    assert placements[0] == placements[1]


def test_sat_descent_near_the_fewest_runs_a_held_lane_and_a_lane_where_nobody_has_two(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # ticf-13crafc near the fewest: one lane holds everyone without a break at none, then
    # everyone at one break at most; the other holds everyone at one break at most
    inst, sched, free = _near_the_fewest()
    breaks = participant_breaks(inst, sched.slot_of)
    cnf = satbreaks.BreaksCnf(inst, sched, free)
    now = cnf.breaks_now()
    clauses, _, two = cnf.counters(now - 1)
    # "has two breaks or more": held false, no placement found gives anyone two
    from pysat.solvers import Solver

    with Solver(name=satlanes.SOLVER, bootstrap_with=[*cnf.clauses, *clauses]) as solver:
        assert solver.solve(assumptions=[-lit for lit in two])
        placement = cnf.placement(frozenset(v for v in solver.get_model() or [] if v > 0))
    trial = copy.deepcopy(sched)
    _held(inst, trial, placement)
    assert max(participant_breaks(inst, trial.slot_of)) <= 1
    # ... and some people can have two: the literal is there for them
    assert len(two) > 0
    asked: list[list[satlanes.Descent]] = []
    real = satlanes.Lanes.descend

    def spy(lanes: satlanes.Lanes, plans: list[satlanes.Descent], keep: int, until: float) -> Any:
        asked.append(list(plans))
        return real(lanes, plans, keep, until)

    monkeypatch.setattr(satlanes.Lanes, "descend", spy)
    results = [descend(inst, copy.deepcopy(sched), free, conflicts=6_000) for _ in range(2)]
    assert results[0] == results[1]  # each lane runs to its end: the same answer
    held = [h for p, h in zip(cnf.people, cnf.has_break, strict=True) if not breaks[p]]
    for plans in asked:
        assert [list(map(list, plan.holds)) for plan in plans] == [[held, two], [two]]
        # each lane draws its own neighbourhoods
        assert plans[0].hoods is not None
        assert plans[1].hoods is not None
        assert plans[0].hoods.seed != plans[1].hoods.seed
    assert results[0] is not None
    assert results[0].breaks <= now


class _LanesHere(satlanes.Lanes):
    """Every lane in this process, one after the other."""

    def __init__(self, clauses: list[list[int]], count: int, *, apart: bool = False) -> None:
        super().__init__(clauses, 1, apart=False)


def test_sat_search_ends_at_the_first_round_that_leaves_a_bound_open() -> None:
    # one conflict per step: some B is left open in the first rounds, and the search stops
    # there instead of climbing B by B through its whole budget (the descent after CP-SAT
    # gets what it leaves)
    inst = build_instance(parse_problem(_published("ticf-13crafc")))
    sched, free = _greedy(inst)
    result = fewest_breaks(inst, sched, free, conflicts=10_000, step_conflicts=1, lanes=2)
    assert result is not None
    assert (result.placement, result.proven) == (None, False)
    assert result.conflicts <= 3


def test_sat_search_out_of_conflicts_reports_no_placement() -> None:
    inst = build_instance(parse_problem(_published("ticf-13crafc")))
    sched, free = _greedy(inst)
    now = sum(participant_breaks(inst, sched.slot_of))
    result = fewest_breaks(inst, sched, free, conflicts=50, step_conflicts=50)
    assert result is not None
    assert (result.placement, result.breaks, result.proven) == (None, now, False)
    assert result.conflicts <= 50


def _ladder_model() -> tuple[Any, int]:
    from ortools.sat.python import cp_model

    # four booleans, at least three true: "at most k true" is infeasible for k < 3
    model = cp_model.CpModel()
    xs = [model.new_bool_var("") for _ in range(4)]
    model.add(sum(xs) >= 3)
    return model, model.add(sum(xs) <= 0).index


def _params() -> Any:
    from ortools.sat.python import cp_model

    params = cp_model.SatParameters()
    params.num_workers = 2
    params.interleave_search = True
    params.random_seed = 7
    return params


def test_isolated_ladder_refutes_low_bounds_then_finds_a_solution() -> None:
    from app.scheduling.domain.isolated import FEASIBLE, INFEASIBLE, OPTIMAL, solve_ladder

    model, cap = _ladder_model()
    steps = solve_ladder(model, _params(), cap, [0, 1, 2, 3, 4], 5.0, 60.0)
    assert steps is not None
    assert [(s.bound, s.status) for s in steps[:3]] == [(b, INFEASIBLE) for b in range(3)]
    assert steps[3].bound == 3
    assert steps[3].status in (FEASIBLE, OPTIMAL)
    assert steps[3].solution is not None
    assert sum(steps[3].solution) == 3
    assert len(steps) == 4


def test_isolated_ladder_retries_a_step_left_open_with_other_parameters() -> None:
    from ortools.sat.python import cp_model

    from app.scheduling.domain.isolated import INFEASIBLE, OPTIMAL, UNKNOWN, solve_ladder

    model, cap = _ladder_model()
    stops_early = cp_model.SatParameters()
    stops_early.num_workers = 1
    stops_early.stop_after_presolve = True  # refutes k < 3, leaves k = 3 open
    steps = solve_ladder(model, stops_early, cap, [0, 1, 2, 3, 4], 5.0, 60.0)
    assert steps is not None
    assert [(s.bound, s.status) for s in steps] == [
        (0, INFEASIBLE),
        (1, INFEASIBLE),
        (2, INFEASIBLE),
        (3, UNKNOWN),
    ]
    searches = cp_model.SatParameters()
    searches.num_workers = 1
    searches.linearization_level = 0
    # the retries in turn: the first leaves it open too, the second answers
    steps = solve_ladder(
        model,
        stops_early,
        cap,
        [0, 1, 2, 3, 4],
        5.0,
        60.0,
        retries=[stops_early, searches],
        retry_limit_s=1.0,
    )
    assert steps is not None
    assert [(s.bound, s.status) for s in steps] == [
        (0, INFEASIBLE),
        (1, INFEASIBLE),
        (2, INFEASIBLE),
        (3, OPTIMAL),
    ]
    assert steps[3].solution is not None
    assert sum(steps[3].solution) == 3


def test_isolated_ladder_child_crash_or_hang_is_no_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import subprocess

    from app.scheduling.domain import isolated

    model, cap = _ladder_model()
    # a child that dies at once reports nothing; one that outlives the wall limit is None
    monkeypatch.setattr(isolated.sys, "executable", "/bin/false")
    assert isolated.solve_ladder(model, _params(), cap, [0, 1], 1.0, 60.0) == []

    def hang(*args: Any, **kwargs: Any) -> Any:
        raise subprocess.TimeoutExpired("child", 0.1)

    monkeypatch.setattr(isolated.subprocess, "run", hang)
    assert isolated.solve_ladder(model, _params(), cap, [0, 1], 1.0, 60.0) is None


@pytest.mark.parametrize("ladder", ["zero", "none", "empty"])
def test_exact_breaks_without_the_ladder_answer_falls_back_to_lns(
    ladder: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # tic-13 from the greedy schedule, the SAT search out of conflicts: the ladder finds a
    # day without breaks for everyone; with the child crashed (no steps) or killed (None) the
    # LNS still improves the schedule
    from app.scheduling.domain import breaks, isolated

    real = isolated.solve_ladder
    seen: list[Any] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(real(*args, **kwargs) if ladder == "zero" else None if ladder == "none" else [])
        return seen[-1]

    def no_conflicts(*args: Any, **kwargs: Any) -> Any:
        return real_sat(*args, **{**kwargs, "conflicts": 1, "step_conflicts": 1})

    real_sat = breaks.fewest_breaks
    monkeypatch.setattr(isolated, "solve_ladder", spy)
    monkeypatch.setattr(breaks, "fewest_breaks", no_conflicts)
    inst = build_instance(parse_problem(_published("tic-13")))
    sched = Schedule(inst)
    greedy(sched, greedy_order(inst, upper_bound(inst).relaxed))
    before = list(sched.slot_of)
    result = exact_breaks(inst, sched, 5.0)
    check_schedule(inst, sched.slot_of)
    assert [s >= 0 for s in sched.slot_of] == [s >= 0 for s in before]
    after = sum(participant_breaks(inst, sched.slot_of))
    assert after < sum(participant_breaks(inst, before))
    assert len(seen) == 1
    if ladder == "zero":
        assert after == 0
        assert result is True
        assert [(s.bound, s.status) for s in seen[0]] == [(0, isolated.OPTIMAL)]


@pytest.mark.parametrize("searchable", [True, False])
def test_the_days_search_gives_its_time_to_the_sat_descent_where_it_runs(
    searchable: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # tic-13 from the greedy schedule with the SAT search and CP-SAT finding nothing: the
    # descent goes down from there and takes the days search's seconds on top; where the
    # model is too large for SAT, the days search runs after the exact model, as before
    from app.scheduling.domain import breaks, days

    def no_conflicts(*args: Any, **kwargs: Any) -> Any:
        return real_sat(*args, **{**kwargs, "conflicts": 1, "step_conflicts": 1})

    def spy(*args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs)
        return real_descend(*args, **kwargs)

    def step(*args: Any, **kwargs: Any) -> float:
        steps.append(args)
        return real_step(*args, **kwargs)

    real_sat, real_descend, real_step = breaks.fewest_breaks, breaks.descend, days._step
    asked: list[dict[str, Any]] = []
    steps: list[Any] = []
    monkeypatch.setattr(breaks, "fewest_breaks", no_conflicts)
    monkeypatch.setattr(breaks.BreaksModel, "solve", lambda *args: (None, False))
    monkeypatch.setattr(breaks, "descend", spy)
    monkeypatch.setattr(days, "_step", step)
    if not searchable:
        monkeypatch.setattr(satbreaks, "MAX_CELLS", 0)
    inst = build_instance(parse_problem(_published("tic-13")))
    sched, _ = _greedy(inst)
    before = sum(participant_breaks(inst, sched.slot_of))
    days.compact_days(inst, sched, 2.0)
    check_schedule(inst, sched.slot_of)
    assert sum(participant_breaks(inst, sched.slot_of)) < before
    assert len(asked) == 1
    more = round(breaks.SAT_DESCENT_SCALE * breaks.SAT_AFTER_PER_DET_S * days.DAYS_SHARE * 2.0)
    assert asked[0]["more"] == more > 0
    if searchable:
        assert steps == []  # searched to its end by the descent: nothing left to step through
    else:
        assert steps  # no descent: the days search steps as before


def test_a_machine_too_slow_for_the_budgets_still_gets_its_schedule_within_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.scheduling.domain import breaks

    # The descent given a hundred times the conflicts its limit buys: as if the machine were
    # that much slower. It takes minutes so; stopped at twice the limit it keeps the fewest
    # breaks it had found.
    for name in ("SAT_DESCENT_PER_DET_S", "SAT_AFTER_PER_DET_S"):
        monkeypatch.setattr(breaks, name, 100 * getattr(breaks, name))
    data = _published("tic-13crafc")
    limit = 4.0
    solution = solve(parse_problem(data), time_limit_s=limit)
    assert not violations(data, solution.to_dict())
    stats = solution.stats
    assert stats.solve_s <= WALL_LIMIT_FACTOR * limit + 1.0
    assert stats.scheduled == len(data["meetings"])
    assert stats.breaks < stats.breaks_before


def test_the_search_of_a_large_session_also_stops_at_twice_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.scheduling.domain import days

    # 600 people, 2,400 requests, 16 slots: too large for the exact model, compacted by the
    # LNS steps, given here fifty times their share of the limit and no patience limit (12 s
    # at a 2 s limit without the stop, measured)
    monkeypatch.setattr(days, "DAYS_SHARE", 50 * days.DAYS_SHARE)
    monkeypatch.setattr(days, "PATIENCE", 10**9)
    data = generate(600, 2_400, 16, seed=5, popularity=0.3, table_slack=0.75)
    limit = 2.0
    solution = solve(parse_problem(data), time_limit_s=limit)
    assert not violations(data, solution.to_dict())
    assert solution.stats.solve_s <= WALL_LIMIT_FACTOR * limit + 2.5  # checks, tables after it
    assert solution.stats.breaks < solution.stats.breaks_before
