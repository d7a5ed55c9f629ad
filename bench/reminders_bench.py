"""Benchmark of reminders: 1,500 people and 6,000 meetings in one event (a temporary SQLite
database), queued by the worker's reminder task and delivered to a local aiosmtpd server.

    python bench/reminders_bench.py                 # 1,500 people, 6,000 meetings
    python bench/reminders_bench.py --quick         # 300 people, 1,200 meetings
    python bench/reminders_bench.py --day-before 0  # skip the day-before e-mails (PDFs)

The event, its session, slots and tables are made through the services; people, meetings
and seats are inserted in bulk (booking 6,000 meetings one by one through the booking
service would measure the booking, not the reminders). The "minutes before" reminders are
queued the way the worker does on the day: one pass before each slot. The day-before
e-mails (each with the person's agenda PDF) are queued for ``--day-before`` people (a
second event holding the first N people's meetings) and the rate extrapolated.
Prints counts and rates, not pass/fail.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WORKDIR = Path(tempfile.mkdtemp(prefix="ketnoi-reminders-bench-"))
os.environ["KETNOI_DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.db'}"
os.environ.setdefault("KETNOI_VAR_DIR", str(WORKDIR / "var"))

from aiosmtpd.controller import Controller  # noqa: E402
from sqlmodel import Session, col, func, select  # noqa: E402

from app.auth.models import Role, User  # noqa: E402
from app.db import get_engine  # noqa: E402
from app.events import service as events  # noqa: E402
from app.events.models import Event, EventCreate, EventStatus, SessionCreate, Slot  # noqa: E402
from app.meetings.models import (  # noqa: E402
    Meeting,
    MeetingParticipant,
    MeetingSeat,
    party_key,
)
from app.migrate import upgrade  # noqa: E402
from app.notifications.models import Outbox  # noqa: E402
from app.notifications.sender import SmtpConfig, deliver_pending  # noqa: E402
from app.registration.models import Participant  # noqa: E402
from app.registration.service import new_code  # noqa: E402
from app.reminders.service import queue_day_before, queue_soon  # noqa: E402
from app.types import pk  # noqa: E402

SLOTS = 16


class _Sink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, _server: object, _session: object, _envelope: object) -> str:  # noqa: N802
        self.count += 1
        return "250 OK"


def _event(session: Session, organiser: User, title: str, tables: int) -> tuple[Event, list, list]:
    event = events.create_event(
        session,
        actor=organiser,
        data=EventCreate.model_validate(
            {
                "title_vi": title,
                "title_en": title,
                "timezone": "Asia/Ho_Chi_Minh",
                "start_date": "2027-03-16",
                "end_date": "2027-03-16",
                "languages": ["vi", "en"],
                "status": EventStatus.registration_open,
            }
        ),
    )
    row = events.create_session(
        session,
        actor=organiser,
        event_id=pk(event),
        data=SessionCreate.model_validate(
            {
                "kind": "matchmaking",
                "title_vi": "Kết nối B2B",
                "starts_at": "2027-03-16T08:00:00+07:00",
                "ends_at": f"2027-03-16T{8 + SLOTS * 20 // 60:02d}:{SLOTS * 20 % 60:02d}:00+07:00",
                "slot_minutes": 20,
                "table_count": tables,
            }
        ),
    )
    event.schedule_published_at = datetime.now(UTC)
    session.add(event)
    slots = events.list_slots(session, session_id=pk(row))
    tables_ = events.list_tables(session, session_id=pk(row))
    return event, slots, tables_


def build(session: Session, people: int, organiser: User, title: str) -> tuple[Event, int]:
    """``people`` people (half hosts, half guests), each in SLOTS/2 meetings."""
    half = people // 2
    per_slot = half // 2
    event, slots, tables = _event(session, organiser, title, per_slot)
    rows = [
        Participant(
            event_id=pk(event),
            full_name=f"Người tham dự {i:04d}",
            email=f"p{i:04d}@bench.example",
            languages=["vi"] if i < half else ["en"],
            status="approved",
            code=new_code(),
        )
        for i in range(people)
    ]
    session.add_all(rows)
    session.flush()
    ids = [pk(p) for p in rows]
    meetings: list[tuple[Meeting, int, int, int]] = []
    for s, slot in enumerate(slots[: min(SLOTS, half)]):
        for t in range(per_slot):
            host = t + per_slot * (s % 2)
            guest = half + (host + s) % half
            m = Meeting(
                event_id=pk(event),
                session_id=slot.session_id,
                status="confirmed",
                origin="organiser",
                slot_id=pk(slot),
                table_id=pk(tables[t]),
                party_key=party_key([ids[host], ids[guest]]),
            )
            meetings.append((m, ids[host], ids[guest], pk(slot)))
    session.add_all([m for m, *_ in meetings])
    session.flush()
    session.add_all(
        MeetingParticipant(
            meeting_id=pk(m), participant_id=p, role="party", confirmed_at=m.created_at
        )
        for m, a, b, _ in meetings
        for p in (a, b)
    )
    session.flush()
    session.add_all(
        MeetingSeat(meeting_id=pk(m), participant_id=p, slot_id=slot)
        for m, a, b, slot in meetings
        for p in (a, b)
    )
    session.commit()
    return event, len(meetings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 people, 1,200 meetings")
    parser.add_argument("--day-before", type=int, default=100, help="people for the PDF e-mails")
    args = parser.parse_args()
    people = 300 if args.quick else 1500

    upgrade(os.environ["KETNOI_DATABASE_URL"])
    engine = get_engine()
    with Session(engine, expire_on_commit=False) as session:
        organiser = User(
            email="org@bench.example",
            full_name="Ban tổ chức",
            role=Role.organiser,
            password_hash="x",
        )
        session.add(organiser)
        session.commit()
        started = time.perf_counter()
        _event_row, count = build(session, people, organiser, "Bench reminders")
        built = time.perf_counter() - started
        print(f"built {people} people, {count} meetings in {built:.1f} s")

        starts = sorted(
            session.exec(
                select(Slot.starts_at)
                .join(Meeting, col(Meeting.slot_id) == col(Slot.id))
                .distinct()
            ).all()
        )
        started = time.perf_counter()
        soon = 0
        for start in starts:
            soon += queue_soon(session, start - timedelta(minutes=14))
            session.commit()
        spent = time.perf_counter() - started
        print(
            f"'minutes before' reminders: {soon} queued in {len(starts)} passes, {spent:.1f} s "
            f"({soon / spent:.0f}/s; {spent / len(starts) * 1000:.0f} ms per pass)"
        )
        again = time.perf_counter()
        repeat = sum(queue_soon(session, s - timedelta(minutes=5)) for s in starts)
        print(
            f"a second run of every pass queued {repeat} more in "
            f"{time.perf_counter() - again:.1f} s (exactly once)"
        )

        if args.day_before:
            small, _ = build(session, args.day_before, organiser, "Bench day-before")
            for row in session.exec(select(Event).where(Event.id != pk(small))).all():
                row.schedule_published_at = None
                row.booking_mode = "organiser"
                session.add(row)
            session.commit()
            eve = starts[0].replace(hour=12) - timedelta(days=1)  # 19:00 local, the day before
            started = time.perf_counter()
            sent = queue_day_before(session, eve)
            session.commit()
            spent = time.perf_counter() - started
            print(
                f"day-before e-mails with agenda PDF: {sent} in {spent:.1f} s "
                f"({spent / max(sent, 1) * 1000:.0f} ms each; "
                f"~{spent / max(sent, 1) * people:.0f} s for {people} people)"
            )

        sink = _Sink()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            config = SmtpConfig(host="127.0.0.1", port=port, starttls=False)
            waiting = session.exec(
                select(func.count()).select_from(Outbox).where(col(Outbox.sent_at).is_(None))
            ).one()
            started = time.perf_counter()
            while True:
                report = deliver_pending(session, config, batch_size=500)
                if report.error or report.sent + report.failed == 0:
                    break
            spent = time.perf_counter() - started
        finally:
            controller.stop()
        print(
            f"sent {sink.count} of {waiting} e-mails through aiosmtpd in {spent:.1f} s "
            f"({sink.count / spent:.0f}/s){'; ' + report.error if report.error else ''}"
        )


if __name__ == "__main__":
    main()
