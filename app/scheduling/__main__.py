"""Command line: ``python -m app.scheduling solve FILE`` (``-`` reads standard input).

Prints the solution JSON on stdout. Bad input gets one line on stderr naming the offending
item and exit status 2, never a traceback: organisers run this by hand on exported files.
"""

from __future__ import annotations

import argparse
import json
import sys

from .domain.model import ProblemError
from .domain.parse import load_problem
from .domain.solver import solve

EXIT_BAD_INPUT = 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.scheduling", description="Schedule B2B meetings."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    solve_cmd = commands.add_parser("solve", help="solve a problem file, print the solution")
    solve_cmd.add_argument("file", help="problem JSON file, or - for standard input")
    solve_cmd.add_argument(
        "--time-limit",
        type=float,
        default=None,
        metavar="SECONDS",
        help="time limit (overrides time_limit_s in the file); the result depends on it, and "
        "on the machine's speed only where the machine is too slow for the limit's budgets",
    )
    solve_cmd.add_argument(
        "--deterministic",
        action="store_true",
        help="the limit's budgets of counted work alone, without the wall-clock stop: the "
        "same result on any machine, taking as long as its speed makes of them",
    )
    solve_cmd.add_argument("--indent", type=int, default=None, help="pretty-print the JSON")
    args = parser.parse_args(argv)

    if args.time_limit is not None and not args.time_limit > 0:
        print("error: --time-limit must be a positive number", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        if args.file == "-":
            raw = sys.stdin.buffer.read()
        else:
            with open(args.file, "rb") as handle:
                raw = handle.read()
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        problem = load_problem(raw)
    except ProblemError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    solution = solve(problem, time_limit_s=args.time_limit, wall_clock=not args.deterministic)
    json.dump(solution.to_dict(), sys.stdout, indent=args.indent, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
