"""Each lane of the SAT descent on one published instance: where it ends and who has a break.

    python bench/descent_lanes.py forum-13crafb            # the solve up to the descent, then it
    python bench/descent_lanes.py forum-13crafb --limit 30

Runs the solve (budgets alone, no wall-clock stop) up to the SAT descent
(satbreaks.descend), then the descent from there as the solve would, and prints per lane its
cheapest placement's breaks, whether it was proven, the conflicts it spent and the people
with a break in it. For a change to the descent judged on one hard case; a change that
decides the hardest four is judged on bench/descent_sample.py.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.scheduling.domain import breaks, satbreaks, satlanes  # noqa: E402
from app.scheduling.domain.improve import participant_breaks  # noqa: E402
from app.scheduling.domain.parse import parse_problem  # noqa: E402
from app.scheduling.domain.solver import solve  # noqa: E402
from bench.objectives_bench import INSTANCES  # noqa: E402


class _Reached(Exception):
    """The solve got to the descent: its inputs are in ``args``."""

    def __init__(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        super().__init__("descent reached")
        self.args_, self.kwargs = args, kwargs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="a published instance, e.g. forum-13crafb")
    parser.add_argument("--limit", type=float, default=30.0, metavar="SECONDS")
    args = parser.parse_args(argv)
    path = INSTANCES / f"{args.name}.original.json.gz"
    problem = parse_problem(json.loads(gzip.decompress(path.read_bytes())))
    real_descend = breaks.descend

    def reach(*a: Any, **k: Any) -> Any:
        raise _Reached(a, k)

    breaks.descend = reach  # type: ignore[assignment]
    try:
        solve(problem, args.limit, wall_clock=False)
        print("the solve ended before the descent (settled earlier)")
        return 0
    except _Reached as reached:
        inst, sched, free = reached.args_
        kwargs = reached.kwargs
    finally:
        breaks.descend = real_descend
    print(f"start: {sum(participant_breaks(inst, sched.slot_of))} breaks; {kwargs}")
    cnfs: list[satbreaks.BreaksCnf] = []
    real_cnf, real_lanes = satbreaks.BreaksCnf, satlanes.Lanes.descend

    def cnf(*a: Any, **k: Any) -> satbreaks.BreaksCnf:
        cnfs.append(real_cnf(*a, **k))
        return cnfs[-1]

    def lanes(self: satlanes.Lanes, *a: Any, **k: Any) -> list[satlanes.Decision]:
        answers = real_lanes(self, *a, **k)
        for i, got in enumerate(answers):
            people: list[int] = []
            if got.true is not None:
                trial = list(sched.slot_of)
                for m, s in cnfs[-1].placement(got.true).items():
                    trial[m] = s
                people = [p for p, b in enumerate(participant_breaks(inst, trial)) if b]
            proven = "proven" if got.answer is False else "open"
            print(f"lane {i}: {got.cost} breaks, {proven}, {got.conflicts} conflicts, {people}")
        return answers

    satbreaks.BreaksCnf = cnf  # type: ignore[misc, assignment]
    satlanes.Lanes.descend = lanes  # type: ignore[method-assign]
    started = time.perf_counter()
    down = satbreaks.descend(inst, sched, free, **kwargs)
    took = time.perf_counter() - started
    print(f"{args.name}: {None if down is None else down.breaks} breaks in {took:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
