"""Print jobs: the organisers' big PDFs (500 agendas take about a minute) rendered in the
background, with progress the print page can poll and a download when done.

Nothing is kept in a process's memory or on a local disk: the app runs as several workers,
possibly on several machines, and the poll for a job may reach another process than the one
printing it. A job is a row of ``print_job`` and, when done, its PDF in the same row. A
worker that dies mid-job leaves a status that stops being updated; after ``STALE_AFTER`` it
reads as failed.
"""

from __future__ import annotations

import logging
import re
import resource
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, update
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.auth.models import User
from app.db import session_scope
from app.errors import Conflict, FieldError, Invalid, NotFound
from app.events import service as events
from app.events.models import Event
from app.exports import pdf, service
from app.exports.models import PrintJobRow
from app.i18n.documents import SECOND_LANGUAGES
from app.outcomes import report, rows
from app.settings import get_settings
from app.types import pk, utcnow

log = logging.getLogger("ketnoi.exports")

JOB_ID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
STALE_AFTER = timedelta(minutes=10)  # no progress for this long: the worker is gone
KEEP_FOR = timedelta(hours=24)  # finished jobs and their PDFs are removed after a day
MAX_PDF_BYTES = 256 * 2**20  # one PDF in the database: 1,500 agendas take about 40 MB


class PrintWhat(StrEnum):
    agendas = "agendas"
    tables = "tables"
    grid = "grid"
    report = "report"  # the organisers' report for leadership (app.outcomes.report)
    report_rows = "report_rows"  # its underlying rows, one XLSX sheet per table


REPORTS = (PrintWhat.report, PrintWhat.report_rows)  # the whole event, never one session


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


@dataclass
class PrintJob:
    id: str
    event_id: int
    what: str
    status: str
    created_at: str  # ISO 8601, UTC
    updated_at: str
    session_id: int | None = None
    delegation_id: int | None = None
    by_delegation: bool = False
    lang: str = "vi"
    # The second language of the headings after Vietnamese (app.i18n.documents).
    second: str = "en"
    done: int = 0
    total: int = 0
    error: str = ""
    filename: str = ""
    created_by_id: int | None = None

    @property
    def updated(self) -> datetime:
        return datetime.fromisoformat(self.updated_at)

    def is_stale(self, now: datetime | None = None) -> bool:
        unfinished = self.status in (JobStatus.queued, JobStatus.running)
        return unfinished and (now or utcnow()) - self.updated > STALE_AFTER


# ---- storage -------------------------------------------------------------------------------
# With the caller's session (a request), rows are written in its transaction; without one (a
# runner reporting progress), each write is its own short transaction that others see at once.


@contextmanager
def _scope(session: Session | None) -> Iterator[Session]:
    if session is not None:
        yield session
        session.flush()
        return
    with session_scope() as own:
        yield own


_FIELDS = tuple(f for f in PrintJob.__dataclass_fields__ if f not in ("created_at", "updated_at"))


def _to_job(row: PrintJobRow) -> PrintJob:
    values = {f: getattr(row, f) for f in _FIELDS}
    return PrintJob(
        **values, created_at=row.created_at.isoformat(), updated_at=row.updated_at.isoformat()
    )


def save(job: PrintJob, session: Session | None = None) -> None:
    now = utcnow()
    job.updated_at = now.isoformat()
    with _scope(session) as session:
        values = {f: getattr(job, f) for f in _FIELDS if f != "id"}
        values["error"] = job.error[:500]
        row = session.get(PrintJobRow, job.id)
        if row is None:
            created = datetime.fromisoformat(job.created_at)
            row = PrintJobRow(id=job.id, created_at=created, updated_at=now, **values)
        else:
            row.sqlmodel_update({**values, "updated_at": now})
        session.add(row)


def load(job_id: str, session: Session | None = None) -> PrintJob | None:
    if not JOB_ID.match(job_id):
        return None
    with _scope(session) as session:
        row = session.exec(_without_body().where(PrintJobRow.id == job_id)).first()
        return None if row is None else _to_job(row)


def _without_body() -> SelectOfScalar[PrintJobRow]:
    return select(PrintJobRow).options(defer(PrintJobRow.body))  # type: ignore[arg-type]


def pdf_bytes(job_id: str, session: Session | None = None) -> bytes | None:
    """The finished job's PDF, or None."""
    with _scope(session) as session:
        row = session.get(PrintJobRow, job_id)
        return None if row is None else row.body


def recent_jobs(event_id: int, limit: int = 10, session: Session | None = None) -> list[PrintJob]:
    """The event's latest print jobs, newest first, so that a print can be found again."""
    with _scope(session) as session:
        rows = session.exec(
            _without_body()
            .where(PrintJobRow.event_id == event_id)
            .order_by(col(PrintJobRow.created_at).desc(), col(PrintJobRow.id))
            .limit(limit)
        ).all()
        return [_to_job(row) for row in rows]


def purge_old(now: datetime | None = None, session: Session | None = None) -> int:
    """Remove jobs and their PDFs not changed for ``KEEP_FOR``."""
    limit = (now or utcnow()) - KEEP_FOR
    with _scope(session) as session:
        result = session.execute(delete(PrintJobRow).where(col(PrintJobRow.updated_at) < limit))
        return int(getattr(result, "rowcount", 0) or 0)


# ---- operations ----------------------------------------------------------------------------


def create_job(
    session: Session,
    *,
    actor: User,
    event_id: int,
    what: PrintWhat,
    session_id: int | None = None,
    delegation_id: int | None = None,
    by_delegation: bool = False,
    lang: str | None = None,
    second: str | None = None,
) -> PrintJob:
    """Check the organiser and the filters, and queue the job; the caller then ``start``s it
    (after the response: the job must be committed before another process looks for it)."""
    event = events.managed_event(session, actor, event_id)
    service.check_print_filters(session, event, session_id=session_id, delegation_id=delegation_id)
    if what != PrintWhat.agendas and delegation_id is not None:
        raise Invalid("delegation_id", "only agendas can be printed per delegation")
    if what in REPORTS and session_id is not None:
        raise Invalid("session_id", "the report covers the whole event")
    if second is not None and second not in SECOND_LANGUAGES:
        raise Invalid("second", "choose one of the languages listed")
    purge_old(session=session)
    now = utcnow().isoformat()
    job = PrintJob(
        id=secrets.token_urlsafe(18),
        event_id=pk(event),
        what=what.value,
        status=JobStatus.queued.value,
        created_at=now,
        updated_at=now,
        session_id=session_id,
        delegation_id=delegation_id,
        by_delegation=by_delegation,
        lang=service.chosen_locale(lang, "vi"),
        second=second or "en",
        created_by_id=actor.id,
    )
    save(job, session)
    return job


def get_job(session: Session, *, actor: User, event_id: int, job_id: str) -> PrintJob:
    events.managed_event(session, actor, event_id)
    job = load(job_id, session)
    if job is None or job.event_id != event_id:
        raise NotFound("Print job", job_id)
    if job.is_stale():
        job.status = JobStatus.failed.value
        job.error = "the print job stopped without finishing; start it again"
    return job


def job_file(session: Session, *, actor: User, event_id: int, job_id: str) -> tuple[bytes, str]:
    job = get_job(session, actor=actor, event_id=event_id, job_id=job_id)
    body = pdf_bytes(job.id, session) if job.status == JobStatus.done.value else None
    if body is None:
        raise Conflict("the print job has not finished", [FieldError("status", job.status)])
    return body, job.filename or file_name(event_id, job.what)


def file_name(event_id: int, what: str) -> str:
    """A job's download name: the report's rows are a spreadsheet, every other job a PDF."""
    suffix = "xlsx" if what == PrintWhat.report_rows.value else "pdf"
    return f"ketnoi-{event_id}-{what.replace('_', '-')}.{suffix}"


def _render(session: Session, job: PrintJob, event: Event) -> bytes:
    view = service.event_view(event)
    if job.what == PrintWhat.agendas.value:
        agendas = service.agenda_views(
            session, event, delegation_id=job.delegation_id, session_id=job.session_id
        )
        job.total = len(agendas)
        save(job)
        last = time.monotonic()

        def progress(done: int, total: int) -> None:
            nonlocal last
            job.done, job.total = done, total
            # A status write per chunk, at most one a second: cheap, and enough for a bar.
            if time.monotonic() - last >= 1.0 or done == total:
                save(job)
                last = time.monotonic()

        return pdf.render_agendas(view, agendas, by_delegation=job.by_delegation, progress=progress)
    job.total = 1
    save(job)
    if job.what == PrintWhat.report.value:
        body = report.render_report_pdf(report.event_report_view(session, event))
    elif job.what == PrintWhat.report_rows.value:
        body = report.report_xlsx(rows.report_sheets(session, event), timezone=event.timezone)
    elif job.what == PrintWhat.tables.value:
        sheets = service.table_sheet_views(session, event, session_id=job.session_id)
        body = pdf.render_table_sheets(view, sheets, locale=job.lang, second=job.second)
    else:
        grids = service.grid_views(session, event, session_id=job.session_id)
        body = pdf.render_grid(view, grids, locale=job.lang, second=job.second)
    job.done = 1
    return body


def execute(session: Session, job: PrintJob) -> None:
    """Render the job with ``session`` and store its PDF; the status says done at the end."""
    event = session.get(Event, job.event_id)
    if event is None:
        raise NotFound("Event", job.event_id)
    finish(job, _render(session, job, event), session)


def finish(job: PrintJob, body: bytes, session: Session | None = None) -> None:
    """Store the job's PDF and mark it done in one transaction: "done" always has a file."""
    if len(body) > MAX_PDF_BYTES:
        raise ValueError(
            f"the PDF is {len(body) // 2**20} MB, more than {MAX_PDF_BYTES // 2**20} MB: "
            "print it in parts (per B2B session or per delegation)"
        )
    job.status = JobStatus.done.value
    job.filename = file_name(job.event_id, job.what)
    with _scope(session) as session:
        save(job, session)
        session.execute(
            update(PrintJobRow)
            .where(col(PrintJobRow.id) == job.id)
            .values(body=body, size=len(body))
        )


def _claim(job_id: str) -> bool:
    """One runner per job, whatever process or machine starts it: the update from queued to
    running succeeds for exactly one of them."""
    with session_scope() as session:
        result = session.execute(
            update(PrintJobRow)
            .where(col(PrintJobRow.id) == job_id, col(PrintJobRow.status) == JobStatus.queued)
            .values(status=JobStatus.running.value, updated_at=utcnow())
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1


def run_job(job_id: str) -> bool:
    """Render one job (in a worker thread, after the response was sent): its own database
    session, its status file updated as it advances; a failure is recorded, never raised.
    Returns whether this call ran it (False: not queued, or another runner claimed it)."""
    job = load(job_id)
    if job is None or job.status != JobStatus.queued.value or not _claim(job_id):
        return False
    job.status = JobStatus.running.value
    save(job)
    started = time.monotonic()
    try:
        with session_scope() as session:
            execute(session, job)
    except Exception as exc:
        log.exception("print job %s (%s, event %s) failed", job.id, job.what, job.event_id)
        job.status = JobStatus.failed.value
        job.error = str(exc)[:500] or type(exc).__name__
        save(job)
        return True
    log.info(
        "print job %s: %s of event %s, %d items in %.1f s",
        job.id,
        job.what,
        job.event_id,
        job.total,
        time.monotonic() - started,
    )
    return True


def start(job_id: str) -> None:
    """Run a queued job where the settings say (``print_jobs``): in a separate process by
    default, so that rendering 1,500 agendas never grows a web worker. A job whose process
    could not be started stays queued for ``ketnoi worker``."""
    mode = get_settings().print_jobs
    if mode == "thread":
        run_job(job_id)
        return
    if mode == "worker":
        return
    try:
        child = subprocess.Popen(
            # "--": an id may start with "-" (1 in 64 do), which must not read as an option
            [sys.executable, "-m", "app.cli", "print-job", "--", job_id],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            start_new_session=True,  # not stopped by the web worker's signals
        )
    except OSError:
        log.exception("print job %s: no process started; it waits for ketnoi worker", job_id)
        return
    # Reap it when it ends (no zombie left behind in a long-lived web worker).
    threading.Thread(target=child.wait, name=f"print-job-{job_id[:6]}", daemon=True).start()


def run_in_this_process(job_id: str) -> bool:
    """``ketnoi print-job ID``: run one job with at most ``print_memory_limit_mb`` of address
    space (a runaway document fails the job, not the machine)."""
    limit = get_settings().print_memory_limit_mb * 2**20
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or limit < hard:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    return run_job(job_id)


def process_pending_print_jobs(limit: int | None = None) -> int:
    """Run the queued print jobs, oldest first (at most ``limit``), each claimed so that
    several workers never render one job twice; for a worker process:
    ``jobs.process_pending_print_jobs()``. Returns how many this call ran."""
    with session_scope() as session:
        ids = list(
            session.exec(
                select(PrintJobRow.id)
                .where(PrintJobRow.status == JobStatus.queued.value)
                .order_by(col(PrintJobRow.created_at), col(PrintJobRow.id))
                .limit(limit)
            ).all()
        )
    return sum(run_job(job_id) for job_id in ids)
