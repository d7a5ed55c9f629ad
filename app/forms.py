"""Form plumbing shared by the pages: reading a submitted form (with its CSRF check), ids from
query strings, field messages from validation and domain errors, and the save/re-render
pattern in which a refused save writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import anyio.to_thread
from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session
from starlette.datastructures import UploadFile  # what request.form() yields

from app.errors import DomainError
from app.i18n.render import pydantic_message
from app.web import check_csrf


class Form:
    """A submitted form: single values, repeated values (checkboxes) and files."""

    def __init__(
        self,
        values: dict[str, str],
        lists: dict[str, list[str]],
        files: dict[str, UploadFile] | None = None,
    ) -> None:
        self.values = values
        self.lists = lists
        self.files = files or {}

    def get(self, key: str, default: str = "") -> str:
        return self.values.get(key, default).strip()

    def many(self, key: str) -> list[str]:
        return [v.strip() for v in self.lists.get(key, []) if v.strip()]


async def read_form(request: Request) -> Form:
    """The submitted form, after checking its CSRF token (a refusal is a 403 page)."""
    data = await request.form()
    values: dict[str, str] = {}
    lists: dict[str, list[str]] = {}
    files: dict[str, UploadFile] = {}
    for key, value in data.multi_items():
        if isinstance(value, str):
            values[key] = value
            lists.setdefault(key, []).append(value)
        elif isinstance(value, UploadFile):
            files[key] = value
    check_csrf(request, values.pop("csrf_token", None))
    return Form(values, lists, files)


def positive_int(value: str | None) -> int | None:
    """A positive id from a query string or a form, or None for anything else."""
    value = (value or "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 12:
        return None
    number = int(value)
    return number if number > 0 else None


Rename = Callable[[list[str]], str]


def first_part(parts: list[str]) -> str:
    """The form field of an error location: its first part (``languages[2]`` -> ``languages``)."""
    return parts[0] if parts else "__all__"


def errors_of(exc: ValidationError | DomainError, rename: Rename = first_part) -> dict[str, str]:
    """Field name -> message, for showing each message next to its field (the first message
    of a field wins). ``rename`` maps an error's location (``["organisation", "name_vi"]``) to
    the form's field name. A conflict's sentence also goes above the form."""
    out: dict[str, str] = {}
    if isinstance(exc, ValidationError):
        for error in exc.errors():
            parts = [str(p) for p in error.get("loc", ()) if not isinstance(p, int)]
            out.setdefault(rename(parts), pydantic_message(error))
        return out
    for item in exc.errors:
        parts = [p.split("[")[0] for p in item.field.split(".") if p.split("[")[0]]
        out.setdefault(rename(parts), item.message)
    if not out or (exc.status == 409 and "__all__" not in out):
        out["__all__"] = exc.detail
    return out


def submit_form(
    session: Session,
    save: Callable[[], object],
    fail: Callable[[dict[str, str], int], Response],
    done: Callable[[], Response],
    *,
    rename: Rename = first_part,
) -> Response:
    """The one way a page saves a form. Run ``save``; on bad input roll the unit of work back
    (nothing of the attempt is written) and re-render with ``fail(errors, status)``, every
    message beside its field; else ``done()``. Not logged in and not found stay error pages,
    and so does a refusal (403) unless it names a field of the form."""
    try:
        save()
    except ValidationError as exc:
        session.rollback()
        return fail(errors_of(exc, rename), 422)
    except DomainError as exc:
        if exc.status in (401, 404) or (exc.status == 403 and not exc.errors):
            raise
        session.rollback()
        return fail(errors_of(exc, rename), exc.status)
    return done()


async def submit_form_apart(
    session: Session,
    save: Callable[[], object],
    fail: Callable[[dict[str, str], int], Response],
    done: Callable[[], Response],
) -> Response:
    """``submit_form`` in a worker thread, for an ``async`` route whose save takes seconds (a
    schedule run, a publication that queues an e-mail per person): the event loop goes on
    serving everyone else meanwhile."""
    return await anyio.to_thread.run_sync(lambda: submit_form(session, save, fail, done))


def url_with(path: str, **params: Any) -> str:
    """``path`` with the non-empty parameters as a query string."""
    kept = {k: str(v) for k, v in params.items() if v not in (None, "")}
    return path + (f"?{urlencode(kept)}" if kept else "")
