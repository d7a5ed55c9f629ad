"""HTTP responses for documents: calendars with a strong ETag (304 when unchanged), PDFs never
kept in a shared cache. Shared by the API and the pages."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request, Response

from app.exports import ical, pdf
from app.exports.service import Document


def _matches(request: Request, tag: str) -> bool:
    header = request.headers.get("if-none-match")
    if not header:
        return False
    candidates = [c.strip().removeprefix("W/") for c in header.split(",")]
    return "*" in candidates or tag in candidates


def _disposition(kind: str, filename: str) -> str:
    return f'{kind}; filename="{filename}"'


def calendar_response(
    request: Request, doc: Document, *, cache: str, attachment: bool = False
) -> Response:
    """The calendar with a strong ETag; a 304 when the client already has these bytes."""
    tag = ical.etag(doc.body)
    headers = {
        "ETag": tag,
        "Cache-Control": cache,
        "Content-Disposition": _disposition("attachment" if attachment else "inline", doc.filename),
    }
    if _matches(request, tag):
        return Response(status_code=304, headers=headers)
    return Response(doc.body, media_type=ical.MEDIA_TYPE, headers=headers)


def pdf_response(doc: Document) -> Response:
    return Response(
        doc.body,
        media_type=pdf.MEDIA_TYPE,
        headers={
            "Content-Disposition": _disposition("inline", doc.filename),
            # Agendas carry names, phone-sized secrets (check-in codes): never in a shared cache.
            "Cache-Control": "private, no-store",
        },
    )


def download_response(body: bytes, *, filename: str, media_type: str) -> Response:
    """An uploaded file, always as a download and never rendered as a page of this site,
    whatever it contains."""
    fallback = filename.encode("ascii", "ignore").decode().replace('"', "") or "document"
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
            ),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
        },
    )


XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def job_response(body: bytes, filename: str) -> Response:
    """A print job's file: a PDF shown in the browser, a spreadsheet downloaded."""
    if filename.endswith(".xlsx"):
        return download_response(body, filename=filename, media_type=XLSX_MEDIA_TYPE)
    return pdf_response(Document(body, filename))
