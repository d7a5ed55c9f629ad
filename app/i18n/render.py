"""Error messages in the reader's language: domain messages (app.errors.Msg, or plain
literals marked by extraction) and pydantic's validation errors, translated by error type
and context rather than by pydantic's English text."""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any, get_args

from pydantic_core.core_schema import ErrorType

from app.errors import Msg, _fill, _l
from app.i18n import DEFAULT_LOCALE, gettext_for, pick_locale

# The locale of the request being handled (set by app.web's locale middleware), for code
# that renders a message without the request at hand.
current_locale: ContextVar[str] = ContextVar("ketnoi_error_locale", default=DEFAULT_LOCALE)


def localize(message: object, locale: str | None = None) -> str:
    """``message`` in ``locale`` (default: the current request's)."""
    locale = pick_locale(locale or current_locale.get())
    if isinstance(message, Msg):
        text = gettext_for(locale).gettext(message.template) if message.template else ""
        if not message.params:
            return text
        values = {key: _param(value, locale) for key, value in message.params.items()}
        try:
            return _fill(text, values)
        except (KeyError, IndexError, ValueError, TypeError):  # a broken translation
            return str(message)
    if isinstance(message, str):
        return gettext_for(locale).gettext(message) if message else message
    return "" if message is None else str(message)


def _param(value: object, locale: str) -> str:
    if isinstance(value, Msg):
        return localize(value, locale)
    if isinstance(value, list | tuple):
        return ", ".join(_param(v, locale) for v in value)
    return str(value)


def _ctx(error: Mapping[str, Any], key: str, default: object = "") -> Any:
    return (error.get("ctx") or {}).get(key, default)


def _expected(error: Mapping[str, Any]) -> str:
    # pydantic writes the choices as "'a', 'b' or 'c'"; keep the values, drop its English.
    expected = str(_ctx(error, "expected", ""))
    return expected.replace(" or ", ", ")


# pydantic error type -> message template with the error's context values (ctx).
_BY_TYPE: dict[str, Msg] = {
    "missing": _l("this field is required"),
    "string_type": _l("enter a text"),
    "string_too_short": _l("enter at least {min_length} characters"),
    "string_too_long": _l("at most {max_length} characters"),
    "string_pattern_mismatch": _l("this value does not have the expected form"),
    "int_type": _l("enter a whole number"),
    "int_parsing": _l("enter a whole number"),
    "int_from_float": _l("enter a whole number"),
    "float_type": _l("enter a number"),
    "float_parsing": _l("enter a number"),
    "decimal_parsing": _l("enter a number"),
    "decimal_type": _l("enter a number"),
    "finite_number": _l("enter a finite number"),
    "greater_than": _l("must be greater than {gt}"),
    "greater_than_equal": _l("must be at least {ge}"),
    "less_than": _l("must be less than {lt}"),
    "less_than_equal": _l("must be at most {le}"),
    "multiple_of": _l("must be a multiple of {multiple_of}"),
    "bool_type": _l("choose yes or no"),
    "bool_parsing": _l("choose yes or no"),
    "date_type": _l("enter a valid date such as 20/05/2024"),
    "date_parsing": _l("enter a valid date such as 20/05/2024"),
    "date_from_datetime_parsing": _l("enter a valid date such as 20/05/2024"),
    "date_from_datetime_inexact": _l("enter a date without a time"),
    "date_past": _l("the date must be in the past"),
    "date_future": _l("the date must be in the future"),
    "datetime_type": _l("enter a valid date and time such as 20/05/2024 14:00"),
    "datetime_parsing": _l("enter a valid date and time such as 20/05/2024 14:00"),
    "datetime_from_date_parsing": _l("enter a valid date and time such as 20/05/2024 14:00"),
    "datetime_object_invalid": _l("enter a valid date and time such as 20/05/2024 14:00"),
    "datetime_past": _l("the time must be in the past"),
    "datetime_future": _l("the time must be in the future"),
    "timezone_aware": _l("the time needs a time zone"),
    "timezone_naive": _l("the time must not carry a time zone"),
    "time_type": _l("enter a time such as 14:00"),
    "time_parsing": _l("enter a time such as 14:00"),
    "timedelta_type": _l("enter a duration"),
    "timedelta_parsing": _l("enter a duration"),
    "enum": _l("choose one of: {expected}"),
    "literal_error": _l("choose one of: {expected}"),
    "list_type": _l("enter a list"),
    "tuple_type": _l("enter a list"),
    "set_type": _l("enter a list"),
    "too_short": _l("choose at least {min_length}"),
    "too_long": _l("choose at most {max_length}"),
    "dict_type": _l("enter an object"),
    "model_type": _l("enter an object"),
    "model_attributes_type": _l("enter an object"),
    "extra_forbidden": _l("unknown field"),
    "json_invalid": _l("the request body is not valid JSON"),
    "json_type": _l("the request body is not valid JSON"),
    "url_type": _l("enter a web address such as https://example.vn"),
    "url_parsing": _l("enter a web address such as https://example.vn"),
    "url_scheme": _l("enter a web address such as https://example.vn"),
    "url_too_long": _l("the web address is too long"),
    "uuid_type": _l("not a valid identifier"),
    "uuid_parsing": _l("not a valid identifier"),
    "bytes_type": _l("enter a text"),
    "bytes_too_short": _l("enter at least {min_length} characters"),
    "bytes_too_long": _l("at most {max_length} characters"),
    "none_required": _l("leave this field empty"),
    "is_instance_of": _l("invalid value"),
    "union_tag_invalid": _l("invalid value"),
    "union_tag_not_found": _l("invalid value"),
    "frozen_field": _l("this field cannot be changed"),
    "frozen_instance": _l("this field cannot be changed"),
    "assertion_error": _l("invalid value"),
    "get_attribute_error": _l("invalid value"),
    "no_such_attribute": _l("unknown field"),
}

_INVALID = _l("invalid value")
_EMAIL = _l("not a valid e-mail address")


_PYDANTIC_TYPES = frozenset(get_args(ErrorType))


def pydantic_message(error: Mapping[str, Any]) -> Msg | str:
    """The message for one of pydantic's ``errors()`` items, ready for ``localize``."""
    kind = str(error.get("type", ""))
    if kind in ("value_error", "assertion_error"):
        cause = _ctx(error, "error", None)
        if cause is not None and getattr(cause, "args", None):
            first = cause.args[0]
            if isinstance(first, str):
                if "email address" in first:
                    return _EMAIL
                return first  # our validators' messages are catalogued (Msg or literal)
        text = str(error.get("msg", "")).removeprefix("Value error, ")
        if "email address" in text:
            return _EMAIL
        return text or _INVALID
    if kind in ("string_too_short", "bytes_too_short") and _ctx(error, "min_length") == 1:
        kind = "missing"  # an empty box: "required", not "enter at least 1 characters"
    template = _BY_TYPE.get(kind)
    if template is None:
        if kind and kind not in _PYDANTIC_TYPES and error.get("msg"):
            return str(error["msg"])  # our own PydanticCustomError: a catalogued message
        return _INVALID
    params = {
        name: (_expected(error) if name == "expected" else _ctx(error, name))
        for name in ("min_length", "max_length", "gt", "ge", "lt", "le", "multiple_of", "expected")
        if "{" + name + "}" in template.template
    }
    return Msg(template.template, **params) if params else template
