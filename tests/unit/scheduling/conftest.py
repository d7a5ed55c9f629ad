"""Helpers for the scheduler's unit tests: build problems as the JSON format, solve, check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app.scheduling.domain import parse_problem, solve
from tests.unit.scheduling.scheduling_checker import violations

Solver = Callable[..., dict[str, Any]]


def solve_checked(
    problem: dict[str, Any], time_limit_s: float = 2.0, *, wall_clock: bool = True
) -> dict[str, Any]:
    """Solve and fail the test if the independent checker finds any broken constraint."""
    parsed = parse_problem(problem)
    solution = solve(parsed, time_limit_s=time_limit_s, wall_clock=wall_clock).to_dict()
    broken = violations(problem, solution)
    assert not broken, broken
    return solution


@pytest.fixture
def run() -> Solver:
    return solve_checked


def base(slots: int = 3, tables: int = 2, people: int = 4) -> dict[str, Any]:
    return {
        "slots": [{"id": f"s{i + 1}"} for i in range(slots)],
        "tables": [{"id": f"T{i + 1}"} for i in range(tables)],
        "participants": [{"id": f"p{i + 1}"} for i in range(people)],
        "meetings": [],
    }


def meeting(mid: str, *who: str, **extra: Any) -> dict[str, Any]:
    return {"id": mid, "participants": list(who), **extra}


def placed(solution: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {a["meeting"]: (a["slot"], a["table"]) for a in solution["assignments"]}
