"""Slot generation: pure functions over datetimes, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.events.slots import Interval, break_problems, generate_slots

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(hh: int, mm: int = 0, day: int = 16) -> datetime:
    return datetime(2027, 3, day, hh, mm, tzinfo=HCM)


def times(slots: list[Interval]) -> list[str]:
    return [f"{s.starts_at:%H:%M}-{s.ends_at:%H:%M}" for s in slots]


def test_slots_fill_the_session_exactly_to_its_end() -> None:
    slots = generate_slots(at(14), at(15), 20)
    assert times(slots) == ["14:00-14:20", "14:20-14:40", "14:40-15:00"]
    assert slots[-1].ends_at == at(15)


def test_a_remainder_shorter_than_a_slot_is_dropped() -> None:
    assert times(generate_slots(at(14), at(15, 10), 20)) == [
        "14:00-14:20",
        "14:20-14:40",
        "14:40-15:00",
    ]


def test_session_shorter_than_one_slot_has_no_slots() -> None:
    assert generate_slots(at(14), at(14, 19), 20) == []


def test_session_exactly_one_slot_long_has_one_slot() -> None:
    assert times(generate_slots(at(14), at(14, 20), 20)) == ["14:00-14:20"]


def test_empty_or_reversed_session_has_no_slots() -> None:
    assert generate_slots(at(14), at(14), 20) == []
    assert generate_slots(at(15), at(14), 20) == []


def test_breaks_are_skipped() -> None:
    slots = generate_slots(at(14), at(17), 20, breaks=[Interval(at(15, 40), at(16))])
    assert times(slots) == [
        "14:00-14:20",
        "14:20-14:40",
        "14:40-15:00",
        "15:00-15:20",
        "15:20-15:40",
        "16:00-16:20",
        "16:20-16:40",
        "16:40-17:00",
    ]


def test_a_slot_that_would_run_into_a_break_starts_after_it() -> None:
    slots = generate_slots(at(14), at(16), 30, breaks=[Interval(at(14, 45), at(15))])
    assert times(slots) == ["14:00-14:30", "15:00-15:30", "15:30-16:00"]


def test_gap_minutes_separate_consecutive_slots() -> None:
    slots = generate_slots(at(14), at(15), 15, gap_minutes=5)
    assert times(slots) == ["14:00-14:15", "14:20-14:35", "14:40-14:55"]


def test_gap_is_not_added_after_a_break() -> None:
    slots = generate_slots(
        at(14), at(15, 30), 20, gap_minutes=5, breaks=[Interval(at(14, 20), at(14, 40))]
    )
    assert times(slots) == ["14:00-14:20", "14:40-15:00", "15:05-15:25"]


def test_break_at_the_very_start_delays_the_first_slot() -> None:
    slots = generate_slots(at(14), at(15), 20, breaks=[Interval(at(14), at(14, 20))])
    assert times(slots) == ["14:20-14:40", "14:40-15:00"]


def test_break_at_the_very_end_removes_the_last_slot() -> None:
    slots = generate_slots(at(14), at(15), 20, breaks=[Interval(at(14, 40), at(15))])
    assert times(slots) == ["14:00-14:20", "14:20-14:40"]


def test_break_covering_the_whole_session_leaves_no_slot() -> None:
    assert generate_slots(at(14), at(15), 20, breaks=[Interval(at(14), at(15))]) == []


def test_breaks_given_out_of_order_are_handled() -> None:
    breaks = [Interval(at(16), at(16, 20)), Interval(at(14, 20), at(14, 40))]
    slots = generate_slots(at(14), at(16, 40), 20, breaks=breaks)
    assert times(slots) == [
        "14:00-14:20",
        "14:40-15:00",
        "15:00-15:20",
        "15:20-15:40",
        "15:40-16:00",
        "16:20-16:40",
    ]


def test_overlapping_breaks_still_produce_no_slot_inside_either() -> None:
    breaks = [Interval(at(14, 20), at(14, 50)), Interval(at(14, 40), at(15, 10))]
    slots = generate_slots(at(14), at(16), 20, breaks=breaks)
    assert times(slots) == ["14:00-14:20", "15:10-15:30", "15:30-15:50"]


def test_invalid_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="slot_minutes"):
        generate_slots(at(14), at(15), 0)
    with pytest.raises(ValueError, match="slot_minutes"):
        generate_slots(at(14), at(15), -5)
    with pytest.raises(ValueError, match="gap_minutes"):
        generate_slots(at(14), at(15), 20, gap_minutes=-1)


def test_slots_keep_the_time_zone_and_equal_the_same_instants_in_utc() -> None:
    local = generate_slots(at(14), at(15), 20)
    utc = generate_slots(at(14).astimezone(UTC), at(15).astimezone(UTC), 20)
    assert local == utc
    assert local[0].starts_at.utcoffset() == timedelta(hours=7)


def test_vietnam_has_no_daylight_saving_so_every_day_is_the_same() -> None:
    # Asia/Ho_Chi_Minh has been UTC+7 since 1975: dates around the European and American
    # clock changes give the same local slots.
    for month, day in ((3, 8), (3, 28), (10, 31), (11, 7)):
        start = datetime(2027, month, day, 14, tzinfo=HCM)
        slots = generate_slots(start, start + timedelta(hours=1), 20)
        assert times(slots) == ["14:00-14:20", "14:20-14:40", "14:40-15:00"]
        assert all(s.starts_at.utcoffset() == timedelta(hours=7) for s in slots)


def test_slots_across_a_dst_change_have_exact_elapsed_length() -> None:
    # Amsterdam springs forward at 02:00 on 28 March 2027: slots are measured in real
    # minutes, so a slot never lasts 80 or -40 minutes.
    ams = ZoneInfo("Europe/Amsterdam")
    start = datetime(2027, 3, 28, 1, 0, tzinfo=ams)
    end = datetime(2027, 3, 28, 4, 0, tzinfo=ams)  # two real hours later
    slots = generate_slots(start.astimezone(UTC), end.astimezone(UTC), 30)
    assert len(slots) == 4
    for slot in slots:
        assert slot.ends_at - slot.starts_at == timedelta(minutes=30)


# ---- break validation ---------------------------------------------------------------------


def test_valid_breaks_have_no_problems() -> None:
    assert break_problems(at(14), at(17), [Interval(at(15, 40), at(16))]) == []


def test_break_touching_the_session_edges_is_allowed() -> None:
    breaks = [Interval(at(14), at(14, 20)), Interval(at(16, 40), at(17))]
    assert break_problems(at(14), at(17), breaks) == []


def test_adjacent_breaks_do_not_overlap() -> None:
    breaks = [Interval(at(15), at(15, 20)), Interval(at(15, 20), at(15, 40))]
    assert break_problems(at(14), at(17), breaks) == []


def test_overlapping_breaks_are_detected_and_indexed() -> None:
    breaks = [Interval(at(15, 30), at(16)), Interval(at(15), at(15, 40))]
    problems = break_problems(at(14), at(17), breaks)
    assert len(problems) == 1
    index, message = problems[0]
    assert index in (0, 1)
    assert "overlap" in message


def test_break_outside_the_session_is_detected() -> None:
    problems = break_problems(at(14), at(17), [Interval(at(16, 50), at(17, 10))])
    assert problems == [(0, "a break must lie inside the session")]


def test_empty_or_reversed_break_is_detected() -> None:
    problems = break_problems(
        at(14), at(17), [Interval(at(15), at(15, 20)), Interval(at(16), at(16))]
    )
    assert problems == [(1, "a break must end after it starts")]


# ---- properties ---------------------------------------------------------------------------

BASE = datetime(2027, 3, 16, 8, 0, tzinfo=HCM)


@st.composite
def sessions(draw: st.DrawFn) -> tuple[datetime, datetime, int, int, list[Interval]]:
    length = draw(st.integers(min_value=0, max_value=12 * 60))
    start = BASE + timedelta(minutes=draw(st.integers(min_value=0, max_value=120)))
    end = start + timedelta(minutes=length)
    slot = draw(st.integers(min_value=1, max_value=120))
    gap = draw(st.integers(min_value=0, max_value=30))
    breaks = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        offset = draw(st.integers(min_value=0, max_value=max(length, 1)))
        duration = draw(st.integers(min_value=1, max_value=90))
        b_start = start + timedelta(minutes=offset)
        breaks.append(Interval(b_start, min(b_start + timedelta(minutes=duration), end)))
    return start, end, slot, gap, [b for b in breaks if b.ends_at > b.starts_at]


@settings(max_examples=300, deadline=None)
@given(sessions())
def test_slots_never_overlap_each_other_or_a_break_and_stay_inside(
    case: tuple[datetime, datetime, int, int, list[Interval]],
) -> None:
    start, end, slot_minutes, gap, breaks = case
    slots = generate_slots(start, end, slot_minutes, gap_minutes=gap, breaks=breaks)
    for slot in slots:
        assert start <= slot.starts_at < slot.ends_at <= end
        assert slot.ends_at - slot.starts_at == timedelta(minutes=slot_minutes)
        assert not any(slot.overlaps(b) for b in breaks)
    for first, second in pairwise(slots):
        assert first.ends_at + timedelta(minutes=gap) <= second.starts_at


@settings(max_examples=200, deadline=None)
@given(sessions())
def test_without_breaks_slots_are_as_many_as_fit(
    case: tuple[datetime, datetime, int, int, list[Interval]],
) -> None:
    start, end, slot_minutes, gap, _ = case
    slots = generate_slots(start, end, slot_minutes, gap_minutes=gap)
    minutes = int((end - start).total_seconds() // 60)
    expected = 0 if minutes < slot_minutes else 1 + (minutes - slot_minutes) // (slot_minutes + gap)
    assert len(slots) == expected
    if slots:
        assert slots[0].starts_at == start
