"""Agreement documents: what a file really is, and its bytes in the database.

Bytes are stored once per content in ``document_blob`` under their SHA-256 (two uploads of the
same signed copy share them), so every process on every machine reads them. The type is
decided from the first bytes, never from the name or the browser's Content-Type, so that an
HTML page renamed ``hop-dong.pdf`` is refused and nothing uploaded can be served as a page of
this site.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.errors import _l
from app.outcomes.models import DocumentBlob

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
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


def store(session: Session, data: bytes) -> str:
    """Keep the bytes (once per content) and return their SHA-256. Two uploads of the same
    file at the same moment both succeed: the second finds the first's row."""
    digest = hashlib.sha256(data).hexdigest()
    known = select(DocumentBlob.sha256).where(DocumentBlob.sha256 == digest)
    if session.exec(known).first() is not None:  # not session.get: that reads the bytes
        return digest
    try:
        with session.begin_nested():
            session.add(DocumentBlob(sha256=digest, size=len(data), body=data))
    except IntegrityError:
        pass  # stored by a concurrent upload of the same bytes
    return digest


def load(session: Session, sha256: str) -> bytes | None:
    """The stored bytes of a document, or None."""
    row = session.get(DocumentBlob, sha256)
    return row.body if row is not None else None
