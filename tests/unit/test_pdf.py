"""Printed documents: what lands on paper, read back with poppler (pdftotext, pdffonts,
pdftoppm) and pypdf."""

from __future__ import annotations

import socket
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from pypdf import PdfReader
from weasyprint import HTML

from app.exports import pdf as pdf_module
from app.exports.pdf import (
    STATIC_DIR,
    RefusedURL,
    SafeURLFetcher,
    render_agendas,
    render_grid,
    render_personal_agenda,
    render_table_sheets,
)
from app.exports.views import (
    Bilingual,
    EventView,
    GridView,
    MeetingView,
    PartyView,
    PersonAgendaView,
    SlotView,
    TableSheetView,
    TableView,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
EVENT = EventView(
    id=1,
    title=Bilingual(
        "Kết nối cung cầu công nghệ Việt Nam – Đài Loan", "Vietnam – Taiwan connection"
    ),
    timezone="Asia/Ho_Chi_Minh",
    start_date=date(2027, 3, 16),
    end_date=date(2027, 3, 16),
    host="ketnoi.example.vn",
    venue="Trung tâm Hội nghị Quốc gia",
)
HANH = PartyView(
    1, "Nguyễn Thị Hạnh", organisation=Bilingual("Công ty Cơ khí Hải Phòng", ""), country="VN"
)
LIN = PartyView(
    2,
    "Lin Wei-Ting",
    "林薇婷",
    organisation=Bilingual("", "Formosa Precision"),
    organisation_local="台灣精密",
    country="TW",
)
TANAKA = PartyView(3, "Tanaka Misaki", "田中 美咲", country="JP")
KIM = PartyView(4, "Kim Min-jun", "김민준", country="KR")


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 3, 16, hour, minute, tzinfo=HCM)


def meeting(
    mid: int, start: datetime, a: PartyView, b: PartyView, table: int, **kw: object
) -> MeetingView:
    return MeetingView(
        id=mid,
        revision=1,
        updated_at=datetime(2027, 3, 1, tzinfo=UTC),
        status=str(kw.get("status", "confirmed")),
        starts_at=start.astimezone(UTC),
        ends_at=(start + timedelta(minutes=20)).astimezone(UTC),
        parties=(a, b),
        table_number=table,
        topics=(Bilingual("Tự động hoá dây chuyền đóng gói", "Packaging automation"),),
    )


def person(party: PartyView, meetings: list[MeetingView], language: str = "vi") -> PersonAgendaView:
    return PersonAgendaView(
        participant_id=party.participant_id,
        full_name=party.full_name,
        name_local=party.name_local,
        meetings=tuple(meetings),
        organisation=party.organisation,
        country=party.country,
        language=language,
        checkin_code=f"KN{party.participant_id:05d}",
    )


# Given out of order on purpose: the agenda must print them by time.
HANH_MEETINGS = [
    meeting(12, at(14, 40), HANH, KIM, 3),
    meeting(10, at(14, 0), HANH, LIN, 5),
    meeting(11, at(14, 20), HANH, TANAKA, 2),
]


def pdftotext(pdf: bytes, tmp_path: Path, page: int | None = None) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", "-layout", *pages, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def page_count(pdf: bytes) -> int:
    return len(PdfReader(BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def hanh_pdf() -> bytes:
    return render_personal_agenda(EVENT, person(HANH, HANH_MEETINGS))


def test_agenda_prints_names_in_their_scripts_and_meetings_in_time_order(
    hanh_pdf: bytes, tmp_path: Path
) -> None:
    text = pdftotext(hanh_pdf, tmp_path)
    assert "Nguyễn Thị Hạnh" in text
    assert "Lịch gặp / Meeting schedule" in text
    assert "林薇婷" in text
    assert "田中 美咲" in text
    assert "김민준" in text
    positions = [text.index(s) for s in ("14:00–14:20", "14:20–14:40", "14:40–15:00")]
    assert positions == sorted(positions)
    assert text.index("林薇婷") < text.index("田中 美咲") < text.index("김민준")
    assert "KN00001" in text  # the check-in code under the QR code
    assert "Đài Loan" in text  # the counterpart's country in the reader's language
    assert "1/1" in text


def test_fonts_are_embedded_noto_without_type3_fallback(hanh_pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "agenda.pdf"
    path.write_bytes(hanh_pdf)
    listing = subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout
    rows = listing.splitlines()[2:]
    assert rows, listing
    assert all("Noto" in row for row in rows), listing
    assert any("CJK" in row for row in rows), listing
    assert not any("Type 3" in row for row in rows), listing
    # Columns: name type encoding emb sub uni id gen; every font embedded.
    assert all(row.split()[-5] == "yes" for row in rows), listing


def test_agenda_page_is_a4_portrait_and_visibly_printed(hanh_pdf: bytes, tmp_path: Path) -> None:
    page = PdfReader(BytesIO(hanh_pdf)).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    (tmp_path / "agenda.pdf").write_bytes(hanh_pdf)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "agenda.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    (png,) = tmp_path.glob("page*.png")
    image = Image.open(png).convert("L")
    header = image.crop((0, 0, image.width, image.height // 5))
    dark = sum(header.histogram()[:100])
    assert dark > 500, "the header (event title, QR code) should be printed"
    bottom = image.crop((0, image.height * 9 // 10, image.width, image.height))
    assert sum(bottom.histogram()[:160]) > 20, "the footer should be printed"


def test_all_agendas_start_each_person_on_a_new_page_numbered_per_person(tmp_path: Path) -> None:
    start = at(8)
    busy = [
        meeting(100 + k, start + timedelta(minutes=20 * k), LIN, HANH if k % 2 else TANAKA, k + 1)
        for k in range(18)
    ]
    people = [
        person(HANH, HANH_MEETINGS),
        person(LIN, busy, language="en"),
        person(KIM, []),
    ]
    pdf = render_agendas(EVENT, people)
    pages = [pdftotext(pdf, tmp_path, page=n) for n in range(1, page_count(pdf) + 1)]
    assert len(pages) == 4, "Hạnh 1 page, Lin 2 pages, Kim 1 page"
    assert "Nguyễn Thị Hạnh" in pages[0]
    assert "1/1" in pages[0]
    assert "林薇婷" in pages[1]
    assert "1/2" in pages[1]
    assert "2/2" in pages[2]
    assert "Kim Min-jun" in pages[3]
    assert "1/1" in pages[3]
    assert "Chưa có cuộc gặp nào" in pages[3]
    # Dates in each reader's language; headings bilingual for everyone.
    assert "Thứ Ba, 16/03/2027" in pages[0]
    assert "Tuesday, 16/03/2027" in pages[1]
    assert "Lịch gặp / Meeting schedule" in pages[1]


def test_agendas_printed_in_parts_join_into_one_file_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big print is laid out PART_SIZE people at a time (memory stays flat) and the parts
    joined: the same pages in the same order, each person still numbered on their own, and
    the file keeps its title."""
    monkeypatch.setattr(pdf_module, "PART_SIZE", 2)
    start = at(8)
    busy = [
        meeting(100 + k, start + timedelta(minutes=20 * k), LIN, HANH if k % 2 else TANAKA, k + 1)
        for k in range(18)
    ]
    people = [
        person(HANH, HANH_MEETINGS),
        person(LIN, busy, language="en"),
        person(KIM, []),
        person(TANAKA, [], language="en"),
        person(HANH, []),
    ]
    pdf = render_agendas(EVENT, people)
    pages = [pdftotext(pdf, tmp_path, page=n) for n in range(1, page_count(pdf) + 1)]
    assert len(pages) == 6, "Hạnh 1 page, Lin 2, Kim 1, Tanaka 1, Hạnh again 1"
    assert "Nguyễn Thị Hạnh" in pages[0]
    assert "林薇婷" in pages[1]
    assert "1/2" in pages[1]
    assert "2/2" in pages[2]
    assert "Kim Min-jun" in pages[3]
    assert "1/1" in pages[3]
    assert "田中" in pages[4] or "Tanaka" in pages[4]
    assert "Nguyễn Thị Hạnh" in pages[5]
    title = PdfReader(BytesIO(pdf)).metadata
    assert title is not None
    assert "Lịch gặp" in str(title.title)


def test_a_long_print_laid_out_in_several_processes_is_the_same_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parts laid out side by side in other processes come back in order: the same pages,
    the same text, as when one process lays out everything."""
    monkeypatch.setattr(pdf_module, "PART_SIZE", 2)
    people = [
        person(HANH, HANH_MEETINGS),
        person(LIN, [], language="en"),
        person(KIM, []),
        person(TANAKA, [], language="en"),
        person(HANH, []),
    ]
    alone = render_agendas(EVENT, people)
    monkeypatch.setattr(pdf_module, "PARALLEL_FROM", 2)
    seen: list[tuple[int, int]] = []
    side_by_side = render_agendas(EVENT, people, progress=lambda d, t: seen.append((d, t)))

    def texts(pdf: bytes) -> list[str]:
        return [pdftotext(pdf, tmp_path, page=n) for n in range(1, page_count(pdf) + 1)]

    assert texts(side_by_side) == texts(alone)
    assert "Kim Min-jun" in texts(side_by_side)[2]
    assert seen[-1] == (5, 5)


def test_agendas_by_delegation_open_each_group_with_a_cover(tmp_path: Path) -> None:
    people = [
        PersonAgendaView(2, "Lin Wei-Ting", (), delegation="Đoàn Đài Loan", checkin_code="A"),
        PersonAgendaView(1, "Nguyễn Thị Hạnh", (), checkin_code="B"),
        PersonAgendaView(3, "Chen Chih-Ming", (), delegation="Đoàn Đài Loan", checkin_code="C"),
    ]
    progress: list[tuple[int, int]] = []
    pdf = render_agendas(
        EVENT, people, by_delegation=True, progress=lambda d, t: progress.append((d, t))
    )
    pages = [pdftotext(pdf, tmp_path, page=n) for n in range(1, page_count(pdf) + 1)]
    assert len(pages) == 4
    assert "Đoàn Đài Loan" in pages[0]
    assert "Thành viên đoàn" in pages[0]
    assert "Chen Chih-Ming" in pages[1]
    assert "Lin Wei-Ting" in pages[2]
    assert "Nguyễn Thị Hạnh" in pages[3]
    assert progress[-1] == (3, 3)


def test_table_sheets_one_page_per_table_without_cancelled_meetings(tmp_path: Path) -> None:
    sheets = [
        TableSheetView(5, (meeting(10, at(14), HANH, LIN, 5),)),
        TableSheetView(
            2,
            (
                meeting(11, at(14, 20), HANH, TANAKA, 2),
                meeting(13, at(14, 40), KIM, LIN, 2, status="cancelled"),
            ),
        ),
    ]
    pdf = render_table_sheets(EVENT, sheets)
    pages = [pdftotext(pdf, tmp_path, page=n) for n in range(1, page_count(pdf) + 1)]
    assert len(pages) == 2
    assert "Bàn / Table 2" in pages[0]
    assert "田中 美咲" in pages[0]
    assert "김민준" not in pages[0]
    assert "Bàn / Table 5" in pages[1]
    assert "林薇婷" in pages[1]


def test_grid_is_landscape_and_repeats_its_header_on_every_page(tmp_path: Path) -> None:
    slots = tuple(
        SlotView(
            k + 1, at(14) + timedelta(minutes=20 * k), at(14) + timedelta(minutes=20 * (k + 1))
        )
        for k in range(9)
    )
    parties = [HANH, LIN, TANAKA, KIM]
    meetings = tuple(
        meeting(1000 + t * 10 + k, slot.starts_at, parties[k % 4], parties[(k + 1) % 4], t)
        for t in range(1, 31)
        for k, slot in enumerate(slots)
    )
    grid = GridView(
        Bilingual("Gặp gỡ B2B", "B2B meetings"),
        slots,
        tuple(TableView(t) for t in range(1, 31)),
        meetings,
    )
    pdf = render_grid(EVENT, [grid])
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) >= 2
    box = reader.pages[1].mediabox
    assert float(box.width) > float(box.height)
    second = pdftotext(pdf, tmp_path, page=2)
    assert "14:00–14:20" in second
    assert "16:40–17:00" in second
    assert "Bàn /" in second[:300]  # the header row, at the top of the page
    first_rows = pdftotext(pdf, tmp_path, page=1)
    assert first_rows.index("14:00–14:20") < first_rows.index("Nguyễn Thị Hạnh")


def test_fetcher_serves_data_uris_and_static_files_only() -> None:
    fetcher = SafeURLFetcher()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    css = next(STATIC_DIR.rglob("*.css"))
    assert fetcher.fetch(css.as_uri()).read() == css.read_bytes()
    for url in (
        "http://127.0.0.1:9/secret",
        "https://example.com/logo.png",
        "file:///etc/passwd",
        (STATIC_DIR / ".." / "pyproject.toml").as_uri(),
        "ftp://example.com/x",
        "file://evil.example/share/x.png",
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)


def test_nothing_in_a_document_is_fetched_from_the_network(tmp_path: Path) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    port = server.getsockname()[1]
    try:
        html = (
            f'<p style="background: url(http://127.0.0.1:{port}/bg.png)">x</p>'
            f'<img src="http://127.0.0.1:{port}/track.png">'
            f'<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">'
            '<img src="file:///etc/hostname">'
        )
        HTML(string=html, url_fetcher=SafeURLFetcher()).write_pdf()
        with pytest.raises(BlockingIOError):
            server.accept()  # no connection was ever attempted
    finally:
        server.close()
    # User text is escaped, so a name cannot smuggle markup into the document either.
    sneaky = PartyView(5, f'<img src="http://127.0.0.1:{port}/x"> Đỗ Văn An')
    pdf = render_personal_agenda(
        EVENT,
        PersonAgendaView(5, sneaky.full_name, (meeting(1, at(14), sneaky, HANH, 1),)),
    )
    assert '<img src="http://127.0.0.1' in pdftotext(pdf, tmp_path)


# ---- the delegate's own language on their agenda ----------------------------------------


@pytest.mark.parametrize(
    ("second", "heading", "note"),
    [
        ("ja", "面談スケジュール", "QR コードをご提示ください"),
        ("ko", "미팅 일정", "QR 코드를 제시해 주십시오"),
        ("zh_Hant", "會談行程", "報到時請出示 QR 碼"),
        ("zh_Hans", "会谈行程", "报到时请出示 QR 码"),
    ],
)
def test_an_agenda_speaks_vietnamese_and_the_delegates_own_language(
    second: str, heading: str, note: str, tmp_path: Path
) -> None:
    agenda = replace(
        person(TANAKA, [meeting(20, at(14), TANAKA, HANH, 4)], language="en"), second=second
    )
    text = " ".join(pdftotext(render_personal_agenda(EVENT, agenda), tmp_path).split())
    assert f"Lịch gặp / {heading}" in text
    assert note in text
    assert "Meeting schedule" not in text  # not English on top of the two
    assert "田中 美咲" in text  # names as written


@pytest.mark.parametrize(
    ("second", "words"),
    [
        ("zh_Hant", ("/ 時間", "/ 桌號")),
        ("ja", ("/ 時間", "/ テーブル")),
        ("ko", ("/ 시간", "/ 테이블")),
    ],
)
def test_the_agendas_column_headings_keep_their_words_whole(
    second: str, words: tuple[str, ...], tmp_path: Path
) -> None:
    """Found in session 29's walk: "Thời gian / 時" on one line and "間" on the next (CJK
    breaks between any two characters); the second language now has a line of its own."""
    agenda = replace(
        person(TANAKA, [meeting(20, at(14), TANAKA, HANH, 4)], language="en"), second=second
    )
    text = pdftotext(render_personal_agenda(EVENT, agenda), tmp_path)
    for word in words:
        assert word in text, text[:600]


def test_the_second_language_comes_from_what_the_delegate_speaks() -> None:
    from app.i18n.documents import print_language

    assert print_language(["ja", "en"], "JP") == "ja"
    assert print_language(["en", "ko"], "KR") == "ko"
    assert print_language(["zh", "en"], "TW") == "zh_Hant"
    assert print_language(["zh"], "CN") == "zh_Hans"
    assert print_language(["en", "he"], "IL") == "en"
    assert print_language([], "VN") == "en"


def test_table_sheets_for_a_japanese_delegation_speak_japanese(tmp_path: Path) -> None:
    sheets = [TableSheetView(3, (meeting(11, at(14, 20), HANH, TANAKA, 3),))]
    text = pdftotext(render_table_sheets(EVENT, sheets, second="ja"), tmp_path)
    assert "Bàn / テーブル 3" in text
    assert "Table" not in text
    # The default stays English, and nothing leaks from one document into the next.
    assert "Bàn / Table 3" in pdftotext(render_table_sheets(EVENT, sheets), tmp_path)
