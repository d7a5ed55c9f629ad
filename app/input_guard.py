"""Two input rules enforced where every write passes, whatever the route or the form:

- names are one line: line breaks, tabs and runs of spaces in person and organisation names
  collapse to single spaces before they are stored (a name with a CR/LF otherwise injects
  lines into e-mails and headers);
- text never holds NUL characters: SQLite would store them and PostgreSQL refuses them with
  a driver error; both databases now answer 422 naming the field.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.errors import Invalid

NAME_FIELDS = ("full_name", "name", "name_vi", "name_en", "name_local", "to_name")


def single_line(value: str) -> str:
    return " ".join(value.split())


def _normalise_names(session: Session, _context: Any, _instances: Any) -> None:
    for row in (*session.new, *session.dirty):
        for field in NAME_FIELDS:
            value = getattr(row, field, None)
            if isinstance(value, str) and value != single_line(value):
                setattr(row, field, single_line(value))


def _field_of(parameter: str) -> str:
    # Bound parameter names are column names, with a suffix in multi-row statements.
    base, _, suffix = parameter.rpartition("_m")
    return base if base and suffix.isdigit() else parameter


def _refuse_nul(
    _conn: Any, _cursor: Any, _statement: str, parameters: Any, context: Any, _many: bool
) -> None:
    compiled = getattr(context, "compiled", None)
    names = list(getattr(compiled, "positiontup", None) or []) if compiled is not None else []

    def walk(value: Any, key: Any) -> None:
        if isinstance(value, str):
            if "\x00" in value:
                field = key if isinstance(key, str) else ""
                if not field and isinstance(key, int) and key < len(names):
                    field = str(names[key])
                raise Invalid(_field_of(field) or "text", "must not contain NUL characters")
        elif isinstance(value, dict):
            for inner_key, inner in value.items():
                walk(inner, inner_key)
        elif isinstance(value, list | tuple):
            for position, inner in enumerate(value):
                walk(inner, position)

    walk(parameters, None)


def install(engine: Engine) -> None:
    if not event.contains(Session, "before_flush", _normalise_names):
        event.listen(Session, "before_flush", _normalise_names)
    event.listen(engine, "before_cursor_execute", _refuse_nul)
