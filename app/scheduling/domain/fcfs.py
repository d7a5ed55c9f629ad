"""First-come-first-served booking: the baseline a plain booking form would reach.

Requests are served in the order they were made (the order of `meetings`), each taking the
earliest slot in which all its participants and a table are still free.
"""

from __future__ import annotations

from .model import Problem, Solution
from .state import Schedule, build_instance


def fcfs_schedule(sched: Schedule) -> None:
    inst = sched.inst
    for m, slots in enumerate(inst.feasible):
        if sched.slot_of[m] >= 0:
            continue
        for s in slots:
            if sched.can_place(m, s):
                sched.place(m, s)
                break
    sched.commit()


def solve_fcfs(problem: Problem) -> Solution:
    from .solver import finish

    inst = build_instance(problem)
    sched = Schedule(inst)
    fcfs_schedule(sched)
    return finish(inst, sched.slot_of, upper=None, optimal=False, started=None)
