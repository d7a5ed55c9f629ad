"""CP-SAT in a child process, for searches that may abort the process they run in.

OR-Tools 9.15 aborts the whole process ("Check failed: heuristics.fixed_search != nullptr")
when, in an interleaved multi-worker full search, a subsolver finishes while it is still
loading the model (max_lp refuting a decision at its root LP, for one). Such a search runs
here in a child Python process that imports nothing but OR-Tools: the model and parameters
go in as protobuf text, each result comes back as a line of JSON as soon as it is known.
A crash ends the search with the results already reported; a child still running at the
wall-clock safety limit is killed and nothing of it is used, so the outcome depends on the
input and the deterministic limit only (unless the machine is far slower than budgeted).

The search is a ladder: the upper bound of one linear constraint is raised step by step
(``bounds``) until a step is feasible, a step ends without an answer, or the deterministic
budget is spent. Each infeasible step proves the bound too low. A step without an answer may
be tried again with other parameters (``retries``, each with its own short limit, from a
budget of their own): finding a feasible point is heavy-tailed, and a differently seeded
search often finds in 2 deterministic seconds what the first did not in 6.

Run as a script (``python isolated.py``), this file is the child.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

# CP-SAT statuses (cp_model_pb2.CpSolverStatus)
UNKNOWN, MODEL_INVALID, FEASIBLE, INFEASIBLE, OPTIMAL = 0, 1, 2, 3, 4


@dataclass(frozen=True)
class Step:
    bound: int
    status: int
    det_time: float
    # the value of every model variable when the step found a solution
    solution: tuple[int, ...] | None


def solve_ladder(
    model: cp_model.CpModel,
    params: cp_model.SatParameters,
    constraint: int,
    bounds: list[int],
    det_limit_s: float,
    wall_limit_s: float,
    step_limit_s: float | None = None,
    retries: list[cp_model.SatParameters] | None = None,
    retry_limit_s: float = 0.0,
) -> list[Step] | None:
    """The steps of the ladder in a child process, or None when the child had to be killed
    at ``wall_limit_s`` or could not be started. ``constraint`` is the index of a linear
    constraint ``expr <= b``; each step solves the model with b = the next of ``bounds``.
    A step without an answer is solved again with each of ``retries`` in turn until one
    answers, each for at most ``retry_limit_s`` (all of them: at most that many times);
    a step's ``det_time`` counts its retries."""
    request = json.dumps(
        {
            "model": str(model.proto),
            "params": str(params),
            "constraint": constraint,
            "bounds": bounds,
            "det_limit_s": det_limit_s,
            "step_limit_s": step_limit_s or det_limit_s,
            "retries": [str(p) for p in retries or []],
            "retry_limit_s": retry_limit_s,
        }
    )
    try:
        done = subprocess.run(
            [sys.executable, "-I", str(Path(__file__).resolve())],
            input=request.encode(),
            capture_output=True,
            timeout=wall_limit_s,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    steps = []
    for line in done.stdout.decode(errors="replace").splitlines():
        try:
            row = json.loads(line)
            solution = row["solution"]
            steps.append(
                Step(
                    int(row["bound"]),
                    int(row["status"]),
                    float(row["det_time"]),
                    None if solution is None else tuple(int(v) for v in solution),
                )
            )
        except (ValueError, KeyError, TypeError):
            break  # a line cut short by a crash
    return steps


def _child() -> None:
    from ortools.sat.python import cp_model

    request = json.loads(sys.stdin.buffer.read())
    model = cp_model.CpModel()
    model.proto.parse_text_format(request["model"])
    domain = model.proto.constraints[request["constraint"]].linear.domain
    left = float(request["det_limit_s"])
    retries = list(request["retries"])
    retry_limit = float(request["retry_limit_s"])

    def attempt(params: str, limit: float) -> tuple[cp_model.CpSolver, int]:
        solver = cp_model.CpSolver()
        solver.parameters.parse_text_format(params)
        solver.parameters.max_deterministic_time = limit
        return solver, int(solver.solve(model))

    for bound in request["bounds"]:
        if left <= 0:
            break
        domain[len(domain) - 1] = bound
        solver, status = attempt(request["params"], min(left, float(request["step_limit_s"])))
        left -= solver.deterministic_time
        spent = solver.deterministic_time
        while status == cp_model.UNKNOWN and retries:
            solver, status = attempt(retries.pop(0), retry_limit)
            spent += solver.deterministic_time
        found = status in (cp_model.FEASIBLE, cp_model.OPTIMAL)
        row = {
            "bound": bound,
            "status": status,
            "det_time": spent,
            "solution": list(solver.response_proto.solution) if found else None,
        }
        sys.stdout.write(json.dumps(row) + "\n")
        sys.stdout.flush()
        if status != cp_model.INFEASIBLE:
            break


if __name__ == "__main__":
    _child()
