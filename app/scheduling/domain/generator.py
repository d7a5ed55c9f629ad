"""Seeded random problems shaped like a real B2B day, as JSON-ready dicts.

Hosts (exhibitors, buyers) are requested with a Zipf-like popularity, so the famous ones get
more requests than they have slots; delegates come in delegations; some meetings need an
interpreter (three people); people arrive late or leave early; some accept few meetings; some
hosts have their own booth; a few meetings are locked where a booking form would have put
them. Everything derives from `random.Random(seed)`: same arguments, same problem.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta, timezone
from typing import Any

ICT = timezone(timedelta(hours=7))


def generate(
    participants: int,
    meetings: int,
    slots: int,
    seed: int = 0,
    *,
    lock_share: float = 0.01,
    table_slack: float = 0.95,
    popularity: float = 0.8,
) -> dict[str, Any]:
    """A problem dict; `popularity` is the Zipf exponent of hosts (0 = all equally wanted),
    `table_slack` the free tables per slot as a share of meetings per slot."""
    rng = random.Random(seed)
    start = datetime(2026, 5, 20, 8, 0, tzinfo=ICT)
    slot_rows = [
        {
            "id": f"s{i + 1}",
            "start": (start + timedelta(minutes=20 * i)).isoformat(),
            "end": (start + timedelta(minutes=20 * i + 20)).isoformat(),
        }
        for i in range(slots)
    ]
    n_hosts = max(2, participants * 3 // 10)
    n_interp = max(1, participants // 10)
    n_delegates = max(2, participants - n_hosts - n_interp)
    people: list[dict[str, Any]] = []
    hosts = [f"h{i + 1}" for i in range(n_hosts)]
    delegates = [f"d{i + 1}" for i in range(n_delegates)]
    interpreters = [f"i{i + 1}" for i in range(n_interp)]
    tables: list[dict[str, Any]] = []

    def availability() -> list[str]:
        roll = rng.random()
        if roll < 0.2:  # arrives late
            return [f"s{i + 1}" for i in range(rng.randint(1, max(1, slots // 5)))]
        if roll < 0.35:  # leaves early
            return [f"s{slots - i}" for i in range(rng.randint(1, max(1, slots // 5)))]
        if roll < 0.45:  # a block in the middle (a panel, lunch)
            first = rng.randrange(slots)
            return [f"s{i + 1}" for i in range(first, min(slots, first + rng.randint(1, 3)))]
        return []

    for i, pid in enumerate(hosts):
        row: dict[str, Any] = {"id": pid, "unavailable": availability()}
        if rng.random() < 0.25:
            row["max_meetings"] = rng.randint(max(1, slots // 3), max(1, slots * 7 // 10))
        if rng.random() < 0.1:
            tables.append({"id": f"B{i + 1}"})
            row["table"] = f"B{i + 1}"
        people.append(row)
    group = 0
    i = 0
    while i < n_delegates:
        size = rng.randint(1, 5)
        group += 1
        own_table = size > 1 and rng.random() < 0.1
        if own_table:
            tables.append({"id": f"D{group}"})
        for pid in delegates[i : i + size]:
            row = {"id": pid, "unavailable": availability(), "group": f"del-{group}"}
            if size == 1:
                row["group"] = None
            if rng.random() < 0.2:
                row["max_meetings"] = rng.randint(3, 8)
            if own_table:
                row["table"] = f"D{group}"
            people.append(row)
        i += size
    people.extend({"id": pid, "unavailable": availability()} for pid in interpreters)

    cumulative = []
    total = 0.0
    for w in (1.0 / (rank + 1) ** popularity for rank in range(n_hosts)):
        total += w
        cumulative.append(total)
    pairs: set[tuple[int, int]] = set()
    rows: list[dict[str, Any]] = []
    attempts = 0
    while len(rows) < meetings and attempts < meetings * 20:
        attempts += 1
        d = rng.randrange(n_delegates)
        h = _pick(cumulative, rng.random() * total)
        if (d, h) in pairs:
            continue
        pairs.add((d, h))
        who = [delegates[d], hosts[h]]
        if rng.random() < 0.08:
            who.append(interpreters[rng.randrange(n_interp)])
        roll = rng.random()
        meeting: dict[str, Any] = {
            "id": f"m{len(rows) + 1}",
            "participants": who,
            "priority": 3 if roll < 0.05 else 2 if roll < 0.2 else 1,
        }
        if rng.random() < 0.05:
            width = rng.randint(max(1, slots // 2), slots)
            first = rng.randint(0, slots - width)
            meeting["allowed_slots"] = [f"s{k + 1}" for k in range(first, first + width)]
        rows.append(meeting)

    pool = max(1, math.ceil(table_slack * len(rows) / slots))
    tables = [{"id": f"T{k + 1}"} for k in range(pool)] + tables
    problem: dict[str, Any] = {
        "slots": slot_rows,
        "tables": tables,
        "participants": people,
        "meetings": rows,
    }
    if lock_share > 0:
        _add_locks(problem, rng, lock_share)
    return problem


def _pick(cumulative: list[float], x: float) -> int:
    lo, hi = 0, len(cumulative) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cumulative[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _add_locks(problem: dict[str, Any], rng: random.Random, share: float) -> None:
    """Lock a share of meetings where first-come-first-served booking put them: valid locks."""
    from .fcfs import solve_fcfs
    from .parse import parse_problem

    booked = solve_fcfs(parse_problem(problem)).assignments
    chosen = [a for a in booked if rng.random() < share]
    by_id = {m["id"]: m for m in problem["meetings"]}
    for a in chosen:
        by_id[a.meeting]["lock"] = {"slot": a.slot, "table": a.table}


def reschedule_scenario(
    problem: dict[str, Any],
    solution: dict[str, Any],
    seed: int = 0,
    *,
    cancel: float = 0.05,
    add: float = 0.05,
    lose: float = 0.0,
) -> dict[str, Any]:
    """The day after publishing: some meetings cancelled, new requests in, a share ``lose``
    of participants unavailable in one or two more slots, `current` set."""
    rng = random.Random(seed)
    meetings = [m for m in problem["meetings"] if rng.random() >= cancel]
    kept = {m["id"] for m in meetings}
    hosts = [p["id"] for p in problem["participants"] if p["id"].startswith("h")]
    delegates = [p["id"] for p in problem["participants"] if p["id"].startswith("d")]
    pairs = {tuple(m["participants"][:2]) for m in problem["meetings"]}
    wanted = int(add * len(problem["meetings"]))
    added = 0
    while added < wanted and hosts and delegates:
        pair = (rng.choice(delegates), rng.choice(hosts))
        if pair in pairs:
            continue
        pairs.add(pair)
        added += 1
        meetings.append({"id": f"new{added}", "participants": list(pair), "priority": 1})
    people = problem["participants"]
    if lose > 0:
        slot_ids = [slot["id"] for slot in problem["slots"]]
        people = [dict(p) for p in people]
        for person in people:
            if person.get("table") is None and rng.random() < lose:
                away = set(person.get("unavailable") or [])
                away.update(rng.sample(slot_ids, rng.choice((1, 2))))
                person["unavailable"] = sorted(away, key=slot_ids.index)
    return {
        **problem,
        "participants": people,
        "meetings": meetings,
        "current": [a for a in solution["assignments"] if a["meeting"] in kept],
    }
