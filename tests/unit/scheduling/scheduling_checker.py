"""An independent checker for schedules, written from the file format, not from the solver.

It reads the problem and solution as plain JSON dicts and shares no code with
app.scheduling, so a bug in the engine's data model cannot hide a broken schedule.
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any


def violations(problem: dict[str, Any], solution: dict[str, Any]) -> list[str]:
    """Every hard constraint the solution breaks, in words; empty when the schedule is valid."""
    errors: list[str] = []
    slots = {s["id"] for s in problem["slots"]}
    tables = {t["id"] for t in problem["tables"]}
    people = {p["id"]: p for p in problem["participants"]}
    meetings = {m["id"]: m for m in problem["meetings"]}
    owners: dict[str, set[str]] = {}
    for p in problem["participants"]:
        if p.get("table"):
            owners.setdefault(p["table"], set()).add(p["id"])

    placed: dict[str, tuple[str, str]] = {}
    for a in solution["assignments"]:
        m = a["meeting"]
        if m not in meetings:
            errors.append(f"unknown meeting {m}")
            continue
        if m in placed:
            errors.append(f"meeting {m} assigned twice")
        if a["slot"] not in slots or a["table"] not in tables:
            errors.append(f"meeting {m} at unknown slot/table")
        placed[m] = (a["slot"], a["table"])
    out = set(solution["unscheduled"])
    if out & set(placed):
        errors.append("a meeting is both scheduled and unscheduled")
    if out | set(placed) != set(meetings):
        errors.append("scheduled + unscheduled is not the set of meetings")

    person_slot: Counter[tuple[str, str]] = Counter()
    table_slot: Counter[tuple[str, str]] = Counter()
    load: Counter[str] = Counter()
    for m, (slot, table) in placed.items():
        meeting = meetings[m]
        table_slot[table, slot] += 1
        allowed = meeting.get("allowed_slots")
        if allowed is not None and slot not in allowed:
            errors.append(f"meeting {m} outside its allowed slots")
        lock = meeting.get("lock")
        if lock and (lock["slot"], lock["table"]) != (slot, table):
            errors.append(f"locked meeting {m} moved")
        fixed = {people[p].get("table") for p in meeting["participants"]} - {None}
        if fixed and fixed != {table}:
            errors.append(f"meeting {m} not at its participant's fixed table")
        if table in owners and not owners[table] & set(meeting["participants"]):
            errors.append(f"meeting {m} sits at a table reserved for someone else")
        for p in meeting["participants"]:
            person_slot[p, slot] += 1
            load[p] += 1
            if slot in (people[p].get("unavailable") or []):
                errors.append(f"participant {p} in meeting {m} while unavailable")
    for m, meeting in meetings.items():
        if meeting.get("lock") and m not in placed:
            errors.append(f"locked meeting {m} unscheduled")
    errors.extend(
        f"participant {p} in {n} meetings in slot {s}" for (p, s), n in person_slot.items() if n > 1
    )
    errors.extend(
        f"table {t} holds {n} meetings in slot {s}" for (t, s), n in table_slot.items() if n > 1
    )
    for p, n in load.items():
        cap = people[p].get("max_meetings")
        if cap is not None and n > cap:
            errors.append(f"participant {p} has {n} meetings, over max_meetings={cap}")

    stats = solution["stats"]
    total = sum(meetings[m].get("priority", 1) for m in placed)
    if stats["scheduled"] != len(placed):
        errors.append("stats.scheduled is wrong")
    if stats["priority_sum"] != total:
        errors.append("stats.priority_sum is wrong")
    if stats["upper_bound"] < total:
        errors.append("stats.upper_bound is below the schedule's own priority")
    current = {c["meeting"]: c["slot"] for c in problem.get("current") or []}
    moved = sum(1 for m, s in current.items() if placed.get(m, (None,))[0] != s)
    if stats["moved"] != moved:
        errors.append(f"stats.moved is {stats['moved']}, expected {moved}")
    return errors


def best_priority(problem: dict[str, Any]) -> int:
    """The optimum by brute force over meeting -> slot (tables by counting); tiny inputs only."""
    slots = [s["id"] for s in problem["slots"]]
    people = {p["id"]: p for p in problem["participants"]}
    meetings = problem["meetings"]
    owned = {p["table"] for p in problem["participants"] if p.get("table")}
    pool = len([t for t in problem["tables"] if t["id"] not in owned])
    choices = []
    for meeting in meetings:
        if meeting.get("lock"):
            choices.append([meeting["lock"]["slot"]])
            continue
        fixed = {people[p].get("table") for p in meeting["participants"]} - {None}
        if len(fixed) > 1:
            choices.append([None])
            continue
        options = [
            s
            for s in slots
            if all(s not in (people[p].get("unavailable") or []) for p in meeting["participants"])
            and (meeting.get("allowed_slots") is None or s in meeting["allowed_slots"])
        ]
        choices.append([None, *options])
    best = -1
    for pick in itertools.product(*choices):
        busy: Counter[tuple[str, str]] = Counter()
        seats: Counter[tuple[str, str]] = Counter()
        load: Counter[str] = Counter()
        ok = True
        total = 0
        for meeting, slot in zip(meetings, pick, strict=True):
            if slot is None:
                continue
            total += meeting.get("priority", 1)
            fixed = {people[p].get("table") for p in meeting["participants"]} - {None}
            lock = meeting.get("lock")
            if lock and lock["table"] not in owned:
                seats["pool", slot] += 1
            else:
                seats[(next(iter(fixed)) if fixed else "pool"), slot] += 1
            for p in meeting["participants"]:
                busy[p, slot] += 1
                load[p] += 1
        ok = ok and all(n <= 1 for n in busy.values())
        for (t, _), n in seats.items():
            ok = ok and n <= (pool if t == "pool" else 1)
        for p, n in load.items():
            cap = people[p].get("max_meetings")
            ok = ok and (cap is None or n <= cap)
        if ok:
            best = max(best, total)
    return best
