"""The scheduler's second and third objectives, measured (issue 18).

    python bench/objectives_bench.py            # moves and breaks, every size
    python bench/objectives_bench.py --quick    # small sizes only
    python bench/objectives_bench.py --deterministic   # without the wall-clock stop

Moves: after 5 % cancellations, 5 % new requests and 2 % of participants losing a slot or two,
the re-schedule's moved meetings against a minimum this bench proves itself (CP-SAT on the
whole instance, priority fixed at the fresh optimum, minimising moves, long time limit).
Breaks: the twenty published instances of ../shared/scheduling-instances (every meeting must
be held), the solver's breaks against the best published number; then two variants of each
with extra forbidden slots and fixed meetings, built around the solver's own schedule (so its
breaks bound theirs). Prints ratios, not pass/fail, and which searches the wall-clock limit
stopped short of their budgets (on a machine too slow for them: wallclock.py).
A change to the descent that decides the hardest four is judged on bench/descent_sample.py; one
lane by lane on one instance with bench/descent_lanes.py.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import multiprocessing
import random
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.scheduling.domain.cpsat import SlotModel, live_meetings  # noqa: E402
from app.scheduling.domain.generator import generate, reschedule_scenario  # noqa: E402
from app.scheduling.domain.parse import parse_problem  # noqa: E402
from app.scheduling.domain.solver import solve  # noqa: E402
from app.scheduling.domain.state import Schedule, build_instance  # noqa: E402

INSTANCES = next(
    (
        folder / "shared" / "scheduling-instances"
        for folder in (ROOT.parent, ROOT.parent.parent)
        if (folder / "shared" / "scheduling-instances").is_dir()
    ),
    ROOT.parent / "shared" / "scheduling-instances",
)
PUBLISHED = {
    "forum-13": 0, "forum-13crafb": 6, "forum-13crafc": 1, "forum-14": 2, "forumt-14": 5,
    "forumt-14crafc": 5, "forumt-14crafd": 4, "forumt-14crafe": 5, "tic-12": 0,
    "tic-12crafc": 0, "tic-13": 0, "tic-13crafb": 0, "tic-13crafc": 4, "tic-14crafa": 0,
    "tic-14crafc": 0, "tic-14crafd": 0, "ticf-13crafa": 0, "ticf-13crafb": 3,
    "ticf-13crafc": 1, "ticf-14crafa": 0,
}  # fmt: skip


def proven_min_moves(data: dict[str, Any], priority: int, limit_s: float) -> tuple[int, int]:
    """(best moves found, proven lower bound) at priority sum >= ``priority``: the whole
    instance in one CP-SAT model, two workers, no heuristics of the solver involved."""
    from ortools.sat.python import cp_model

    inst = build_instance(parse_problem(data))
    sched = Schedule(inst)
    model = SlotModel(inst, sched, live_meetings(inst))
    model.model.add(model.priority() >= priority - model.frozen_total)
    stays = model.stays()
    model.model.maximize(cp_model.LinearExpr.sum(stays))
    model.model.clear_hints()
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = limit_s
    status = solver.solve(model.model)
    cur = inst.current_slot
    live = set(live_meetings(inst))
    published = sum(1 for s in cur if s >= 0)
    # locked meetings stay exactly when their lock is their published slot
    staying_outside = sum(
        1 for m, s in enumerate(cur) if s >= 0 and m not in live and s in inst.feasible[m]
    )
    published -= staying_outside
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return -1, 0
    best = published - round(solver.objective_value)
    bound = published - int(solver.best_objective_bound + 1e-6)
    return best, bound


def moves_case(args: tuple[str, int, int, int, int, float, float]) -> tuple[Any, ...]:
    name, people, meetings, slots, seed, limit, proof_limit = args
    data = generate(people, meetings, slots, seed)
    published = solve(parse_problem(data), time_limit_s=limit).to_dict()
    changed = reschedule_scenario(data, published, seed=seed, lose=0.02)
    fresh = solve(parse_problem({**changed, "current": []}), time_limit_s=limit).stats
    started = time.perf_counter()
    again = solve(parse_problem(changed), time_limit_s=limit).stats
    elapsed = time.perf_counter() - started
    best, bound = proven_min_moves(changed, again.priority_sum, proof_limit)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return (
        name,
        len(changed["current"]),
        again.priority_sum,
        fresh.priority_sum,
        again.moved,
        again.moves_lower_bound,
        best,
        bound,
        again.moved / max(bound, 1),
        again.breaks,
        elapsed,
        rss,
    )


def load_instance(path: Path) -> tuple[str, dict[str, Any]]:
    """A published instance's name and problem."""
    return path.name.replace(".original.json.gz", ""), json.loads(
        gzip.decompress(path.read_bytes())
    )


SEARCHES = {"the SAT search": "sat", "CP-SAT": "cpsat", "the SAT descent": "descent"}


class _Stops(logging.Handler):
    """Which searches the wall-clock limit stopped short of their budgets (wallclock.py)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.searches: list[str] = []
        logging.getLogger("app.scheduling.domain.breaks").addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        search = str(record.args[0]) if isinstance(record.args, tuple) and record.args else "?"
        self.searches.append(SEARCHES.get(search, search))

    def cell(self) -> str:
        logging.getLogger("app.scheduling.domain.breaks").removeHandler(self)
        return ",".join(self.searches) or "-"


def breaks_case(args: tuple[Path, float, bool]) -> tuple[Any, ...]:
    """One published instance solved: its row of the table, then the solution (a dict)."""
    path, limit, wall_clock = args
    name, data = load_instance(path)
    stops = _Stops()
    started = time.perf_counter()
    solution = solve(parse_problem(data), time_limit_s=limit, wall_clock=wall_clock)
    stats = solution.stats
    elapsed = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # the largest child process (SAT lanes, the CP-SAT ladder), waited for by now
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return (
        name,
        len(data["meetings"]),
        stats.scheduled,
        stats.breaks,
        PUBLISHED[name],
        stats.idle_gaps,
        elapsed,
        stops.cell(),
        rss,
        child_rss,
        solution.to_dict(),
    )


def variant(data: dict[str, Any], solution: dict[str, Any], how: str, seed: int) -> dict[str, Any]:
    """The instance with extra forbidden slots and fixed meetings, built around
    ``solution`` (so that it stays feasible with every meeting and its breaks bound the
    variant's fewest): 15 % of participants lose one or two slots they are idle in there,
    12 % of meetings are fixed in their slot there, by ``allowed_slots`` (one slot) or by a
    ``lock`` (slot and table)."""
    draw = random.Random(seed)
    out = json.loads(json.dumps(data))
    placed = {a["meeting"]: a for a in solution["assignments"]}
    busy: dict[str, set[str]] = {}
    for meeting in out["meetings"]:
        for person in meeting["participants"]:
            busy.setdefault(person, set()).add(placed[meeting["id"]]["slot"])
    slots = [slot["id"] for slot in out["slots"]]
    for person in out["participants"]:
        if draw.random() < 0.15:
            gone = set(person.get("unavailable") or [])
            idle = [s for s in slots if s not in busy.get(person["id"], set()) and s not in gone]
            if idle:
                lost = draw.sample(idle, min(len(idle), draw.choice((1, 2))))
                person["unavailable"] = sorted(gone | set(lost), key=slots.index)
    for meeting in out["meetings"]:
        if draw.random() < 0.12:
            where = placed[meeting["id"]]
            if how == "lock":
                meeting["lock"] = {"slot": where["slot"], "table": where["table"]}
            else:
                meeting["allowed_slots"] = [where["slot"]]
    return out


def variant_case(args: tuple[Path, dict[str, Any], str, int, float, bool]) -> tuple[Any, ...]:
    path, solution, how, seed, limit, wall_clock = args
    name, original = load_instance(path)
    data = variant(original, solution, how, seed)
    stops = _Stops()
    started = time.perf_counter()
    stats = solve(parse_problem(data), time_limit_s=limit, wall_clock=wall_clock).stats
    elapsed = time.perf_counter() - started
    return name, how, len(data["meetings"]), stats.scheduled, stats.breaks, elapsed, stops.cell()


def _line(row: Sequence[Any]) -> str:
    return " ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in row)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--time-limit", type=float, default=30.0, metavar="SECONDS")
    parser.add_argument("--proof-limit", type=float, default=120.0, metavar="SECONDS")
    parser.add_argument(
        "--deterministic",
        action="store_true",
        help="the published instances by the budgets alone, without the wall-clock stop",
    )
    args = parser.parse_args(argv)
    wall_clock = not args.deterministic
    moves = [("resched-500", 500, 2_000, 12, 2), ("resched-1000", 1_000, 2_400, 12, 8)]
    if args.quick:
        moves = moves[:1]
    context = multiprocessing.get_context("spawn")
    print(
        "instance published prio fresh moved moved_lb(solver) min_found min_proven moved/min "
        "breaks solve_s RSS_MiB"
    )
    with context.Pool(1, maxtasksperchild=1) as pool:
        for case in moves:
            row = pool.apply(moves_case, ((*case, args.time_limit, args.proof_limit),))
            print(" ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row), flush=True)
        print()
        print(
            "instance meetings scheduled breaks published idle_slots solve_s stopped_by_clock "
            "RSS_MiB child_RSS_MiB"
        )
        paths = sorted(INSTANCES.glob("*.json.gz"))
        if args.quick:
            paths = paths[:4]
        total = published = 0
        solutions = []
        for path in paths:
            *cells, solution = pool.apply(breaks_case, ((path, args.time_limit, wall_clock),))
            solutions.append((path, cells[3], solution))
            total += cells[3]
            published += cells[4]
            print(_line(cells), flush=True)
        print(f"total breaks {total} against {published} published")
        if args.quick:
            return 0
        # generalisation: the same families with extra forbidden slots and fixed meetings
        print()
        print("variant fixed_by meetings scheduled breaks solve_s stopped_by_clock")
        kinds = ((1, "allowed_slots"), (2, "lock"))
        worse = 0
        for path, ours, solution in solutions:
            for seed, how in kinds:
                asked = (path, solution, how, seed, args.time_limit, wall_clock)
                row = pool.apply(variant_case, (asked,))
                worse += row[4] > ours or row[3] < row[2]
                print(_line(row), flush=True)
        print(
            "variants above our own schedule's breaks or with a meeting out: "
            f"{worse} of {len(kinds) * len(solutions)}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
