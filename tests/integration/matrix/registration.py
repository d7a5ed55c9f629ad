"""Permission table for the registration routes (see tests/integration/matrix/common.py).

Routes that a delegate may use for someone (their own registration, a delegation they head)
take any logged-in caller, so on the draft event a delegate meets the draft's 404 before
any permission check; on the open event the world's delegate is neither the person nor the
head, hence 403.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.auth.models import User
from app.registration import organisations as organisation_service
from app.registration.models import OrganisationKind
from app.registration.schemas import OrganisationCreate
from app.types import pk
from tests.integration.conftest import add_delegation
from tests.integration.matrix.common import (
    ROLES,
    STATES,
    Call,
    E,
    everyone,
    organisers,
    read,
    write,
)

ORG = "/api/v1/organisations"
D = E + "/delegations"
P = E + "/participants"


def acting(ok: int) -> dict[tuple[str, str], int]:
    """Organisers, the person or their delegation head (none of whom is the delegate here)."""
    return {**write(ok), ("delegate", "draft"): 404}


def own_registration() -> dict[tuple[str, str], int]:
    """GET …/participants/me: only the delegate has a registration, on the open event."""
    out: dict[tuple[str, str], int] = {}
    for role in ROLES:
        for state in STATES:
            out[(role, state)] = 401 if role == "anonymous" else 404
    out[("delegate", "open")] = 200
    return out


def build(db: Session, users: dict[str, User], target: Any) -> dict[str, int]:
    """An organisation of the shared directory, registered by nobody in the roles, leading a
    delegation of the event (so the event's organisers may edit it, others may not)."""
    org = organisation_service.create_organisation(
        db,
        actor=None,
        data=OrganisationCreate(
            name_vi=f"Viện Nghiên cứu Cơ khí {target.event_id}",
            name_en=f"National Research Institute of Mechanical Engineering {target.event_id}",
            kind=OrganisationKind.research_institute,
            country="VN",
            province="Hà Nội",
            sectors=["mechanics", "automation"],
        ),
    )
    add_delegation(
        db,
        target.event_id,
        f"Đoàn Viện Cơ khí {target.event_id}",
        country="VN",
        leading_organisation_id=pk(org),
        actor=users["own_organiser"],
        commit=False,
    )
    return {"organisation_id": pk(org)}


MATRIX: dict[tuple[str, str], Call] = {
    ("GET", ORG): Call(everyone(200, anonymous=401)),
    ("POST", ORG): Call(
        everyone(201, anonymous=401),
        {
            "name_vi": "Công ty TNHH Cơ khí Hải Phòng",
            "kind": "enterprise",
            "country": "VN",
            "province": "Hải Phòng",
            "sectors": ["mechanics"],
        },
    ),
    ("GET", ORG + "/{organisation_id}"): Call(everyone(200, anonymous=401)),
    # Only organisers of an event the organisation takes part in (issue 15, item 11).
    ("PATCH", ORG + "/{organisation_id}"): Call(
        {**organisers(200), ("other_organiser", "open"): 403, ("other_organiser", "draft"): 403},
        {"website": "https://narime.example.vn"},
    ),
    ("GET", D): Call(read(200)),
    ("POST", D): Call(write(201), {"name": "Đoàn doanh nghiệp Hàn Quốc", "country": "KR"}),
    ("GET", D + "/{delegation_id}"): Call(read(200)),
    ("PATCH", D + "/{delegation_id}"): Call(
        acting(200), {"arrival_date": "2027-03-15", "needs_interpreter": True}
    ),
    # Names of people only to accounts (issue 15, item 15): anonymous visitors get 401.
    ("GET", P): Call({**read(200), ("anonymous", "open"): 401, ("anonymous", "draft"): 401}),
    ("POST", P): Call(
        acting(201),
        {
            "full_name": "Chen Ming-Hui",
            "name_local": "陳明輝",
            "email": "chen.minghui@tw-robotics.example",
            "languages": ["zh", "en"],
        },
    ),
    ("GET", P + "/me"): Call(own_registration()),
    ("GET", P + "/{participant_id}"): Call(
        {**read(200), ("anonymous", "open"): 401, ("anonymous", "draft"): 401}
    ),
    ("PATCH", P + "/{participant_id}"): Call(acting(200), {"position": "Giám đốc kỹ thuật"}),
    ("POST", P + "/{participant_id}/decision"): Call(write(200), {"status": "approved"}),
    ("PUT", P + "/{participant_id}/availability"): Call(acting(200), {"unavailable_slot_ids": []}),
}
