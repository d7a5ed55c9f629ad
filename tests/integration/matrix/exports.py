"""Permission table for calendars, printed agendas and print jobs (see
tests/integration/matrix/common.py).

The personal routes name ``{participant_id}``: a member of a delegation headed by nobody in
the roles, whom the delegate may not act for, so the delegate's row is a 403 (a delegate
never reads another person's meetings); the delegate's own calendar, agenda and link are in
test_exports_api.py, as are the calendar tokens (a valid one needs no log-in, a wrong one is
a 404). ``{meeting_id}`` (from the meetings table) has no slot yet: those who get past the
permission checks learn that it has no time (409).

``build`` adds ``{job_id}``: a finished print job of the master grid, so that its status
and its download can be read.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

from sqlmodel import Session

from app.auth.models import User
from app.exports import jobs
from tests.integration.matrix.common import Call, E, act_for, read, write

# Each case builds a world with a print job: keep their files in a temporary folder, not in
# the project's var/ (tests/conftest.py may set KETNOI_VAR_DIR for every test instead).
os.environ.setdefault("KETNOI_VAR_DIR", tempfile.mkdtemp(prefix="ketnoi-print-jobs-"))

PERSON = E + "/participants/{participant_id}"
JOB = E + "/print-jobs/{job_id}"


def someone_else(ok: int) -> dict[tuple[str, str], int]:
    """Acting for a person the delegate may not act for: organisers only; a draft event
    stays a 404 for the delegate, as everywhere."""
    out = write(ok)
    out[("delegate", "draft")] = 404
    return out


# Rows of these areas are needed too ({meeting_id} comes from the meetings area).
USES = ("meetings",)

MATRIX: dict[tuple[str, str], Call] = {
    ("GET", E + "/calendar.ics"): Call(read(200)),
    ("GET", PERSON + "/calendar.ics"): Call(someone_else(200)),
    ("POST", PERSON + "/calendar-token"): Call(someone_else(201)),
    ("DELETE", PERSON + "/calendar-token"): Call(someone_else(204)),
    ("GET", E + "/meetings/{meeting_id}/calendar.ics"): Call(act_for(409)),
    ("GET", PERSON + "/agenda.pdf"): Call(someone_else(200)),
    ("GET", E + "/agendas.pdf"): Call(write(200)),
    ("GET", E + "/tables.pdf"): Call(write(200)),
    ("GET", E + "/grid.pdf"): Call(write(200)),
    ("POST", E + "/print-jobs"): Call(write(202), {"what": "grid"}),
    ("GET", JOB): Call(write(200)),
    ("GET", JOB + "/download"): Call(write(200)),
}


_printed: list[bytes] = []


def build(db: Session, users: dict[str, User], target: Any) -> dict[str, Any]:
    job = jobs.create_job(
        db, actor=users["own_organiser"], event_id=target.event_id, what=jobs.PrintWhat.grid
    )
    db.commit()  # as the request would: the runner reports progress in its own transactions
    # Every case of the matrix builds a world: render the (empty) grid once per test run
    # and store that file for the later worlds' jobs.
    if _printed:
        jobs.finish(job, _printed[0], db)
    else:
        jobs.execute(db, job)
        _printed.append(jobs.pdf_bytes(job.id, db) or b"")
    return {"job_id": job.id}
