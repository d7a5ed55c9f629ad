"""CaDiCaL searches side by side, each in a child process: one lane per core.

pysat holds the GIL while it solves, so two solvers in threads take as long as one after
the other (measured). Each lane is a child Python process that imports nothing but pysat:
it is given the clauses once, then any number of decisions (extra clauses and a budget of
conflicts), each solved by a fresh solver (unit clauses simplify away what assumptions on
one incremental solver cannot), and it answers each with a line of JSON. A lane can also
run a descent (``Descent``): one incremental solver asked for a cheaper placement than its
last, again and again, within one budget of conflicts; it tells each placement as it finds
it (a line of its own), so that a lane stopped at a wall-clock deadline still gives the
cheapest it had found.

Deterministic: a decision depends on its clauses and its budget of conflicts only, and the
caller reads the answers in the order it asked. A lane that cannot be started, dies or is
still busy at its wall-clock safety limit answers "open" from then on (it is killed), so the
search goes on with what the others found; when no child can be started at all, the
decisions run here, one after the other.

Run as a script (``python satlanes.py``), this file is the child.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import random
import select
import struct
import subprocess
import sys
import time
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

SOLVER = "cadical195"
# A descent's solver stays in CaDiCaL's stable mode (long runs between rare restarts) instead
# of switching to and from its focused mode (frequent restarts): with its decisions following
# the last placement found (phases), measured on bench/descent_sample.py (mean total breaks,
# seeds 7-12): 101.5 against 108.8, every seed better; focused mode only 122.7 (seeds 7-9).
# A conflict takes ~10 % longer there (breaks.SAT_DESCENT_SCALE). Decisions free of the
# placements found: 127.7 (phases from the schedule only: 123.7).
DESCENT_OPTIONS = {"stabilizeonly": 1}
# The slowest a decision may run before its child is killed, in conflicts per second
# (CaDiCaL makes 10,000-18,000 a second on the published instances), and a floor in seconds.
SAFE_CONFLICTS_PER_S = 1_000
SAFE_MIN_S = 10.0
_HEADER = struct.Struct("<q")
# what a question to a child asks for: a decision by a fresh solver, or a descent
_DECIDE, _DESCEND = 0, 1
_PER_MILLE = 1000  # a neighbourhood's weight travels to a child as an integer
NARROWEST = 2  # slots in a neighbourhood's window, at least


@dataclass(frozen=True, slots=True)
class Decision:
    answer: bool | None  # True: satisfiable, False: refuted, None: the budget ran out
    true: frozenset[int] | None  # the variables up to ``keep`` that are true, when satisfiable
    conflicts: int  # spent (at least one)
    cost: int | None = None  # of ``true``, for a descent (None: nothing found)


@dataclass(frozen=True, slots=True)
class Hoods:
    """Neighbourhoods searched at the start of a descent, before the whole model: ``rows``
    are each free item's choice literals (exactly one true in a model), ``slots`` the slot
    each of them puts it in. A step frees every row whose choice lies in a window of
    ``width`` consecutive slots (where it starts drawn by a generator seeded with ``seed``),
    holds every other row at its choice by assumptions and asks for a cheaper model within
    ``step`` conflicts; the window widens by one after a step refuted (that neighbourhood
    has nothing cheaper) and narrows by one after a step out of conflicts (not below
    NARROWEST). Steps go on until ``lead`` conflicts are spent (a step costs at least one)."""

    lead: int
    step: int
    width: int
    seed: int
    rows: Sequence[Sequence[int]]
    slots: Sequence[Sequence[int]]
    # what a conflict in a neighbourhood takes of the budget (they take that much longer
    # than in the whole model, measured)
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Descent:
    """A descent from a placement of cost ``len(bounds)``: ``bounds[c]`` are the assumptions
    saying "cost at most c" (for c >= ``floor``: nothing costs less), and a model's cost is
    the sum over ``groups`` of (the group's certain count + its true literals - 1), at
    least 0 each. ``phases`` are where the solver's phases start (empty: its own); with
    ``hoods`` they must give every row's choice: the neighbourhoods start from there."""

    extra: Sequence[Sequence[int]]
    budget: int
    phases: Sequence[int]
    bounds: Sequence[Sequence[int]]
    floor: int
    groups: Sequence[tuple[int, Sequence[int]]]
    hoods: Hoods | None = None
    # Restrictions of the search, in order, each a set of literals held false (by one literal
    # of its own, assumed: satlanes.descend_here): the first until "cost at most c - 1" is
    # refuted with it in the refutation's core, then dropped for the next; the whole model
    # once all are. For instance the literals "has a break" of the groups that cost nothing at
    # the start (no placement found makes another group cost), then "has two breaks" of
    # every group.
    holds: Sequence[Sequence[int]] = ()


def _pack(ints: Sequence[int]) -> bytes:
    data = array("i", ints).tobytes()
    return _HEADER.pack(len(data)) + data


def _flat(clauses: Sequence[Sequence[int]]) -> list[int]:
    out: list[int] = []
    for clause in clauses:
        out.extend(clause)
        out.append(0)
    return out


def _split(ints: Sequence[int]) -> list[list[int]]:
    clauses: list[list[int]] = []
    start = 0
    for i, v in enumerate(ints):
        if v == 0:
            clauses.append(list(ints[start:i]))
            start = i + 1
    return clauses


def decide_here(
    clauses: Sequence[Sequence[int]], extra: Sequence[Sequence[int]], budget: int, keep: int
) -> Decision:
    """One decision in this process: at most ``budget`` conflicts."""
    from pysat.solvers import Solver

    with Solver(name=SOLVER, bootstrap_with=clauses) as solver:
        solver.append_formula(extra)
        solver.conf_budget(budget)
        answer = solver.solve_limited()
        stats: dict[str, int] = solver.accum_stats() or {}
        used = max(1, min(int(stats.get("conflicts", budget)), budget))
        true = None
        if answer is True:
            true = frozenset(v for v in solver.get_model() or [] if 0 < v <= keep)
        return Decision(answer, true, used)


def descend_here(
    clauses: Sequence[Sequence[int]],
    descent: Descent,
    keep: int,
    found: Callable[[Decision], None] | None = None,
) -> Decision:
    """One descent in this process, on one incremental solver within ``descent.budget``
    conflicts: "cost at most c - 1" after each placement of cost c, the phases following
    each placement found, first in neighbourhoods (``descent.hoods``) then in the whole
    model until refuted (the answer False: the last placement is the cheapest) or out of
    conflicts (None), the restrictions (``descent.holds``) taken one after the other, each
    until a refutation needs it gone. ``true`` is the cheapest placement found; ``found``
    is told of each placement as it is found (what the descent answers if it is stopped
    there)."""
    from pysat.solvers import Solver

    best, true, answer, used = len(descent.bounds), None, None, 0
    near = None if descent.hoods is None else _Near(descent.hoods, descent.phases)
    with Solver(name=SOLVER) as solver:
        solver.configure(DESCENT_OPTIONS)  # before the clauses
        solver.append_formula(clauses)
        solver.append_formula(descent.extra)
        if descent.phases:
            solver.set_phases(list(descent.phases))
        # Each restriction is held while its selector is assumed (a new variable: selector ->
        # each of its literals false), one at a time: the first one left. One literal keeps them
        # all at one decision level; held by as many assumptions, one level each, a conflict
        # took 2.3 times as long on a forumt schedule (measured: 3,700 a second against
        # 12,000; 8,600 unheld). The later ones' selectors are in the clauses from the start,
        # free until their turn (as measured: satbreaks.descend).
        selectors: list[int] = []
        for held in descent.holds:
            if held:
                selectors.append(solver.nof_vars() + 1)
                solver.append_formula([[-selectors[-1], -v] for v in held])
        while best > descent.floor and used < descent.budget:
            assumptions = [*descent.bounds[best - 1], *selectors[:1]]
            # in a neighbourhood while its share lasts, then in the whole model
            hood = near if near is not None and used < near.hoods.lead else None
            weight = 1.0
            if hood is None:
                limit = descent.budget - used
            else:
                assumptions += hood.held()
                weight = hood.hoods.weight
                limit = min(hood.hoods.step, math.ceil((hood.hoods.lead - used) / weight))
            before = _conflicts(solver)
            solver.conf_budget(limit)
            answer = solver.solve_limited(assumptions=assumptions)
            used += max(1, round((_conflicts(solver) - before) * weight))
            if answer is not True:
                if hood is None:
                    if answer is False and selectors and selectors[0] in (solver.get_core() or ()):
                        # nothing cheaper so restricted: the restriction goes, for good
                        solver.add_clause([-selectors.pop(0)])
                        answer = None
                        continue
                    break
                hood.resize(refuted=answer is False)  # nothing proven: other rows were held
                answer = None
                continue
            model = solver.get_model() or []
            holds = set(model)  # the literals true in the model
            cost = sum(
                max(certain + sum(1 for v in lits if v in holds) - 1, 0)
                for certain, lits in descent.groups
            )
            if cost >= best:  # the bounds do not say what the groups count
                answer = None
                break
            best = cost
            true = frozenset(v for v in model if 0 < v <= keep)
            if found is not None:
                found(Decision(None, true, max(1, min(used, descent.budget)), best))
            solver.set_phases([v for v in model if abs(v) <= keep])
            if near is not None:
                near.moved(holds)
    # refuted, or down to the floor: nothing costs less than the last placement
    proven = answer is False or best <= descent.floor
    used = max(1, min(used, descent.budget))
    return Decision(False if proven else None, true, used, None if true is None else best)


def _conflicts(solver: object) -> int:
    stats: dict[str, int] = solver.accum_stats() or {}  # type: ignore[attr-defined]
    return int(stats.get("conflicts", 0))


class _Near:
    """Where a descent's neighbourhoods stand: each row's choice and the width of the next
    window (Hoods)."""

    def __init__(self, hoods: Hoods, phases: Sequence[int]) -> None:
        self.hoods = hoods
        self.random = random.Random(hoods.seed)
        self.slot = {
            v: s
            for row, slots in zip(hoods.rows, hoods.slots, strict=True)
            for v, s in zip(row, slots, strict=True)
        }
        self.n_slots = max(self.slot.values(), default=0) + 1
        self.width = min(hoods.width, self.n_slots)
        self.choice: list[int] = []
        self.moved(set(phases))

    def held(self) -> list[int]:
        """The assumptions holding every row outside the next window at its choice."""
        start = self.random.randrange(self.n_slots - self.width + 1)
        end = start + self.width
        return [v for v in self.choice if v and not start <= self.slot[v] < end]

    def resize(self, *, refuted: bool) -> None:
        if refuted:
            self.width = min(self.width + 1, self.n_slots)
        else:
            self.width = max(self.width - 1, min(NARROWEST, self.n_slots))

    def moved(self, holds: set[int]) -> None:
        self.choice = [next((v for v in row if v in holds), 0) for row in self.hoods.rows]


def _pack_descent(descent: Descent, keep: int) -> bytes:
    hoods = descent.hoods
    rows: list[Sequence[int]] = [
        *descent.extra,
        descent.phases,
        *descent.holds,
        *descent.bounds,
        *([certain + 1, *lits] for certain, lits in descent.groups),
    ]
    head = [descent.budget, keep, len(descent.extra), len(descent.holds)]
    head += [len(descent.bounds), descent.floor]
    if hoods is not None:
        # slots are shifted by one: a zero ends a row
        rows += [*hoods.rows, *([s + 1 for s in slots] for slots in hoods.slots)]
        weight = round(hoods.weight * _PER_MILLE)
        head += [hoods.lead, hoods.step, hoods.width, hoods.seed, weight, len(hoods.rows)]
    return _pack([_DESCEND, len(head), *head, *_flat(rows)])


def _unpack_descent(ints: Sequence[int]) -> tuple[Descent, int]:
    size, *rest = ints
    head, rows = rest[:size], _split(rest[size:])
    budget, keep, n_extra, n_holds, n_bounds, floor, *near = head
    extra, phases = rows[:n_extra], rows[n_extra]
    rows = rows[n_extra + 1 :]
    holds, bounds, rows = (
        rows[:n_holds],
        rows[n_holds : n_holds + n_bounds],
        rows[n_holds + n_bounds :],
    )
    hoods = None
    if near:
        lead, step, width, seed, weight, n_rows = near
        n_groups = len(rows) - 2 * n_rows
        choices = rows[n_groups : n_groups + n_rows]
        slots = [[s - 1 for s in row] for row in rows[n_groups + n_rows :]]
        hoods = Hoods(lead, step, width, seed, choices, slots, weight / _PER_MILLE)
        rows = rows[:n_groups]
    groups = [(row[0] - 1, row[1:]) for row in rows]
    return Descent(extra, budget, phases, bounds, floor, groups, hoods, holds), keep


class _Child:
    """One lane: a child process holding the clauses."""

    def __init__(self, base: bytes) -> None:
        self.proc: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-I", str(Path(__file__).resolve())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._buffer = b""
        self.so_far: Decision | None = None  # a descent's last placement, told as it came
        self._send(base)

    def _send(self, data: bytes) -> None:
        proc = self.proc
        if proc is None or proc.stdin is None:
            return
        try:
            proc.stdin.write(data)
            proc.stdin.flush()
        except OSError:
            self.close()

    def ask(self, extra: Sequence[Sequence[int]], budget: int, keep: int) -> None:
        self._send(_pack([_DECIDE, budget, keep, *_flat(extra)]))

    def ask_descent(self, descent: Descent, keep: int) -> None:
        self._send(_pack_descent(descent, keep))

    def answer(self, budget: int, until: float = math.inf) -> Decision:
        """The answer to the last question (of ``budget`` conflicts). When the child dies,
        takes longer than its safety limit or is still busy at ``until`` (a moment of
        time.monotonic), it is killed and the answer is "open", with the last placement a
        descent told of (``so_far``)."""
        end = min(time.monotonic() + self.safe_s(budget), until)
        while (got := self.take()) is None:
            if not self.wait(end - time.monotonic()):
                return self.stop(budget)
        return got

    @staticmethod
    def safe_s(budget: int) -> float:
        """The wall-clock safety limit of a question of ``budget`` conflicts."""
        return max(SAFE_MIN_S, budget / SAFE_CONFLICTS_PER_S)

    def fileno(self) -> int:
        proc = self.proc
        return -1 if proc is None or proc.stdout is None else proc.stdout.fileno()

    def wait(self, seconds: float) -> bool:
        """Waits up to ``seconds`` for what the child writes and reads it; False when
        nothing came (the child died, or the time is up)."""
        fd = self.fileno()
        if fd < 0 or seconds <= 0 or not select.select([fd], [], [], seconds)[0]:
            return False
        return self.receive()

    def receive(self) -> bool:
        """Reads what the child wrote (it is ready); False when it has ended."""
        chunk = os.read(self.fileno(), 1 << 16)
        self._buffer += chunk
        return bool(chunk)

    def take(self) -> Decision | None:
        """The answer, once its line has come; the placements a descent found on the way
        are kept in ``so_far``."""
        while b"\n" in self._buffer:
            line, self._buffer = self._buffer.split(b"\n", 1)
            try:
                row = json.loads(line)
                true = row["true"]
                got = Decision(
                    row["answer"],
                    None if true is None else frozenset(true),
                    int(row["conflicts"]),
                    row.get("cost"),
                )
            except (ValueError, KeyError, TypeError):
                self.close(kill=True)
                return None
            if not row.get("so_far"):
                self.so_far = None
                return got
            self.so_far = got
        return None

    def stop(self, budget: int) -> Decision:
        """Kills the child: "open", with the last placement it told of."""
        self.close(kill=True)
        got, self.so_far = self.so_far, None  # told as "open" already
        return got or Decision(None, None, budget)

    def close(self, *, kill: bool = False) -> None:
        """End the child: at once with ``kill``, else when it has read what it was sent."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if kill:
            proc.kill()
        if proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        try:
            proc.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


class Lanes:
    """``count`` lanes over the same clauses; ``decide`` runs one decision per lane at once.
    A single lane runs in this process unless ``apart``: then in a child too, so that this
    process's other threads (a web server's) go on while CaDiCaL holds the GIL, and a wall
    clock limit applies. Use as a context manager: the children end with it."""

    def __init__(
        self, clauses: Sequence[Sequence[int]], count: int, *, apart: bool = False
    ) -> None:
        self.clauses = clauses
        self.children: list[_Child] = []
        if count > 1 or (apart and count == 1):
            base = _pack(_flat(clauses))
            try:
                self.children = [_Child(base) for _ in range(count)]
            except OSError:
                self.close()

    @property
    def width(self) -> int:
        return max(1, len(self.children))

    def decide(
        self,
        questions: Sequence[tuple[Sequence[Sequence[int]], int]],
        keep: int,
        until: float = math.inf,
    ) -> list[Decision]:
        """The answers to at most ``width`` questions (extra clauses, budget of conflicts),
        in their order, up to the first satisfiable one (the true variables up to ``keep``
        with it): the lanes still deciding the questions after it are stopped, and the
        search ends with it. A lane still deciding at ``until`` (a moment of
        time.monotonic) is stopped: its question is left open."""
        answers: list[Decision] = []
        if not self.children:
            for extra, budget in questions:
                answers.append(decide_here(self.clauses, extra, budget, keep))
                if answers[-1].answer is True:
                    break
            return answers
        asked = list(zip(self.children, questions, strict=False))
        for child, (extra, budget) in asked:
            child.ask(extra, budget, keep)
        for child, (_, budget) in asked:
            answers.append(child.answer(budget, until))
            if answers[-1].answer is True:
                self.close(kill=True)
                break
        return answers

    def descend(
        self, descents: Sequence[Descent], keep: int, until: float = math.inf
    ) -> list[Decision]:
        """Each descent on a lane of its own (at most ``width``), all to their end: their
        answers in the order given (descend_here). A lane still descending at ``until`` (a
        moment of time.monotonic) is stopped there with the cheapest placement it had
        found (in this process, where no child could be started, nothing stops them)."""
        if not self.children:
            return [descend_here(self.clauses, descent, keep) for descent in descents]
        asked = list(zip(self.children, descents, strict=False))
        for child, descent in asked:
            child.ask_descent(descent, keep)
        now = time.monotonic()
        ends = [min(now + child.safe_s(descent.budget), until) for child, descent in asked]
        answers: list[Decision | None] = [None] * len(asked)
        # every lane's placements read as they come, so that none waits on a full pipe
        while True:
            waiting = []
            for i, (child, descent) in enumerate(asked):
                if answers[i] is not None:
                    continue
                answers[i] = child.take()
                if answers[i] is None:
                    if child.fileno() < 0 or time.monotonic() >= ends[i]:
                        answers[i] = child.stop(descent.budget)
                    else:
                        waiting.append(i)
            if not waiting:
                return [got for got in answers if got is not None]
            wait = min(ends[i] for i in waiting) - time.monotonic()
            fds = {asked[i][0].fileno(): i for i in waiting}
            for fd in select.select(list(fds), [], [], max(wait, 0.0))[0]:
                child, descent = asked[fds[fd]]
                if not child.receive():
                    answers[fds[fd]] = child.take() or child.stop(descent.budget)

    def close(self, *, kill: bool = False) -> None:
        for child in self.children:
            child.close(kill=kill)
        self.children = []

    def __enter__(self) -> Lanes:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _read_frame(stream: object) -> list[int] | None:
    read = stream.read  # type: ignore[attr-defined]
    head = read(_HEADER.size)
    if len(head) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(head)
    data = read(size)
    if len(data) < size:
        return None
    ints = array("i")
    ints.frombytes(data)
    return ints.tolist()


def _child() -> None:
    stdin = sys.stdin.buffer
    base = _read_frame(stdin)
    if base is None:
        return
    clauses = _split(base)
    while (question := _read_frame(stdin)) is not None:
        op, *rest = question
        if op == _DESCEND:
            descent, keep = _unpack_descent(rest)
            # each placement found as it comes: the parent keeps it if it must stop the lane
            got = descend_here(clauses, descent, keep, lambda so_far: _write(so_far, final=False))
        else:
            budget, keep, *extra = rest
            got = decide_here(clauses, _split(extra), budget, keep)
        _write(got, final=True)


def _write(got: Decision, *, final: bool) -> None:
    true = None if got.true is None else sorted(got.true)
    row = {"answer": got.answer, "true": true, "conflicts": got.conflicts, "cost": got.cost}
    if not final:
        row["so_far"] = True
    sys.stdout.write(json.dumps(row) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    _child()
