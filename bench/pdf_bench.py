"""Benchmark of the printed documents: one agenda, all agendas, table sheets, master grid.

    python bench/pdf_bench.py            # 500 agendas in one PDF (target 120 ms each, 2 cores)
    python bench/pdf_bench.py --quick    # 50 agendas

Synthetic but realistic data (seeded): Vietnamese hosts and delegations from Taiwan, Japan,
Korea, Israel and the Netherlands, names in their own scripts, two days of B2B sessions.
Prints times and page counts, not pass/fail; the targets are shown beside the times.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from app.exports.pdf import (  # noqa: E402
    render_agendas,
    render_grid,
    render_personal_agenda,
    render_table_sheets,
)
from app.exports.views import (  # noqa: E402
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

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

VI_FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
]
VI_MIDDLE = ["Thị", "Văn", "Hữu", "Đức", "Thanh", "Minh", "Quốc", "Ngọc", "Thu"]
VI_GIVEN = [
    "Hạnh",
    "Dũng",
    "Hương",
    "Tuấn",
    "Phượng",
    "Quỳnh",
    "Thắng",
    "Nguyệt",
    "Đạt",
    "Hải",
    "Yến",
]
VI_ORGS = [
    "Công ty TNHH Cơ khí Chính xác Hải Phòng",
    "Công ty Cổ phần Tự động hoá Đông Á",
    "Viện Cơ khí Năng lượng và Mỏ",
    "Trường Đại học Bách khoa Hà Nội",
    "Công ty TNHH Thực phẩm Sạch Thái Nguyên",
    "Hợp tác xã Nông nghiệp Công nghệ cao Đà Lạt",
    "Công ty Cổ phần Dược phẩm Hậu Giang",
    "Viện Ứng dụng Công nghệ",
]
FOREIGN = {
    "TW": (
        [
            ("Lin Wei-Ting", "林薇婷"),
            ("Chen Chih-Ming", "陳志明"),
            ("Huang Yu-Hsuan", "黃鈺萱"),
            ("Wang Chun-Hao", "王俊豪"),
            ("Chang Shu-Fen", "張淑芬"),
        ],
        [
            ("Formosa Precision Machinery", "台灣精密機械股份有限公司"),
            ("Hsinchu Smart Sensors", "新竹智慧感測有限公司"),
        ],
        "Đoàn doanh nghiệp Đài Loan",
    ),
    "JP": (
        [("Tanaka Misaki", "田中 美咲"), ("Suzuki Hiroshi", "鈴木 浩"), ("Sato Yuki", "佐藤 由紀")],
        [
            ("Kansai Agritech", "関西アグリテック株式会社"),
            ("Nagoya Robotics", "名古屋ロボティクス株式会社"),
        ],
        "Đoàn doanh nghiệp Nhật Bản",
    ),
    "KR": (
        [("Kim Min-jun", "김민준"), ("Lee Seo-yeon", "이서연"), ("Park Ji-hoon", "박지훈")],
        [
            ("Daejeon Bio Materials", "대전바이오소재 주식회사"),
            ("Busan Marine Tech", "부산해양기술"),
        ],
        "Đoàn doanh nghiệp Hàn Quốc",
    ),
    "IL": (
        [("Noa Levi", "נועה לוי"), ("Yossi Cohen", "יוסי כהן")],
        [("Negev Water Systems", ""), ("Galilee Drip Irrigation", "")],
        "Israeli delegation",
    ),
    "NL": (
        [("Sanne de Vries", ""), ("Joris van der Berg", "")],
        [("Westland Greenhouse Technology", ""), ("Delta Smart Logistics", "")],
        "Dutch delegation",
    ),
}
TOPICS = [
    Bilingual("Tự động hoá dây chuyền đóng gói", "Automation of packaging lines"),
    Bilingual("Công nghệ tưới nhỏ giọt tiết kiệm nước", "Water-saving drip irrigation"),
    Bilingual("Cảm biến IoT giám sát nhà kính", "IoT sensors for greenhouse monitoring"),
    Bilingual(
        "Chuyển giao công nghệ chế biến sâu nông sản", "Transfer of deep agri-processing technology"
    ),
    Bilingual("Vật liệu sinh học cho bao bì", "Bio-based packaging materials"),
    Bilingual("Robot hàn trong sản xuất cơ khí", "Welding robots for machinery manufacturing"),
    Bilingual("Truy xuất nguồn gốc bằng chuỗi khối", "Blockchain traceability"),
]


@dataclass(frozen=True, slots=True)
class Dataset:
    event: EventView
    agendas: list[PersonAgendaView]
    sheets: list[TableSheetView]
    grid: GridView


def make_dataset(
    people: int, seed: int = 7, tables: int = 15, slots_per_session: int = 9
) -> Dataset:
    """``people`` participants, 60 % Vietnamese, meeting across sessions of ``tables`` tables
    and 20-minute slots; enough sessions that everyone gets about six meetings."""
    rng = random.Random(seed)
    event = EventView(
        id=1,
        title=Bilingual(
            "Phiên kết nối cung cầu công nghệ Việt Nam – Đài Loan 2027",
            "Vietnam – Taiwan Technology Supply–Demand Connection 2027",
        ),
        timezone="Asia/Ho_Chi_Minh",
        start_date=date(2027, 3, 16),
        end_date=date(2027, 3, 17),
        host="ketnoi.example.vn",
        venue="Trung tâm Hội nghị Quốc gia",
        address="Số 1 Đại lộ Thăng Long, Hà Nội",
    )
    parties: list[PartyView] = []
    delegation_of: dict[int, str] = {}
    for pid in range(1, people + 1):
        if rng.random() < 0.6:
            name = f"{rng.choice(VI_FAMILY)} {rng.choice(VI_MIDDLE)} {rng.choice(VI_GIVEN)}"
            parties.append(
                PartyView(pid, name, "", "Giám đốc", Bilingual(rng.choice(VI_ORGS), ""), "", "VN")
            )
        else:
            country = rng.choice(list(FOREIGN))
            names, orgs, delegation = FOREIGN[country]
            full, local = rng.choice(names)
            org_en, org_local = rng.choice(orgs)
            parties.append(
                PartyView(
                    pid, full, local, "Sales Director", Bilingual("", org_en), org_local, country
                )
            )
            delegation_of[pid] = delegation
    sessions = max(1, round(people * 6 / 2 / (tables * slots_per_session)))
    session_starts = [
        datetime(2027, 3, 16, 8 if s % 2 == 0 else 14, 0, tzinfo=ZONE) + timedelta(days=s // 2)
        for s in range(sessions)
    ]
    meetings: list[MeetingView] = []
    grid_slots: list[SlotView] = []
    next_id = 1
    for s, start in enumerate(session_starts):
        title = Bilingual(f"Gặp gỡ B2B – phiên {s + 1}", f"B2B meetings – session {s + 1}")
        for k in range(slots_per_session):
            begins = start + timedelta(minutes=20 * k)
            if s == 0:
                grid_slots.append(SlotView(k + 1, begins, begins + timedelta(minutes=20)))
            free = parties[:]
            rng.shuffle(free)
            for table in range(1, tables + 1):
                if len(free) < 2:
                    break
                a, b = free.pop(), free.pop()
                status = "cancelled" if rng.random() < 0.03 else "confirmed"
                meetings.append(
                    MeetingView(
                        id=next_id,
                        revision=rng.randint(1, 4),
                        updated_at=datetime(2027, 3, 10, 9, 0, tzinfo=UTC),
                        status=status,
                        starts_at=begins.astimezone(UTC),
                        ends_at=(begins + timedelta(minutes=20)).astimezone(UTC),
                        parties=(a, b),
                        table_number=table,
                        session_title=title,
                        room="Hội trường B",
                        topics=(rng.choice(TOPICS),),
                        interpreter_language="zh" if "TW" in (a.country, b.country) else "",
                    )
                )
                next_id += 1
    by_person: dict[int, list[MeetingView]] = {}
    for meeting in meetings:
        for party in meeting.parties:
            by_person.setdefault(party.participant_id, []).append(meeting)
    agendas = [
        PersonAgendaView(
            participant_id=p.participant_id,
            full_name=p.full_name,
            meetings=tuple(by_person.get(p.participant_id, ())),
            name_local=p.name_local,
            position=p.position,
            organisation=p.organisation,
            organisation_local=p.organisation_local,
            country=p.country,
            delegation=delegation_of.get(p.participant_id, ""),
            language="vi" if p.country == "VN" else "en",
            checkin_code=f"KN{p.participant_id:05d}",
        )
        for p in parties
    ]
    first_session = [m for m in meetings if m.starts_at < session_starts[0] + timedelta(hours=4)]
    sheets = [
        TableSheetView(
            table_number=t,
            meetings=tuple(m for m in first_session if m.table_number == t),
            session_title=first_session[0].session_title if first_session else Bilingual(),
            room="Hội trường B",
        )
        for t in range(1, tables + 1)
    ]
    grid = GridView(
        session_title=Bilingual("Gặp gỡ B2B – phiên 1", "B2B meetings – session 1"),
        slots=tuple(grid_slots),
        tables=tuple(TableView(t) for t in range(1, tables + 1)),
        meetings=tuple(first_session),
        room="Hội trường B",
    )
    return Dataset(event, agendas, sheets, grid)


def _cpu() -> float:
    """CPU seconds of this process and of the finished layout processes it started."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(work: Callable[[], bytes]) -> tuple[float, float, bytes]:
    """Wall-clock and CPU seconds (the layout processes' included): on a shared machine the
    CPU time is the steadier figure; long prints are laid out in several processes, so the
    wall time is the one a person waits."""
    started, cpu = time.perf_counter(), _cpu()
    data = work()
    return time.perf_counter() - started, _cpu() - cpu, data


def _pages(pdf: bytes) -> int:
    return len(PdfReader(BytesIO(pdf)).pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50 agendas instead of 500")
    parser.add_argument("--people", type=int, default=None, help="number of agendas")
    parser.add_argument("--out", type=Path, default=None, help="keep the PDFs in this folder")
    args = parser.parse_args(argv)
    people = args.people or (50 if args.quick else 500)
    data = make_dataset(people)
    big = make_dataset(1500, tables=250, slots_per_session=16)
    busiest = max(data.agendas, key=lambda a: len(a.meetings))

    # The first render builds the font configuration and parses the stylesheet; measured
    # apart, because a server pays it once per worker thread, not per download.
    warm, _, _ = _timed(lambda: render_personal_agenda(data.event, data.agendas[0]))
    cases: list[tuple[str, str, Callable[[], bytes]]] = [
        ("one agenda", "< 1 s", lambda: render_personal_agenda(data.event, busiest)),
        (
            f"{people} agendas",
            f"< {people * 0.12:.0f} s",  # 120 ms per agenda (issue 20)
            lambda: render_agendas(data.event, data.agendas),
        ),
        (
            # Grouping adds cover pages only; 50 people show that without doubling the run.
            f"{min(people, 50)} agendas by delegation",
            "",
            lambda: render_agendas(data.event, data.agendas[:50], by_delegation=True),
        ),
        (
            f"{len(data.sheets)} table sheets",
            "",
            lambda: render_table_sheets(data.event, data.sheets),
        ),
        (
            f"{len(big.sheets)} table sheets (16 slots)",
            "< 30 s",  # a 250-table event (issue 20)
            lambda: render_table_sheets(big.event, big.sheets),
        ),
        (
            f"grid {len(data.grid.tables)}x{len(data.grid.slots)}",
            "",
            lambda: render_grid(data.event, [data.grid]),
        ),
    ]
    print(
        f"{'document':>28} {'seconds':>8} {'CPU s':>7} {'target':>7} {'pages':>6} {'KiB':>7}",
        flush=True,
    )
    print(f"{'first render (warm-up)':>28} {warm:8.2f}", flush=True)
    for name, target, work in cases:
        elapsed, cpu, pdf = _timed(work)
        print(
            f"{name:>28} {elapsed:8.2f} {cpu:7.2f} {target:>7} {_pages(pdf):6d}"
            f" {len(pdf) / 1024:7.0f}",
            flush=True,
        )
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / (name.replace(" ", "-") + ".pdf")).write_bytes(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
