"""``ketnoi worker``: run the periodic tasks every N seconds (or once, with ``--once``, from
a systemd timer or cron).

A task is a named function taking a SQLAlchemy engine and returning a one-line summary;
it opens its own sessions and commits its own work. Add one with a line in ``TASKS`` (or
``register``). A failing task is reported and the others still run: a broken SMTP server
must not stop the reminders from being queued.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import FrameType

from sqlalchemy import Engine
from sqlmodel import Session

from app.settings import get_settings

log = logging.getLogger("ketnoi.worker")

TaskFunction = Callable[[Engine], str]


@dataclass(frozen=True)
class Task:
    name: str
    run: TaskFunction


def queue_reminders(engine: Engine, now: datetime | None = None) -> str:
    from app.reminders.service import queue_due

    with Session(engine, expire_on_commit=False) as session:
        report = queue_due(session, now)
        session.commit()
    return f"queued {report.day_before} day-before and {report.soon} meeting reminder(s)"


def agreement_reminders(engine: Engine) -> str:
    """What ``ketnoi remind`` does: feedback links after sessions, agreement follow-ups."""
    from app.outcomes import feedback as feedback_service
    from app.outcomes import follow_ups as follow_up_service
    from app.types import pk

    feedback = 0
    with Session(engine, expire_on_commit=False) as session:
        for row in feedback_service.sessions_due_for_feedback(session):
            feedback += feedback_service.send_feedback_requests(
                session, event_id=row.event_id, session_id=pk(row)
            ).queued
        follow_ups = follow_up_service.send_follow_up_reminders(session)
        session.commit()
    return f"queued {feedback} feedback request(s), {follow_ups.emails} follow-up e-mail(s)"


def send_outbox(engine: Engine) -> str:
    from app.notifications.sender import SmtpConfig, deliver_pending

    config = SmtpConfig.from_settings(get_settings())
    if config is None:
        return "no SMTP server configured; messages wait in the outbox"
    sent = failed = 0
    with Session(engine, expire_on_commit=False) as session:
        while True:
            report = deliver_pending(session, config)
            sent, failed = sent + report.sent, failed + report.failed
            if report.error or report.sent + report.failed == 0:
                break
    if report.error:
        raise RuntimeError(report.error)
    return f"sent {sent}, refused {failed}, waiting {report.waiting}"


def print_jobs(engine: Engine) -> str:
    """Queued print jobs (agendas, table sheets, the grid), each claimed once."""
    from app.exports.jobs import process_pending_print_jobs

    return f"printed {process_pending_print_jobs()} job(s)"


TASKS: list[Task] = [
    Task("reminders", queue_reminders),
    Task("agreement-reminders", agreement_reminders),
    Task("print-jobs", print_jobs),
    Task("send-mail", send_outbox),  # last: sends what the tasks above queued
]


def register(name: str, run: TaskFunction, *, before: str | None = "send-mail") -> None:
    """Add a task (by default before the mail is sent)."""
    names = [t.name for t in TASKS]
    index = names.index(before) if before in names else len(TASKS)
    TASKS.insert(index, Task(name, run))


def run_once(engine: Engine, echo: Callable[[str], None] = log.info) -> bool:
    """One pass over every task; False when one of them failed."""
    ok = True
    for task in list(TASKS):
        try:
            echo(f"{task.name}: {task.run(engine)}")
        except Exception as exc:  # one task's failure must not stop the others
            log.exception("task %s failed", task.name)
            echo(f"{task.name}: FAILED: {type(exc).__name__}: {exc}")
            ok = False
    return ok


def run_forever(engine: Engine, interval_s: float, echo: Callable[[str], None] = log.info) -> None:
    """Run passes every ``interval_s`` seconds until SIGTERM or SIGINT (finishing the pass)."""
    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    while not stop.is_set():
        started = time.monotonic()
        run_once(engine, echo)
        stop.wait(max(0.0, interval_s - (time.monotonic() - started)))
