"""Collect the translatable strings of the templates and the page code, and refresh the
catalogs (``make messages``). Also used by the test that every string has a Vietnamese text."""

from __future__ import annotations

from pathlib import Path

import jinja2.ext
from babel.messages.catalog import Catalog
from babel.messages.extract import extract, extract_python
from babel.messages.pofile import read_po, write_po

from app.i18n import LOCALE_DIR, LOCALES
from app.settings import PROJECT_ROOT

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
PYTHON_SOURCES = ("app/i18n/messages.py",)


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
    for relative in PYTHON_SOURCES:
        with (root / relative).open("rb") as handle:
            for lineno, message, comments, context in extract(
                extract_python,  # type: ignore[arg-type]
                handle,
                keywords=KEYWORDS,
            ):
                template.add(
                    message, None, [(relative, lineno)], auto_comments=comments, context=context
                )
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
