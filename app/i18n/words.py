"""Words for stored codes (statuses) inside translated messages: a message says
"đang chờ", never ``pending``."""

from __future__ import annotations

from app.errors import FieldError, Msg, _l

STATUS_WORDS: dict[str, Msg] = {
    "pending": _l("pending"),
    "approved": _l("approved"),
    "rejected": _l("rejected"),
    "accepted": _l("accepted"),
    "declined": _l("declined"),
    "cancelled": _l("cancelled"),
    "expired": _l("expired"),
    "proposed": _l("proposed"),
    "confirmed": _l("confirmed"),
    "held": _l("held"),
    "no_show": _l("no-show"),
    "invited": _l("invited"),
    "registered": _l("registered"),
    "withdrawn": _l("withdrawn"),
    "planned": _l("planned"),
    "signed": _l("signed"),
    "in_progress": _l("in progress"),
    "completed": _l("completed"),
    "draft": _l("draft"),
    "published": _l("published"),
    "closed": _l("closed"),
}


def status_word(value: object) -> Msg:
    """The translatable word for a status code (the code itself when unknown)."""
    code = status_code(value)
    return STATUS_WORDS.get(code) or Msg(code.replace("_", " "))


def status_error(value: object, field: str = "status") -> FieldError:
    """The field error of a refusal for a status: a person reads the word ("vắng mặt"), a
    program the stored code (``no_show``)."""
    return FieldError(field, status_word(value), code=status_code(value))


def status_code(value: object) -> str:
    """The stored code of a status, given as itself or as its enum member."""
    return str(getattr(value, "value", value))


# Things a message can name (app.outcomes: "the feedback link is for another meeting").
THINGS = (_l("meeting"), _l("participant"))

# Defaults of app.errors' classes (keyword defaults are not calls, so extraction needs these).
DEFAULT_MESSAGES = (_l("Authentication required"), _l("You are not allowed to do this"))
