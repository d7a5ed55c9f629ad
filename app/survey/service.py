"""The demand survey ("khảo sát nhu cầu kết nối"), as the provincial departments run it: the
organisers open it; each approved participant (or their delegation head) says whom they must
or would like to meet; the organisers read the matching board — every pair somebody asked for,
mutual "must meet" first, with the suggestion score — and turn a selection into meetings in one
step, with the priority the wishes give. The scheduler maximises that priority.

Priorities (``wish_priority``): mutual must 30, must + would 20, one-sided must 15, mutual would
10, one-sided would 5. A meeting both sides asked for is confirmed at once; one only one side
asked for is a proposal the other confirms (and, unconfirmed, never outranks an accepted
request: see app.scheduling.service)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlmodel import Session, col, func, select

from app.audit.service import record
from app.auth.models import User
from app.errors import Conflict, FieldError, Invalid, _l
from app.events import service as events
from app.events.models import Event
from app.exports.views import Bilingual
from app.matchmaking import service as matchmaking
from app.matchmaking.models import Profile, ProfileStatus
from app.matchmaking.schemas import ProfileBrief
from app.matchmaking.suggest import side
from app.meetings import commands as meeting_commands
from app.meetings.models import Meeting, MeetingStatus
from app.meetings.readmodel import by_id
from app.meetings.schemas import MeetingCreate
from app.registration import service as registration
from app.registration.models import ApprovalStatus, Organisation, Participant, ParticipantRole
from app.survey.models import MeetingWish, WishLevel, WishSurvey
from app.survey.topics import MAX_TOPIC, set_topic
from app.types import pk, utcnow

# Roles that meet at the tables (not the organisers' staff or the interpreters).
MEETING_ROLES = (ParticipantRole.delegate.value, ParticipantRole.host.value)
PRIORITY: dict[tuple[str, str | None], int] = {
    ("must", "must"): 30,
    ("must", "would"): 20,
    ("must", None): 15,
    ("would", "would"): 10,
    ("would", None): 5,
}


def wish_priority(a: str | None, b: str | None) -> int:
    """The meeting priority two wishes give (order does not matter); 0 for none."""
    levels = sorted((x for x in (a, b) if x), key=lambda x: x != "must")
    if not levels:
        return 0
    return PRIORITY.get((levels[0], levels[1] if len(levels) > 1 else None), 0)


def is_open(session: Session, event_id: int) -> bool:
    row = session.get(WishSurvey, event_id)
    return bool(row and row.open)


def set_open(session: Session, *, actor: User, event_id: int, open_: bool) -> None:
    events.managed_event(session, actor, event_id)
    row = session.get(WishSurvey, event_id) or WishSurvey(event_id=event_id)
    before = row.open
    row.open, row.updated_at = open_, utcnow()
    session.add(row)
    record(
        session,
        actor_id=actor.id,
        action="survey.open" if open_ else "survey.close",
        entity="event",
        entity_id=event_id,
        event_id=event_id,
        changes={"open": [before, open_]},
    )
    session.flush()


@dataclass(frozen=True)
class Option:
    """Someone a participant may ask to meet, with what they offer or seek."""

    participant: Participant
    organisation: str
    country: str
    profiles: list[str]
    score: float
    level: str | None
    organisation_en: str = ""  # the page picks(organisation, organisation_en)


def _meeting_people(session: Session, event_id: int) -> list[Participant]:
    return list(
        session.exec(
            select(Participant)
            .where(
                Participant.event_id == event_id,
                Participant.status == ApprovalStatus.approved.value,
                col(Participant.role).in_(MEETING_ROLES),
            )
            .order_by(col(Participant.full_name), col(Participant.id))
        ).all()
    )


def _others(session: Session, event_id: int, me: Participant) -> list[Participant]:
    """Whom ``me`` may ask to meet: the people at the tables from other organisations."""
    return [
        p
        for p in _meeting_people(session, event_id)
        if pk(p) != pk(me)
        and (me.organisation_id is None or p.organisation_id != me.organisation_id)
    ]


def options(session: Session, *, event: Event, me: Participant) -> list[Option]:
    """The people of other organisations, the best matches for ``me`` first, with the wish
    ``me`` has already stated for each."""
    event_id = pk(event)
    people = _others(session, event_id, me)
    ids = [pk(p) for p in people]
    titles: dict[int, list[str]] = {}
    for row in session.exec(
        select(Profile).where(
            Profile.event_id == event_id,
            Profile.status == ProfileStatus.published.value,
            col(Profile.participant_id).in_(ids),
        )
    ).all():
        titles.setdefault(row.participant_id, []).append(row.title_vi or row.title_en)
    mine = {
        w.to_participant_id: w.level
        for w in session.exec(
            select(MeetingWish).where(MeetingWish.from_participant_id == pk(me))
        ).all()
    }
    scores = matchmaking.match_scores(session, event_id=event_id, participant=me)
    orgs = _organisations(session, people)
    result = []
    for p in people:
        org = orgs.get(pk(p), _NO_ORGANISATION)
        result.append(
            Option(
                participant=p,
                organisation=org.name,
                country=org.country,
                organisation_en=org.name_en,
                profiles=titles.get(pk(p), []),
                score=scores.get(pk(p), 0.0),
                level=mine.get(pk(p)),
            )
        )
    result.sort(key=lambda o: (o.level != "must", o.level is None, -o.score))
    return result


def save_wishes(
    session: Session,
    *,
    actor: User,
    event_id: int,
    participant_id: int,
    wishes: Mapping[int, str | None],
) -> int:
    """Replace ``participant_id``'s wishes with ``wishes`` ({person: "must" | "would" | None}).
    The person themself or their delegation head, while the survey is open; the organisers at
    any time. Returns how many wishes the person now has."""
    event = events.get_event(session, event_id, viewer=actor)
    me = registration.get_participant(session, event_id=event_id, participant_id=participant_id)
    registration.require_act_for(session, actor, event, me)
    if not is_open(session, event_id) and not events.can_manage(session, actor, event):
        raise Conflict(
            "the demand survey is not open",
            [FieldError("event_id", _l("the organisers have not opened the survey"))],
        )
    allowed = {pk(p) for p in _others(session, event_id, me)}
    for person, level in wishes.items():
        if level is not None and level not in WishLevel.__members__:
            raise Invalid(f"wish_{person}", _l("choose must meet, would like or no"))
        if level is not None and person not in allowed:
            raise Invalid(f"wish_{person}", _l("this person cannot be chosen"))
    existing = {
        w.to_participant_id: w
        for w in session.exec(
            select(MeetingWish).where(MeetingWish.from_participant_id == participant_id)
        ).all()
    }
    for person, level in wishes.items():
        row = existing.get(person)
        if level is None:
            if row is not None:
                session.delete(row)
            continue
        if row is None:
            session.add(
                MeetingWish(
                    event_id=event_id,
                    from_participant_id=participant_id,
                    to_participant_id=person,
                    level=level,
                )
            )
        elif row.level != level:
            row.level, row.updated_at = level, utcnow()
            session.add(row)
    session.flush()
    count = len(
        session.exec(
            select(MeetingWish.id).where(MeetingWish.from_participant_id == participant_id)
        ).all()
    )
    record(
        session,
        actor_id=actor.id,
        action="survey.wishes",
        entity="participant",
        entity_id=participant_id,
        event_id=event_id,
        changes={"wishes": [None, count]},
    )
    return count


def list_wishes(
    session: Session, *, actor: User, event_id: int, offset: int, limit: int
) -> tuple[list[MeetingWish], int]:
    """A page of the event's wishes in the order stated, and how many there are. Organisers."""
    events.managed_event(session, actor, event_id)
    where = MeetingWish.event_id == event_id
    total = session.exec(select(func.count()).select_from(MeetingWish).where(where)).one()
    rows = session.exec(
        select(MeetingWish).where(where).order_by(col(MeetingWish.id)).offset(offset).limit(limit)
    ).all()
    return list(rows), int(total)


_NO_ORGANISATION = registration.OrganisationShown("", "", "")


def _organisations(
    session: Session, people: Iterable[Participant]
) -> dict[int, registration.OrganisationShown]:
    """{participant id: their organisation's names and country}, in one query (the shape of
    registration.organisation_display, which reads one person's)."""
    rows = list(people)
    orgs: dict[int, Organisation] = by_id(session, Organisation, (p.organisation_id for p in rows))
    out: dict[int, registration.OrganisationShown] = {}
    for p in rows:
        org = orgs.get(p.organisation_id or 0)
        out[pk(p)] = (
            registration.OrganisationShown(org.name_vi or org.name_en, org.country, org.name_en)
            if org
            else _NO_ORGANISATION
        )
    return out


def _active_pairs(session: Session, event_id: int) -> dict[str, int]:
    """{"low:high" party key: meeting id} of the event's meetings that are not cancelled."""
    rows = session.exec(
        select(Meeting.party_key, Meeting.id).where(
            Meeting.event_id == event_id, Meeting.status != MeetingStatus.cancelled.value
        )
    ).all()
    return {key: int(mid) for key, mid in rows if key and mid is not None}


@dataclass(frozen=True)
class Pair:
    a: Participant
    b: Participant
    a_wants: str | None  # a's wish towards b
    b_wants: str | None
    score: float
    meeting_id: int | None  # an active meeting they already have
    # What they would talk about: the offer (or need) of their best-matching profiles.
    topic: Bilingual = field(default_factory=Bilingual)
    a_organisation: str = ""
    b_organisation: str = ""

    @property
    def key(self) -> str:
        return f"{pk(self.a)}-{pk(self.b)}"

    @property
    def priority(self) -> int:
        return wish_priority(self.a_wants, self.b_wants)

    @property
    def mutual(self) -> bool:
        return self.a_wants is not None and self.b_wants is not None


Match = tuple[float, ProfileBrief, ProfileBrief]


def _match(*found: Match | None) -> tuple[float, Bilingual]:
    """The better of the two sides' best pairs of profiles: its score, and as the topic the
    title of the offer in it (the need when neither is an offer)."""
    matches = [m for m in found if m is not None]
    if not matches:
        return 0.0, Bilingual()
    score, mine, theirs = max(matches, key=lambda m: m[0])
    chosen = mine if side(mine.kind) == "offer" and side(theirs.kind) != "offer" else theirs
    title = Bilingual(chosen.title_vi, chosen.title_en)
    return score, title or Bilingual(chosen.title_local, chosen.title_local)


def board(session: Session, *, event: Event) -> list[Pair]:
    """Every pair somebody asked for: highest priority first (mutual must first), then the
    better suggestion score."""
    event_id = pk(event)
    wishes = session.exec(select(MeetingWish).where(MeetingWish.event_id == event_id)).all()
    level = {(w.from_participant_id, w.to_participant_id): w.level for w in wishes}
    keys = sorted({tuple(sorted(k)) for k in level})
    ids = sorted({i for k in keys for i in k})
    people: dict[int, Participant] = by_id(session, Participant, ids)
    best: dict[int, dict[int, Match]] = {}
    for pid in sorted({w.from_participant_id for w in wishes}):
        person = people.get(pid)
        if person is not None:
            best[pid] = matchmaking.best_matches(session, event_id=event_id, participant=person)
    active = _active_pairs(session, event_id)
    orgs = _organisations(session, people.values())
    pairs = []
    for a, b in keys:
        if a not in people or b not in people:
            continue
        score, topic = _match(best.get(a, {}).get(b), best.get(b, {}).get(a))
        pairs.append(
            Pair(
                a=people[a],
                b=people[b],
                a_wants=level.get((a, b)),
                b_wants=level.get((b, a)),
                score=score,
                meeting_id=active.get(f"{a}:{b}"),
                topic=topic,
                a_organisation=orgs.get(a, _NO_ORGANISATION).name,
                b_organisation=orgs.get(b, _NO_ORGANISATION).name,
            )
        )
    pairs.sort(key=lambda p: (-p.priority, -p.score, p.key))
    return pairs


def propose(
    session: Session,
    *,
    actor: User,
    event_id: int,
    keys: Iterable[str],
    topics: Mapping[str, str] | None = None,
) -> list[tuple[str, Meeting]]:
    """(pair, meeting) for the chosen pairs of the board ("12-34"), each with the priority
    its wishes give and a topic; confirmed at once when both asked, else a proposal the other side
    confirms. Pairs that already meet are skipped. ``topics`` ({pair: text}) overrides the
    board's suggested topic (an empty text: none); a pair not in it gets the suggestion."""
    event = events.managed_event(session, actor, event_id)
    chosen = set(keys)
    given = {k: v.strip() for k, v in (topics or {}).items() if k in chosen}
    pairs = {p.key: p for p in board(session, event=event)}
    unknown = sorted(chosen - set(pairs))
    if unknown:
        raise Invalid("pairs", _l("{key} is not a pair on the board", key=unknown[0]))
    long = sorted(k for k, v in given.items() if len(v) > MAX_TOPIC)
    if long:
        errors = [
            FieldError(f"topic_{k}", _l("must be at most {n} characters", n=MAX_TOPIC))
            for k in long
        ]
        raise Invalid(errors[0].field, errors[0].message, *errors[1:])
    created: list[tuple[str, Meeting]] = []
    for key in sorted(chosen):
        pair = pairs[key]
        if pair.meeting_id is not None:
            continue
        meeting = meeting_commands.create_meeting(
            session,
            actor=actor,
            event_id=event_id,
            data=MeetingCreate(
                participant_ids=[pk(pair.a), pk(pair.b)],
                needs_confirmation=not pair.mutual,
                priority=pair.priority,
            ),
        )
        text = given.get(key)
        if text is None or text in (pair.topic.vi, pair.topic.en):
            topic = pair.topic  # the suggestion, in both languages
        else:
            topic = Bilingual(text, text)  # as the organisers wrote it
        set_topic(session, pk(meeting), topic)
        created.append((key, meeting))
    session.flush()
    return created
