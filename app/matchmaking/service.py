"""Rules for cooperation profiles (offers and requests), their search and suggestions.

Who may write a profile: whoever may act for its participant (the person, their delegation
head, the event's organisers). A pending participant may already prepare and publish
profiles; others see them only once the registration is approved. Everyone else sees the
published profiles of approved participants, never drafts or withdrawn ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.audit.service import diff, record
from app.auth.models import User
from app.errors import Conflict, FieldError, Forbidden, Invalid, NotFound, NotRegistered, _l
from app.events import service as events
from app.events.models import Event, EventStatus
from app.matchmaking import suggest
from app.matchmaking.models import Profile, ProfileSector, ProfileStatus
from app.matchmaking.schemas import (
    NO_TITLE,
    TITLE_FIELDS,
    ProfileBrief,
    ProfileCreate,
    ProfilePublic,
    ProfileUpdate,
    ReasonPublic,
    SuggestionPublic,
)
from app.pagination import page_total
from app.registration import organisations
from app.registration import service as registration
from app.registration.delegations import headed_ids
from app.registration.models import ApprovalStatus, Organisation, Participant
from app.registration.schemas import OrganisationUpdate, ParticipantPublic, clean_country
from app.text import join_folded, like_fragment, search_terms, term_matches, words
from app.types import pk, utcnow
from app.vocab import SECTORS, ProfileKind

MAX_SEARCH_TERMS = 12
_SECTOR_ORDER = {code: i for i, code in enumerate(SECTORS)}
_WRITABLE_PARTICIPANT = (ApprovalStatus.approved.value, ApprovalStatus.pending.value)


# ---- who may do what ----------------------------------------------------------------------


def _actable_ids(user: User, event_id: int) -> Any:
    """Participants of the event the user may act for without being an organiser: their own
    registration and the members of delegations they head."""
    headed = headed_ids(user, event_id)
    return select(Participant.id).where(
        Participant.event_id == event_id,
        or_(col(Participant.user_id) == user.id, col(Participant.delegation_id).in_(headed)),
    )


def actable_participants(session: Session, *, user: User | None, event: Event) -> list[Participant]:
    """Whom the user may write profiles for at this event (for form pickers), by name."""
    if user is None:
        return []
    query = select(Participant).where(
        Participant.event_id == pk(event), col(Participant.status).in_(_WRITABLE_PARTICIPANT)
    )
    if not events.can_manage(session, user, event):
        query = query.where(col(Participant.id).in_(_actable_ids(user, pk(event))))
    return list(session.exec(query.order_by(col(Participant.full_name), col(Participant.id))).all())


def can_edit(session: Session, user: User | None, event: Event, profile: Profile) -> bool:
    participant = session.get(Participant, profile.participant_id)
    return participant is not None and registration.can_act_for(session, user, event, participant)


def hidden_until_approved(session: Session, profile: Profile) -> bool:
    """Published, but others do not see it yet: its owner's registration awaits the
    organisers' approval (the profile page tells its owner so)."""
    owner = session.get(Participant, profile.participant_id)
    return (
        profile.status == ProfileStatus.published.value
        and owner is not None
        and owner.status == ApprovalStatus.pending.value
    )


def _publicly_visible(profile: Profile, participant: Participant | None) -> bool:
    return (
        profile.status == ProfileStatus.published.value
        and participant is not None
        and participant.status == ApprovalStatus.approved.value
    )


def _visibility(session: Session, viewer: User | None, event: Event) -> ColumnElement[bool] | None:
    """The rows the viewer may see (None: all of them, for the event's organisers)."""
    if events.can_manage(session, viewer, event):
        return None
    public = and_(
        col(Profile.status) == ProfileStatus.published.value,
        col(Participant.status) == ApprovalStatus.approved.value,
    )
    if viewer is None:
        return public
    return or_(public, col(Profile.participant_id).in_(_actable_ids(viewer, pk(event))))


# ---- reading ------------------------------------------------------------------------------


def get_profile(
    session: Session, *, event_id: int, profile_id: int, viewer: User | None
) -> Profile:
    event = events.get_event(session, event_id, viewer=viewer)
    profile = session.get(Profile, profile_id)
    if profile is None or profile.event_id != event_id:
        raise NotFound("Profile", profile_id)
    participant = session.get(Participant, profile.participant_id)
    # A draft is not forbidden but absent for others: they learn nothing of it.
    if not _publicly_visible(profile, participant) and not can_edit(
        session, viewer, event, profile
    ):
        raise NotFound("Profile", profile_id)
    return profile


def _clean_country_filter(value: str) -> str:
    try:
        return clean_country(value)
    except ValueError as exc:
        raise Invalid("country", str(exc)) from exc


def list_profiles(
    session: Session,
    *,
    event_id: int,
    viewer: User | None,
    q: str | None = None,
    kind: ProfileKind | None = None,
    sector: str | None = None,
    country: str | None = None,
    trl: int | None = None,
    trl_min: int | None = None,
    trl_max: int | None = None,
    participant_id: int | None = None,
    status: ProfileStatus | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Profile], int]:
    """Visible profiles matching every filter, oldest first (pages do not shift when new
    profiles arrive). ``q``: every folded word must occur in the folded text."""
    event = events.get_event(session, event_id, viewer=viewer)
    query = (
        select(Profile)
        .join(Participant, col(Participant.id) == col(Profile.participant_id))
        .where(Profile.event_id == event_id)
    )
    visible = _visibility(session, viewer, event)
    if visible is not None:
        query = query.where(visible)
    if status is None:
        query = query.where(col(Profile.status) != ProfileStatus.withdrawn.value)
    else:
        query = query.where(Profile.status == status.value)
    terms = search_terms(q)
    if len(terms) > MAX_SEARCH_TERMS:
        raise Invalid(
            "q", _l("use at most {MAX_SEARCH_TERMS} words", MAX_SEARCH_TERMS=MAX_SEARCH_TERMS)
        )
    for term in terms:
        # search_text is folded when saved (padded words), so a plain LIKE matches the same
        # rows on SQLite and PostgreSQL: every term, as a whole word when short, as a word
        # start otherwise (like_fragment); autoescape keeps "_" and "%" literal.
        query = query.where(col(Profile.search_text).contains(like_fragment(term), autoescape=True))
    if kind is not None:
        query = query.where(Profile.kind == kind.value)
    if sector:
        if sector not in SECTORS:
            raise Invalid(
                "sector",
                _l("'{sector}' is not a sector code; see GET /api/v1/vocabularies", sector=sector),
            )
        query = query.where(
            col(Profile.id).in_(
                select(ProfileSector.profile_id).where(ProfileSector.sector == sector)
            )
        )
    if country:
        code = _clean_country_filter(country)
        query = query.where(
            col(Profile.organisation_id).in_(
                select(Organisation.id).where(Organisation.country == code)
            )
        )
    if trl is not None:
        query = query.where(Profile.trl == trl)
    if trl_min is not None and trl_max is not None and trl_max < trl_min:
        raise Invalid("trl_max", "must not be below trl_min")
    if trl_min is not None:
        query = query.where(col(Profile.trl) >= trl_min)
    if trl_max is not None:
        query = query.where(col(Profile.trl) <= trl_max)
    if participant_id is not None:
        query = query.where(Profile.participant_id == participant_id)
    if terms:
        # Best matches first: every row has all terms; rank them by where the terms stand.
        matched = list(session.exec(query.order_by(col(Profile.id)).limit(MAX_RANKED)).all())
        ranked = sorted(matched, key=lambda row: (-relevance(row, terms), pk(row)))
        return ranked[offset : offset + limit], len(ranked)
    rows = session.exec(query.order_by(col(Profile.id)).offset(offset).limit(limit)).all()
    return list(rows), page_total(session, query, rows, limit, offset)


# Search results ranked in memory at most (an event holds a few hundred profiles).
MAX_RANKED = 5000
# Where a matched term stands: a title says more than a keyword, a keyword than prose.
_WEIGHTS = (("title", 100), ("keywords", 10), ("description", 1))


def relevance(profile: Profile, terms: Sequence[str]) -> int:
    """A profile's score for search terms: per term, the weight of the best field it occurs
    in (title > keywords > description), and as much again when the terms stand together
    as typed in that field ("tôm thẻ" as a phrase beats "tôm ... thẻ")."""
    fields = {
        "title": words(" ".join([profile.title_vi, profile.title_en, profile.title_local])),
        "keywords": words(" ".join(profile.keywords)),
        "description": words(
            " ".join([profile.description_vi, profile.description_en, profile.description_local])
        ),
    }
    score = 0
    for term in terms:
        score += max(
            (
                weight
                for name, weight in _WEIGHTS
                if any(term_matches(term, w) for w in fields[name])
            ),
            default=0,
        )
    if len(terms) > 1:
        for name, weight in _WEIGHTS:
            tokens = fields[name]
            size = len(terms)
            if any(
                all(term_matches(t, w) for t, w in zip(terms, tokens[i : i + size], strict=True))
                for i in range(len(tokens) - size + 1)
            ):
                score += weight * size
                break
    return score


def sectors_of(session: Session, profile_ids: Iterable[int]) -> dict[int, list[str]]:
    ids = sorted(set(profile_ids))
    out: dict[int, list[str]] = {i: [] for i in ids}
    if not ids:
        return out
    for profile_id, sector in session.exec(
        select(ProfileSector.profile_id, ProfileSector.sector).where(
            col(ProfileSector.profile_id).in_(ids)
        )
    ).all():
        out[profile_id].append(sector)
    for values in out.values():
        values.sort(key=lambda s: (_SECTOR_ORDER.get(s, len(_SECTOR_ORDER)), s))
    return out


def _by_id(session: Session, model: Any, ids: Iterable[int | None]) -> dict[int, Any]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return {row.id: row for row in session.exec(select(model).where(col(model.id).in_(wanted)))}


def describe(session: Session, rows: Sequence[Profile]) -> list[ProfilePublic]:
    """Public shapes of profiles, with a fixed number of queries whatever their count."""
    sectors = sectors_of(session, (pk(r) for r in rows))
    participants: dict[int, Participant] = _by_id(
        session, Participant, (r.participant_id for r in rows)
    )
    organisations: dict[int, Organisation] = _by_id(
        session, Organisation, (r.organisation_id for r in rows)
    )
    out = []
    for row in rows:
        participant = participants.get(row.participant_id)
        org = organisations.get(row.organisation_id) if row.organisation_id else None
        out.append(
            ProfilePublic.model_validate(
                {
                    **row.model_dump(exclude={"search_text"}),
                    "participant_name": participant.full_name if participant else "",
                    "organisation_name": org.name_vi if org else "",
                    "organisation_name_en": org.name_en if org else "",
                    "country": org.country if org else "",
                    "sectors": sectors.get(pk(row), []),
                }
            )
        )
    return out


def describe_one(session: Session, row: Profile) -> ProfilePublic:
    return describe(session, [row])[0]


# ---- writing ------------------------------------------------------------------------------


def search_text(profile: Profile, sectors: Sequence[str], org: Organisation | None) -> str:
    labels = [part for s in sectors if s in SECTORS for part in SECTORS[s]]
    return join_folded(
        profile.title_vi,
        profile.title_en,
        profile.title_local,
        profile.description_vi,
        profile.description_en,
        profile.description_local,
        " ".join(profile.keywords),
        org.name_vi if org else "",
        org.name_en if org else "",
        org.name_local if org else "",
        *labels,
    )


def _set_sectors(session: Session, profile_id: int, sectors: Sequence[str]) -> None:
    for row in session.exec(
        select(ProfileSector).where(ProfileSector.profile_id == profile_id)
    ).all():
        session.delete(row)
    session.flush()
    session.add_all(ProfileSector(profile_id=profile_id, sector=s) for s in sectors)


def _require_open(event: Event) -> None:
    if event.status == EventStatus.closed.value:
        raise Conflict(
            "the event is closed; its offers and requests can no longer change",
            [FieldError("event_id", "the event is closed")],
        )


def _participant_for(
    session: Session, *, actor: User, event: Event, participant_id: int | None
) -> Participant:
    if participant_id is None:
        own = registration.participant_for_user(session, event_id=pk(event), user=actor)
        if own is not None:
            return own
        if events.can_manage(session, actor, event):
            raise Invalid("participant_id", "name the participant this profile belongs to")
        raise NotRegistered("Register for this event before publishing offers or requests")
    participant = session.get(Participant, participant_id)
    if participant is None or participant.event_id != pk(event):
        raise Invalid("participant_id", "no such participant at this event")
    return participant


def _enum_value(value: Any) -> Any:
    return getattr(value, "value", value)


def _values(data: ProfileCreate | ProfileUpdate, *, partial: bool) -> dict[str, Any]:
    values = data.model_dump(exclude_unset=partial, exclude={"participant_id"})
    return {k: _enum_value(v) for k, v in values.items()}


def _snapshot(profile: Profile, sectors: list[str]) -> dict[str, Any]:
    return {
        **profile.model_dump(exclude={"id", "search_text", "created_at", "updated_at"}),
        "sectors": sectors,
    }


def create_profile(session: Session, *, actor: User, event_id: int, data: ProfileCreate) -> Profile:
    """Record an offer or request for a participant the actor may act for."""
    event = events.get_event(session, event_id, viewer=actor)
    _require_open(event)
    participant = _participant_for(
        session, actor=actor, event=event, participant_id=data.participant_id
    )
    registration.require_act_for(session, actor, event, participant)
    if participant.status not in _WRITABLE_PARTICIPANT:
        raise Invalid("participant_id", "this registration was rejected")
    values = _values(data, partial=False)
    sectors: list[str] = values.pop("sectors")
    profile = Profile(
        event_id=event_id,
        participant_id=pk(participant),
        organisation_id=participant.organisation_id,
        **values,
    )
    org = session.get(Organisation, profile.organisation_id) if profile.organisation_id else None
    profile.search_text = search_text(profile, sectors, org)
    session.add(profile)
    session.flush()
    _set_sectors(session, pk(profile), sectors)
    record(
        session,
        actor_id=actor.id,
        action="profile.create",
        entity="profile",
        entity_id=profile.id,
        event_id=event_id,
        changes=diff({}, _snapshot(profile, sectors)),
    )
    session.flush()
    return profile


def _editable(session: Session, *, actor: User, event_id: int, profile_id: int) -> Profile:
    event = events.get_event(session, event_id, viewer=actor)
    profile = get_profile(session, event_id=event_id, profile_id=profile_id, viewer=actor)
    if not can_edit(session, actor, event, profile):
        raise Forbidden("Only the profile's participant, their delegation head or the organisers")
    _require_open(event)
    return profile


def update_profile(
    session: Session, *, actor: User, event_id: int, profile_id: int, data: ProfileUpdate
) -> Profile:
    profile = _editable(session, actor=actor, event_id=event_id, profile_id=profile_id)
    before = _snapshot(profile, sectors_of(session, [profile_id])[profile_id])
    values = _values(data, partial=True)
    # null leaves a field as it is, except where null is a value: trl, ip_status, budget are
    # cleared by null, texts are emptied.
    for key in ("kind", "status", "local_language", "sectors", "keywords", "partnership_types"):
        if key in values and values[key] is None:
            values.pop(key)
    for key in (*TITLE_FIELDS, "description_vi", "description_en", "description_local"):
        if key in values and values[key] is None:
            values[key] = ""
    sectors: list[str] = values.pop("sectors", before["sectors"])
    after = {**before, **values, "sectors": sectors}
    if not any(after[f] for f in TITLE_FIELDS):
        raise Invalid("title_vi", NO_TITLE)
    # The organisation follows the participant's current one (it may have been corrected).
    participant = session.get(Participant, profile.participant_id)
    if participant is not None:
        after["organisation_id"] = participant.organisation_id
    changes = diff(before, after)
    if not changes:
        return profile
    for key, value in after.items():
        if key != "sectors":
            setattr(profile, key, value)
    if "sectors" in changes:
        _set_sectors(session, profile_id, sectors)
    org = session.get(Organisation, profile.organisation_id) if profile.organisation_id else None
    profile.search_text = search_text(profile, sectors, org)
    profile.updated_at = utcnow()
    session.add(profile)
    record(
        session,
        actor_id=actor.id,
        action="profile.update",
        entity="profile",
        entity_id=profile_id,
        event_id=event_id,
        changes=changes,
    )
    session.flush()
    return profile


def withdraw_profile(session: Session, *, actor: User, event_id: int, profile_id: int) -> Profile:
    """Take a profile off the event (kept for the record and for meetings that cite it)."""
    profile = _editable(session, actor=actor, event_id=event_id, profile_id=profile_id)
    if profile.status == ProfileStatus.withdrawn.value:
        return profile
    record(
        session,
        actor_id=actor.id,
        action="profile.withdraw",
        entity="profile",
        entity_id=profile_id,
        event_id=event_id,
        changes={"status": [profile.status, ProfileStatus.withdrawn.value]},
    )
    profile.status = ProfileStatus.withdrawn.value
    profile.updated_at = utcnow()
    session.add(profile)
    session.flush()
    return profile


def update_organisation(
    session: Session, *, actor: User, organisation_id: int, data: OrganisationUpdate
) -> Organisation:
    """Change an organisation (registration's rules), then the search text of its profiles,
    which carries its name. Here, above registration, so that registration never imports
    matchmaking's service."""
    org = organisations.update_organisation(
        session, actor=actor, organisation_id=organisation_id, data=data
    )
    reindex_profiles(session, organisation_id=organisation_id)
    return org


def reindex_profiles(session: Session, *, organisation_id: int) -> int:
    """Refresh the search text of an organisation's profiles after it was renamed; returns
    how many changed."""
    org = session.get(Organisation, organisation_id)
    rows = list(session.exec(select(Profile).where(Profile.organisation_id == organisation_id)))
    sectors = sectors_of(session, (pk(r) for r in rows))
    changed = 0
    for row in rows:
        text = search_text(row, sectors[pk(row)], org)
        if text != row.search_text:
            row.search_text = text
            session.add(row)
            changed += 1
    session.flush()
    return changed


# ---- suggestions --------------------------------------------------------------------------


# Only what the ranking reads: ORM objects with their search text for 2,000 profiles cost
# as much as the ranking itself. (sqlalchemy's select: sqlmodel's is typed for 4 columns.)
_DOC_COLUMNS = (
    col(Profile.id),
    col(Profile.participant_id),
    col(Profile.organisation_id),
    col(Profile.kind),
    col(Profile.title_vi),
    col(Profile.title_en),
    col(Profile.title_local),
    col(Profile.description_vi),
    col(Profile.description_en),
    col(Profile.description_local),
    col(Profile.keywords),
)


def _docs(session: Session, query: Any) -> tuple[list[suggest.Doc], dict[int, ProfileBrief]]:
    rows = session.execute(query.order_by(col(Profile.id))).all()
    sectors = sectors_of(session, (r.id for r in rows))
    docs = [
        suggest.Doc(
            id=r.id,
            participant_id=r.participant_id,
            organisation_id=r.organisation_id,
            kind=r.kind,
            text=" ".join(
                (
                    r.title_vi,
                    r.title_en,
                    r.title_local,
                    r.description_vi,
                    r.description_en,
                    r.description_local,
                )
            ),
            sectors=frozenset(sectors[r.id]),
            keywords=tuple(r.keywords or ()),
        )
        for r in rows
    ]
    briefs = {
        r.id: ProfileBrief(
            id=r.id,
            kind=ProfileKind(r.kind),
            title_vi=r.title_vi,
            title_en=r.title_en,
            title_local=r.title_local,
        )
        for r in rows
    }
    return docs, briefs


def suggestions(
    session: Session, *, actor: User, event_id: int, participant_id: int, limit: int = 20
) -> list[SuggestionPublic]:
    """Other approved participants whose published profiles answer this participant's
    offers and requests (drafts included: one may look before publishing), best first."""
    event = events.get_event(session, event_id, viewer=actor)
    participant = registration.get_participant(
        session, event_id=event_id, participant_id=participant_id
    )
    registration.require_act_for(session, actor, event, participant)
    ranked, my_briefs, their_briefs = _ranked(session, event_id, participant, limit)
    people: dict[int, Participant] = _by_id(
        session, Participant, (s.participant_id for s in ranked)
    )
    return [
        SuggestionPublic(
            participant=ParticipantPublic.model_validate(
                registration.public_fields(session, people[s.participant_id])
            ),
            score=s.score,
            profile=their_briefs[s.best.theirs.id],
            matches=my_briefs[s.best.mine.id],
            pair_count=s.pair_count,
            reasons=[ReasonPublic(code=r.code, vi=r.vi, en=r.en) for r in s.reasons],
            strength=suggest.strength(s.score),
        )
        for s in ranked
    ]


def match_scores(session: Session, *, event_id: int, participant: Participant) -> dict[int, float]:
    """{other participant id: suggestion score} for everyone whose published profiles answer
    this participant's (the event day's re-pairing ranks people by it). No permission check."""
    ranked, _, _ = _ranked(session, event_id, participant, limit=10_000)
    return {s.participant_id: s.score for s in ranked}


def best_matches(
    session: Session, *, event_id: int, participant: Participant
) -> dict[int, tuple[float, ProfileBrief, ProfileBrief]]:
    """{other participant id: (score, this participant's profile, theirs)} of each person's
    best-matching pair of profiles (the survey's board names the meeting's topic by it)."""
    ranked, mine, theirs = _ranked(session, event_id, participant, limit=10_000)
    return {
        s.participant_id: (s.score, mine[s.best.mine.id], theirs[s.best.theirs.id]) for s in ranked
    }


def _ranked(
    session: Session, event_id: int, participant: Participant, limit: int
) -> tuple[list[Any], dict[int, ProfileBrief], dict[int, ProfileBrief]]:
    participant_id = pk(participant)
    mine, my_briefs = _docs(
        session,
        sa_select(*_DOC_COLUMNS).where(
            col(Profile.event_id) == event_id,
            col(Profile.participant_id) == participant_id,
            col(Profile.status) != ProfileStatus.withdrawn.value,
        ),
    )
    if not mine:
        return [], {}, {}
    others, their_briefs = _docs(
        session,
        sa_select(*_DOC_COLUMNS)
        .join(Participant, col(Participant.id) == col(Profile.participant_id))
        .where(
            col(Profile.event_id) == event_id,
            col(Profile.status) == ProfileStatus.published.value,
            col(Participant.status) == ApprovalStatus.approved.value,
            col(Profile.participant_id) != participant_id,
        ),
    )
    ranked = suggest.rank(
        mine,
        others,
        participant_id=participant_id,
        organisation_id=participant.organisation_id,
        limit=limit,
    )
    return list(ranked), my_briefs, their_briefs
