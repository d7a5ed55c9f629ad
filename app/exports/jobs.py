"""Print jobs: the organisers' big PDFs (500 agendas take about a minute) rendered in the
background, with progress the print page can poll and a download when done.

Nothing is kept in a process's memory: the app runs as several workers, and the poll for a
job may reach another worker than the one printing it. A job is a JSON status file and,
when done, a PDF beside it under ``<var_dir>/print-jobs/``, each written to a temporary
file and renamed into place, so that a reader never sees half a file. A worker that dies
mid-job leaves a status that stops being updated; after ``STALE_AFTER`` it reads as failed.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlmodel import Session

from app.auth.models import User
from app.db import session_scope
from app.errors import Conflict, FieldError, Invalid, NotFound
from app.events import service as events
from app.events.models import Event
from app.exports import pdf, service
from app.i18n.documents import SECOND_LANGUAGES
from app.settings import get_settings
from app.types import pk, utcnow

log = logging.getLogger("ketnoi.exports")

JOB_ID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
STALE_AFTER = timedelta(minutes=10)  # no progress for this long: the worker is gone
KEEP_FOR = timedelta(hours=24)  # finished jobs and their PDFs are removed after a day


class PrintWhat(StrEnum):
    agendas = "agendas"
    tables = "tables"
    grid = "grid"


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


# ---- files ---------------------------------------------------------------------------------


def jobs_dir() -> Path:
    folder = Path(get_settings().var_dir) / "print-jobs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _status_path(job_id: str) -> Path:
    return jobs_dir() / f"{job_id}.json"


def pdf_path(job_id: str) -> Path:
    return jobs_dir() / f"{job_id}.pdf"


def _write_atomic(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def save(job: PrintJob) -> None:
    job.updated_at = utcnow().isoformat()
    _write_atomic(_status_path(job.id), json.dumps(asdict(job)).encode())


def load(job_id: str) -> PrintJob | None:
    if not JOB_ID.match(job_id):  # never a path outside the jobs folder
        return None
    try:
        data: dict[str, Any] = json.loads(_status_path(job_id).read_bytes())
    except (FileNotFoundError, ValueError):
        return None
    return PrintJob(**data)


def recent_jobs(event_id: int, limit: int = 10) -> list[PrintJob]:
    """The event's latest print jobs, newest first, so that a print can be found again."""
    found = []
    for path in jobs_dir().glob("*.json"):
        job = load(path.stem)
        if job is not None and job.event_id == event_id:
            found.append(job)
    found.sort(key=lambda j: j.created_at, reverse=True)
    return found[:limit]


def purge_old(now: datetime | None = None) -> int:
    """Remove jobs (and leftovers of interrupted writes) older than ``KEEP_FOR``."""
    limit = (now or utcnow()).timestamp() - KEEP_FOR.total_seconds()
    removed = 0
    for path in jobs_dir().iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another worker removed it first
            continue
    return removed


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
    """Check the organiser and the filters, and queue the job; the caller runs ``run_job``
    in the background."""
    event = events.managed_event(session, actor, event_id)
    service.check_print_filters(session, event, session_id=session_id, delegation_id=delegation_id)
    if what != PrintWhat.agendas and delegation_id is not None:
        raise Invalid("delegation_id", "only agendas can be printed per delegation")
    if second is not None and second not in SECOND_LANGUAGES:
        raise Invalid("second", "choose one of the languages listed")
    purge_old()
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
    save(job)
    return job


def get_job(session: Session, *, actor: User, event_id: int, job_id: str) -> PrintJob:
    events.managed_event(session, actor, event_id)
    job = load(job_id)
    if job is None or job.event_id != event_id:
        raise NotFound("Print job", job_id)
    if job.is_stale():
        job.status = JobStatus.failed.value
        job.error = "the print job stopped without finishing; start it again"
    return job


def job_file(session: Session, *, actor: User, event_id: int, job_id: str) -> tuple[Path, str]:
    job = get_job(session, actor=actor, event_id=event_id, job_id=job_id)
    path = pdf_path(job.id)
    if job.status != JobStatus.done.value or not path.is_file():
        raise Conflict("the print job has not finished", [FieldError("status", job.status)])
    return path, job.filename or f"ketnoi-{event_id}-{job.what}.pdf"


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

        return pdf.render_agendas(
            view, agendas, by_delegation=job.by_delegation, progress=progress, chunk_size=10
        )
    job.total = 1
    save(job)
    if job.what == PrintWhat.tables.value:
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
    finish(job, _render(session, job, event))


def finish(job: PrintJob, body: bytes) -> None:
    """Store the job's PDF, then mark it done (in that order: "done" always has a file)."""
    _write_atomic(pdf_path(job.id), body)
    job.status = JobStatus.done.value
    job.filename = f"ketnoi-{job.event_id}-{job.what}.pdf"
    save(job)


def _claim(job_id: str) -> bool:
    """One runner per job, whether threads of a web worker or ``ketnoi worker`` processes
    sharing the folder start it: the exclusive creation of a claim file decides."""
    try:
        handle = os.open(jobs_dir() / f"{job_id}.claim", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return False
    os.close(handle)
    return True


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


def process_pending_print_jobs(limit: int | None = None) -> int:
    """Run the queued print jobs, oldest first (at most ``limit``), each claimed so that
    several workers never render one job twice; for a worker process:
    ``jobs.process_pending_print_jobs()``. Returns how many this call ran."""
    queued = []
    for path in jobs_dir().glob("*.json"):
        job = load(path.stem)
        if job is not None and job.status == JobStatus.queued.value:
            queued.append(job)
    queued.sort(key=lambda j: j.created_at)
    return sum(run_job(job.id) for job in (queued[:limit] if limit is not None else queued))
