"""Building blocks of the permission matrix, shared by the per-area tables.

An area module (``tests/integration/matrix/<area>.py``) exposes ``MATRIX`` (route → Call) and
may expose ``build(db, world_users, target) -> dict[str, int]`` returning extra ids used in its
paths (``{profile_id}``…), created for each event of the world (open and draft).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PROBLEM = "application/problem+json"
ROLES = ("anonymous", "delegate", "other_organiser", "own_organiser", "admin")
STATES = ("open", "draft")

# Expected statuses. "read": public for an open event, 404 for outsiders on a draft.
# "write": 401 anonymous, 403 delegate, 403 (open) / 404 (draft) for another event's
# organiser, success for this event's organiser and an administrator.


def _read(ok: int) -> dict[tuple[str, str], int]:
    out = {}
    for role in ROLES:
        out[(role, "open")] = ok
        out[(role, "draft")] = ok if role in ("own_organiser", "admin") else 404
    return out


def _write(ok: int) -> dict[tuple[str, str], int]:
    out = {}
    for state in STATES:
        out[("anonymous", state)] = 401
        out[("delegate", state)] = 403
        out[("other_organiser", state)] = 403 if state == "open" else 404
        out[("own_organiser", state)] = ok
        out[("admin", state)] = ok
    return out


def _everyone(ok: int, anonymous: int) -> dict[tuple[str, str], int]:
    return {(r, s): (anonymous if r == "anonymous" else ok) for r in ROLES for s in STATES}


def _organisers(ok: int) -> dict[tuple[str, str], int]:
    # Not tied to an event: any organiser may do it, delegates may not.
    return {(r, s): {"anonymous": 401, "delegate": 403}.get(r, ok) for r in ROLES for s in STATES}


E = "/api/v1/events/{event_id}"
S = E + "/sessions/{session_id}"


@dataclass(frozen=True)
class Call:
    """Expected status per (role, state) and the JSON body sent (the same body is sent to
    the open and then to the draft event); ``files`` instead for a multipart upload."""

    expected: dict[tuple[str, str], int]
    body: dict[str, Any] | None = None
    files: dict[str, tuple[str, bytes, str]] | None = None


def _act_for(ok: int) -> dict[tuple[str, str], int]:
    """Acting for the delegate's own registration: the person, the event's organisers."""
    out = {}
    for state in STATES:
        out[("anonymous", state)] = 401
        out[("delegate", state)] = ok if state == "open" else 404
        out[("other_organiser", state)] = 403 if state == "open" else 404
        out[("own_organiser", state)] = ok
        out[("admin", state)] = ok
    return out


act_for = _act_for
read = _read
write = _write
everyone = _everyone
organisers = _organisers
