"""The organiser's figures for an event, as plain numbers (no ORM objects): the page, the
charts, the PDF report and the spreadsheet export all read ``event_stats``. No permission
check here (``service.require_stats`` is the organisers').

Definitions, each reproducible by counting rows:

Participants
    ``participants``: approved registrations. ``by_country``: the organisation's country,
    else the delegation's, else "" (unknown). ``by_organisation_kind``: the organisation's
    kind, "" without one. ``by_role``: the registration's role. All approved only.
Requests (``meeting_request`` rows of the event)
    ``created``: every request ever sent; ``accepted`` / ``declined`` / ``cancelled``: their
    status; ``pending``: still open; ``expired``: past the event's request deadline unanswered
    (stored or computed). ``acceptance_rate`` = accepted / (accepted + declined), None when
    nobody answered yet: withdrawn and unanswered requests are nobody's decision.
Meetings (``meeting`` rows of the event; a no-show or cancelled meeting stays counted)
    ``total``; ``from_requests`` / ``by_organisers`` by origin; ``proposed``, ``confirmed``,
    ``held``, ``no_show``, ``cancelled`` by status; ``booked``: holding a slot and a table
    (any status but cancelled).
By sector, delegation and country (meetings that were not cancelled, each once per group)
    A meeting's sectors are the sectors of the offers/requests its request was about; for a
    meeting without such profiles (organiser-made, or a request naming none) the sectors of
    its parties' organisations. A meeting with several sectors counts once in each, so the
    rows may add up to more than the meetings; "" collects meetings without any sector.
    Its delegations and countries are those of its parties (role ``party``). ``held`` counts
    the held ones among them.
Check-ins
    ``approved`` participants and how many of them ``checked_in``; the same per delegation
    ("no delegation" last, ``delegation_id`` None).
Ratings (``meeting_feedback`` rows)
    ``feedback``: answers; ``rated``: answers with a rating; ``average`` of those ratings
    (two decimals, None without any); ``distribution``: answers per rating 1–5;
    ``wants_to_continue``: answers saying so; ``next_steps``: answers naming each step.
Agreements
    ``total``: every agreement; ``active``: not cancelled. ``by_kind``: active ones per kind
    with the sum of their values per currency (exact decimals, never converted between
    currencies); ``by_status``: every agreement per status; ``values``: the active sums per
    currency; ``ceremony``: the signing ceremony's running order.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.checkin.service import checked_in_map
from app.errors import NotFound
from app.events.models import Event
from app.matchmaking.models import Profile, ProfileSector
from app.meetings import requests as meeting_requests
from app.meetings import rules as meeting_rules
from app.meetings.models import (
    Meeting,
    MeetingOrigin,
    MeetingParticipant,
    MeetingRequest,
    MeetingRole,
    MeetingStatus,
    RequestStatus,
)
from app.outcomes.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    MeetingFeedback,
    NextStep,
)
from app.registration.models import (
    ApprovalStatus,
    Delegation,
    Organisation,
    OrganisationSector,
    Participant,
    person_country,
)
from app.types import pk, utcnow


@dataclass(frozen=True)
class Count:
    key: str
    count: int


@dataclass(frozen=True)
class GroupMeetings:
    key: str  # sector code, delegation id or country code ("" for none)
    label: str  # the delegation's name; the key again for sectors and countries
    meetings: int
    held: int


@dataclass(frozen=True)
class RequestFigures:
    created: int
    accepted: int
    declined: int
    pending: int
    cancelled: int
    expired: int
    acceptance_rate: float | None


@dataclass(frozen=True)
class MeetingFigures:
    total: int
    from_requests: int
    by_organisers: int
    proposed: int
    confirmed: int
    booked: int
    held: int
    no_show: int
    cancelled: int
    booked_from_requests: int = 0  # booked meetings that answer a request (the funnel's step)


@dataclass(frozen=True)
class CheckinFigures:
    approved: int
    checked_in: int


@dataclass(frozen=True)
class RatingFigures:
    feedback: int
    rated: int
    average: float | None
    distribution: list[Count]  # "1" … "5"
    wants_to_continue: int
    next_steps: list[Count]


@dataclass(frozen=True)
class Money:
    currency: str
    value: Decimal


@dataclass(frozen=True)
class KindFigures:
    kind: str
    count: int
    values: list[Money]


@dataclass(frozen=True)
class CeremonyItem:
    agreement_id: int
    order: int | None
    kind: str
    title_vi: str
    title_en: str
    status: str
    parties: list[str]  # the organisations' Vietnamese names, in the agreement's order


@dataclass(frozen=True)
class AgreementFigures:
    total: int
    active: int
    by_kind: list[KindFigures]
    by_status: list[Count]
    values: list[Money]
    ceremony: list[CeremonyItem]


@dataclass(frozen=True)
class DelegationArrivals:
    delegation_id: int | None  # None: people outside any delegation (Vietnamese hosts…)
    name: str
    country: str
    total: int
    arrived: int


@dataclass(frozen=True)
class EventStats:
    event_id: int
    participants: int
    participants_by_country: list[Count]
    participants_by_organisation_kind: list[Count]
    participants_by_role: list[Count]
    requests: RequestFigures
    meetings: MeetingFigures
    meetings_by_sector: list[GroupMeetings]
    meetings_by_delegation: list[GroupMeetings]
    meetings_by_country: list[GroupMeetings]
    checkins: CheckinFigures
    checkins_by_delegation: list[DelegationArrivals]
    ratings: RatingFigures
    agreements: AgreementFigures
    meetings_counted: int = 0  # meetings not cancelled (each once): the base of shares
    meetings_by_country_pair: list[GroupMeetings] = field(default_factory=list)


def _counts(counter: Counter[str]) -> list[Count]:
    """Largest first, then by key: the order of a bar chart."""
    return [Count(k, v) for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]


def delegation_arrivals(session: Session, *, event_id: int) -> list[DelegationArrivals]:
    """Approved participants and those checked in, per delegation (delegations by name, then
    the people outside any delegation). No permission check."""
    people = session.exec(
        select(Participant.id, Participant.delegation_id).where(
            Participant.event_id == event_id, Participant.status == ApprovalStatus.approved.value
        )
    ).all()
    arrived = checked_in_map(session, event_id=event_id)
    totals: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    for pid, delegation_id in people:
        totals[delegation_id][0] += 1
        totals[delegation_id][1] += 1 if pid in arrived else 0
    delegations = session.exec(
        select(Delegation).where(Delegation.event_id == event_id).order_by(col(Delegation.name))
    ).all()
    out = [
        DelegationArrivals(pk(d), d.name, d.country, *totals.get(pk(d), [0, 0]))
        for d in delegations
    ]
    if None in totals:
        out.append(DelegationArrivals(None, "", "", *totals[None]))
    return out


def ceremony_list(session: Session, *, event_id: int) -> list[CeremonyItem]:
    """The signing ceremony's running order (cancelled ones left out). No permission check."""
    rows = session.exec(
        select(Agreement)
        .where(
            Agreement.event_id == event_id,
            col(Agreement.at_ceremony).is_(True),
            Agreement.status != AgreementStatus.cancelled.value,
        )
        .order_by(col(Agreement.ceremony_order), col(Agreement.id))
    ).all()
    names = _party_names(session, [pk(r) for r in rows])
    return [
        CeremonyItem(
            agreement_id=pk(r),
            order=r.ceremony_order,
            kind=r.kind,
            title_vi=r.title_vi,
            title_en=r.title_en,
            status=r.status,
            parties=names.get(pk(r), []),
        )
        for r in rows
    ]


def _party_names(session: Session, agreement_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    if not agreement_ids:
        return out
    for party, org in session.exec(
        select(AgreementParty, Organisation)
        .join(Organisation, col(Organisation.id) == col(AgreementParty.organisation_id))
        .where(col(AgreementParty.agreement_id).in_(agreement_ids))
        .order_by(col(AgreementParty.position), col(AgreementParty.id))
    ).all():
        out[party.agreement_id].append(org.name_vi)
    return out


@dataclass(frozen=True)
class _Org:
    kind: str
    country: str


@dataclass(frozen=True)
class _Person:
    """The columns of a person and their organisation the figures read (plain rows: 1,500
    people with their organisations load many times faster than as ORM objects)."""

    id: int
    status: str
    role: str
    delegation_id: int | None
    organisation_id: int | None
    organisation: _Org | None


def _people(session: Session, event_id: int) -> dict[int, _Person]:
    from sqlalchemy import select as columns  # plain columns: beyond sqlmodel's typed select

    query = (
        columns(
            col(Participant.id),
            col(Participant.status),
            col(Participant.role),
            col(Participant.delegation_id),
            col(Participant.organisation_id),
            col(Organisation.kind),
            col(Organisation.country),
        )
        .outerjoin(Organisation, col(Organisation.id) == col(Participant.organisation_id))
        .where(col(Participant.event_id) == event_id)
    )
    return {
        pid: _Person(pid, status, role, delegation, org_id, _Org(kind, country) if org_id else None)
        for pid, status, role, delegation, org_id, kind, country in session.execute(query).all()
    }


def _requests(session: Session, event_id: int) -> tuple[RequestFigures, dict[int, list[int]]]:
    """Requests counted by state in SQL (pending past the answer deadline count as expired),
    and the offers each names (plain pairs: thousands of requests, no ORM object each)."""
    from sqlalchemy import select as columns  # plain columns: beyond sqlmodel's typed select

    deadline = meeting_rules.get_settings(session, event_id).answer_by
    now = utcnow()
    where = col(MeetingRequest.event_id) == event_id
    status: Counter[str] = Counter()
    for value, n in session.execute(
        columns(col(MeetingRequest.status), func.count())
        .where(where)
        .group_by(col(MeetingRequest.status))
    ).all():
        # the one rule for "expired" (a pending request past the deadline), per state
        state = meeting_requests.effective_status(
            MeetingRequest.model_construct(status=value), deadline, now
        )
        status[state.value] += int(n)
    accepted = status[RequestStatus.accepted.value]
    declined = status[RequestStatus.declined.value]
    figures = RequestFigures(
        created=sum(status.values()),
        accepted=accepted,
        declined=declined,
        pending=status[RequestStatus.pending.value],
        cancelled=status[RequestStatus.cancelled.value],
        expired=status[RequestStatus.expired.value],
        acceptance_rate=accepted / (accepted + declined) if accepted + declined else None,
    )
    offers = session.execute(
        columns(col(MeetingRequest.id), col(MeetingRequest.profile_ids)).where(where)
    ).all()
    return figures, {rid: list(ids or []) for rid, ids in offers if rid is not None}


@dataclass
class _MeetingRow:
    """The columns of a meeting the figures read (plain tuples: thousands of meetings load
    several times faster than as ORM objects)."""

    id: int | None
    status: str
    origin: str
    slot_id: int | None
    request_id: int | None


def _meeting_rows(session: Session, event_id: int) -> list[_MeetingRow]:
    from sqlalchemy import select as columns  # five columns: beyond sqlmodel's typed select

    query = columns(
        col(Meeting.id),
        col(Meeting.status),
        col(Meeting.origin),
        col(Meeting.slot_id),
        col(Meeting.request_id),
    ).where(col(Meeting.event_id) == event_id)
    # Core rows (no ORM result processing): several times faster for thousands of rows.
    return [_MeetingRow(*row) for row in session.connection().execute(query).all()]


def _meeting_groups(
    session: Session,
    event_id: int,
    meeting_rows: list[_MeetingRow],
    profiles_of_request: dict[int, list[int]],
    people: dict[int, _Person],
    delegations: dict[int, Delegation],
) -> tuple[list[GroupMeetings], list[GroupMeetings], list[GroupMeetings], list[GroupMeetings]]:
    counted = [m for m in meeting_rows if m.status != MeetingStatus.cancelled.value]
    # Plain pairs joined on the event (no list of thousands of ids sent to the database, no
    # ORM object per row): each meeting's parties, the sectors of the event's offers and of
    # its people's organisations.
    parties: dict[int, list[int]] = defaultdict(list)
    for meeting_id, participant_id in (
        session.connection()
        .execute(
            select(MeetingParticipant.meeting_id, MeetingParticipant.participant_id)
            .join(Meeting, col(Meeting.id) == col(MeetingParticipant.meeting_id))
            .where(
                Meeting.event_id == event_id,
                Meeting.status != MeetingStatus.cancelled.value,
                MeetingParticipant.role == MeetingRole.party.value,
            )
        )
        .all()
    ):
        parties[meeting_id].append(participant_id)
    profile_sectors: dict[int, set[str]] = defaultdict(set)
    for profile_id, sector in session.exec(
        select(ProfileSector.profile_id, ProfileSector.sector)
        .join(Profile, col(Profile.id) == col(ProfileSector.profile_id))
        .where(Profile.event_id == event_id)
    ).all():
        profile_sectors[profile_id].add(sector)
    org_sectors: dict[int, set[str]] = defaultdict(set)
    for organisation_id, sector in session.exec(
        select(OrganisationSector.organisation_id, OrganisationSector.sector)
        .where(
            col(OrganisationSector.organisation_id).in_(
                select(Participant.organisation_id).where(Participant.event_id == event_id)
            )
        )
        .distinct()
    ).all():
        org_sectors[organisation_id].add(sector)

    held = MeetingStatus.held.value
    counted_held = [(pk(m), m.status == held) for m in counted]

    def tally(groups_of: dict[int, set[str]]) -> dict[str, list[int]]:
        out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for mid, was_held in counted_held:
            for key in groups_of.get(mid, ()):
                row = out[key]
                row[0] += 1
                row[1] += was_held
        return out

    # Per person once (1,500), not per meeting and party (12,000): their country, delegation
    # and organisation's sectors.
    country_of = {pid: _country(person, delegations) for pid, person in people.items()}
    delegation_of = {
        pid: str(person.delegation_id)
        for pid, person in people.items()
        if person.delegation_id is not None
    }
    org_sectors_of = {
        pid: org_sectors.get(person.organisation_id, set())
        for pid, person in people.items()
        if person.organisation_id is not None
    }
    sectors: dict[int, set[str]] = {}
    countries: dict[int, set[str]] = {}
    delegs: dict[int, set[str]] = {}
    for m in counted:
        mid = pk(m)
        mine = parties[mid]
        found: set[str] = set()
        if m.request_id:
            for p in profiles_of_request.get(m.request_id, []):
                found |= profile_sectors.get(p, set())
        if not found:
            for pid in mine:
                found |= org_sectors_of.get(pid, set())
        sectors[mid] = found or {""}
        countries[mid] = {country_of[pid] for pid in mine if pid in country_of}
        delegs[mid] = {delegation_of[pid] for pid in mine if pid in delegation_of}

    def listing(tallied: dict[str, list[int]], label: dict[str, str]) -> list[GroupMeetings]:
        rows = [GroupMeetings(k, label.get(k, k), v[0], v[1]) for k, v in tallied.items()]
        return sorted(rows, key=lambda g: (g.key == "", -g.meetings, g.label))

    by_delegation = tally(delegs)
    for d in delegations.values():
        by_delegation.setdefault(str(pk(d)), [0, 0])
    # The pair of countries a meeting joins ("TW-VN"; "VN-VN" inside one country), once each.
    pairs = {
        mid: {"-".join(sorted(found) * (2 if len(found) == 1 else 1))}
        for mid, found in ((mid, {c for c in cs if c}) for mid, cs in countries.items())
        if found
    }
    return (
        listing(tally(sectors), {}),
        listing(by_delegation, {str(pk(d)): d.name for d in delegations.values()}),
        listing(tally(countries), {}),
        listing(tally(pairs), {}),
    )


def _country(person: _Person, delegations: dict[int, Delegation]) -> str:
    return person_country(person, person.organisation, delegations.get(person.delegation_id or 0))


def _ratings(session: Session, event_id: int) -> RatingFigures:
    rows = session.exec(select(MeetingFeedback).where(MeetingFeedback.event_id == event_id)).all()
    ratings = [r.rating for r in rows if r.rating is not None]
    steps = Counter(step for r in rows for step in set(r.next_steps or []))
    return RatingFigures(
        feedback=len(rows),
        rated=len(ratings),
        average=round(sum(ratings) / len(ratings), 2) if ratings else None,
        distribution=[Count(str(n), ratings.count(n)) for n in range(1, 6)],
        wants_to_continue=sum(1 for r in rows if r.wants_to_continue),
        next_steps=[Count(s.value, steps[s.value]) for s in NextStep],
    )


def _agreements(session: Session, event_id: int) -> AgreementFigures:
    rows = session.exec(select(Agreement).where(Agreement.event_id == event_id)).all()
    active = [r for r in rows if r.status != AgreementStatus.cancelled.value]
    by_kind = []
    for kind in AgreementKind:
        mine = [r for r in active if r.kind == kind.value]
        by_kind.append(KindFigures(kind.value, len(mine), _sums(mine)))
    status = Counter(r.status for r in rows)
    return AgreementFigures(
        total=len(rows),
        active=len(active),
        by_kind=by_kind,
        by_status=[Count(s.value, status[s.value]) for s in AgreementStatus],
        values=_sums(active),
        ceremony=ceremony_list(session, event_id=event_id),
    )


def _sums(rows: list[Agreement]) -> list[Money]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for r in rows:
        if r.value is not None and r.currency:
            totals[r.currency] += Decimal(r.value)
    return [Money(c, totals[c].quantize(Decimal("0.01"))) for c in sorted(totals)]


def event_stats(session: Session, *, event_id: int) -> EventStats:
    """Every figure of the organiser's report for one event (definitions above)."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound("Event", event_id)
    people = _people(session, event_id)
    delegations = {
        pk(d): d for d in session.exec(select(Delegation).where(Delegation.event_id == event_id))
    }
    approved = [p for p in people.values() if p.status == ApprovalStatus.approved.value]
    requests, profiles_of_request = _requests(session, event_id)
    meeting_rows = _meeting_rows(session, event_id)
    status = Counter(m.status for m in meeting_rows)
    figures = MeetingFigures(
        total=len(meeting_rows),
        from_requests=sum(1 for m in meeting_rows if m.origin == MeetingOrigin.request.value),
        by_organisers=sum(1 for m in meeting_rows if m.origin == MeetingOrigin.organiser.value),
        proposed=status[MeetingStatus.proposed.value],
        confirmed=status[MeetingStatus.confirmed.value],
        booked=sum(1 for m in meeting_rows if m.slot_id is not None),
        booked_from_requests=sum(
            1 for m in meeting_rows if m.slot_id is not None and m.request_id is not None
        ),
        held=status[MeetingStatus.held.value],
        no_show=status[MeetingStatus.no_show.value],
        cancelled=status[MeetingStatus.cancelled.value],
    )
    by_sector, by_delegation, by_country, by_pair = _meeting_groups(
        session, event_id, meeting_rows, profiles_of_request, people, delegations
    )
    arrivals = delegation_arrivals(session, event_id=event_id)
    return EventStats(
        event_id=event_id,
        participants=len(approved),
        participants_by_country=_counts(Counter(_country(p, delegations) for p in approved)),
        participants_by_organisation_kind=_counts(
            Counter(p.organisation.kind if p.organisation is not None else "" for p in approved)
        ),
        participants_by_role=_counts(Counter(p.role for p in approved)),
        requests=requests,
        meetings=figures,
        meetings_by_sector=by_sector,
        meetings_by_delegation=by_delegation,
        meetings_by_country=by_country,
        meetings_by_country_pair=by_pair,
        meetings_counted=sum(1 for m in meeting_rows if m.status != MeetingStatus.cancelled.value),
        checkins=CheckinFigures(
            approved=sum(d.total for d in arrivals), checked_in=sum(d.arrived for d in arrivals)
        ),
        checkins_by_delegation=arrivals,
        ratings=_ratings(session, event_id),
        agreements=_agreements(session, event_id),
    )
