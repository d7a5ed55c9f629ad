"""Per-area permission tables, merged by tests/integration/test_permissions_matrix.py."""

from __future__ import annotations

from types import ModuleType

from tests.integration.matrix import (
    exports,
    imports,
    matchmaking,
    meetings,
    outcomes,
    registration,
    scheduling,
    survey,
)

AREAS: list[ModuleType] = [
    registration,
    matchmaking,
    imports,
    meetings,
    scheduling,
    exports,
    outcomes,
    survey,
]
