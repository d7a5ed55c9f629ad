"""Permission table for the registration routes (see tests/integration/matrix/common.py)."""

from __future__ import annotations

from tests.integration.matrix.common import Call

MATRIX: dict[tuple[str, str], Call] = {}
