"""Pages of the imports module: upload a registration file, preview it with each problem next
to its row and cell, apply it; download the template and the exports."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from app.auth.models import User
from app.deps import Organiser, SessionDep
from app.events import service as events
from app.events.models import Event
from app.imports import service
from app.imports.messages import FILE_UNKNOWN_TYPE, Issue
from app.imports.models import ImportBatch, ImportStatus
from app.imports.service import ImportFileError, Report
from app.imports.spreadsheets import MAX_BYTES, MAX_ROWS
from app.imports.uploads import read_upload
from app.web import check_csrf, redirect, render

router = APIRouter(include_in_schema=False)

ERROR_ROWS_SHOWN = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _event(session: SessionDep, user: User, event_id: int) -> Event:
    event = events.managed_event(session, user, event_id)
    return event


def _cell_text(item: dict[str, Any], name: str) -> str:
    """A preview cell as a person reads it: names for the codes the row was read into
    ("Nuôi trồng thuỷ sản; Chế biến thực phẩm", not "aquaculture; food_processing")."""
    from app import vocab
    from app.i18n.render import current_locale

    raw = str(item.get("raw", {}).get(name, ""))
    values = item.get("values") or {}
    org = values.get("organisation") or {}
    locale = current_locale.get()
    if name == "sectors" and org.get("sectors"):
        return "; ".join(vocab.label(vocab.SECTORS, code, locale) for code in org["sectors"])
    if name == "kind" and org.get("kind"):
        return vocab.label(vocab.ORGANISATION_KINDS, org["kind"], locale)
    if name == "country" and org.get("country"):
        return vocab.label(vocab.COUNTRIES, org["country"], locale)
    if name == "languages" and values.get("languages"):
        return ", ".join(vocab.label(vocab.LANGUAGES, c, locale) for c in values["languages"])
    return raw


def _preview_context(batch: ImportBatch, report: Report | None) -> dict[str, Any]:
    by_row: dict[int, list[dict[str, Any]]] = {}
    file_issues = []
    for issue in batch.errors:
        if issue.get("row") is None:
            file_issues.append(issue)
        else:
            by_row.setdefault(issue["row"], []).append(issue)
    error_rows = [r for r in batch.rows if r["row"] in by_row][:ERROR_ROWS_SHOWN]
    orgs = [r["values"]["organisation"] for r in batch.rows if r["values"]["organisation"]]
    new_orgs = {(o["name_vi"].casefold(), o["country"]) for o in orgs if not o.get("existing_id")}
    existing_orgs = {o["existing_id"] for o in orgs if o.get("existing_id")}
    return {
        "batch": batch,
        "cell_text": _cell_text,
        "applied": batch.status == ImportStatus.applied.value,
        "valid": not batch.errors,
        "issues_by_row": by_row,
        "error_fields": {row: {i.get("field") for i in items} for row, items in by_row.items()},
        "file_issues": file_issues,
        "error_rows": error_rows,
        "error_row_count": len(by_row),
        "preview_rows": batch.rows[: service.PREVIEW_ROWS],
        "new_organisations": len(new_orgs),
        "existing_organisations": len(existing_orgs),
        "unknown_columns": report.unknown_columns if report else [],
        "ignored_columns": report.ignored_columns if report else [],
    }


def _page(
    request: Request,
    event: Event,
    *,
    batch: ImportBatch | None = None,
    report: Report | None = None,
    upload_error: Issue | None = None,
    done: ImportBatch | None = None,
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "event": event,
        "upload_error": upload_error,
        "done": done,
        "max_mb": MAX_BYTES // (1024 * 1024),
        "max_rows": MAX_ROWS,
    }
    if batch is not None:
        context.update(_preview_context(batch, report))
    return render(request, "imports/import.html", context, status_code=status_code)


@router.get("/events/{event_id:int}/import")
def import_page(
    event_id: int,
    request: Request,
    session: SessionDep,
    user: Organiser,
    batch: int | None = None,
    done: int | None = None,
) -> Response:
    event = _event(session, user, event_id)
    shown = (
        service.get_batch(session, actor=user, event_id=event_id, batch_id=batch)
        if batch is not None
        else None
    )
    applied = (
        service.get_batch(session, actor=user, event_id=event_id, batch_id=done)
        if done is not None
        else None
    )
    return _page(request, event, batch=shown, done=applied)


@router.post("/events/{event_id:int}/import")
def import_upload(
    event_id: int,
    request: Request,
    session: SessionDep,
    user: Organiser,
    file: Annotated[UploadFile | None, File()] = None,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf_token)
    event = _event(session, user, event_id)
    if file is None or not file.filename:
        return _page(request, event, upload_error=Issue(FILE_UNKNOWN_TYPE), status_code=422)
    try:
        report = service.preview_import(
            session, actor=user, event_id=event_id, filename=file.filename, data=read_upload(file)
        )
    except ImportFileError as exc:
        return _page(request, event, upload_error=exc.issue, status_code=exc.status)
    # Shown at once rather than after a redirect: the columns that were not imported are
    # part of this answer only (the batch keeps rows and problems).
    return _page(request, event, batch=report.batch, report=report)


@router.post("/events/{event_id:int}/import/{batch_id:int}/apply")
def import_apply(
    event_id: int,
    batch_id: int,
    request: Request,
    session: SessionDep,
    user: Organiser,
    csrf_token: Annotated[str, Form()] = "",
    invite: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf_token)
    event = _event(session, user, event_id)
    result = service.apply_batch(session, actor=user, event_id=event_id, batch_id=batch_id)
    if result.rejected:
        return _page(request, event, batch=result.batch, status_code=409)
    if invite and result.batch.kind == "participants":
        from app.accounts import service as accounts

        ids = service.imported_participant_ids(session, event_id=event_id, batch=result.batch)
        accounts.invite_all(session, actor=user, event=event, participant_ids=ids)
        return redirect(f"/events/{event_id}/participants", flash="invited")
    return redirect(f"/events/{event_id}/import?done={batch_id}")


@router.get("/events/{event_id:int}/import/template.xlsx")
def import_template(event_id: int, session: SessionDep, user: Organiser) -> Response:
    event = _event(session, user, event_id)
    name = f"mau-nhap-nguoi-tham-du-{service.slug(event.title_vi, 40) or 'event'}.xlsx"
    return Response(
        service.template_xlsx(),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
