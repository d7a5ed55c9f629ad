"""Agreement documents on disk, and what a file really is: plain functions, no database.

Files are stored once per content under ``<var_dir>/documents/<sha256>`` (two uploads of the
same signed copy share the bytes). The type is decided from the first bytes, never from the
name or the browser's Content-Type, so that an HTML page renamed ``hop-dong.pdf`` is refused
and nothing uploaded can be served as a page of this site.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from app.errors import _l
from app.settings import get_settings

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extensions: tuple[str, ...]  # the first one is added to a name that lacks them all


PDF = Sniffed("application/pdf", (".pdf",))
DOCX = Sniffed(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)
)
PNG = Sniffed("image/png", (".png",))
JPEG = Sniffed("image/jpeg", (".jpg", ".jpeg"))
WEBP = Sniffed("image/webp", (".webp",))
ALLOWED_DESCRIPTION = _l("PDF, Word (.docx), PNG, JPEG or WebP")  # shown translated


def sniff(data: bytes) -> Sniffed | None:
    """The document type from its magic bytes, or None when it is not one we accept."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"PK\x03\x04"):
        # Any zip starts like this (.xlsx, .jar…): a Word document has these two members.
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if {"[Content_Types].xml", "word/document.xml"} <= names:
            return DOCX
    return None


def clean_filename(raw: str | None, kind: Sniffed) -> str:
    """A name safe to store and to put in a Content-Disposition header, ending in an
    extension of the real type (``scan`` of a PDF becomes ``scan.pdf``)."""
    name = unicodedata.normalize("NFC", (raw or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = _UNSAFE.sub("_", name).strip(" ._")[:200]
    if not name:
        name = "document"
    if not name.lower().endswith(kind.extensions):
        name += kind.extensions[0]
    return name


def documents_dir() -> Path:
    return get_settings().var_dir / "documents"


def path_for(sha256: str) -> Path:
    if not _SHA256.match(sha256):
        raise ValueError("not a sha256 digest")
    return documents_dir() / sha256


def store(data: bytes) -> str:
    """Write the bytes (once per content) and return their SHA-256. The file appears whole
    or not at all: written beside its final name, then renamed."""
    digest = hashlib.sha256(data).hexdigest()
    target = path_for(digest)
    if target.exists() and target.stat().st_size == len(data):
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest
