"""Random problems: every schedule passes the independent checker, the bound is a real bound."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.scheduling.domain import parse_problem
from app.scheduling.domain.fcfs import solve_fcfs
from tests.unit.scheduling.conftest import solve_checked
from tests.unit.scheduling.scheduling_checker import best_priority, violations

FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


@st.composite
def problems(draw: st.DrawFn, max_meetings: int = 10) -> dict[str, Any]:
    n_slots = draw(st.integers(1, 4))
    n_tables = draw(st.integers(1, 3))
    n_people = draw(st.integers(2, 7))
    slots = [f"s{i}" for i in range(n_slots)]
    tables = [f"T{i}" for i in range(n_tables)]
    people = []
    for i in range(n_people):
        person: dict[str, Any] = {
            "id": f"p{i}",
            "unavailable": draw(st.lists(st.sampled_from(slots), unique=True, max_size=2)),
        }
        if draw(st.booleans()):
            person["max_meetings"] = draw(st.integers(0, 3))
        if draw(st.integers(0, 5)) == 0:
            person["table"] = draw(st.sampled_from(tables))
        if draw(st.booleans()):
            person["group"] = draw(st.sampled_from(["g1", "g2"]))
        people.append(person)
    meetings = []
    for j in range(draw(st.integers(0, max_meetings))):
        size = draw(st.sampled_from([2, 2, 2, 3]))
        who = draw(
            st.lists(
                st.sampled_from([p["id"] for p in people]),
                min_size=size,
                max_size=size,
                unique=True,
            )
            if n_people >= size
            else st.nothing()
        )
        row: dict[str, Any] = {
            "id": f"m{j}",
            "participants": who,
            "priority": draw(st.integers(0, 3)),
        }
        if draw(st.integers(0, 4)) == 0:
            row["allowed_slots"] = draw(st.lists(st.sampled_from(slots), unique=True))
        meetings.append(row)
    return {
        "slots": [{"id": s} for s in slots],
        "tables": [{"id": t} for t in tables],
        "participants": people,
        "meetings": meetings,
    }


@FAST
@given(problems())
def test_every_schedule_is_valid_and_within_bound(problem: dict[str, Any]) -> None:
    solution = solve_checked(problem, time_limit_s=1.0)
    fcfs = solve_fcfs(parse_problem(problem)).to_dict()
    assert not violations(problem, fcfs)
    assert solution["stats"]["priority_sum"] >= fcfs["stats"]["priority_sum"]


@settings(max_examples=25, deadline=None, database=None)
@given(problems(max_meetings=6))
def test_bound_is_proven_and_optimal_flag_is_true(problem: dict[str, Any]) -> None:
    solution = solve_checked(problem, time_limit_s=1.0)
    optimum = best_priority(problem)
    assert solution["stats"]["upper_bound"] >= optimum
    if solution["stats"]["optimal"]:
        assert solution["stats"]["priority_sum"] == optimum


@settings(max_examples=20, deadline=None, database=None)
@given(problems(), st.randoms(use_true_random=False))
def test_locks_and_current_from_a_previous_solve_are_honoured(
    problem: dict[str, Any], rng: Any
) -> None:
    first = solve_checked(problem, time_limit_s=1.0)
    by_id = {m["id"]: m for m in problem["meetings"]}
    for a in first["assignments"]:
        if rng.random() < 0.3:
            by_id[a["meeting"]]["lock"] = {"slot": a["slot"], "table": a["table"]}
    problem["current"] = first["assignments"]
    second = solve_checked(problem, time_limit_s=1.0)
    assert second["stats"]["priority_sum"] >= first["stats"]["priority_sum"]
    assert second["stats"]["moved"] == 0
