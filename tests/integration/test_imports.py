"""Importing registrations from spreadsheets and exporting participants and profiles, over
HTTP on the real database: previews, row-by-row problems, all-or-nothing apply, round trips."""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlmodel import Session, col, func, select

from app.audit.models import AuditEntry
from app.auth.models import User
from app.imports.models import ImportBatch
from app.registration import organisations as organisation_service
from app.registration import service as registration
from app.registration.models import Delegation, Organisation, Participant
from app.registration.schemas import OrganisationCreate, ParticipantCreate
from app.types import pk
from tests.conftest import HAI_PHONG_EVENT
from tests.integration.conftest import add_delegation, add_profile

PROBLEM = "application/problem+json"
BOM = b"\xef\xbb\xbf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

VI_HEADERS = [
    "STT",
    "Họ và tên",
    "Email",
    "Điện thoại",
    "Chức vụ",
    "Tổ chức",
    "Quốc gia",
    "Lĩnh vực",
]
VI_ROWS = [
    [
        "1",
        "Nguyễn Thị Hạnh",
        "hanh@thucpham-hp.example",
        "+84 912 345 678",
        "Giám đốc",
        "CÔNG TY CỔ PHẦN THỰC PHẨM HẢI PHÒNG",
        "VN",
        "Chế biến thực phẩm, đồ uống",
    ],
    [
        "2",
        "Trần Văn Bình",
        "binh@cokhi-hp.example",
        "0225 3 842 111",
        "Phó giám đốc",
        "CO KHI HAI PHONG Co., Ltd.",
        "Việt Nam",
        "Cơ khí chế tạo; Tự động hoá, robot",
    ],
    [
        "3",
        "Lin Wei-Ting",
        "lin@tsmc-like.example",
        "+886 2 1234 5678",
        "Engineer",
        "台灣精密股份有限公司",
        "TW",
        "semiconductors, iot",
    ],
]


def _csv(
    headers: list[str], rows: list[list[Any]], delimiter: str = ",", bom: bool = True
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return (BOM if bom else b"") + buffer.getvalue().encode("utf-8")


def _xlsx(headers: list[str], rows: list[list[Any]], title: str = "Người tham dự") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(
    client: TestClient,
    event_id: int,
    headers: dict[str, str],
    data: bytes,
    name: str = "danh-sach.csv",
    **params: Any,
):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/events/{event_id}/import",
        files={"file": (name, data, "application/octet-stream")},
        data={"kind": "participants"},
        params=params,
        headers=headers,
    )


def _counts(db: Session) -> tuple[int, int, int]:
    db.expire_all()
    return (
        db.exec(select(func.count()).select_from(Participant)).one(),
        db.exec(select(func.count()).select_from(Organisation)).one(),
        db.exec(select(func.count()).select_from(ImportBatch)).one(),
    )


def _errors(body: dict[str, Any]) -> set[tuple[int | None, str | None, str]]:
    return {(e["row"], e["column"], e["message"]) for e in body["errors"]}


@pytest.fixture
def existing_org(db: Session, organiser: User) -> Organisation:
    org = organisation_service.create_organisation(
        db,
        actor=organiser,
        data=OrganisationCreate(name_vi="Công ty TNHH Cơ khí Hải Phòng", sectors=["mechanics"]),
    )
    db.commit()
    return org


# ---- preview and apply --------------------------------------------------------------------


def test_csv_with_bom_previews_without_writing_then_applies_everything(
    client: TestClient,
    db: Session,
    event_id: int,
    organiser: User,
    organiser_headers: dict[str, str],
    existing_org: Organisation,
) -> None:
    before = _counts(db)
    response = _upload(client, event_id, organiser_headers, _csv(VI_HEADERS, VI_ROWS))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["valid"] is True
    assert body["errors"] == []
    assert body["rows"] == 3
    assert body["ignored_columns"] == ["STT"]
    assert response.headers["location"] == f"/api/v1/events/{event_id}/import/{body['batch_id']}"
    first, second, third = body["preview"]
    assert first["full_name"] == "Nguyễn Thị Hạnh"
    assert first["row"] == 2
    assert first["sectors"] == ["food_processing"]
    assert first["organisation_id"] is None  # a new organisation, created on apply
    # "CO KHI HAI PHONG Co., Ltd." is the organisation already registered in Vietnamese.
    assert second["organisation_id"] == existing_org.id
    assert second["sectors"] == ["mechanics", "automation"]
    assert third["country"] == "TW"
    assert third["sectors"] == ["semiconductors", "iot"]
    # The preview wrote nothing to the event, only the batch.
    assert _counts(db)[:2] == before[:2]

    applied = client.post(
        f"/api/v1/events/{event_id}/import/{body['batch_id']}/apply", headers=organiser_headers
    )
    assert applied.status_code == 200, applied.text
    assert applied.json() == {
        "batch_id": body["batch_id"],
        "status": "applied",
        "participants_created": 3,
        "organisations_created": 2,
        "organisations_matched": 1,
    }
    db.expire_all()
    people = db.exec(
        select(Participant).where(Participant.event_id == event_id).order_by(col(Participant.id))
    ).all()
    assert [p.full_name for p in people] == ["Nguyễn Thị Hạnh", "Trần Văn Bình", "Lin Wei-Ting"]
    assert {p.status for p in people} == {"approved"}
    assert people[0].phone == "+84 912 345 678"
    assert people[1].organisation_id == existing_org.id
    taiwanese = db.get(Organisation, people[2].organisation_id)
    assert taiwanese is not None
    assert taiwanese.country == "TW"
    assert organisation_service.organisation_sectors(db, taiwanese.id or 0) == [
        "iot",
        "semiconductors",
    ]
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "import.apply")).one()
    assert entry.event_id == event_id
    assert entry.actor_user_id == organiser.id
    assert entry.changes["participant_ids"][1] == [p.id for p in people]

    reread = client.get(
        f"/api/v1/events/{event_id}/import/{body['batch_id']}", headers=organiser_headers
    )
    assert reread.status_code == 200
    assert reread.json()["status"] == "applied"
    again = client.post(
        f"/api/v1/events/{event_id}/import/{body['batch_id']}/apply", headers=organiser_headers
    )
    assert again.status_code == 409
    assert again.headers["content-type"].startswith(PROBLEM)
    assert "đã được áp dụng" in again.json()["detail"]
    assert _counts(db)[0] == before[0] + 3


def test_semicolon_csv_with_english_headers_and_labels(
    client: TestClient, event_id: int, organiser_headers: dict[str, str]
) -> None:
    headers = [
        "Full name",
        "E-MAIL",
        "Organization",
        "Kind",
        "Country",
        "Sectors",
        "Role",
        "Languages",
        "Meeting cap",
    ]
    rows = [
        [
            "Yossi Cohen",
            "yossi@agritech.example",
            "AgriTech Israel Ltd",
            "Enterprise",
            "Israel",
            "High-tech agriculture; Internet of Things (IoT)",
            "Delegate",
            "en, he",
            "6",
        ]
    ]
    response = _upload(client, event_id, organiser_headers, _csv(headers, rows, ";", bom=False))
    assert response.status_code == 201, response.text
    [row] = response.json()["preview"]
    assert row["country"] == "IL"
    assert row["sectors"] == ["agriculture", "iot"]
    assert row["languages"] == ["en", "he"]
    assert row["meeting_cap"] == 6


def test_xlsx_built_in_excel_is_imported(
    client: TestClient, db: Session, event_id: int, organiser_headers: dict[str, str]
) -> None:
    add_delegation(db, event_id, "Đoàn doanh nghiệp Đài Loan", country="TW")
    headers = [
        "Họ và tên",
        "Tên theo ngôn ngữ gốc",
        "Email",
        "Tổ chức",
        "Quốc gia",
        "Đoàn",
        "Vai trò",
        "Số cuộc gặp tối đa",
        "Điện thoại",
    ]
    rows: list[list[Any]] = [
        [
            "Lin Wei-Ting",
            "林薇婷",
            "lin@tw.example",
            "台灣精密股份有限公司",
            "Đài Loan",
            "đoàn doanh nghiệp đài loan",
            "Đại biểu",
            8,
            886212345678,
        ],
        ["Chen Mei", "陳美", "", "", "TW", "Đoàn doanh nghiệp Đài Loan", "Phiên dịch", None, None],
    ]
    response = _upload(client, event_id, organiser_headers, _xlsx(headers, rows), "ds.xlsx")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["valid"], body["errors"]
    batch = body["batch_id"]
    assert (
        client.post(
            f"/api/v1/events/{event_id}/import/{batch}/apply", headers=organiser_headers
        ).status_code
        == 200
    )
    db.expire_all()
    delegation = db.exec(select(Delegation)).one()
    people = db.exec(select(Participant).order_by(col(Participant.id))).all()
    assert [(p.name_local, p.delegation_id, p.role, p.meeting_cap, p.email) for p in people] == [
        ("林薇婷", delegation.id, "delegate", 8, "lin@tw.example"),
        ("陳美", delegation.id, "interpreter", None, None),
    ]
    assert people[0].phone == "886212345678"


def test_wrong_columns_are_a_file_problem_naming_missing_and_unknown(
    client: TestClient, db: Session, event_id: int, organiser_headers: dict[str, str]
) -> None:
    before = _counts(db)
    data = _csv(["Tên", "Thư", "Ghi chú"], [["Nguyễn Văn A", "a@x.vn", ""]])
    response = _upload(client, event_id, organiser_headers, data)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["errors"][0]["field"] == "file"
    assert "Họ và tên / Full name" in body["detail"]
    assert "Email" in body["detail"]
    assert "“Thư”" in body["detail"]
    assert "“Ghi chú”" in body["detail"]
    assert _counts(db) == before


def test_bad_rows_are_listed_by_row_and_column_and_nothing_can_be_applied(
    client: TestClient,
    db: Session,
    event_id: int,
    organiser: User,
    organiser_headers: dict[str, str],
) -> None:
    registration.create_participant(
        db,
        actor=organiser,
        event_id=event_id,
        data=ParticipantCreate(full_name="Đã đăng ký", email="da.dangky@example.vn"),
        self_registration=False,
    )
    db.commit()
    headers = [
        "Họ và tên",
        "Email",
        "Quốc gia",
        "Lĩnh vực",
        "Loại hình",
        "Số cuộc gặp tối đa",
        "Đoàn",
    ]
    rows = [
        ["Nguyễn Văn An", "an@example.vn", "VN", "it", "", "", ""],  # row 2: fine
        ["Lê Thị Bé", "be@@example", "VN", "", "", "", ""],  # row 3: bad e-mail
        ["Phạm Văn Cường", "AN@example.vn", "", "", "", "", ""],  # row 4: repeats row 2
        ["Hoàng Thị Dung", "da.dangky@example.vn", "", "", "", "", ""],  # row 5: registered
        ["Vũ Văn Em", "em@example.vn", "Atlantis", "vũ trụ", "Hợp tác xã", "mười", ""],  # row 6
        ["Đặng Thị Gấm", "gam@example.vn", "", "", "", "", "Đoàn Nhật Bản"],  # row 7
    ]
    before = _counts(db)
    response = _upload(client, event_id, organiser_headers, _csv(headers, rows))
    assert response.status_code == 201
    body = response.json()
    assert body["valid"] is False
    assert _errors(body) == {
        (2, "Email", "The same e-mail address is on rows 2, 4 of the file."),
        (3, "Email", "“be@@example” is not a valid e-mail address."),
        (4, "Email", "The same e-mail address is on rows 2, 4 of the file."),
        (5, "Email", "This e-mail address is already registered for this event."),
        (6, "Quốc gia", "Unknown country: Atlantis. Use a two-letter code such as VN, TW, JP."),
        (6, "Lĩnh vực", "Unknown sector: vũ trụ. Use the codes or names of the template."),
        (
            6,
            "Loại hình",
            "Unknown kind of organisation: Hợp tác xã. Use the codes or names of the template.",
        ),
        (6, "Số cuộc gặp tối đa", "The meeting cap must be a whole number from 0 to 100."),
        (
            7,
            "Đoàn",
            "No delegation named “Đoàn Nhật Bản” at this event. Create the delegation "
            "first, or correct the name.",
        ),
    }
    applied = client.post(
        f"/api/v1/events/{event_id}/import/{body['batch_id']}/apply",
        headers={**organiser_headers, "Accept-Language": "en"},
    )
    assert applied.status_code == 409
    assert applied.headers["content-type"].startswith(PROBLEM)
    assert {
        "field": "rows[3].email",
        "message": "“be@@example” is not a valid e-mail address.",
    } in [{"field": e["field"], "message": e["message"]} for e in applied.json()["errors"]]
    after = _counts(db)
    assert after[:2] == before[:2]  # not one participant, not one organisation


def test_rows_are_checked_again_on_apply(
    client: TestClient,
    db: Session,
    event_id: int,
    organiser: User,
    organiser_headers: dict[str, str],
) -> None:
    data = _csv(
        ["Họ và tên", "Email", "Tổ chức"],
        [
            ["Nguyễn Văn An", "an@example.vn", "Công ty Mới Một"],
            ["Trần Thị Hoa", "hoa@example.vn", "Công ty Mới Hai"],
        ],
    )
    body = _upload(client, event_id, organiser_headers, data).json()
    assert body["valid"]
    # Someone registers with one of the file's addresses between preview and apply.
    registration.create_participant(
        db,
        actor=organiser,
        event_id=event_id,
        data=ParticipantCreate(full_name="Trần Thị Hoa", email="hoa@example.vn"),
        self_registration=False,
    )
    db.commit()
    before = _counts(db)
    response = client.post(
        f"/api/v1/events/{event_id}/import/{body['batch_id']}/apply",
        headers={**organiser_headers, "Accept-Language": "en"},
    )
    assert response.status_code == 409
    assert [{"field": e["field"], "message": e["message"]} for e in response.json()["errors"]] == [
        {
            "field": "rows[3].email",
            "message": "This e-mail address is already registered for this event.",
        }
    ]
    assert _counts(db) == before  # "Công ty Mới Một" was not created either
    reread = client.get(
        f"/api/v1/events/{event_id}/import/{body['batch_id']}", headers=organiser_headers
    ).json()
    assert reread["valid"] is False
    assert reread["status"] == "previewed"


def test_a_10_mb_file_is_refused_with_413_and_nothing_stored(
    client: TestClient, db: Session, event_id: int, organiser_headers: dict[str, str]
) -> None:
    before = _counts(db)
    big = _csv(["Họ và tên", "Email"], [["x" * 100, f"a{i}@example.vn"] for i in range(100_000)])
    assert len(big) > 10 * 1024 * 1024
    response = _upload(client, event_id, organiser_headers, big)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["errors"][0]["field"] == "file"
    assert "5 MB" in response.json()["detail"]
    assert _counts(db) == before


def test_a_non_utf8_csv_is_refused_with_advice(
    client: TestClient, db: Session, event_id: int, organiser_headers: dict[str, str]
) -> None:
    data = "Full name,Email\nJosé Müller,jose@example.de\n".encode("cp1258")
    before = _counts(db)
    response = _upload(client, event_id, organiser_headers, data)
    assert response.status_code == 422
    detail = response.json()["detail"]
    # Vietnamese by default (the problem's language follows the request)
    assert "không phải văn bản UTF-8" in detail
    assert "dòng 2" in detail
    assert "CSV UTF-8" in detail
    assert _counts(db) == before


def test_dry_run_stores_nothing(
    client: TestClient, db: Session, event_id: int, organiser_headers: dict[str, str]
) -> None:
    before = _counts(db)
    response = _upload(client, event_id, organiser_headers, _csv(VI_HEADERS, VI_ROWS), dry_run=True)
    assert response.status_code == 200
    assert response.json()["batch_id"] is None
    assert response.json()["valid"]
    assert _counts(db) == before


def test_another_events_batch_is_not_found(
    client: TestClient, event_id: int, organiser_headers: dict[str, str]
) -> None:
    batch = _upload(client, event_id, organiser_headers, _csv(VI_HEADERS, VI_ROWS)).json()
    other = client.post(
        "/api/v1/events",
        json={**HAI_PHONG_EVENT, "title_vi": "Sự kiện khác"},
        headers=organiser_headers,
    ).json()["id"]
    response = client.get(
        f"/api/v1/events/{other}/import/{batch['batch_id']}", headers=organiser_headers
    )
    assert response.status_code == 404


# ---- exports ------------------------------------------------------------------------------


@pytest.fixture
def registered(
    client: TestClient, db: Session, event_id: int, organiser_headers: dict[str, str]
) -> int:
    add_delegation(db, event_id, "Đoàn doanh nghiệp Đài Loan", country="TW")
    headers = [*VI_HEADERS, "Tên theo ngôn ngữ gốc", "Đoàn", "Ngôn ngữ", "Vai trò"]
    rows = [
        [*VI_ROWS[0], "", "", "vi", ""],
        [*VI_ROWS[1], "", "", "vi, en", ""],
        [*VI_ROWS[2], "林薇婷", "Đoàn doanh nghiệp Đài Loan", "zh, en", "Đại biểu"],
    ]
    body = _upload(client, event_id, organiser_headers, _csv(headers, rows)).json()
    assert body["valid"], body["errors"]
    response = client.post(
        f"/api/v1/events/{event_id}/import/{body['batch_id']}/apply", headers=organiser_headers
    )
    assert response.status_code == 200
    return event_id


def test_csv_export_opens_in_excel_with_vietnamese_and_chinese(
    client: TestClient, registered: int, organiser_headers: dict[str, str]
) -> None:
    response = client.get(
        f"/api/v1/events/{registered}/export",
        params={"what": "participants", "format": "csv"},
        headers=organiser_headers,
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(BOM)
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="participants-phien-ket-noi-cung-cau')
    assert '-2027-03-16.csv"' in disposition
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded).startswith("Người tham dự - Phiên kết nối cung cầu công nghệ")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == [
        "Họ và tên / Full name",
        "Tên theo ngôn ngữ gốc / Name in own script",
        "Email",
    ]
    by_name = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert set(by_name) == {"Nguyễn Thị Hạnh", "Trần Văn Bình", "Lin Wei-Ting"}
    lin = by_name["Lin Wei-Ting"]
    assert lin["Tên theo ngôn ngữ gốc / Name in own script"] == "林薇婷"
    assert lin["Đoàn / Delegation"] == "Đoàn doanh nghiệp Đài Loan"
    assert lin["Quốc gia / Country"] == "TW"
    assert lin["Lĩnh vực / Sectors"] == "Bán dẫn, vi mạch; Internet vạn vật (IoT)"
    assert lin["Trạng thái / Status"] == "Đã duyệt"
    # A phone number starting with "+" would be a formula in Excel: written with an apostrophe.
    assert by_name["Nguyễn Thị Hạnh"]["Điện thoại / Phone"] == "'+84 912 345 678"


def test_xlsx_export_has_a_bold_frozen_filtered_header(
    client: TestClient, registered: int, organiser_headers: dict[str, str]
) -> None:
    response = client.get(
        f"/api/v1/events/{registered}/export",
        params={"what": "participants", "format": "xlsx"},
        headers=organiser_headers,
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content))["Người tham dự"]
    assert sheet["A1"].value == "Họ và tên / Full name"
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}4"
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [v[0] for v in values] == ["Nguyễn Thị Hạnh", "Trần Văn Bình", "Lin Wei-Ting"]
    assert values[2][1] == "林薇婷"
    assert values[0][3] == "+84 912 345 678"  # a string cell: no apostrophe needed in XLSX


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_exported_participants_import_into_another_event(
    client: TestClient,
    db: Session,
    registered: int,
    organiser_headers: dict[str, str],
    fmt: str,
) -> None:
    exported = client.get(
        f"/api/v1/events/{registered}/export",
        params={"what": "participants", "format": fmt},
        headers=organiser_headers,
    )
    other = client.post(
        "/api/v1/events",
        json={**HAI_PHONG_EVENT, "title_vi": "Ngày hội công nghệ Hải Phòng 2027"},
        headers=organiser_headers,
    ).json()["id"]
    add_delegation(db, other, "Đoàn doanh nghiệp Đài Loan", country="TW")
    orgs_before = _counts(db)[1]
    body = _upload(client, other, organiser_headers, exported.content, f"export.{fmt}").json()
    assert body["valid"], body["errors"]
    assert sorted(body["ignored_columns"]) == ["Mã check-in / Check-in code", "Trạng thái / Status"]
    assert body["unknown_columns"] == []
    assert all(row["organisation_id"] is not None for row in body["preview"])
    applied = client.post(
        f"/api/v1/events/{other}/import/{body['batch_id']}/apply", headers=organiser_headers
    )
    assert applied.json()["organisations_matched"] == 3
    assert _counts(db)[1] == orgs_before  # the same organisations, none duplicated

    def people(event: int) -> list[tuple[Any, ...]]:
        rows = db.exec(
            select(Participant).where(Participant.event_id == event).order_by(col(Participant.id))
        ).all()
        return [
            (
                p.full_name,
                p.name_local,
                p.email,
                p.phone,
                p.position,
                p.organisation_id,
                p.languages,
                p.role,
                p.meeting_cap,
                _delegation_name(db, p.delegation_id),
            )
            for p in rows
        ]

    db.expire_all()
    assert people(other) == people(registered)


def test_profiles_export_uses_vietnamese_labels(
    client: TestClient, db: Session, registered: int, organiser_headers: dict[str, str]
) -> None:
    person = db.exec(select(Participant).where(Participant.full_name == "Lin Wei-Ting")).one()
    add_profile(
        db,
        registered,
        pk(person),
        "technology_offer",
        title_vi="Cảm biến IoT cho nuôi trồng thuỷ sản",
        title_en="IoT sensors for aquaculture",
        title_local="水產養殖物聯網感測器",
        keywords=["IoT", "cảm biến"],
        sectors=["iot", "aquaculture"],
        trl=7,
        ip_status="patent_granted",
        partnership_types=["technology_transfer", "licensing"],
    )
    response = client.get(
        f"/api/v1/events/{registered}/export",
        params={"what": "profiles", "format": "csv"},
        headers=organiser_headers,
    )
    assert response.status_code == 200
    assert 'filename="profiles-' in response.headers["content-disposition"]
    header, row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    record = dict(zip(header, row, strict=True))
    assert record["Loại hồ sơ / Profile kind"] == "Chào bán công nghệ"
    assert record["Tiêu đề (ngôn ngữ gốc) / Title (original language)"] == "水產養殖物聯網感測器"
    assert record["Lĩnh vực / Sectors"] == "Internet vạn vật (IoT); Thuỷ sản, nuôi trồng thuỷ sản"
    assert record["Hình thức hợp tác / Partnership types"] == (
        "Chuyển giao công nghệ; Chuyển quyền sử dụng (li-xăng)"
    )
    assert record["Sở hữu trí tuệ / IP status"] == "Đã được cấp bằng sáng chế"
    assert record["Người đăng / Participant"] == "Lin Wei-Ting"
    assert record["Tổ chức / Organisation"] == "台灣精密股份有限公司"
    assert record["Mức độ sẵn sàng công nghệ / TRL"] == "7"


def test_delegates_cannot_export(
    client: TestClient, registered: int, delegate_headers: dict[str, str]
) -> None:
    response = client.get(f"/api/v1/events/{registered}/export", headers=delegate_headers)
    assert response.status_code == 403


def _delegation_name(db: Session, delegation_id: int | None) -> str | None:
    delegation = db.get(Delegation, delegation_id) if delegation_id else None
    return delegation.name if delegation else None
