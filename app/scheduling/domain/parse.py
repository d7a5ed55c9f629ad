"""JSON documents to `Problem`, with one clear message per bad item."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from .model import Lock, Meeting, Participant, Placement, Problem, ProblemError, Slot, Table


def load_problem(text: str | bytes) -> Problem:
    try:
        data = json.loads(text)
    except UnicodeDecodeError as exc:
        raise ProblemError(f"input is not UTF-8: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ProblemError(
            f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    return parse_problem(data)


def _obj(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ProblemError(f"{where}: expected an object, got {_kind(value)}")
    return value


def _list(value: Any, where: str) -> Sequence[Any]:
    if not isinstance(value, list):
        raise ProblemError(f"{where}: expected a list, got {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string"}.get(
        type(value), "a list" if isinstance(value, list) else "an object"
    )


def _id(item: Mapping[str, Any], where: str) -> str:
    value = item.get("id")
    if not isinstance(value, str) or not value:
        raise ProblemError(f"{where}: 'id' must be a non-empty string")
    return value


def _int(value: Any, where: str, minimum: int) -> int:
    # bool is an int subclass; true as a priority is a typo, not 1
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProblemError(f"{where}: expected an integer, got {_kind(value)}")
    if value < minimum:
        raise ProblemError(f"{where}: must be at least {minimum}, got {value}")
    return value


def _time(value: Any, where: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ProblemError(f"{where}: expected an ISO 8601 date-time, got {_kind(value)}")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ProblemError(f"{where}: {value!r} is not an ISO 8601 date-time") from None


def _index(items: Sequence[Mapping[str, Any]], kind: str) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, item in enumerate(items):
        key = _id(_obj(item, f"{kind}s[{i}]"), f"{kind}s[{i}]")
        if key in index:
            raise ProblemError(f"duplicate {kind} id {key!r}")
        index[key] = i
    return index


def _ref(index: Mapping[str, int], value: Any, kind: str, where: str) -> int:
    if not isinstance(value, str):
        raise ProblemError(f"{where}: expected a {kind} id, got {_kind(value)}")
    if value not in index:
        raise ProblemError(f"{where}: unknown {kind} {value!r}")
    return index[value]


def parse_problem(data: Any) -> Problem:
    root = _obj(data, "problem")
    for key in ("slots", "tables", "participants", "meetings"):
        if key not in root:
            raise ProblemError(f"problem: missing required key {key!r}")
    raw_slots = _list(root["slots"], "slots")
    raw_tables = _list(root["tables"], "tables")
    raw_people = _list(root["participants"], "participants")
    raw_meetings = _list(root["meetings"], "meetings")
    slot_ix = _index(raw_slots, "slot")
    table_ix = _index(raw_tables, "table")
    person_ix = _index(raw_people, "participant")
    meeting_ix = _index(raw_meetings, "meeting")

    slots = []
    for raw in raw_slots:
        where = f"slot {raw['id']!r}"
        start = _time(raw.get("start"), f"{where} start")
        end = _time(raw.get("end"), f"{where} end")
        if start is not None and end is not None:
            try:
                backwards = end <= start
            except TypeError:
                raise ProblemError(f"{where}: mixes a time zone with a naive time") from None
            if backwards:
                raise ProblemError(f"{where}: ends before it starts")
        slots.append(Slot(raw["id"], start, end))
    tables = [Table(raw["id"]) for raw in raw_tables]

    participants = []
    for raw in raw_people:
        where = f"participant {raw['id']!r}"
        unavailable = frozenset(
            _ref(slot_ix, s, "slot", f"{where} unavailable")
            for s in _list(raw.get("unavailable") or [], f"{where} unavailable")
        )
        cap = raw.get("max_meetings")
        group = raw.get("group")
        if group is not None and not isinstance(group, str):
            raise ProblemError(f"{where} group: expected a string, got {_kind(group)}")
        table = raw.get("table")
        participants.append(
            Participant(
                raw["id"],
                unavailable,
                None if cap is None else _int(cap, f"{where} max_meetings", 0),
                group or None,
                None if table is None else _ref(table_ix, table, "table", f"{where} table"),
            )
        )

    meetings = []
    for raw in raw_meetings:
        where = f"meeting {raw['id']!r}"
        people = [
            _ref(person_ix, p, "participant", f"{where} participants")
            for p in _list(raw.get("participants"), f"{where} participants")
        ]
        if len(people) < 2:
            raise ProblemError(f"{where}: needs at least two participants")
        if len(set(people)) != len(people):
            raise ProblemError(f"{where}: lists a participant twice")
        priority = raw.get("priority")
        allowed = raw.get("allowed_slots")
        lock = raw.get("lock")
        meetings.append(
            Meeting(
                raw["id"],
                tuple(people),
                1 if priority is None else _int(priority, f"{where} priority", 0),
                None
                if allowed is None
                else frozenset(
                    _ref(slot_ix, s, "slot", f"{where} allowed_slots")
                    for s in _list(allowed, f"{where} allowed_slots")
                ),
                None if lock is None else _lock(lock, slot_ix, table_ix, f"{where} lock"),
            )
        )

    current = []
    seen: set[int] = set()
    for i, raw in enumerate(_list(root.get("current") or [], "current")):
        where = f"current[{i}]"
        item = _obj(raw, where)
        m = _ref(meeting_ix, item.get("meeting"), "meeting", f"{where} meeting")
        if m in seen:
            raise ProblemError(f"{where}: meeting {item['meeting']!r} is listed twice")
        seen.add(m)
        current.append(
            Placement(
                m,
                _ref(slot_ix, item.get("slot"), "slot", f"{where} slot"),
                _ref(table_ix, item.get("table"), "table", f"{where} table"),
            )
        )

    limit = root.get("time_limit_s")
    if limit is not None and (
        isinstance(limit, bool) or not isinstance(limit, int | float) or not limit > 0
    ):
        raise ProblemError("time_limit_s: expected a positive number")
    problem = Problem(
        tuple(slots),
        tuple(tables),
        tuple(participants),
        tuple(meetings),
        tuple(current),
        None if limit is None else float(limit),
    )
    check_locks(problem)
    return problem


def _lock(raw: Any, slot_ix: Mapping[str, int], table_ix: Mapping[str, int], where: str) -> Lock:
    item = _obj(raw, where)
    return Lock(
        _ref(slot_ix, item.get("slot"), "slot", f"{where} slot"),
        _ref(table_ix, item.get("table"), "table", f"{where} table"),
    )


def check_locks(problem: Problem) -> None:
    """Reject locks that no schedule can honour, naming the meeting."""
    owners: dict[int, set[int]] = {}
    for p, person in enumerate(problem.participants):
        if person.table is not None:
            owners.setdefault(person.table, set()).add(p)
    seat: dict[tuple[int, int], str] = {}
    busy: dict[tuple[int, int], str] = {}
    locked_count = [0] * len(problem.participants)
    for meeting in problem.meetings:
        lock = meeting.lock
        if lock is None:
            continue
        slot_id = problem.slots[lock.slot].id
        table_id = problem.tables[lock.table].id
        where = f"meeting {meeting.id!r} lock"
        if meeting.allowed_slots is not None and lock.slot not in meeting.allowed_slots:
            raise ProblemError(f"{where}: slot {slot_id!r} is not in its allowed_slots")
        for p in meeting.participants:
            person = problem.participants[p]
            if lock.slot in person.unavailable:
                raise ProblemError(
                    f"{where}: participant {person.id!r} is unavailable in slot {slot_id!r}"
                )
            if person.table is not None and person.table != lock.table:
                fixed = problem.tables[person.table].id
                raise ProblemError(
                    f"{where}: participant {person.id!r} has fixed table {fixed!r}, "
                    f"not {table_id!r}"
                )
            other = busy.get((p, lock.slot))
            if other is not None:
                raise ProblemError(
                    f"{where}: participant {person.id!r} is also locked in meeting "
                    f"{other!r} in slot {slot_id!r}"
                )
            busy[p, lock.slot] = meeting.id
            locked_count[p] += 1
            if person.max_meetings is not None and locked_count[p] > person.max_meetings:
                raise ProblemError(
                    f"{where}: participant {person.id!r} has more locked meetings than "
                    f"max_meetings={person.max_meetings}"
                )
        table_owners = owners.get(lock.table)
        if table_owners is not None and not table_owners.intersection(meeting.participants):
            raise ProblemError(f"{where}: table {table_id!r} is reserved for another participant")
        other = seat.get((lock.table, lock.slot))
        if other is not None:
            raise ProblemError(
                f"{where}: table {table_id!r} in slot {slot_id!r} is also locked by "
                f"meeting {other!r}"
            )
        seat[lock.table, lock.slot] = meeting.id
