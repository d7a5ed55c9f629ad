"""Benchmark of the scheduling engine against first-come-first-served and the proven bound.

    python bench/scheduling_bench.py            # every size, up to 5,000 x 20,000 x 20
    python bench/scheduling_bench.py --quick    # small sizes only

Each instance runs in a fresh interpreter so that its peak RSS is its own (the figure includes
the interpreter, OR-Tools and the instance generator). Prints ratios, not pass/fail.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.scheduling.domain.fcfs import solve_fcfs  # noqa: E402
from app.scheduling.domain.generator import generate, reschedule_scenario  # noqa: E402
from app.scheduling.domain.parse import parse_problem  # noqa: E402
from app.scheduling.domain.solver import solve  # noqa: E402


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    participants: int
    meetings: int
    slots: int
    seed: int
    popularity: float = 0.8
    table_slack: float = 0.95
    reschedule: bool = False


QUICK = [
    Case("small", 60, 200, 8, seed=1),
    Case("medium", 500, 2_000, 12, seed=2),
    Case("medium-balanced", 500, 2_000, 12, seed=3, popularity=0.3, table_slack=0.75),
    Case("medium", 500, 2_000, 12, seed=2, reschedule=True),
]
FULL = [
    *QUICK[:3],
    Case("large", 2_000, 8_000, 16, seed=4),
    Case("large-balanced", 2_000, 8_000, 16, seed=5, popularity=0.3, table_slack=0.75),
    Case("target", 5_000, 20_000, 20, seed=6),
    Case("target-balanced", 5_000, 20_000, 20, seed=7, popularity=0.3, table_slack=0.75),
    QUICK[3],
    Case("target", 5_000, 20_000, 20, seed=6, reschedule=True),
]

COLUMNS = (
    ("instance", 24, "{}"),
    ("particip.", 9, "{}"),
    ("meetings", 8, "{}"),
    ("slots", 5, "{}"),
    ("tables", 6, "{}"),
    ("FCFS prio", 9, "{}"),
    ("solver prio", 11, "{}"),
    ("bound", 6, "{}"),
    ("solver/bound", 12, "{:.4f}"),
    ("solver/FCFS", 11, "{:.3f}"),
    ("moved %", 7, "{}"),
    ("breaks/p before", 15, "{:.3f}"),
    ("breaks/p after", 14, "{:.3f}"),
    ("solve s", 7, "{:.2f}"),
    ("RSS MiB", 7, "{:.0f}"),
)


def run_case(case: Case, time_limit: float) -> list[tuple[Any, ...]]:
    data = generate(
        case.participants,
        case.meetings,
        case.slots,
        case.seed,
        popularity=case.popularity,
        table_slack=case.table_slack,
    )
    if case.reschedule:
        published = solve(parse_problem(data), time_limit_s=time_limit).to_dict()
        data = reschedule_scenario(data, published, seed=case.seed)
        rows = [_measure(f"{case.name}-resched-fresh", {**data, "current": []}, time_limit)]
        rows.append(_measure(f"{case.name}-resched", data, time_limit))
        return rows
    return [_measure(case.name, data, time_limit)]


def _measure(name: str, data: dict[str, Any], time_limit: float) -> tuple[Any, ...]:
    problem = parse_problem(data)
    baseline = solve_fcfs(problem).stats.priority_sum
    started = time.perf_counter()
    solution = solve(problem, time_limit_s=time_limit)
    elapsed = time.perf_counter() - started
    stats = solution.stats
    moved = f"{100 * stats.moved / len(problem.current):.2f}" if problem.current else "-"
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return (
        name,
        len(problem.participants),
        len(problem.meetings),
        len(problem.slots),
        len(problem.tables),
        baseline,
        stats.priority_sum,
        stats.upper_bound,
        stats.priority_sum / max(stats.upper_bound, 1),
        stats.priority_sum / max(baseline, 1),
        moved,
        stats.breaks_before / max(len(problem.participants), 1),
        stats.breaks / max(len(problem.participants), 1),
        elapsed,
        peak_mib,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small instances only")
    parser.add_argument("--time-limit", type=float, default=30.0, metavar="SECONDS")
    args = parser.parse_args(argv)
    cases = QUICK if args.quick else FULL
    print(" ".join(f"{title:>{width}}" for title, width, _ in COLUMNS), flush=True)
    # spawn, not fork: each case's peak RSS must not include an earlier case's
    context = multiprocessing.get_context("spawn")
    with context.Pool(1, maxtasksperchild=1) as pool:
        for case in cases:
            for row in pool.apply(run_case, (case, args.time_limit)):
                cells = (
                    f"{fmt.format(value):>{width}}"
                    for (_, width, fmt), value in zip(COLUMNS, row, strict=True)
                )
                print(" ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
