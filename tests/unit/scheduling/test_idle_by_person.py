"""The organiser's list of idle time per person, read before applying a schedule."""

from __future__ import annotations

from app.registration.models import Participant
from app.scheduling.domain import model as dm
from app.scheduling.service import Built, idle_by_person


def _built() -> Built:
    slots = tuple(dm.Slot(id=f"s{i}") for i in range(6))
    people = tuple(dm.Participant(id=f"p{i}") for i in (1, 2, 3, 4))
    meetings = (
        dm.Meeting(id="m1", participants=(0, 1)),
        dm.Meeting(id="m2", participants=(0, 2)),
        dm.Meeting(id="m3", participants=(0, 3)),
        dm.Meeting(id="m4", participants=(1, 2)),
    )
    problem = dm.Problem(
        slots=slots,
        tables=(dm.Table(id="t1"), dm.Table(id="t2")),
        participants=people,
        meetings=meetings,
    )
    rows = {
        f"p{i}": Participant(id=i, event_id=1, full_name=f"Người {i}", code=f"CODE{i}")
        for i in (1, 2, 3, 4)
    }
    return Built(problem=problem, meetings={}, slots={}, tables={}, participants=rows)


def test_most_idle_first_with_runs_of_free_slots_counted_once() -> None:
    placed = [
        dm.Assignment("m1", "s0", "t1"),  # p1: slots 0, 2, 5 -> 3 idle slots, 2 breaks
        dm.Assignment("m2", "s2", "t1"),
        dm.Assignment("m3", "s5", "t1"),
        dm.Assignment("m4", "s1", "t2"),  # p2: slots 0, 1 -> none; p3: 1, 2 -> none
    ]
    assert idle_by_person(_built(), placed) == [
        {"participant_id": 1, "idle_slots": 3, "breaks": 2},
    ]


def test_back_to_back_days_list_nobody() -> None:
    placed = [
        dm.Assignment("m1", "s0", "t1"),
        dm.Assignment("m2", "s1", "t1"),
        dm.Assignment("m3", "s2", "t1"),
        dm.Assignment("m4", "s1", "t2"),
    ]
    assert idle_by_person(_built(), placed) == []
