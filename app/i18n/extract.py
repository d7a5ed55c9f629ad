"""Collect the translatable strings of the templates and the page code, and refresh the
catalogs (``make messages``). Also used by the test that every string has a Vietnamese text."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import jinja2.ext
from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.pofile import read_po, write_po

from app.i18n import LOCALE_DIR, LOCALES
from app.settings import PROJECT_ROOT

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}

# Where Python code hands a person a message: the marker functions (first argument) and
# the domain errors of app.errors (the argument at the given position, or ``detail=`` /
# ``message=``). Literals there are catalogued; anything built at run time (an f-string,
# ``%`` or ``.format``) cannot be translated and is reported by ``unmarked_messages``.
MARKERS = {"_l": 0, "N_": 0, "_": 0, "gettext": 0, "Msg": 0}
ERROR_ARGS = {
    "Conflict": 0,
    "Forbidden": 0,
    "Unauthorized": 0,
    "TooManyRequests": 0,
    "NotFound": 0,
    "DomainError": 0,
    "Invalid": 1,
    "FieldError": 1,
}
MESSAGE_KEYWORDS = ("detail", "message")


# Validators of the request schemas (pydantic) speak to people through ValueError.
VALIDATOR_FILES = ("schemas.py", "models.py")


def _message_args(tree: ast.AST, validators: bool = False) -> Iterator[tuple[ast.expr, bool]]:
    """(argument, is an error class's message) for every message position in ``tree``."""
    for node in ast.walk(tree):
        if (
            validators
            and isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "ValueError"
            and node.args
        ):
            yield node.args[0], True
            continue
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else None
        if name in MARKERS and node.args:
            yield node.args[0], False
        elif name in ERROR_ARGS:
            position = ERROR_ARGS[name]
            if len(node.args) > position:
                yield node.args[position], True
            for keyword in node.keywords:
                if keyword.arg in MESSAGE_KEYWORDS:
                    yield keyword.value, True


def _python_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "app").rglob("*.py") if p.name != "extract.py")


def extract_python_messages(root: Path = PROJECT_ROOT) -> Iterator[tuple[str, str, int]]:
    """(message, file, line) for each literal message in the application's Python code."""
    for path in _python_files(root):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for arg, _error in _message_args(tree, path.name in VALIDATOR_FILES):
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value:
                yield arg.value, str(path.relative_to(root)), arg.lineno


def unmarked_messages(root: Path = PROJECT_ROOT) -> list[str]:
    """Error messages built at run time, which no catalog can translate: use
    ``_l("... {name} ...", name=value)`` instead."""
    found = []
    for path in _python_files(root):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for arg, error in _message_args(tree, path.name in VALIDATOR_FILES):
            built = isinstance(arg, ast.JoinedStr) and any(
                not isinstance(v, ast.Constant) for v in arg.values
            )
            built = built or (isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Mod | ast.Add))
            built = built or (
                isinstance(arg, ast.Call)
                and isinstance(arg.func, ast.Attribute)
                and arg.func.attr in ("format", "join")
            )
            if built and error:
                found.append(f"{path.relative_to(root)}:{arg.lineno}")
    return found


def extract_messages(root: Path = PROJECT_ROOT) -> Catalog:
    template = Catalog(project="ketnoi", fuzzy=False)
    for path in sorted((root / "templates").rglob("*.html")):
        with path.open("rb") as handle:
            for lineno, message, comments, context in extract(
                jinja2.ext.babel_extract,  # type: ignore[arg-type]
                handle,
                keywords=KEYWORDS,
                options={"extensions": "jinja2.ext.i18n", "trimmed": "true"},
            ):
                template.add(
                    message,
                    None,
                    [(str(path.relative_to(root)), lineno)],
                    auto_comments=comments,
                    context=context,
                )
    for message, relative, lineno in extract_python_messages(root):
        template.add(message, None, [(relative, lineno)])
    return template


def catalog_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"


def _area_translations(locale: str) -> dict[str, str]:
    """Translations kept in per-area catalogs (``<area>.po`` beside ``messages.po``)."""
    found: dict[str, str] = {}
    for path in sorted(catalog_path(locale).parent.glob("*.po")):
        if path == catalog_path(locale):
            continue
        with path.open("rb") as handle:
            for message in read_po(handle, locale=locale):
                # The first catalog wins, as at run time (app.i18n.translations).
                if message.id and message.string and isinstance(message.id, str):
                    found.setdefault(message.id, str(message.string))
    return found


def update_catalogs(fold_areas: bool = True) -> dict[str, int]:
    """Merge new strings into each locale's catalog; returns untranslated counts.

    Translations written in per-area catalogs are folded into ``messages.po`` and those
    files removed, so that one catalog per locale remains."""
    template = extract_messages()
    missing: dict[str, int] = {}
    for locale in LOCALES:
        path = catalog_path(locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=locale)
        else:
            catalog = Catalog(locale=locale, project="ketnoi")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        if fold_areas:
            for msgid, text in _area_translations(locale).items():
                message = catalog.get(msgid)
                if message is not None and not message.string:
                    message.string = text
        with path.open("wb") as handle:
            write_po(handle, catalog, omit_header=False, sort_output=True, no_location=True)
        missing[locale] = sum(1 for m in catalog if m.id and not m.string)
        if fold_areas:
            for area in path.parent.glob("*.po"):
                if area != path:
                    area.unlink()
    return missing


if __name__ == "__main__":
    for name, count in update_catalogs().items():
        print(f"{name}: {count} untranslated")
