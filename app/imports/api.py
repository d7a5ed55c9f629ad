"""JSON API of the imports module: upload and preview, apply, re-read; exports."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Request, Response, UploadFile

from app.deps import Organiser, SessionDep
from app.imports import service
from app.imports.models import (
    ImportApplied,
    ImportBatch,
    ImportIssuePublic,
    ImportKind,
    ImportPreview,
    ImportRowPublic,
    ImportStatus,
)
from app.imports.uploads import read_upload
from app.problems import problem
from app.types import DbInt

router = APIRouter(prefix="/api/v1/events", tags=["imports"])


def _row_public(item: dict[str, Any]) -> ImportRowPublic:
    values = item["values"]
    org = values.get("organisation") or None
    return ImportRowPublic(
        row=item["row"],
        full_name=values["full_name"],
        name_local=values["name_local"],
        email=values["email"],
        phone=values["phone"],
        position=values["position"],
        organisation=org["name_vi"] if org else None,
        organisation_id=org.get("existing_id") if org else None,
        country=org["country"] if org else None,
        sectors=org["sectors"] if org else [],
        languages=values["languages"],
        role=values["role"],
        delegation=values["delegation"],
        meeting_cap=values["meeting_cap"],
    )


def preview_public(
    batch: ImportBatch, *, unknown: list[str] | None = None, ignored: list[str] | None = None
) -> ImportPreview:
    return ImportPreview(
        batch_id=batch.id,
        kind=ImportKind(batch.kind),
        status=ImportStatus(batch.status),
        filename=batch.filename,
        rows=len(batch.rows),
        valid=not batch.errors,
        errors=[ImportIssuePublic.model_validate(e) for e in batch.errors],
        preview=[_row_public(r) for r in batch.rows[: service.PREVIEW_ROWS]],
        unknown_columns=unknown or [],
        ignored_columns=ignored or [],
        created_at=batch.created_at if batch.id is not None else None,
        applied_at=batch.applied_at,
    )


@router.post("/{event_id}/import", response_model=ImportPreview, status_code=201)
def upload_import(
    event_id: DbInt,
    session: SessionDep,
    user: Organiser,
    response: Response,
    file: Annotated[UploadFile, File(description="CSV (UTF-8) or Excel workbook (.xlsx)")],
    kind: Annotated[Literal["participants"], Form()] = "participants",
    dry_run: bool = False,
) -> ImportPreview:
    """Read and check a registration file. Nothing is written to the event: the rows are
    stored as a batch to preview and apply (``dry_run``: not even that)."""
    report = service.preview_import(
        session,
        actor=user,
        event_id=event_id,
        filename=file.filename or "upload",
        data=read_upload(file),
        kind=ImportKind(kind),
        dry_run=dry_run,
    )
    if dry_run:
        response.status_code = 200
    else:
        response.headers["Location"] = f"/api/v1/events/{event_id}/import/{report.batch.id}"
    return preview_public(
        report.batch, unknown=report.unknown_columns, ignored=report.ignored_columns
    )


@router.get("/{event_id}/import/{batch_id}", response_model=ImportPreview)
def read_import(
    event_id: DbInt, batch_id: DbInt, session: SessionDep, user: Organiser
) -> ImportPreview:
    return preview_public(
        service.get_batch(session, actor=user, event_id=event_id, batch_id=batch_id)
    )


@router.post(
    "/{event_id}/import/{batch_id}/apply",
    response_model=ImportApplied,
    responses={409: {"description": "already applied, or the rows no longer pass the checks"}},
)
def apply_import(
    event_id: DbInt, batch_id: DbInt, request: Request, session: SessionDep, user: Organiser
) -> Any:
    result = service.apply_batch(session, actor=user, event_id=event_id, batch_id=batch_id)
    if result.rejected:
        # Returned, not raised: the unit of work commits the batch's refreshed problems, so
        # that re-reading the preview shows why it was refused.
        return problem(
            request,
            status=409,
            title="Conflict",
            type_slug="conflict",
            detail=(
                f"{len(result.rejected)} row problem(s) appeared since the preview "
                "(for example someone registered meanwhile); nothing was written"
            ),
            errors=[
                {"field": e.field, "message": e.message}
                for e in service.issue_fields(result.rejected)
            ],
        )
    return ImportApplied(
        batch_id=batch_id,
        status=ImportStatus(result.batch.status),
        participants_created=len(result.participants),
        organisations_created=result.organisations_created,
        organisations_matched=result.organisations_matched,
    )


@router.get(
    "/{event_id}/export",
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/csv": {},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
            }
        }
    },
)
def export(
    event_id: DbInt,
    session: SessionDep,
    user: Organiser,
    what: Literal["participants", "profiles"] = "participants",
    format: Literal["csv", "xlsx"] = "xlsx",
) -> Response:
    """Participants or profiles as CSV (UTF-8 with BOM) or Excel; the participants file can
    be imported again."""
    result = service.export(session, actor=user, event_id=event_id, what=what, fmt=format)
    return Response(
        content=result.content,
        media_type=result.media_type,
        headers={"Content-Disposition": result.disposition, "Cache-Control": "no-store"},
    )
