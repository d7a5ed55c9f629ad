"""Form plumbing shared by the pages: reading a submitted form (with its CSRF check), ids from
query strings, field messages from validation and domain errors, and the save/re-render
pattern in which a refused save writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile  # what request.form() yields

from app.errors import DomainError
from app.i18n.render import pydantic_message
from app.web import check_csrf, form_errors


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


def errors_of(exc: ValidationError | DomainError) -> dict[str, str]:
    """Field name -> message, for showing each message next to its field."""
    out: dict[str, str] = {}
    if isinstance(exc, ValidationError):
        for error in exc.errors():
            loc = [str(p) for p in error.get("loc", ()) if not isinstance(p, int)]
            out.setdefault(loc[0] if loc else "__all__", pydantic_message(error))
        return out
    errors = form_errors(exc)
    # A conflict's detail says what happened in a sentence; keep it above the form as well.
    if exc.status == 409 and "__all__" not in errors:
        errors["__all__"] = exc.detail
    return errors


def submit_form(
    save: Callable[[], object],
    fail: Callable[[dict[str, str], int], Response],
    done: Callable[[], Response],
) -> Response:
    """Run a form's save; on bad input re-render the page with each message by its field.
    ``fail`` rolls the unit of work back first, so nothing is written. Permission and
    not-found problems stay error pages (log in, not allowed, nothing here)."""
    try:
        save()
    except ValidationError as exc:
        return fail(errors_of(exc), 422)
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        return fail(errors_of(exc), exc.status)
    return done()


def url_with(path: str, **params: Any) -> str:
    """``path`` with the non-empty parameters as a query string."""
    kept = {k: str(v) for k, v in params.items() if v not in (None, "")}
    return path + (f"?{urlencode(kept)}" if kept else "")
