"""The pure scheduling engine: plain data in, plain data out; no database, no web framework."""

from .model import (
    Assignment,
    Lock,
    Meeting,
    Participant,
    Placement,
    Problem,
    ProblemError,
    Slot,
    Solution,
    Stats,
    Table,
)
from .parse import load_problem, parse_problem
from .solver import solve

__all__ = [
    "Assignment",
    "Lock",
    "Meeting",
    "Participant",
    "Placement",
    "Problem",
    "ProblemError",
    "Slot",
    "Solution",
    "Stats",
    "Table",
    "load_problem",
    "parse_problem",
    "solve",
]
