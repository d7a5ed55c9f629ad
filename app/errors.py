"""Domain errors raised by services; app.main maps them to problem+json and HTML pages."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


@dataclass
class DomainError(Exception):
    detail: str
    status: int = 400
    title: str = "Bad request"
    type_slug: str = "bad-request"
    errors: list[FieldError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.detail


class NotFound(DomainError):
    def __init__(self, what: str, ident: object | None = None) -> None:
        detail = f"{what} {ident} not found" if ident is not None else f"{what} not found"
        super().__init__(detail=detail, status=404, title="Not found", type_slug="not-found")


class Conflict(DomainError):
    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(
            detail=detail, status=409, title="Conflict", type_slug="conflict", errors=errors or []
        )


class Forbidden(DomainError):
    def __init__(self, detail: str = "You are not allowed to do this") -> None:
        super().__init__(detail=detail, status=403, title="Forbidden", type_slug="forbidden")


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
        super().__init__(
            detail="; ".join(f"{e.field}: {e.message}" for e in errors),
            status=422,
            title="Validation failed",
            type_slug="validation-error",
            errors=errors,
        )
