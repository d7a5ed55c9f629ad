"""The demand survey of the demo's upcoming event (seafood processing and smart farming,
about 40 days ahead): open, with a handful of Hải Phòng enterprises and the visiting
Taiwanese and Korean companies registered with their offers and needs, and their answers —
who must or would like to meet whom — so that the organiser's matching board has real pairs
in ``make run``. People, organisations and profiles come from app.demo.data (the seeds).

Idempotent like the other demo loaders: people are found by e-mail, profiles by owner and
title; the survey is opened and the wishes saved only when the event has none yet, so a
second ``ketnoi demo`` writes nothing."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session, select

from app.auth.models import User
from app.demo.data import DEMO_DELEGATE_EMAIL, ORGANISATIONS, PEOPLE, PROFILES
from app.demo.registrations import _link_accounts, _organisation, _participant, _profile
from app.events.models import Event
from app.registration.models import Organisation, Participant
from app.survey import service as survey
from app.survey.models import MeetingWish, WishSurvey
from app.types import pk

# Hải Phòng's seafood and farming enterprises, and the visiting suppliers whose offers answer
# them (Taiwan: water-quality IoT, grouper fry, pond probiotics, packaging automation,
# freeze-drying; Korea: seaweed packaging, membrane water treatment).
SURVEY_PEOPLE = (
    DEMO_DELEGATE_EMAIL,  # Lã Minh Tuấn, Cát Hải Seafood: the demo delegate's own survey
    "thang.vv@bachlongaqua.example",
    "son.lv@vandonseafood.example",
    "bich.ntn@kienthuy-agro.example",
    "hoa.pt@htxanlao.example",
    "chunchieh.wang@hongtai-iot.example",
    "chenghan.wu@haifeng-seed.example",
    "yichun.liu@luyuan-bio.example",
    "mingche.hsieh@jinggong-auto.example",
    "kuanting.lin@weijia-machinery.example",
    "seoyeon.park@cheonghae-bio.example",
    "donghyun.kang@greeneco.example",
)

# (who, whom, must/would): what each side answered.
SURVEY_WISHES = (
    (DEMO_DELEGATE_EMAIL, "mingche.hsieh@jinggong-auto.example", "must"),
    (DEMO_DELEGATE_EMAIL, "chunchieh.wang@hongtai-iot.example", "would"),
    ("mingche.hsieh@jinggong-auto.example", DEMO_DELEGATE_EMAIL, "must"),
    ("thang.vv@bachlongaqua.example", "chenghan.wu@haifeng-seed.example", "must"),
    ("thang.vv@bachlongaqua.example", "yichun.liu@luyuan-bio.example", "would"),
    ("chenghan.wu@haifeng-seed.example", "thang.vv@bachlongaqua.example", "must"),
    ("son.lv@vandonseafood.example", "seoyeon.park@cheonghae-bio.example", "would"),
    ("son.lv@vandonseafood.example", "donghyun.kang@greeneco.example", "would"),
    ("seoyeon.park@cheonghae-bio.example", "son.lv@vandonseafood.example", "would"),
    ("bich.ntn@kienthuy-agro.example", "kuanting.lin@weijia-machinery.example", "must"),
    ("hoa.pt@htxanlao.example", "chunchieh.wang@hongtai-iot.example", "would"),
    ("yichun.liu@luyuan-bio.example", "son.lv@vandonseafood.example", "would"),
)


def load_survey(session: Session, *, organiser: User, event: Event) -> dict[str, int]:
    """Create what is missing; return how many rows of each kind were created."""
    counts = {"organisations": 0, "participants": 0, "profiles": 0, "wishes": 0, "opened": 0}
    event_id = pk(event)
    seeds = {p.email: p for p in PEOPLE if p.email in SURVEY_PEOPLE}
    wanted_orgs = {seeds[e].organisation for e in SURVEY_PEOPLE}
    organisations: dict[str, Organisation] = {
        o.key: _organisation(session, organiser, o, counts)
        for o in ORGANISATIONS
        if o.key in wanted_orgs
    }
    people: dict[str, Participant] = {}
    for email in SURVEY_PEOPLE:
        # Each registers on their own for this event: no delegation, no blocked slots.
        seed = replace(seeds[email], delegation=None, unavailable_slots=())
        people[email] = _participant(
            session, organiser, event_id, seed, organisations, {}, {}, counts
        )
    _link_accounts(session, list(people.values()))
    for profile in PROFILES:
        if profile.owner in people:
            _profile(session, organiser, event_id, profile, people[profile.owner], counts)
    if session.get(WishSurvey, event_id) is None:
        survey.set_open(session, actor=organiser, event_id=event_id, open_=True)
        counts["opened"] = 1
    has_wishes = session.exec(
        select(MeetingWish.id).where(MeetingWish.event_id == event_id)
    ).first()
    if has_wishes is None:
        answers: dict[str, dict[int, str | None]] = {}
        for who, whom, level in SURVEY_WISHES:
            answers.setdefault(who, {})[pk(people[whom])] = level
        for who, wishes in answers.items():
            counts["wishes"] += survey.save_wishes(
                session,
                actor=organiser,
                event_id=event_id,
                participant_id=pk(people[who]),
                wishes=wishes,
            )
    return counts
