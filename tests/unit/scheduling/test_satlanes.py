"""CaDiCaL lanes in child processes answer as the solver in this process does, in the order
asked, and a lane that dies answers "open" instead of stopping the search."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from pysat.card import CardEnc, EncType

from app.scheduling.domain import satlanes
from app.scheduling.domain.satlanes import (
    Decision,
    Descent,
    Hoods,
    Lanes,
    decide_here,
    descend_here,
)


def _pigeons(pigeons: int, holes: int) -> list[list[int]]:
    """Each pigeon in a hole, at most one per hole: satisfiable iff pigeons <= holes."""
    var = {(p, h): p * holes + h + 1 for p in range(pigeons) for h in range(holes)}
    clauses = [[var[p, h] for h in range(holes)] for p in range(pigeons)]
    for h in range(holes):
        for a, b in itertools.combinations(range(pigeons), 2):
            clauses.append([-var[a, h], -var[b, h]])
    return clauses


def test_two_lanes_answer_in_the_order_asked_as_this_process_would() -> None:
    base = _pigeons(6, 6)  # six pigeons, six holes
    keep = 36
    # a seventh pigeon in holes 0-5: refuted; pigeon 0 kept out of holes 0-4: satisfiable
    seventh = CardEnc.atleast(list(range(1, 7)), 2, top_id=100, encoding=EncType.seqcounter)
    bounded = [[-1], [-2], [-3], [-4], [-5]]
    questions = [(seventh.clauses, 10_000), (bounded, 10_000)]
    with Lanes(base, 2) as lanes:
        assert lanes.width == 2
        answers = lanes.decide(questions, keep)
        again = lanes.decide(questions, keep)
        # the answers stop at the first satisfiable one: the lanes after it are stopped
        first = lanes.decide(questions[::-1], keep)
        assert lanes.width == 1
    here = [decide_here(base, extra, budget, keep) for extra, budget in questions]
    assert [a.answer for a in answers] == [False, True]
    assert answers == here == again
    assert first == answers[1:]
    assert answers[1].true is not None
    assert 6 in answers[1].true  # pigeon 0 in hole 5
    assert all(v <= keep for v in answers[1].true)


def test_a_budget_too_small_leaves_the_question_open() -> None:
    with Lanes(_pigeons(9, 8), 2) as lanes:
        (got,) = lanes.decide([([], 10)], 72)
    assert got.answer is None
    assert got.true is None
    assert got.conflicts <= 10


def test_a_lane_that_dies_answers_open_and_the_other_goes_on() -> None:
    base = _pigeons(4, 4)
    with Lanes(base, 2) as lanes:
        dead = lanes.children[0].proc
        assert dead is not None
        dead.kill()
        dead.wait()
        answers = lanes.decide([([], 1_000), ([], 1_000)], 16)
        assert answers[0] == Decision(None, None, 1_000)
        assert answers[1].answer is True


def test_a_lane_past_its_wall_limit_is_killed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(satlanes, "SAFE_MIN_S", 0.05)
    monkeypatch.setattr(satlanes, "SAFE_CONFLICTS_PER_S", 10**12)
    # pigeonhole 11 into 10 takes CaDiCaL far longer than 0.05 s
    with Lanes(_pigeons(11, 10), 2) as lanes:
        answers = lanes.decide([([], 10**9), ([], 10**9)], 110)
        assert [a.answer for a in answers] == [None, None]
        assert all(child.proc is None for child in lanes.children)


def _at_least_three_of_six() -> tuple[list[list[int]], Descent]:
    """Six booleans, at least three true; the cost is how many are true. From all six true
    the descent finds three and refutes two."""
    from pysat.card import ITotalizer

    lits = list(range(1, 7))
    base = CardEnc.atleast(lits, 3, top_id=6, encoding=EncType.seqcounter).clauses
    counter = ITotalizer(lits=lits, ubound=6, top_id=50)
    # "at most c true": the counter's output for c + 1 is false
    bounds = [[-counter.rhs[c]] for c in range(6)]
    groups = [(1, [v]) for v in lits]  # each true one costs 1 (1 certain + 1 true - 1)
    return base, Descent(counter.cnf.clauses, 10_000, lits, bounds, 0, groups)


def test_a_descent_finds_the_cheapest_and_proves_it_in_a_lane_as_here() -> None:
    base, descent = _at_least_three_of_six()
    here = descend_here(base, descent, 6)
    assert (here.answer, here.cost) == (False, 3)
    assert here.true is not None
    assert len(here.true) == 3
    # two lanes, each its own descent to its end: the same answers as here, in order
    with Lanes(base, 2) as lanes:
        answers = lanes.descend([descent, descent], 6)
    assert answers == [here, here]
    # one lane "apart": in a child process all the same (this process keeps its GIL)
    with Lanes(base, 1, apart=True) as lanes:
        assert len(lanes.children) == 1
        assert lanes.descend([descent], 6) == [here]


def test_a_descent_out_of_conflicts_is_left_open_not_proven() -> None:
    base, descent = _at_least_three_of_six()
    # and 9 pigeons in 8 holes on other variables: unsatisfiable, far beyond 20 conflicts
    hard = [[v + 100 if v > 0 else v - 100 for v in c] for c in _pigeons(9, 8)]
    got = descend_here(base + hard, replace(descent, budget=20), 6)
    assert (got.answer, got.true, got.cost) == (None, None, None)
    assert got.conflicts <= 20


def _hoods(lead: int) -> Hoods:
    """The six booleans as six rows (true or false) in slots 0-5, all true now."""
    rows = [[v, -v] for v in range(1, 7)]
    return Hoods(lead, 10, 2, 3, rows, [[g, g] for g in range(6)])


def test_a_descent_through_neighbourhoods_then_the_whole_model_proves_the_cheapest() -> None:
    base, descent = _at_least_three_of_six()
    near = replace(descent, hoods=_hoods(50))
    here = descend_here(base, near, 6)
    # the neighbourhoods get down to three true, refute fewer (the rows outside them held),
    # then the whole model proves it
    assert (here.answer, here.cost) == (False, 3)
    assert here.true is not None
    assert len(here.true) == 3
    # the neighbourhoods travel to a child lane and back: the same answer
    with Lanes(base, 1, apart=True) as lanes:
        assert lanes.descend([near], 6) == [here]


def test_a_neighbourhood_holds_every_row_outside_its_window_at_its_choice() -> None:
    near = satlanes._Near(_hoods(50), [1, 2, 3, 4, 5, 6])

    def window() -> list[int]:
        held = near.held()
        assert set(held) < {1, 2, 3, 4, 5, 6}  # each row held true, where it is
        free = sorted({1, 2, 3, 4, 5, 6} - set(held))
        assert free == list(range(free[0], free[0] + len(free)))  # slots side by side
        return free

    assert len(window()) == 2  # two slots' rows free, the other four held
    near.resize(refuted=True)  # nothing cheaper there: a wider window next
    near.resize(refuted=True)
    assert len(window()) == 4
    near.resize(refuted=False)  # out of conflicts: a narrower one
    assert len(window()) == 3
    for _ in range(3):
        near.resize(refuted=False)
    assert len(window()) == satlanes.NARROWEST
    for _ in range(9):
        near.resize(refuted=True)
    assert near.held() == []  # at most every slot
    # the windows are drawn from the seed: they move about, the same way each time
    first, again = (satlanes._Near(_hoods(50), range(1, 7)) for _ in range(2))
    draws = [tuple(first.held()) for _ in range(8)]
    assert [tuple(again.held()) for _ in range(8)] == draws
    assert len(set(draws)) > 1
    # after a cheaper model, rows are held where it put them
    near.moved({1, 2, 3, -4, -5, -6})
    near.resize(refuted=False)
    held = near.held()
    assert set(held) < {1, 2, 3, -4, -5, -6}
    assert len(held) == 6 - near.width


def test_a_descent_holds_the_groups_that_cost_nothing_at_nothing_while_it_can() -> None:
    base, descent = _at_least_three_of_six()
    # a group costs something when its boolean is true: the last three do at the start
    quiet = replace(descent, holds=[[1, 2, 3]])
    here = descend_here(base, quiet, 6)
    assert (here.answer, here.cost) == (False, 3)
    assert here.true == {4, 5, 6}  # 1, 2 and 3 held false: they cost nothing at the start
    # free of the hold, from the same phases (all six true) it ends elsewhere
    free = descend_here(base, descent, 6)
    assert (free.answer, free.cost) == (False, 3)
    assert free.true != {4, 5, 6}
    # the hold travels to a child lane and back
    with Lanes(base, 1, apart=True) as lanes:
        assert lanes.descend([quiet], 6) == [here]


def test_a_descent_held_where_nothing_is_cheaper_goes_on_in_the_whole_model() -> None:
    base, descent = _at_least_three_of_six()
    # the cheapest placements have 6 true, which costs nothing at the start: held false,
    # "at most 3" is refuted, which proves nothing; the whole model then finds and proves it
    quiet = replace(descent, holds=[[5, 6]])
    here = descend_here([*base, [6]], quiet, 6)
    assert (here.answer, here.cost) == (False, 3)
    assert here.true is not None
    assert 6 in here.true
    with Lanes([*base, [6]], 1, apart=True) as lanes:
        assert lanes.descend([quiet], 6) == [here]


def test_a_refuted_restriction_goes_and_the_next_one_holds() -> None:
    base, descent = _at_least_three_of_six()
    # two restrictions in order: 6 false (which no placement can keep: 6 must be true), then
    # 1 false (which the cheapest placements can); the first is refuted and goes, the second
    # holds: the descent ends at three true, 6 among them and 1 not
    both = replace(descent, holds=[[6], [1]])
    here = descend_here([*base, [6]], both, 6)
    assert (here.answer, here.cost) == (False, 3)
    assert here.true is not None
    assert 6 in here.true
    assert 1 not in here.true
    # the restrictions travel to a child lane and back
    with Lanes([*base, [6]], 1, apart=True) as lanes:
        assert lanes.descend([both], 6) == [here]
    # one restriction of both (6 and 1 false) is refuted as a whole and goes as a whole:
    # then 1 is free again, and from all six true the descent ends with 1 among the three
    one = descend_here([*base, [6]], replace(descent, holds=[[6, 1]]), 6)
    assert (one.answer, one.cost) == (False, 3)
    assert one.true is not None
    assert 1 in one.true


def test_a_later_restriction_waits_for_the_one_before_to_go() -> None:
    base, descent = _at_least_three_of_six()
    # 1, 2, 3 false, then 4, 5, 6 false: the first alone finds 4, 5 and 6 true, the cheapest;
    # held at once no placement could keep both, and free of both the descent from the same
    # phases ends elsewhere (test above)
    first = descend_here(base, replace(descent, holds=[[1, 2, 3]]), 6)
    assert first.true == {4, 5, 6}
    ordered = descend_here(base, replace(descent, holds=[[1, 2, 3], [4, 5, 6]]), 6)
    assert (ordered.answer, ordered.cost) == (False, 3)
    assert ordered.true == {4, 5, 6}
    assert descend_here(base, descent, 6).true != {4, 5, 6}


def _cheap_to_four_then_hard() -> tuple[list[list[int]], Descent]:
    """Six booleans, at least three true, the cost how many are true; the sixth true needs
    the third to fifth true as well (cost 4 at least), the sixth false needs 11 pigeons in
    10 holes (refuted, but only after millions of conflicts). From all six true the descent
    finds 5, then 4 at once, then stays on "at most 3" for a long time."""
    base, descent = _at_least_three_of_six()
    base = base + [[-6, v] for v in (3, 4, 5)]
    hard = [[6, *(v + 100 if v > 0 else v - 100 for v in c)] for c in _pigeons(11, 10)]
    return base + hard, replace(descent, budget=10**9)


def test_a_descent_stopped_at_its_deadline_answers_the_cheapest_placement_so_far() -> None:
    import time

    base, descent = _cheap_to_four_then_hard()
    started = time.monotonic()
    with Lanes(base, 2) as lanes:
        answers = lanes.descend([descent, descent], 6, until=started + 1.0)
        assert all(child.proc is None for child in lanes.children)  # both stopped
    took = time.monotonic() - started
    assert took < 3.0  # not the minutes "at most 3" would take
    for got in answers:
        # not proven: stopped, with the placement of cost 4 it had found
        assert (got.answer, got.cost) == (None, 4)
        assert got.true is not None
        assert {3, 4, 5, 6} <= got.true
        assert {1, 2}.isdisjoint(got.true)


def test_a_question_still_open_at_the_deadline_is_left_open() -> None:
    import time

    started = time.monotonic()
    with Lanes(_pigeons(11, 10), 2) as lanes:
        answers = lanes.decide([([], 10**9), ([], 10**9)], 110, until=started + 0.5)
    assert time.monotonic() - started < 2.5
    assert [(a.answer, a.true) for a in answers] == [(None, None), (None, None)]
