"""Every route answers its own paths: no route of an earlier router matches them first. So the
order of the routers (app.main: the ones a crowd calls come first, being matched first)
changes which code answers nothing, only how soon it is found."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi.routing import _IncludedRouter

from app.main import create_app


def _routes_in_order(routes: Iterable[Any]) -> Iterator[Any]:
    """The routes as FastAPI tries them: each included router's, in turn (FastAPI 0.163)."""
    for route in routes:
        if isinstance(route, _IncludedRouter):
            yield from _routes_in_order(route.effective_candidates())
        else:
            yield route


def _sample_path(route: Any) -> str:
    """A path of the route, each parameter filled in: a number, or a word."""
    convertors = getattr(route, "param_convertors", {}) or {}

    def value(match: re.Match[str]) -> str:
        kind = type(convertors.get(match.group(1))).__name__
        return "7" if "Int" in kind else "a/b" if "Path" in kind else "word"

    return re.sub(r"\{([^}:]+)(?::[^}]+)?\}", value, route.path_format)


def test_every_route_answers_its_own_paths() -> None:
    routes = [r for r in _routes_in_order(create_app().router.routes) if hasattr(r, "path_regex")]
    assert len(routes) > 200
    answered_elsewhere = []
    for route in routes:
        path = _sample_path(route)
        for method in sorted(getattr(route, "methods", None) or {"GET"}):
            first = next(
                r
                for r in routes
                if r.path_regex.match(path) and method in (getattr(r, "methods", None) or {"GET"})
            )
            if first is not route:
                answered_elsewhere.append(f"{method} {path}: {route.name} → {first.name}")
    assert answered_elsewhere == []


def test_the_crowds_routes_are_matched_first() -> None:
    # My meetings, the meetings API and booking, the event page: before the organisers' pages
    routes = [r for r in _routes_in_order(create_app().router.routes) if hasattr(r, "path_regex")]
    position = {r.name: i for i, r in reversed(list(enumerate(routes)))}
    crowd = ("my_meetings_page", "book_meeting", "list_meetings", "event_page")
    assert all(name in position for name in crowd), [n for n in crowd if n not in position]
    assert max(position[name] for name in crowd) < len(routes) // 3
