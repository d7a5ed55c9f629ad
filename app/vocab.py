"""Fixed bilingual vocabularies: sectors, profile kinds, IP status, partnership types.

Codes are stable (stored, used in the API and in import files); labels are for people.
The sector list follows what the seeds' events cover: Hanoi's key industrial products and
supporting industries, Ho Chi Minh City's key product groups, Hai Phong's Taiwanese
delegation (semiconductors, IoT, biotech, aquaculture, agriculture, food, farm machinery,
renewable energy, equipment) and Thai Nguyen's demands (automation, IT, AI, tea processing).
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class Label(NamedTuple):
    vi: str
    en: str


SECTORS: dict[str, Label] = {
    "mechanics": Label("Cơ khí chế tạo", "Mechanical engineering"),
    "automation": Label("Tự động hoá, robot", "Automation and robotics"),
    "electronics": Label("Điện – điện tử", "Electrical and electronics"),
    "semiconductors": Label("Bán dẫn, vi mạch", "Semiconductors and chips"),
    "it": Label("Công nghệ thông tin, phần mềm", "Information technology and software"),
    "ai": Label("Trí tuệ nhân tạo, dữ liệu", "Artificial intelligence and data"),
    "iot": Label("Internet vạn vật (IoT)", "Internet of Things (IoT)"),
    "digital_transformation": Label("Chuyển đổi số", "Digital transformation"),
    "supporting_industries": Label("Công nghiệp hỗ trợ", "Supporting industries"),
    "automotive": Label("Ô tô, xe máy, linh kiện", "Automotive and parts"),
    "materials": Label("Vật liệu mới, kim loại", "Advanced materials and metals"),
    "plastics_rubber": Label("Nhựa, cao su", "Plastics and rubber"),
    "chemicals": Label("Hoá chất", "Chemicals"),
    "textiles": Label("Dệt may, da giày", "Textiles, garments and footwear"),
    "food_processing": Label("Chế biến thực phẩm, đồ uống", "Food and beverage processing"),
    "agriculture": Label("Nông nghiệp công nghệ cao", "High-tech agriculture"),
    "agri_machinery": Label("Máy nông nghiệp", "Agricultural machinery"),
    "aquaculture": Label("Thuỷ sản, nuôi trồng thuỷ sản", "Fisheries and aquaculture"),
    "biotech": Label("Công nghệ sinh học", "Biotechnology"),
    "pharma": Label("Dược phẩm, dược liệu", "Pharmaceuticals and medicinal herbs"),
    "healthcare": Label("Thiết bị y tế, chăm sóc sức khoẻ", "Medical devices and healthcare"),
    "renewable_energy": Label("Năng lượng tái tạo", "Renewable energy"),
    "energy_efficiency": Label("Tiết kiệm năng lượng", "Energy efficiency"),
    "environment": Label("Môi trường, xử lý chất thải", "Environment and waste treatment"),
    "construction": Label("Xây dựng, vật liệu xây dựng", "Construction and building materials"),
    "logistics": Label("Cảng biển, logistics", "Ports and logistics"),
    "shipbuilding": Label("Đóng tàu, hàng hải", "Shipbuilding and maritime"),
    "marine_science": Label("Khoa học biển", "Marine science"),
    "education_training": Label("Đào tạo nhân lực", "Education and training"),
    "equipment_tools": Label("Thiết bị, công cụ", "Equipment and tools"),
}


class ProfileKind(StrEnum):
    technology_offer = "technology_offer"
    technology_request = "technology_request"
    product_offer = "product_offer"
    product_request = "product_request"
    research_result = "research_result"
    partner_search = "partner_search"


PROFILE_KINDS: dict[str, Label] = {
    ProfileKind.technology_offer: Label("Chào bán công nghệ", "Technology offer"),
    ProfileKind.technology_request: Label("Nhu cầu công nghệ", "Technology request"),
    ProfileKind.product_offer: Label("Chào bán sản phẩm, thiết bị", "Product or equipment offer"),
    ProfileKind.product_request: Label(
        "Nhu cầu sản phẩm, thiết bị", "Product or equipment request"
    ),
    ProfileKind.research_result: Label("Kết quả nghiên cứu", "Research result"),
    ProfileKind.partner_search: Label("Tìm đối tác", "Partner search"),
}

# Supply side and demand side: suggestions pair a request with offers and the reverse.
OFFER_KINDS = frozenset(
    {ProfileKind.technology_offer, ProfileKind.product_offer, ProfileKind.research_result}
)
REQUEST_KINDS = frozenset({ProfileKind.technology_request, ProfileKind.product_request})


class IpStatus(StrEnum):
    patent_granted = "patent_granted"
    patent_pending = "patent_pending"
    utility_solution = "utility_solution"
    know_how = "know_how"
    copyright = "copyright"
    not_protected = "not_protected"
    not_applicable = "not_applicable"


IP_STATUSES: dict[str, Label] = {
    IpStatus.patent_granted: Label("Đã được cấp bằng sáng chế", "Patent granted"),
    IpStatus.patent_pending: Label("Đang nộp đơn sáng chế", "Patent pending"),
    IpStatus.utility_solution: Label("Giải pháp hữu ích", "Utility solution"),
    IpStatus.know_how: Label("Bí quyết kỹ thuật", "Know-how / trade secret"),
    IpStatus.copyright: Label("Quyền tác giả (phần mềm)", "Copyright (software)"),
    IpStatus.not_protected: Label("Chưa được bảo hộ", "Not protected"),
    IpStatus.not_applicable: Label("Không áp dụng", "Not applicable"),
}


class BudgetRange(StrEnum):
    """What a request is ready to spend on the technology, in Vietnamese đồng."""

    under_500m = "under_500m"
    from_500m = "500m_2b"
    from_2b = "2b_10b"
    over_10b = "over_10b"
    to_discuss = "to_discuss"


BUDGET_RANGES: dict[str, Label] = {
    BudgetRange.under_500m: Label("Dưới 500 triệu đồng", "Under VND 500 million"),
    BudgetRange.from_500m: Label("500 triệu – 2 tỷ đồng", "VND 500 million – 2 billion"),
    BudgetRange.from_2b: Label("2 – 10 tỷ đồng", "VND 2 – 10 billion"),
    BudgetRange.over_10b: Label("Trên 10 tỷ đồng", "Over VND 10 billion"),
    BudgetRange.to_discuss: Label("Thoả thuận khi gặp", "To be discussed"),
}


class Partnership(StrEnum):
    """Forms of cooperation; transfer methods follow Vietnam's Law on Technology Transfer
    2017 (Art. 5: transfer of ownership, licensing; Art. 4 forms such as joint ventures)."""

    technology_transfer = "technology_transfer"
    licensing = "licensing"
    joint_rnd = "joint_rnd"
    supply_contract = "supply_contract"
    investment = "investment"
    joint_venture = "joint_venture"
    distribution = "distribution"
    technical_assistance = "technical_assistance"
    training = "training"


PARTNERSHIPS: dict[str, Label] = {
    Partnership.technology_transfer: Label("Chuyển giao công nghệ", "Technology transfer"),
    Partnership.licensing: Label("Chuyển quyền sử dụng (li-xăng)", "Licensing"),
    Partnership.joint_rnd: Label("Hợp tác nghiên cứu", "Joint R&D"),
    Partnership.supply_contract: Label("Hợp đồng cung ứng", "Supply contract"),
    Partnership.investment: Label("Đầu tư", "Investment"),
    Partnership.joint_venture: Label("Liên doanh, liên kết", "Joint venture"),
    Partnership.distribution: Label("Phân phối, đại lý", "Distribution"),
    Partnership.technical_assistance: Label("Hỗ trợ kỹ thuật", "Technical assistance"),
    Partnership.training: Label("Đào tạo", "Training"),
}


class OrganisationKind(StrEnum):
    enterprise = "enterprise"
    research_institute = "research_institute"
    university = "university"
    agency = "agency"
    association = "association"
    investor = "investor"
    other = "other"


ORGANISATION_KINDS: dict[str, Label] = {
    OrganisationKind.enterprise: Label("Doanh nghiệp", "Enterprise"),
    OrganisationKind.research_institute: Label("Viện nghiên cứu", "Research institute"),
    OrganisationKind.university: Label("Trường đại học", "University"),
    OrganisationKind.agency: Label("Cơ quan nhà nước", "Government agency"),
    OrganisationKind.association: Label("Hiệp hội", "Association"),
    OrganisationKind.investor: Label("Nhà đầu tư", "Investor"),
    OrganisationKind.other: Label("Khác", "Other"),
}

# ISO 3166-1 alpha-2 codes met at these events, with names; other valid codes are accepted.
COUNTRIES: dict[str, Label] = {
    "VN": Label("Việt Nam", "Vietnam"),
    "TW": Label("Đài Loan (Trung Quốc)", "Taiwan"),
    "JP": Label("Nhật Bản", "Japan"),
    "KR": Label("Hàn Quốc", "Korea"),
    "IL": Label("Israel", "Israel"),
    "NL": Label("Hà Lan", "Netherlands"),
    "CN": Label("Trung Quốc", "China"),
    "SG": Label("Singapore", "Singapore"),
    "TH": Label("Thái Lan", "Thailand"),
    "DE": Label("Đức", "Germany"),
    "FR": Label("Pháp", "France"),
    "US": Label("Hoa Kỳ", "United States"),
    "AU": Label("Úc", "Australia"),
    "IN": Label("Ấn Độ", "India"),
}

LANGUAGES: dict[str, Label] = {
    "vi": Label("Tiếng Việt", "Vietnamese"),
    "en": Label("Tiếng Anh", "English"),
    "zh": Label("Tiếng Trung", "Chinese"),
    "ja": Label("Tiếng Nhật", "Japanese"),
    "ko": Label("Tiếng Hàn", "Korean"),
    "he": Label("Tiếng Do Thái", "Hebrew"),
    "nl": Label("Tiếng Hà Lan", "Dutch"),
    "fr": Label("Tiếng Pháp", "French"),
    "de": Label("Tiếng Đức", "German"),
}


def label(table: dict[str, Label], code: str, locale: str) -> str:
    entry = table.get(code)
    if entry is None:
        return code
    return entry.en if locale == "en" else entry.vi
