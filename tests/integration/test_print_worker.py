"""Queued print jobs run through ``process_pending_print_jobs`` (what a worker process calls):
each job once, whoever else tries to run it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.models import User
from app.exports import jobs
from bench.scale_builder import build

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def test_queued_jobs_run_once_each(
    client: TestClient, db: Session, organiser: User, organiser_headers: dict[str, str]
) -> None:
    scale = build(
        client, db, organiser_headers, people=10, meetings=10, requests=0, tables=5, slots=4
    )
    job = jobs.create_job(
        db,
        actor=organiser,
        event_id=scale.event_id,
        what=jobs.PrintWhat.tables,
        session_id=scale.session_ids[0],
    )
    db.commit()  # what the request's unit of work does before the worker can see the job
    # The worker's pass runs it (``ketnoi worker`` calls the same task).
    from app.db import get_engine
    from app.worker import TASKS

    task = next(t for t in TASKS if t.name == "print-jobs")
    assert task.run(get_engine()) == "printed 1 job(s)"
    done = jobs.load(job.id)
    assert done is not None
    assert done.status == jobs.JobStatus.done.value, done.error
    assert (jobs.pdf_bytes(job.id) or b"").startswith(b"%PDF")
    # Nothing left to run; the web worker's own start of the same job does nothing either.
    assert jobs.process_pending_print_jobs() == 0
    assert jobs.run_job(job.id) is False
