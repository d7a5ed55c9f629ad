"""Reading an uploaded spreadsheet in a route (API or page), bounded by the import limit."""

from __future__ import annotations

from fastapi import UploadFile

from app.imports.spreadsheets import MAX_BYTES


def read_upload(upload: UploadFile) -> bytes:
    """At most one byte past the limit: a larger file is refused before any parsing, and
    never held in memory whole."""
    upload.file.seek(0)
    return upload.file.read(MAX_BYTES + 1)
