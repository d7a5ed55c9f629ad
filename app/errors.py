"""Domain errors raised by services; app.main maps them to problem+json and HTML pages.

Every message is a template in English with named parameters, marked with ``_l`` (or a
plain literal) so that extraction (app.i18n.extract) finds it; app.problems and the pages
render it in the request's language (app.i18n.render). Each error and field error carries a
stable ``code`` for programs: given, or derived from the template's words."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


class Msg(str):
    """A translatable message: its ``str`` value is the English text, ``template`` and
    ``params`` let app.i18n.render give it in another language."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, /, **params: Any) -> Msg:
        text = _fill(template, {k: str(v) for k, v in params.items()}) if params else template
        obj = super().__new__(cls, text)
        obj.template = template
        obj.params = params
        return obj


def _fill(template: str, values: dict[str, str]) -> str:
    """``{name}`` placeholders, or ``%(name)s`` ones (the import messages' style)."""
    return template % values if "%(" in template else template.format(**values)


def _l(template: str, /, **params: Any) -> Msg:
    """Mark an error message for extraction; ``{name}`` placeholders take ``params``."""
    return Msg(template, **params)


def message_code(message: str, fallback: str = "error") -> str:
    """A stable code from a message template's words: 'table {table} is already taken in
    slot {slot}' -> 'table_is_already_taken_in_slot'."""
    template = message.template if isinstance(message, Msg) else message
    words = re.findall(r"[a-z]+", re.sub(r"\{[^}]*\}", " ", template.lower()))
    return "_".join(words[:6]) or fallback


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str
    code: str = ""

    def __post_init__(self) -> None:
        if not self.code:
            object.__setattr__(self, "code", message_code(self.message, "invalid"))


@dataclass
class DomainError(Exception):
    detail: str
    status: int = 400
    title: str = "Bad request"
    type_slug: str = "bad-request"
    errors: list[FieldError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    code: str = ""
    # what a person can do about it, for the HTML error page: "register" (for the event)
    next_step: str = ""

    def __post_init__(self) -> None:
        if not self.code:
            self.code = message_code(self.detail, self.type_slug.replace("-", "_"))

    def __str__(self) -> str:
        return self.detail


class NotFound(DomainError):
    def __init__(self, what: str, ident: object | None = None) -> None:
        thing = Msg(what)
        detail = (
            _l("{what} {ident} not found", what=thing, ident=ident)
            if ident is not None
            else _l("{what} not found", what=thing)
        )
        super().__init__(detail=detail, status=404, title="Not found", type_slug="not-found")
        self.code = "not_found"


class Conflict(DomainError):
    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(
            detail=detail, status=409, title="Conflict", type_slug="conflict", errors=errors or []
        )


class Forbidden(DomainError):
    def __init__(self, detail: str = "You are not allowed to do this") -> None:
        super().__init__(detail=detail, status=403, title="Forbidden", type_slug="forbidden")


class NotRegistered(Forbidden):
    """Refused because the person has no registration for the event: the error page offers
    the registration form rather than a dead end."""

    def __init__(self, detail: str = "You are not registered for this event") -> None:
        super().__init__(detail)
        self.next_step = "register"


class FormExpired(Forbidden):
    """A page's form refused by its CSRF check (its token no longer matches the browser's
    anchor cookie: a tab restored after the browser was closed, cookies cleared): the error
    page says nothing was saved and opens the form again, rather than a bare refusal."""

    def __init__(self) -> None:
        super().__init__(
            "Nothing was saved: the form had expired or did not come from this site. "
            "Open it again and send it once more."
        )
        self.next_step = "reopen"


class Unauthorized(DomainError):
    def __init__(self, detail: str = "Authentication required") -> None:
        super().__init__(
            detail=detail,
            status=401,
            title="Unauthorized",
            type_slug="unauthorized",
            headers={"WWW-Authenticate": "Bearer"},
        )


class TooManyRequests(DomainError):
    def __init__(self, detail: str, retry_after_s: int) -> None:
        super().__init__(
            detail=detail,
            status=429,
            title="Too many requests",
            type_slug="too-many-requests",
            headers={"Retry-After": str(retry_after_s)},
        )


class Invalid(DomainError):
    """Input that parses but breaks a rule; names the offending field(s)."""

    def __init__(self, field_name: str, message: str, *more: FieldError) -> None:
        errors = [FieldError(field_name, message), *more]
        # "{f0}: {m0}; {f1}: {m1}" is not translated itself; its messages are.
        template = "; ".join(f"{{f{i}}}: {{m{i}}}" for i in range(len(errors)))
        params: dict[str, Any] = {}
        for i, e in enumerate(errors):
            message = e.message if isinstance(e.message, Msg) else Msg(e.message)
            params[f"f{i}"], params[f"m{i}"] = e.field, message
        super().__init__(
            detail=Msg(template, **params),
            status=422,
            title="Validation failed",
            type_slug="validation-error",
            errors=errors,
            code=errors[0].code,
        )
