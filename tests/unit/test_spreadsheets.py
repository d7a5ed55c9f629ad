"""Reading organisers' spreadsheets and writing exports: pure functions, no database."""

from __future__ import annotations

import io
import re

import pytest
from babel.messages.pofile import read_po
from openpyxl import Workbook, load_workbook

from app.i18n import LOCALE_DIR
from app.imports import columns as c
from app.imports import messages as m
from app.imports.spreadsheets import (
    MAX_ROWS,
    FileProblem,
    detect_delimiter,
    read_table,
    write_csv,
    write_xlsx,
)


def _xlsx(rows: list[list[object]], title: str = "Sheet1") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---- reading ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Họ và tên,Email,Tổ chức", ","),
        ("Họ và tên;Email;Tổ chức", ";"),
        ("Họ và tên\tEmail\tTổ chức", "\t"),
        ('"Tên, đầy đủ";Email;Lĩnh vực', ";"),
        ("Email", ","),
    ],
)
def test_delimiter_is_the_most_frequent_separator_of_the_header(line: str, expected: str) -> None:
    assert detect_delimiter(line + "\nx,y;z\n") == expected


def test_csv_with_bom_and_semicolons_keeps_vietnamese_and_row_numbers() -> None:
    text = (
        "Họ và tên;Email\r\nNguyễn Thị Hạnh;hanh@example.vn\r\n;\r\nLin Wei-Ting;lin@example.tw\r\n"
    )
    table = read_table(b"\xef\xbb\xbf" + text.encode(), "ds.csv")
    assert table.headers == ["Họ và tên", "Email"]  # no BOM glued to the first header
    # The empty row is skipped; numbers stay those a spreadsheet program shows.
    assert table.rows == [
        (2, ["Nguyễn Thị Hạnh", "hanh@example.vn"]),
        (4, ["Lin Wei-Ting", "lin@example.tw"]),
    ]


def test_quoted_cells_may_hold_separators_and_new_lines() -> None:
    data = 'Họ và tên,Lĩnh vực\n"Trần Văn An","Tự động hoá, robot\nCơ khí chế tạo"\n'.encode()
    assert read_table(data, "x.csv").rows == [
        (2, ["Trần Văn An", "Tự động hoá, robot\nCơ khí chế tạo"])
    ]


def test_utf16_text_from_excel_is_read() -> None:
    data = "Họ và tên\tEmail\r\n林薇婷\tlin@example.tw\r\n".encode("utf-16")
    assert read_table(data, "x.txt").rows == [(2, ["林薇婷", "lin@example.tw"])]


def test_a_legacy_code_page_is_refused_naming_line_and_byte() -> None:
    text = "Full name,Email\nNguyen Van A,a@example.vn\nThérèse Müller,t@example.nl\n"
    data = text.encode("cp1258")
    with pytest.raises(FileProblem) as caught:
        read_table(data, "ds.csv")
    issue = caught.value.issue
    assert issue.msgid == m.FILE_NOT_UTF8
    assert issue.params["line"] == 3
    assert "UTF-8" in issue.message
    assert "line 3" in issue.message
    assert issue.params["byte"] == "E9"  # "é" in Windows code pages
    assert data[issue.params["offset"]] == 0xE9


def test_xlsx_reads_the_participants_sheet_and_numbers_as_written() -> None:
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Ghi chú"
    notes.append(["Không phải danh sách"])
    sheet = book.create_sheet("Người tham dự")
    sheet.append(["Họ và tên", "Điện thoại", "Số cuộc gặp tối đa", None, None])
    sheet.append(["Phạm Thị Sen Quỳnh", 912345678, 5.0])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), "ds.xlsx")
    assert table.sheet == "Người tham dự"
    assert table.headers == ["Họ và tên", "Điện thoại", "Số cuộc gặp tối đa"]
    assert table.rows == [(2, ["Phạm Thị Sen Quỳnh", "912345678", "5"])]


@pytest.mark.parametrize(
    ("data", "name", "msgid"),
    [
        (b"", "x.csv", m.FILE_EMPTY),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "ds.xls", m.FILE_OLD_EXCEL),
        (b"PK\x03\x04 not really a workbook", "ds.xlsx", m.FILE_BAD_XLSX),
        (b"%PDF-1.7 \x00\x01", "ds.pdf", m.FILE_UNKNOWN_TYPE),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused_clearly(
    data: bytes, name: str, msgid: str
) -> None:
    with pytest.raises(FileProblem) as caught:
        read_table(data, name)
    assert caught.value.issue.msgid == msgid


def test_too_many_rows_and_too_large_files_are_refused() -> None:
    many = "Họ và tên,Email\n" + "".join(f"A {i},a{i}@x.vn\n" for i in range(MAX_ROWS + 1))
    with pytest.raises(FileProblem) as caught:
        read_table(many.encode(), "x.csv")
    assert caught.value.issue.msgid == m.FILE_TOO_MANY_ROWS
    with pytest.raises(FileProblem) as large:
        read_table(b"a" * (5 * 1024 * 1024 + 1), "x.csv")
    assert large.value.status == 413


# ---- columns ------------------------------------------------------------------------------


def test_headers_match_in_either_language_ignoring_case_accents_and_marks() -> None:
    headers = [
        "STT",
        "HỌ VÀ TÊN *",
        "e-mail",
        "So dien thoai",
        "Organisation (English)",
        "Tỉnh/thành / Province",
        "Lĩnh vực / Sectors",
        "Ghi chú",
    ]
    match = c.match_columns(headers, c.PARTICIPANT_COLUMNS)
    assert match.index == {
        "full_name": 1,
        "email": 2,
        "phone": 3,
        "organisation_en": 4,
        "province": 5,
        "sectors": 6,
    }
    assert match.unknown == ["Ghi chú"]
    assert match.ignored == ["STT"]
    assert c.column_problems(match, c.PARTICIPANT_COLUMNS) == []


def test_missing_required_columns_name_the_missing_and_the_unknown() -> None:
    match = c.match_columns(["Tên đơn vị", "Thư", "Ghi chú"], c.PARTICIPANT_COLUMNS)
    [problem] = c.column_problems(match, c.PARTICIPANT_COLUMNS)
    assert problem.msgid == m.FILE_MISSING_COLUMNS
    assert "Họ và tên / Full name" in problem.message
    assert "Email" in problem.message
    assert "“Thư”" in problem.message
    assert "“Ghi chú”" in problem.message


def test_two_columns_for_one_field_are_a_file_problem() -> None:
    match = c.match_columns(["Họ và tên", "Full name", "Email"], c.PARTICIPANT_COLUMNS)
    [problem] = c.column_problems(match, c.PARTICIPANT_COLUMNS)
    assert problem.msgid == m.FILE_REPEATED_COLUMNS


def test_export_headers_are_read_back_as_the_same_fields() -> None:
    headers = [spec.header for spec in c.PARTICIPANT_COLUMNS]
    match = c.match_columns(headers, c.PARTICIPANT_COLUMNS)
    assert match.index == {spec.field: i for i, spec in enumerate(c.PARTICIPANT_COLUMNS)}


@pytest.mark.parametrize(
    ("text", "codes", "unknown"),
    [
        ("automation; it", ["automation", "it"], []),
        ("Tự động hoá, robot, Cơ khí chế tạo", ["automation", "mechanics"], []),
        ("tu dong hoa; CONG NGHE SINH HOC", ["automation", "biotech"], []),
        ("Internet of Things (IoT), Semiconductors and chips", ["iot", "semiconductors"], []),
        ("Thuỷ sản, Máy bay", ["aquaculture"], ["Máy bay"]),
        ("", [], []),
    ],
)
def test_sectors_by_code_or_label_separated_by_semicolon_or_comma(
    text: str, codes: list[str], unknown: list[str]
) -> None:
    assert c.parse_sectors(text) == (codes, unknown)


def test_countries_languages_and_caps() -> None:
    assert c.parse_country("Đài Loan") == "TW"
    assert c.parse_country("Viet Nam") == "VN"
    assert c.parse_country("jp") == "JP"
    assert c.parse_country("Atlantis") is None
    assert c.parse_languages("vi, en; Tiếng Trung") == (["vi", "en", "zh"], [])
    assert c.parse_languages("Vietnamese English") == (["vi", "en"], [])
    assert c.parse_languages("Klingon") == ([], ["Klingon"])
    assert c.parse_cap("5") == 5
    assert c.parse_cap("5.0") == 5
    for bad in ("năm", "2.5", "-1", "101"):
        with pytest.raises(ValueError):
            c.parse_cap(bad)


def test_a_row_reports_each_bad_cell_with_its_column() -> None:
    headers = ["Họ và tên", "Email", "Loại hình", "Quốc gia", "Lĩnh vực", "Số cuộc gặp tối đa"]
    match = c.match_columns(headers, c.PARTICIPANT_COLUMNS)
    _, _, issues = c.parse_participant_row(
        7, ["", "hanh@", "Hợp tác xã X", "Atlantis", "it; vũ trụ", "nhiều"], match
    )
    assert {(i.row, i.column, i.msgid) for i in issues} == {
        (7, "Họ và tên", m.ROW_NAME_MISSING),
        (7, "Email", m.ROW_BAD_EMAIL),
        (7, "Loại hình", m.ROW_UNKNOWN_KIND),
        (7, "Quốc gia", m.ROW_UNKNOWN_COUNTRY),
        (7, "Lĩnh vực", m.ROW_UNKNOWN_SECTOR),
        (7, "Số cuộc gặp tối đa", m.ROW_BAD_CAP),
    }


def test_a_good_row_is_normalised() -> None:
    headers = ["Họ và tên", "Email", "Tổ chức", "Loại hình", "Quốc gia", "Vai trò", "Ngôn ngữ"]
    match = c.match_columns(headers, c.PARTICIPANT_COLUMNS)
    values, raw, issues = c.parse_participant_row(
        2,
        [
            "Lin Wei-Ting",
            " Lin@Example.TW ",
            "台積電",
            "Viện nghiên cứu",
            "Taiwan",
            "Phiên dịch",
            "zh, en",
        ],
        match,
    )
    assert issues == []
    assert values["email"] == "lin@example.tw"
    assert values["organisation"]["kind"] == "research_institute"
    assert values["organisation"]["country"] == "TW"
    assert values["role"] == "interpreter"
    assert values["languages"] == ["zh", "en"]
    assert raw["email"] == "Lin@Example.TW"


def test_duplicate_emails_name_every_row_that_shares_them() -> None:
    match = c.match_columns(["Họ và tên", "Email"], c.PARTICIPANT_COLUMNS)
    issues = c.duplicate_email_issues([(2, "a@x.vn"), (3, "b@x.vn"), (5, "a@x.vn")], match)
    assert [(i.row, i.params["rows"]) for i in issues] == [(2, "2, 5"), (5, "2, 5")]


# ---- writing ------------------------------------------------------------------------------


def test_csv_export_has_a_bom_and_neutralises_formulas_which_reading_undoes() -> None:
    data = write_csv(["Họ và tên", "Điện thoại"], [['=HYPERLINK("x")', "+84 912 345 678"]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert "'=HYPERLINK" in data.decode("utf-8-sig")
    table = read_table(data, "x.csv")
    assert table.rows == [(2, ['=HYPERLINK("x")', "+84 912 345 678"])]


def test_xlsx_export_keeps_formula_like_text_as_text_and_styles_the_header() -> None:
    data = write_xlsx(
        [("Người tham dự", ["Họ và tên / Full name", "Ghi chú"], [["林薇婷", "=1+1"]])]
    )
    book = load_workbook(io.BytesIO(data))
    sheet = book["Người tham dự"]
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B2"
    assert sheet["B2"].data_type == "s"
    assert sheet["B2"].value == "=1+1"
    assert sheet["A2"].value == "林薇婷"
    assert sheet.column_dimensions["A"].width >= len("Họ và tên / Full name")


# ---- translations -------------------------------------------------------------------------


def test_every_import_message_has_a_vietnamese_translation_with_the_same_placeholders() -> None:
    catalogs = []
    for area in ("imports.po", "secinput.po"):
        with (LOCALE_DIR / "vi" / "LC_MESSAGES" / area).open("rb") as handle:
            catalogs.append(read_po(handle, locale="vi"))
    for msgid in m.ALL_MESSAGES:
        message = catalogs[0].get(msgid) or catalogs[1].get(msgid)
        assert message is not None, f"translate in imports.po: {msgid!r}"
        assert message.string, f"translate in imports.po: {msgid!r}"
        placeholders = sorted(re.findall(r"%\((\w+)\)s", msgid))
        assert sorted(re.findall(r"%\((\w+)\)s", str(message.string))) == placeholders, msgid
