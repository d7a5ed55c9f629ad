"""Each hard constraint on a small hand-made problem, verified by the independent checker."""

from __future__ import annotations

from tests.unit.scheduling.conftest import Solver, base, meeting, placed


def test_participant_meets_once_per_slot(run: Solver) -> None:
    problem = base(slots=1, tables=5)
    problem["meetings"] = [meeting("a", "p1", "p2"), meeting("b", "p1", "p3")]
    solution = run(problem)
    assert solution["stats"]["scheduled"] == 1
    assert len(solution["unscheduled"]) == 1


def test_two_slots_fit_both_meetings_of_one_participant(run: Solver) -> None:
    problem = base(slots=2, tables=1)
    problem["meetings"] = [meeting("a", "p1", "p2"), meeting("b", "p1", "p3")]
    solution = run(problem)
    assert solution["stats"]["scheduled"] == 2
    assert solution["stats"]["optimal"] is True


def test_unavailable_slot_is_never_used(run: Solver) -> None:
    problem = base(slots=3)
    problem["participants"][0]["unavailable"] = ["s1", "s2"]
    problem["meetings"] = [meeting("a", "p1", "p2")]
    assert placed(run(problem))["a"][0] == "s3"


def test_meeting_without_common_free_slot_stays_out_with_reason(run: Solver) -> None:
    problem = base(slots=2)
    problem["participants"][0]["unavailable"] = ["s1"]
    problem["participants"][1]["unavailable"] = ["s2"]
    problem["meetings"] = [meeting("a", "p1", "p2")]
    solution = run(problem)
    assert solution["unscheduled"] == ["a"]
    assert "p1" in solution["reasons"]["a"]
    assert solution["stats"]["upper_bound"] == 0


def test_one_meeting_per_table_per_slot(run: Solver) -> None:
    problem = base(slots=1, tables=2, people=6)
    problem["meetings"] = [
        meeting("a", "p1", "p2"),
        meeting("b", "p3", "p4"),
        meeting("c", "p5", "p6"),
    ]
    solution = run(problem)
    assert solution["stats"]["scheduled"] == 2
    assert solution["stats"]["upper_bound"] == 2


def test_cap_is_respected_and_keeps_high_priority(run: Solver) -> None:
    problem = base(slots=4, tables=4, people=5)
    problem["participants"][0]["max_meetings"] = 2
    problem["meetings"] = [
        meeting("a", "p1", "p2", priority=1),
        meeting("b", "p1", "p3", priority=3),
        meeting("c", "p1", "p4", priority=1),
        meeting("d", "p1", "p5", priority=2),
    ]
    solution = run(problem)
    assert set(placed(solution)) == {"b", "d"}
    assert solution["stats"]["priority_sum"] == 5
    assert "max_meetings" in solution["reasons"]["a"]


def test_allowed_slots_are_respected(run: Solver) -> None:
    problem = base(slots=4)
    problem["meetings"] = [meeting("a", "p1", "p2", allowed_slots=["s3"])]
    assert placed(run(problem))["a"][0] == "s3"


def test_locked_meeting_keeps_slot_and_table(run: Solver) -> None:
    problem = base(slots=3, tables=2)
    problem["meetings"] = [
        meeting("a", "p1", "p2", lock={"slot": "s2", "table": "T2"}),
        meeting("b", "p1", "p3"),
        meeting("c", "p3", "p4"),
    ]
    solution = run(problem)
    assert placed(solution)["a"] == ("s2", "T2")
    assert solution["stats"]["scheduled"] == 3


def test_lock_blocks_its_table_for_other_meetings(run: Solver) -> None:
    problem = base(slots=1, tables=1)
    problem["meetings"] = [
        meeting("a", "p1", "p2", lock={"slot": "s1", "table": "T1"}),
        meeting("b", "p3", "p4", priority=5),
    ]
    solution = run(problem)
    assert solution["unscheduled"] == ["b"]


def test_fixed_table_is_used_and_reserved(run: Solver) -> None:
    problem = base(slots=2, tables=2, people=4)
    problem["participants"][0]["table"] = "T2"
    problem["meetings"] = [
        meeting("a", "p1", "p2"),
        meeting("b", "p3", "p4"),
        meeting("c", "p2", "p3"),
    ]
    solution = run(problem)
    where = placed(solution)
    assert where["a"][1] == "T2"
    # T2 belongs to p1, so b and c share T1 and need different slots
    assert where["b"][1] == where["c"][1] == "T1"
    assert where["b"][0] != where["c"][0]


def test_meeting_of_two_table_owners_cannot_sit(run: Solver) -> None:
    problem = base(slots=2, tables=2)
    problem["participants"][0]["table"] = "T1"
    problem["participants"][1]["table"] = "T2"
    problem["meetings"] = [meeting("a", "p1", "p2")]
    solution = run(problem)
    assert solution["unscheduled"] == ["a"]
    assert "fixed tables" in solution["reasons"]["a"]


def test_three_person_meeting_blocks_all_three(run: Solver) -> None:
    problem = base(slots=1, tables=3, people=5)
    problem["meetings"] = [
        meeting("a", "p1", "p2", "p3", priority=2),
        meeting("b", "p3", "p4"),
        meeting("c", "p5", "p1"),
    ]
    solution = run(problem)
    assert set(placed(solution)) == {"a"}


def test_priority_zero_meeting_is_still_scheduled_when_free(run: Solver) -> None:
    problem = base(slots=1)
    problem["meetings"] = [meeting("a", "p1", "p2", priority=0)]
    assert "a" in placed(run(problem))


def test_delegation_meetings_sit_at_adjacent_tables(run: Solver) -> None:
    problem = base(slots=1, tables=6, people=8)
    for p in ("p1", "p3", "p5"):
        problem["participants"][int(p[1:]) - 1]["group"] = "vn-delegation"
    problem["meetings"] = [
        meeting("x", "p7", "p8"),
        meeting("a", "p1", "p2"),
        meeting("b", "p3", "p4"),
        meeting("c", "p5", "p6"),
    ]
    tables = sorted(int(placed(run(problem))[m][1][1:]) for m in ("a", "b", "c"))
    assert tables[-1] - tables[0] == 2


def test_empty_problem_solves(run: Solver) -> None:
    solution = run(base())
    assert solution["assignments"] == []
    assert solution["stats"]["optimal"] is True


def test_checker_catches_double_booking_and_wrong_stats() -> None:
    # the checker must be able to fail, or every test above proves nothing
    from tests.unit.scheduling.scheduling_checker import violations

    problem = base(slots=1, tables=1)
    problem["participants"][0]["max_meetings"] = 1
    problem["meetings"] = [meeting("a", "p1", "p2"), meeting("b", "p1", "p3")]
    bad = {
        "assignments": [
            {"meeting": "a", "slot": "s1", "table": "T1"},
            {"meeting": "b", "slot": "s1", "table": "T1"},
        ],
        "unscheduled": [],
        "stats": {"scheduled": 2, "priority_sum": 2, "upper_bound": 1, "moved": 0},
    }
    found = " | ".join(violations(problem, bad))
    assert "participant p1 in 2 meetings" in found
    assert "table T1 holds 2 meetings" in found
    assert "max_meetings" in found
    assert "upper_bound" in found
