"""Permission table for the imports routes (see tests/integration/matrix/common.py): every
import and export route is for the event's organisers (and administrators) only."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.auth.models import User
from app.imports import service
from tests.integration.matrix.common import Call, E, write

_FILE = (
    "Họ và tên,Email,Tổ chức,Quốc gia\r\n"
    "Lin Wei-Ting,lin.import@tw-delegation.example,Công ty Cổ phần Kết Nối Mới,VN\r\n"
).encode()


def build(db: Session, users: dict[str, User], target: Any) -> dict[str, int]:
    """A previewed, valid batch per event, for the routes that read or apply one."""
    report = service.preview_import(
        db,
        actor=users["own_organiser"],
        event_id=target.event_id,
        filename="danh-sach.csv",
        data=_FILE,
    )
    assert report.valid, report.batch.errors
    return {"batch_id": report.batch.id or 0}


MATRIX: dict[tuple[str, str], Call] = {
    ("POST", E + "/import"): Call(write(201), files={"file": ("danh-sach.csv", _FILE, "text/csv")}),
    ("GET", E + "/import/{batch_id}"): Call(write(200)),
    ("POST", E + "/import/{batch_id}/apply"): Call(write(200)),
    ("GET", E + "/export"): Call(write(200)),
}
