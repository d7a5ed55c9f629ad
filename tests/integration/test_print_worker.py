"""Queued print jobs run through ``process_pending_print_jobs`` (what a worker process calls):
each job once, whoever else tries to run it."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.models import User
from app.exports import jobs
from app.settings import get_settings
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


def test_a_print_job_renders_in_a_process_of_its_own(
    client: TestClient,
    db: Session,
    organiser_headers: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The production setting: the request queues the job and starts ``ketnoi print-job``;
    the web process never renders (its own run_job would fail the test), and the job's
    status reaches "done" with a PDF that every process can read."""
    scale = build(
        client, db, organiser_headers, people=10, meetings=10, requests=0, tables=5, slots=4
    )
    db.commit()
    monkeypatch.setattr(get_settings(), "print_jobs", "process")

    def not_here(job_id: str) -> bool:
        raise AssertionError("the web process rendered the job")

    monkeypatch.setattr(jobs, "run_job", not_here)
    # The job's id starts with "-" here, as 1 in 64 random ids do: the child's command line
    # must not read it as an option (it did: "No such option: -O", the job stayed queued).
    real_token = jobs.secrets.token_urlsafe
    monkeypatch.setattr(jobs.secrets, "token_urlsafe", lambda n=None: "-O" + real_token(n)[2:])
    response = client.post(
        f"/api/v1/events/{scale.event_id}/print-jobs",
        json={"what": "tables", "session_id": scale.session_ids[0]},
        headers=organiser_headers,
    )
    assert response.status_code == 202, response.text
    url = response.headers["Location"]
    deadline = time.monotonic() + 90
    status = response.json()["status"]
    while status in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.5)
        status = client.get(url, headers=organiser_headers).json()["status"]
    assert status == "done"
    download = client.get(url + "/download", headers=organiser_headers)
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF")
