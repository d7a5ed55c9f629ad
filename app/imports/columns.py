"""The columns of a registration spreadsheet and the reading of each cell: plain functions over
plain data (no database), so that every rule is unit-tested on its own.

Organisers keep their lists in Vietnamese or English spreadsheets written by hand, so header
names and vocabulary values are matched ignoring case, accents and punctuation, by code or by
the Vietnamese or English label ("Tự động hoá, robot", "Automation and robotics",
"automation" are one sector).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from email_validator import EmailNotValidError, validate_email

from app.imports import messages as m
from app.imports.messages import Issue
from app.registration.models import ApprovalStatus, ParticipantRole
from app.text import fold
from app.vocab import (
    COUNTRIES,
    IP_STATUSES,
    LANGUAGES,
    ORGANISATION_KINDS,
    PARTNERSHIPS,
    PROFILE_KINDS,
    SECTORS,
    Label,
    OrganisationKind,
)

MAX_SECTORS = 10
MAX_MEETING_CAP = 100
ECHO_LIMIT = 80  # characters of a cell that a problem message quotes
MAX_LABEL_PIECES = 6  # comma-separated pieces that one sector label can hold

ROLES: dict[str, Label] = {
    ParticipantRole.delegate: Label("Đại biểu", "Delegate"),
    ParticipantRole.host: Label("Đơn vị chủ nhà", "Host"),
    ParticipantRole.interpreter: Label("Phiên dịch", "Interpreter"),
    ParticipantRole.staff: Label("Ban tổ chức", "Organiser staff"),
    ParticipantRole.attendee: Label("Khách tham dự", "Attendee"),
}
APPROVAL_STATUSES: dict[str, Label] = {
    ApprovalStatus.pending: Label("Chờ duyệt", "Pending"),
    ApprovalStatus.approved: Label("Đã duyệt", "Approved"),
    ApprovalStatus.rejected: Label("Từ chối", "Rejected"),
}
PROFILE_STATUSES: dict[str, Label] = {
    "draft": Label("Nháp", "Draft"),
    "published": Label("Đã đăng", "Published"),
    "withdrawn": Label("Đã rút", "Withdrawn"),
}
# Names people write for countries besides the vocabulary's labels.
_COUNTRY_ALIASES = {
    "viet nam": "VN",
    "vn": "VN",
    "dai loan": "TW",
    "chinese taipei": "TW",
    "republic of korea": "KR",
    "south korea": "KR",
    "han quoc": "KR",
    "the netherlands": "NL",
    "holland": "NL",
    "usa": "US",
    "my": "US",
    "hoa ky": "US",
    "uc": "AU",
}

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


@lru_cache(maxsize=8192)  # headers and vocabulary cells repeat on thousands of rows
def normalise(text: str) -> str:
    """Folded, punctuation as spaces: 'E-mail *' -> 'e mail', 'Tỉnh/thành' -> 'tinh thanh'."""
    return " ".join(_NON_WORD.sub(" ", fold(text)).split())


@dataclass(frozen=True)
class ColumnSpec:
    field: str
    vi: str
    en: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    max_length: int | None = None
    hint_vi: str = ""
    hint_en: str = ""

    @property
    def header(self) -> str:
        """The bilingual header written by exports and the template ('Họ và tên / Full name')."""
        return self.vi if normalise(self.vi) == normalise(self.en) else f"{self.vi} / {self.en}"

    def names(self) -> set[str]:
        return {normalise(n) for n in (self.vi, self.en, self.field, *self.aliases)}


PARTICIPANT_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "full_name",
        "Họ và tên",
        "Full name",
        ("Họ tên", "Tên đầy đủ", "Tên người tham dự", "Name", "Participant"),
        required=True,
        max_length=200,
        hint_vi="Bắt buộc",
        hint_en="Required",
    ),
    ColumnSpec(
        "name_local",
        "Tên theo ngôn ngữ gốc",
        "Name in own script",
        ("Tên gốc", "Native name", "Local name", "Name (local)"),
        max_length=200,
        hint_vi="Ví dụ: 林薇婷",
        hint_en="For example 林薇婷",
    ),
    ColumnSpec(
        "email",
        "Email",
        "Email",
        ("E-mail", "Thư điện tử", "Địa chỉ email", "Email address", "Mail"),
        required=True,
        max_length=320,
        hint_vi="Cột bắt buộc; mỗi người một địa chỉ (có thể để trống cho phiên dịch viên)",
        hint_en="Required column; one address per person (may be empty for an interpreter)",
    ),
    ColumnSpec(
        "phone",
        "Điện thoại",
        "Phone",
        ("Số điện thoại", "SĐT", "ĐT", "Telephone", "Tel", "Mobile", "Phone number"),
        max_length=40,
    ),
    ColumnSpec(
        "position",
        "Chức vụ",
        "Position",
        ("Chức danh", "Job title", "Title"),
        max_length=200,
    ),
    ColumnSpec(
        "organisation",
        "Tổ chức",
        "Organisation",
        (
            "Tên tổ chức",
            "Đơn vị",
            "Tên đơn vị",
            "Cơ quan",
            "Công ty",
            "Doanh nghiệp",
            "Tên doanh nghiệp",
            "Organization",
            "Company",
        ),
        max_length=300,
        hint_vi="Tổ chức đã có được nhận ra theo tên (không phân biệt hoa thường, dấu, "
        "loại hình pháp lý)",
        hint_en="An existing organisation is recognised by its name (ignoring case, accents "
        "and legal form)",
    ),
    ColumnSpec(
        "organisation_en",
        "Tên tiếng Anh",
        "Organisation (English)",
        ("Tên tổ chức tiếng Anh", "Tên tiếng Anh của tổ chức", "Organization (English)"),
        max_length=300,
    ),
    ColumnSpec(
        "kind",
        "Loại hình",
        "Kind",
        ("Loại hình tổ chức", "Loại tổ chức", "Organisation kind", "Organization type", "Type"),
        hint_vi="Mã hoặc tên, xem danh mục",
        hint_en="Code or name, see the lists",
    ),
    ColumnSpec(
        "country",
        "Quốc gia",
        "Country",
        ("Nước", "Quốc tịch", "Nationality"),
        hint_vi="Mã hai chữ cái (VN, TW, JP…) hoặc tên; mặc định VN",
        hint_en="Two-letter code (VN, TW, JP…) or name; VN when empty",
    ),
    ColumnSpec(
        "province",
        "Tỉnh/thành",
        "Province",
        ("Tỉnh, thành phố", "Tỉnh/thành phố", "Tỉnh thành", "Địa phương", "City", "Province/City"),
        max_length=100,
    ),
    ColumnSpec(
        "sectors",
        "Lĩnh vực",
        "Sectors",
        ("Ngành", "Ngành nghề", "Lĩnh vực hoạt động", "Sector", "Industry", "Industries"),
        max_length=1000,
        hint_vi="Mã hoặc tên, cách nhau bởi dấu ;",
        hint_en="Codes or names separated by ;",
    ),
    ColumnSpec(
        "languages",
        "Ngôn ngữ",
        "Languages",
        ("Ngôn ngữ giao tiếp", "Language"),
        max_length=200,
        hint_vi="Mã như vi, en, zh, ja, ko",
        hint_en="Codes such as vi, en, zh, ja, ko",
    ),
    ColumnSpec(
        "delegation",
        "Đoàn",
        "Delegation",
        ("Đoàn công tác", "Tên đoàn", "Đoàn doanh nghiệp"),
        max_length=300,
        hint_vi="Tên một đoàn đã có ở sự kiện",
        hint_en="The name of a delegation already at the event",
    ),
    ColumnSpec(
        "role",
        "Vai trò",
        "Role",
        hint_vi="Mặc định: đại biểu",
        hint_en="Delegate when empty",
    ),
    ColumnSpec(
        "meeting_cap",
        "Số cuộc gặp tối đa",
        "Meeting cap",
        ("Số cuộc gặp", "Max meetings", "Maximum meetings"),
        hint_vi="Số nguyên 0–100; để trống: theo sự kiện",
        hint_en="Whole number 0–100; empty: the event's cap",
    ),
)
# Columns an export writes and an import reads past without complaint (row numbers too).
IGNORED_HEADERS = frozenset(
    normalise(h)
    for h in (
        "STT",
        "Số thứ tự",
        "TT",
        "No",
        "Nr",
        "#",
        "Trạng thái",
        "Status",
        "Mã check-in",
        "Check-in code",
        "Trạng thái / Status",
        "Mã check-in / Check-in code",
    )
)
STATUS_HEADER = "Trạng thái / Status"
CODE_HEADER = "Mã check-in / Check-in code"


# ---- headers ------------------------------------------------------------------------------


def _candidates(header: str) -> list[str]:
    """Ways to read a header, most specific first: the whole text, without a parenthesis
    ('Họ và tên (bắt buộc)'), then each side of a bilingual 'vi / en' header."""
    out = [header, re.sub(r"\([^)]*\)", " ", header)]
    for part in header.split(" / "):
        out += [part, re.sub(r"\([^)]*\)", " ", part)]
    if " / " not in header:
        out += header.split("/")
    return [n for n in (normalise(c) for c in out) if n]


@dataclass
class ColumnMatch:
    index: dict[str, int] = field(default_factory=dict)  # field -> position in the row
    headers: dict[str, str] = field(default_factory=dict)  # field -> header as written
    unknown: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)  # several columns for one field


def match_columns(headers: Sequence[str], specs: Sequence[ColumnSpec]) -> ColumnMatch:
    """Which column feeds which field. Raises nothing: the caller decides what is fatal."""
    by_name: dict[str, str] = {}
    for spec in specs:
        for name in spec.names():
            by_name.setdefault(name, spec.field)
    match = ColumnMatch()
    seen: dict[str, list[str]] = {}
    for position, header in enumerate(headers):
        if not header.strip():
            continue
        found = next((by_name[c] for c in _candidates(header) if c in by_name), None)
        if found is None:
            if normalise(header) in IGNORED_HEADERS or any(
                c in IGNORED_HEADERS for c in _candidates(header)
            ):
                match.ignored.append(header)
            else:
                match.unknown.append(header)
            continue
        seen.setdefault(found, []).append(header)
        match.index.setdefault(found, position)
        match.headers.setdefault(found, header)
    match.repeated = [h for hs in seen.values() if len(hs) > 1 for h in hs]
    return match


def column_problems(match: ColumnMatch, specs: Sequence[ColumnSpec]) -> list[Issue]:
    """File-level problems: required columns missing, two columns for one field."""
    issues = []
    missing = [s for s in specs if s.required and s.field not in match.index]
    if missing:
        issues.append(
            Issue(
                m.FILE_MISSING_COLUMNS,
                {
                    "missing": ", ".join(f"“{s.header}”" for s in missing),
                    "unknown": ", ".join(f"“{h}”" for h in match.unknown) or "—",
                },
                field="file",
            )
        )
    repeated = match.repeated
    if repeated:
        issues.append(
            Issue(
                m.FILE_REPEATED_COLUMNS,
                {"columns": ", ".join(f"“{h}”" for h in repeated)},
                field="file",
            )
        )
    return issues


# ---- vocabularies -------------------------------------------------------------------------


def _lookup(table: dict[str, Label], extra: dict[str, str] | None = None) -> dict[str, str]:
    """Normalised code, Vietnamese and English label -> code; also a label's first part
    ('Tự động hoá' for 'Tự động hoá, robot') when no other entry claims it."""
    out: dict[str, str] = {}
    short: dict[str, set[str]] = {}
    for code, label in table.items():
        for name in (code, label.vi, label.en):
            out.setdefault(normalise(name), str(code))
        for text in (label.vi, label.en):
            head = re.split(r"[,(]", text, maxsplit=1)[0]
            short.setdefault(normalise(head), set()).add(str(code))
    for name, codes in short.items():
        if len(codes) == 1 and name:
            out.setdefault(name, next(iter(codes)))
    for name, code in (extra or {}).items():
        out.setdefault(normalise(name), code)
    return out


SECTOR_LOOKUP = _lookup(SECTORS)
KIND_LOOKUP = _lookup(ORGANISATION_KINDS, {"company": "enterprise", "doanh nghiep": "enterprise"})
COUNTRY_LOOKUP = _lookup(COUNTRIES, _COUNTRY_ALIASES)
LANGUAGE_LOOKUP = _lookup(
    LANGUAGES, {"viet": "vi", "tieng trung quoc": "zh", "chinese": "zh", "mandarin": "zh"}
)
ROLE_LOOKUP = _lookup(ROLES, {"dai dien": "delegate", "nguoi phien dich": "interpreter"})


def parse_sectors(text: str) -> tuple[list[str], list[str]]:
    """(codes, unknown parts). Labels themselves hold commas ('Tự động hoá, robot'), so ';'
    and new lines separate for sure, and commas only where the pieces are not one label."""
    codes: list[str] = []
    unknown: list[str] = []
    for chunk in re.split(r"[;\n|]+", text):
        pieces = [p.strip() for p in chunk.split(",") if p.strip()]
        start = 0
        while start < len(pieces):
            # The longest run of comma-separated pieces that names one sector.
            for end in range(min(len(pieces), start + MAX_LABEL_PIECES), start, -1):
                code = SECTOR_LOOKUP.get(normalise(", ".join(pieces[start:end])))
                if code is not None:
                    if code not in codes:
                        codes.append(code)
                    start = end
                    break
            else:
                unknown.append(pieces[start])
                start += 1
    return codes, unknown


def parse_languages(text: str) -> tuple[list[str], list[str]]:
    codes: list[str] = []
    unknown: list[str] = []
    for part in (p.strip() for p in re.split(r"[,;/\n]+", text)):
        if not part:
            continue
        code = LANGUAGE_LOOKUP.get(normalise(part))
        words = [part] if code is not None else part.split()
        for word in words:
            code = LANGUAGE_LOOKUP.get(normalise(word))
            if code is None and re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z]{2,4})?", word):
                code = word.lower()  # an ISO 639 code the vocabulary does not list
            if code is None:
                unknown.append(word)
            elif code not in codes:
                codes.append(code)
    return codes, unknown


def parse_country(text: str) -> str | None:
    code = COUNTRY_LOOKUP.get(normalise(text))
    if code is not None:
        return code
    stripped = text.strip()
    if len(stripped) == 2 and stripped.isascii() and stripped.isalpha():
        return stripped.upper()
    return None


def parse_cap(text: str) -> int | None:
    """A whole number 0..100 ('5', '5.0' as spreadsheets write numbers), or ValueError."""
    number = float(text.replace(",", "."))
    if not number.is_integer() or not 0 <= number <= MAX_MEETING_CAP:
        raise ValueError(text)
    return int(number)


# ---- one row ------------------------------------------------------------------------------


def _cell(cells: Sequence[str], match: ColumnMatch, name: str) -> str:
    position = match.index.get(name)
    if position is None or position >= len(cells):
        return ""
    return cells[position].strip()


def is_blank(cells: Iterable[str]) -> bool:
    return not any(c.strip() for c in cells)


def parse_participant_row(
    row: int, cells: Sequence[str], match: ColumnMatch
) -> tuple[dict[str, Any], dict[str, str], list[Issue]]:
    """(normalised values, the raw cells by field, problems) of one spreadsheet row."""
    raw = {spec.field: _cell(cells, match, spec.field) for spec in PARTICIPANT_COLUMNS}
    issues: list[Issue] = []

    def problem(name: str, msgid: str, **params: Any) -> None:
        # A message quotes at most the start of a cell: a problem list never grows with it.
        params = {
            k: v[:ECHO_LIMIT] + "…" if isinstance(v, str) and len(v) > ECHO_LIMIT else v
            for k, v in params.items()
        }
        issues.append(Issue(msgid, params, row=row, column=match.headers.get(name), field=name))

    too_long = set()
    for spec in PARTICIPANT_COLUMNS:
        if spec.max_length is not None and len(raw[spec.field]) > spec.max_length:
            problem(spec.field, m.ROW_TOO_LONG, limit=spec.max_length)
            too_long.add(spec.field)
    for name in too_long & {"sectors", "languages"}:
        raw[name] = ""  # said once as too long; not split into hundreds of unknown values

    if not raw["full_name"]:
        problem("full_name", m.ROW_NAME_MISSING)

    email: str | None = None
    if raw["email"]:
        try:
            email = validate_email(raw["email"], check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            problem("email", m.ROW_BAD_EMAIL, value=raw["email"])

    if len(re.split(r"[;,\n|]", raw["sectors"])) > MAX_SECTORS * 3:
        problem("sectors", m.ROW_TOO_MANY_SECTORS, limit=MAX_SECTORS)
        raw["sectors"] = ""  # hundreds of pieces: said once, not matched piece by piece
    sectors, unknown_sectors = parse_sectors(raw["sectors"])
    for value in unknown_sectors[:3]:
        problem("sectors", m.ROW_UNKNOWN_SECTOR, value=value)
    if len(sectors) > MAX_SECTORS:
        problem("sectors", m.ROW_TOO_MANY_SECTORS, limit=MAX_SECTORS)

    kind = OrganisationKind.enterprise.value
    if raw["kind"]:
        found = KIND_LOOKUP.get(normalise(raw["kind"]))
        if found is None:
            problem("kind", m.ROW_UNKNOWN_KIND, value=raw["kind"])
        else:
            kind = found

    country = "VN"
    if raw["country"]:
        found = parse_country(raw["country"])
        if found is None:
            problem("country", m.ROW_UNKNOWN_COUNTRY, value=raw["country"])
        else:
            country = found

    languages, unknown_languages = parse_languages(raw["languages"])
    for value in unknown_languages:
        problem("languages", m.ROW_UNKNOWN_LANGUAGE, value=value)

    role = ParticipantRole.delegate.value
    if raw["role"]:
        found = ROLE_LOOKUP.get(normalise(raw["role"]))
        if found is None:
            problem("role", m.ROW_UNKNOWN_ROLE, value=raw["role"])
        else:
            role = found

    cap: int | None = None
    if raw["meeting_cap"]:
        try:
            cap = parse_cap(raw["meeting_cap"])
        except ValueError:
            problem("meeting_cap", m.ROW_BAD_CAP, limit=MAX_MEETING_CAP)

    organisation: dict[str, Any] | None = None
    if raw["organisation"]:
        organisation = {
            "name_vi": raw["organisation"],
            "name_en": raw["organisation_en"],
            "kind": kind,
            "country": country,
            "province": raw["province"],
            "sectors": sectors[:MAX_SECTORS],
        }
    values = {
        "full_name": raw["full_name"],
        "name_local": raw["name_local"],
        "email": email,
        "phone": raw["phone"],
        "position": raw["position"],
        "organisation": organisation,
        "languages": languages,
        "role": role,
        "delegation": raw["delegation"] or None,
        "meeting_cap": cap,
    }
    return values, raw, issues


def duplicate_email_issues(
    rows: Sequence[tuple[int, str | None]], match: ColumnMatch
) -> list[Issue]:
    """An issue on every row whose e-mail another row repeats, naming all of those rows."""
    by_email: dict[str, list[int]] = {}
    for row, email in rows:
        if email:
            by_email.setdefault(email, []).append(row)
    issues = []
    for numbers in by_email.values():
        if len(numbers) > 1:
            listed = ", ".join(str(n) for n in numbers)
            issues += [
                Issue(
                    m.ROW_DUPLICATE_EMAIL,
                    {"rows": listed},
                    row=n,
                    column=match.headers.get("email"),
                    field="email",
                )
                for n in numbers
            ]
    return issues


def vocabulary_sheets() -> dict[str, list[tuple[str, str, str]]]:
    """(code, Vietnamese, English) of every list a registration file may use, for the
    template's reference sheet."""
    return {
        "Lĩnh vực / Sectors": [(c, x.vi, x.en) for c, x in SECTORS.items()],
        "Loại hình / Kind": [(str(c), x.vi, x.en) for c, x in ORGANISATION_KINDS.items()],
        "Vai trò / Role": [(str(c), x.vi, x.en) for c, x in ROLES.items()],
        "Quốc gia / Country": [(c, x.vi, x.en) for c, x in COUNTRIES.items()],
        "Ngôn ngữ / Languages": [(c, x.vi, x.en) for c, x in LANGUAGES.items()],
    }


def label_vi(table: dict[str, Label], code: str | None) -> str:
    if not code:
        return ""
    entry = table.get(code)
    return entry.vi if entry else code


# The profiles export writes these vocabularies' Vietnamese labels.
PROFILE_VOCABULARIES = {
    "kind": PROFILE_KINDS,
    "ip_status": IP_STATUSES,
    "partnership": PARTNERSHIPS,
    "status": PROFILE_STATUSES,
}
