"""The CP-SAT phase on its own: from an empty schedule it must reach the proven bound on a
small instance without breaking a hard constraint, and give the same answer twice."""

from __future__ import annotations

from app.scheduling.domain.bound import upper_bound
from app.scheduling.domain.cpsat import improve_with_cpsat
from app.scheduling.domain.generator import generate
from app.scheduling.domain.parse import parse_problem
from app.scheduling.domain.solver import check_schedule
from app.scheduling.domain.state import Schedule, build_instance


def _run(seed: int) -> tuple[list[int], int, bool]:
    inst = build_instance(parse_problem(generate(40, 140, 6, seed=seed)))
    bound = upper_bound(inst)
    sched = Schedule(inst)
    result = improve_with_cpsat(inst, sched, bound.value, 5.0)
    check_schedule(inst, sched.slot_of)
    return list(sched.slot_of), result.upper, result.proven


def test_cpsat_alone_reaches_the_bound_from_an_empty_schedule() -> None:
    inst = build_instance(parse_problem(generate(40, 140, 6, seed=3)))
    bound = upper_bound(inst).value
    slot_of, upper, _ = _run(3)
    total = sum(inst.weight[m] for m, s in enumerate(slot_of) if s >= 0)
    assert total > 0
    assert upper <= bound
    # Reaching the LP bound proves optimality even when CP-SAT stopped early on it.
    assert total == upper == bound


def test_cpsat_phase_is_deterministic() -> None:
    assert _run(5) == _run(5)
