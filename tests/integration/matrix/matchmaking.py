"""Permission table for the matchmaking routes (see tests/integration/matrix/common.py).

``{profile_id}`` is a published profile of ``{participant_id}`` (approved, no account, in a
delegation headed by nobody in the roles): only the event's organisers may change it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import Session

from app.auth.models import User
from app.matchmaking.schemas import ProfileCreate
from app.matchmaking.service import create_profile
from app.types import pk
from app.vocab import ProfileKind
from tests.integration.matrix.common import Call, E, everyone, read, write

if TYPE_CHECKING:  # the test module imports this one: no import at run time
    from tests.integration.test_permissions_matrix import Target

P = E + "/profiles"


def _organisers_only(ok: int) -> dict[tuple[str, str], int]:
    # The delegate is registered in the draft event too, but the event itself is invisible
    # to them there: 404, never 403.
    return {**write(ok), ("delegate", "draft"): 404}


# Without participant_id a profile is the caller's own: the delegate publishes for their own
# registration; organisers hold none at the event, so they must name whom it is for (422);
# another event's organiser is not registered there (403) or cannot see the draft (404).
_own_profile = {
    ("anonymous", "open"): 401,
    ("anonymous", "draft"): 401,
    ("delegate", "open"): 201,
    ("delegate", "draft"): 404,
    ("other_organiser", "open"): 403,
    ("other_organiser", "draft"): 404,
    ("own_organiser", "open"): 422,
    ("own_organiser", "draft"): 422,
    ("admin", "open"): 422,
    ("admin", "draft"): 422,
}

MATRIX: dict[tuple[str, str], Call] = {
    ("GET", "/api/v1/vocabularies"): Call(everyone(200, anonymous=200)),
    ("GET", P): Call(read(200)),
    ("POST", P): Call(
        _own_profile,
        {
            "kind": "technology_request",
            "title_vi": "Tự động hoá dây chuyền đóng gói chè",
            "sectors": ["automation", "food_processing"],
            "keywords": ["đóng gói", "robot"],
        },
    ),
    ("GET", P + "/{profile_id}"): Call(read(200)),
    ("PATCH", P + "/{profile_id}"): Call(
        _organisers_only(200), {"title_en": "Cold-chain logistics for seafood"}
    ),
    ("DELETE", P + "/{profile_id}"): Call(_organisers_only(204)),
    ("GET", E + "/participants/{participant_id}/suggestions"): Call(_organisers_only(200)),
}


def build(db: Session, users: dict[str, User], target: Target) -> dict[str, int]:
    profile = create_profile(
        db,
        actor=users["own_organiser"],
        event_id=target.event_id,
        data=ProfileCreate(
            participant_id=target.ids["participant_id"],
            kind=ProfileKind.technology_offer,
            title_vi="Giải pháp chuỗi lạnh cho thuỷ sản",
            title_en="Cold-chain solution for seafood",
            sectors=["aquaculture", "logistics"],
            keywords=["chuỗi lạnh", "IoT"],
            trl=7,
        ),
    )
    return {"profile_id": pk(profile)}
