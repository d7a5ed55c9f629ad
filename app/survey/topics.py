"""What a meeting is about, for every place that shows a meeting (the agenda page, the PDF,
the calendars, the reminders): the profiles a request named, and the topic the organisers
gave a meeting proposed from the survey's matching board (``MeetingTopic``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, select

from app.exports.views import Bilingual
from app.matchmaking.models import Profile
from app.meetings.models import Meeting, MeetingRequest
from app.meetings.readmodel import by_id
from app.survey.models import MeetingTopic
from app.types import pk, utcnow

MAX_TOPIC = 300


def board_topics(session: Session, meeting_ids: Iterable[int]) -> dict[int, Bilingual]:
    """{meeting id: its topic from the board} in one query."""
    ids = sorted(set(meeting_ids))
    out: dict[int, Bilingual] = {}
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        for row in session.exec(
            select(MeetingTopic).where(col(MeetingTopic.meeting_id).in_(chunk))
        ).all():
            out[row.meeting_id] = Bilingual(row.topic_vi, row.topic_en or row.topic_vi)
    return out


def set_topic(session: Session, meeting_id: int, topic: Bilingual) -> None:
    """Store (or, with an empty topic, remove) a meeting's board topic."""
    row = session.get(MeetingTopic, meeting_id)
    if not topic:
        if row is not None:
            session.delete(row)
        return
    vi, en = topic.vi[:MAX_TOPIC], topic.en[:MAX_TOPIC]
    if row is None:
        row = MeetingTopic(meeting_id=meeting_id, topic_vi=vi or en, topic_en=en)
    else:
        row.topic_vi, row.topic_en, row.created_at = vi or en, en, utcnow()
    session.add(row)


def meeting_topics(session: Session, meetings: Sequence[Meeting]) -> dict[int, list[Bilingual]]:
    """{meeting id: its topics}: the board's topic, then the profiles its request named; in
    three queries for any number of meetings."""
    board = board_topics(session, (pk(m) for m in meetings))
    requests: dict[int, MeetingRequest] = by_id(
        session, MeetingRequest, (m.request_id for m in meetings if m.request_id)
    )
    profiles: dict[int, Profile] = by_id(
        session, Profile, (i for r in requests.values() for i in r.profile_ids or [])
    )
    out: dict[int, list[Bilingual]] = {}
    for meeting in meetings:
        found = [board[pk(meeting)]] if pk(meeting) in board else []
        request = requests.get(meeting.request_id or 0)
        for profile_id in request.profile_ids or [] if request else []:
            profile = profiles.get(profile_id)
            if profile is not None:
                title = Bilingual(profile.title_vi, profile.title_en)
                found.append(title or Bilingual(profile.title_local, profile.title_local))
        if found:
            out[pk(meeting)] = found
    return out
