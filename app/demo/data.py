"""Registrations for the demo Hải Phòng event (issue 5): plain data, loaded by
app.demo.registrations through the services.

The picture follows the articles in shared/seeds: Hải Phòng's Department of Science and
Technology has run nearly 20 supply–demand sessions with delegations from Taiwan, Japan,
Korea, Israel and the Netherlands; the Taiwanese side brings semiconductors, IoT, biotech,
aquaculture and fish fry, agriculture, food, farm machinery, renewable energy and equipment,
with research institutes in marine and fisheries science; Vietnamese host enterprises (mostly
Hải Phòng and neighbouring provinces) bring demands in mechanics, electronics, IT, digital
transformation, food processing, supporting industries, tea processing and automation.

Contents: 57 organisations; 5 delegations (TW, JP, KR, IL, NL), each with a head who can
log in; 87 participants — 81 approved (34 Vietnamese, 47 foreign), 5 pending late additions
by heads and 1 rejected with its reason; 5 people with blocked B2B slots; 72 published
offers and requests over 27 sectors, foreign ones also titled in zh, ja, ko, he or nl.

Fictional-safe: every company and every person here is invented (the two names app.demo
already gives its accounts come from the seed articles). The public institutions are real
and named in the seeds or well known in Hải Phòng (the Department of Science and Technology,
the Agency for Technology Application and Development, the Research Institute for Marine
Fisheries, Vietnam Maritime University, Hai Phong University, the Bach Khoa mechanical
engineering centre); the people shown for them are invented. E-mail addresses use the
reserved ``.example`` domain (RFC 2606) so that nothing can reach a real mailbox; the
accounts that can log in use ``@ketnoi.demo``. Phone numbers are left empty on purpose.

Demo logins (``ketnoi demo`` prints them):

- the five delegation heads, password ``DELEGATION_HEAD_PASSWORD``; each can add members to
  their delegation (those wait for the organiser's approval) and act for them;
- ``delegate@ketnoi.demo`` (the account app.demo creates, "Lã Minh Tuấn") is registered as
  the director of a Hải Phòng seafood processor, a Vietnamese enterprise *with demands*:
  logging in as him shows the demand side of the journeys (search "tu dong hoa", suggested
  matches for his requests, meeting requests to Taiwanese and Japanese suppliers), while the
  heads' accounts show the supply side. (The seed article names a Lã Minh Tuấn as head of the
  Taiwanese delegation; the demo keeps the name that app.demo already gives the account and
  gives the Taiwanese delegation its own, invented head.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.registration.models import ApprovalStatus, DelegationStatus, ParticipantRole
from app.vocab import IpStatus, OrganisationKind, Partnership, ProfileKind

DELEGATION_HEAD_PASSWORD = "ketnoi-head-2026"
# Event-day staff of the Hải Phòng department: the check-in desk's demo login.
DESK_STAFF_EMAIL = "huy.vq@sokhcn-haiphong.example"
DESK_STAFF_PASSWORD = "ketnoi-desk-2026"
DEMO_DELEGATE_EMAIL = "delegate@ketnoi.demo"  # the account created by app.demo.load_demo

ENT = OrganisationKind.enterprise
INST = OrganisationKind.research_institute
UNI = OrganisationKind.university
AGENCY = OrganisationKind.agency
ASSOC = OrganisationKind.association

APPROVED = ApprovalStatus.approved
PENDING = ApprovalStatus.pending
REJECTED = ApprovalStatus.rejected

P = Partnership


@dataclass(frozen=True)
class OrganisationSeed:
    key: str  # handle used in this file only
    name_vi: str
    name_en: str
    country: str
    province: str
    kind: OrganisationKind
    sectors: tuple[str, ...]
    description_vi: str
    description_en: str
    name_local: str = ""


@dataclass(frozen=True)
class DelegationSeed:
    key: str
    name: str
    name_en: str
    name_local: str
    country: str
    leading_organisation: str  # OrganisationSeed.key
    head_email: str  # a PersonSeed; the loader makes the account for it
    arrival: date
    departure: date
    languages: tuple[str, ...]
    needs_interpreter: bool
    interpreter_notes: str
    status: DelegationStatus
    notes: str


@dataclass(frozen=True)
class PersonSeed:
    """A participant. Approved people are added by the organiser; ``pending`` and
    ``rejected`` ones are added late by the head of their delegation (the organiser has yet
    to decide, or rejects with ``rejection_reason``). A delegation head's registration and
    the demo delegate's carry their account's e-mail, which links them to the account."""

    email: str
    full_name: str
    organisation: str  # OrganisationSeed.key
    position: str
    languages: tuple[str, ...]
    name_local: str = ""
    role: ParticipantRole = ParticipantRole.delegate
    delegation: str | None = None  # DelegationSeed.key
    status: ApprovalStatus = APPROVED
    rejection_reason: str = ""
    meeting_cap: int | None = None
    unavailable_slots: tuple[int, ...] = ()  # numbers of the B2B session's slots (1–8)


@dataclass(frozen=True)
class ProfileSeed:
    """An offer or request, owned by an approved participant (by e-mail)."""

    owner: str
    kind: ProfileKind
    title_vi: str
    title_en: str
    description_vi: str
    description_en: str
    sectors: tuple[str, ...]
    keywords: tuple[str, ...]
    partnerships: tuple[Partnership, ...]
    trl: int | None = None
    ip_status: IpStatus | None = None
    title_local: str = ""
    description_local: str = ""
    local_language: str = ""


# ---- organisations ------------------------------------------------------------------------

ORGANISATIONS: tuple[OrganisationSeed, ...] = (
    # Vietnamese public bodies, institutes and universities (real institutions, invented people)
    OrganisationSeed(
        key="sokhcn_hp",
        name_vi="Sở Khoa học và Công nghệ Hải Phòng",
        name_en="Hai Phong Department of Science and Technology",
        country="VN",
        province="Hải Phòng",
        kind=AGENCY,
        sectors=("digital_transformation", "education_training"),
        description_vi="Cơ quan tổ chức phiên kết nối cung cầu công nghệ.",
        description_en="Organiser of the technology supply–demand session.",
    ),
    OrganisationSeed(
        key="cuc_udpt",
        name_vi="Cục Ứng dụng và Phát triển công nghệ",
        name_en="Agency for Technology Application and Development",
        country="VN",
        province="Hà Nội",
        kind=AGENCY,
        sectors=("digital_transformation",),
        description_vi=(
            "Đơn vị thuộc Bộ Khoa học và Công nghệ, phối hợp tổ chức; kết nối, chuyển giao "
            "công nghệ nước ngoài theo nhu cầu của địa phương."
        ),
        description_en=(
            "Ministry of Science and Technology agency, co-organiser; connects provinces with "
            "foreign technology according to their demands."
        ),
    ),
    OrganisationSeed(
        key="vien_haisan",
        name_vi="Viện Nghiên cứu Hải sản",
        name_en="Research Institute for Marine Fisheries",
        country="VN",
        province="Hải Phòng",
        kind=INST,
        sectors=("aquaculture", "marine_science", "biotech"),
        description_vi="Nghiên cứu khoa học biển, nguồn lợi và công nghệ nuôi trồng hải sản.",
        description_en="Marine science, fisheries resources and mariculture technology.",
    ),
    OrganisationSeed(
        key="dh_hanghai",
        name_vi="Trường Đại học Hàng hải Việt Nam",
        name_en="Vietnam Maritime University",
        country="VN",
        province="Hải Phòng",
        kind=UNI,
        sectors=("shipbuilding", "logistics", "automation", "education_training"),
        description_vi="Đào tạo, nghiên cứu hàng hải, đóng tàu, điện – tự động hoá, logistics.",
        description_en="Maritime, shipbuilding, electrical and automation, logistics.",
    ),
    OrganisationSeed(
        key="dh_haiphong",
        name_vi="Trường Đại học Hải Phòng",
        name_en="Hai Phong University",
        country="VN",
        province="Hải Phòng",
        kind=UNI,
        sectors=("biotech", "agriculture", "education_training"),
        description_vi="Đào tạo đa ngành; nhóm nghiên cứu công nghệ sinh học ứng dụng.",
        description_en="Multidisciplinary university; applied biotechnology research group.",
    ),
    OrganisationSeed(
        key="tt_cokhi_bk",
        name_vi="Trung tâm Nghiên cứu Thiết bị và Công nghệ cơ khí Bách khoa",
        name_en="Bach Khoa Research Centre for Mechanical Equipment and Technology",
        country="VN",
        province="TP. Hồ Chí Minh",
        kind=INST,
        sectors=("mechanics", "food_processing", "equipment_tools"),
        description_vi="Thiết kế, chế tạo máy móc, dây chuyền chế biến thuỷ sản, thực phẩm.",
        description_en="Designs and builds seafood and food processing machines and lines.",
    ),
    # Vietnamese enterprises (invented)
    OrganisationSeed(
        key="cathai_seafood",
        name_vi="Công ty Cổ phần Thực phẩm Thuỷ sản Cát Hải",
        name_en="Cat Hai Seafood Foods JSC",
        country="VN",
        province="Hải Phòng",
        kind=ENT,
        sectors=("food_processing", "aquaculture", "logistics"),
        description_vi="Chế biến, cấp đông và xuất khẩu tôm, mực, cá; kho lạnh 2.000 tấn.",
        description_en="Processes, freezes and exports shrimp, squid and fish; 2,000 t cold store.",
    ),
    OrganisationSeed(
        key="trangkenh_cnc",
        name_vi="Công ty TNHH Cơ khí Chính xác Tràng Kênh",
        name_en="Trang Kenh Precision Engineering Co., Ltd.",
        country="VN",
        province="Hải Phòng",
        kind=ENT,
        sectors=("mechanics", "supporting_industries"),
        description_vi="Gia công CNC, khuôn mẫu, đồ gá cho doanh nghiệp FDI; 60 máy CNC.",
        description_en="CNC machining, moulds and jigs for foreign-invested plants; 60 machines.",
    ),
    OrganisationSeed(
        key="doson_electronics",
        name_vi="Công ty Cổ phần Điện tử Đồ Sơn",
        name_en="Do Son Electronics JSC",
        country="VN",
        province="Hải Phòng",
        kind=ENT,
        sectors=("electronics", "supporting_industries"),
        description_vi="Lắp ráp bo mạch điện tử (EMS), 3 dây chuyền SMT.",
        description_en="Electronics manufacturing services, three SMT lines.",
    ),
    OrganisationSeed(
        key="bachlong_aqua",
        name_vi="Công ty TNHH Nuôi trồng Thuỷ sản Bạch Long",
        name_en="Bach Long Aquaculture Co., Ltd.",
        country="VN",
        province="Hải Phòng",
        kind=ENT,
        sectors=("aquaculture",),
        description_vi="Trại giống và nuôi lồng cá biển tại Cát Bà.",
        description_en="Marine fish hatchery and cage farming on Cat Ba island.",
    ),
    OrganisationSeed(
        key="htx_anlao",
        name_vi="Hợp tác xã Nông nghiệp Công nghệ cao An Lão",
        name_en="An Lao High-Tech Agricultural Cooperative",
        country="VN",
        province="Hải Phòng",
        kind=ENT,
        sectors=("agriculture",),
        description_vi="Trồng rau an toàn, dưa lưới trong nhà màng; 38 thành viên.",
        description_en="Safe vegetables and melons under net houses; 38 members.",
    ),
    OrganisationSeed(
        key="lachtray_soft",
        name_vi="Công ty Cổ phần Phần mềm Lạch Tray",
        name_en="Lach Tray Software JSC",
        country="VN",
        province="Hải Phòng",
        kind=ENT,
        sectors=("it", "digital_transformation"),
        description_vi="Phần mềm ERP, quản lý sản xuất cho doanh nghiệp nhỏ và vừa.",
        description_en="ERP and production-management software for SMEs.",
    ),
    OrganisationSeed(
        key="songcam_ship",
        name_vi="Công ty TNHH Kỹ thuật Tàu thuỷ Sông Cấm",
        name_en="Song Cam Marine Engineering Co., Ltd.",
        country="VN",
        province="Hải Phòng",
        kind=ENT,
        sectors=("shipbuilding", "mechanics"),
        description_vi="Đóng mới, sửa chữa tàu dịch vụ, tàu cá vỏ thép đến 3.000 DWT.",
        description_en="Builds and repairs steel service and fishing vessels up to 3,000 DWT.",
    ),
    OrganisationSeed(
        key="haian_logistics",
        name_vi="Công ty Cổ phần Kho vận Hải An Xanh",
        name_en="Hai An Green Logistics JSC",
        country="VN",
        province="Hải Phòng",
        kind=ENT,
        sectors=("logistics",),
        description_vi="Cảng cạn (ICD), kho ngoại quan và vận tải container.",
        description_en="Dry port (ICD), bonded warehouses and container trucking.",
    ),
    OrganisationSeed(
        key="vinhbao_plastics",
        name_vi="Công ty TNHH Nhựa Kỹ thuật Vĩnh Bảo",
        name_en="Vinh Bao Engineering Plastics Co., Ltd.",
        country="VN",
        province="Hải Phòng",
        kind=ENT,
        sectors=("plastics_rubber", "environment"),
        description_vi="Ép phun chi tiết nhựa kỹ thuật, bao bì PET.",
        description_en="Injection-moulded engineering parts and PET packaging.",
    ),
    OrganisationSeed(
        key="thuynguyen_energy",
        name_vi="Công ty Cổ phần Năng lượng Xanh Thuỷ Nguyên",
        name_en="Thuy Nguyen Green Energy JSC",
        country="VN",
        province="Hải Phòng",
        kind=ENT,
        sectors=("renewable_energy", "energy_efficiency"),
        description_vi="Tổng thầu EPC điện mặt trời mái nhà cho khu công nghiệp.",
        description_en="EPC contractor for rooftop solar in industrial parks.",
    ),
    OrganisationSeed(
        key="kienthuy_agro",
        name_vi="Công ty TNHH Chế biến Nông sản Kiến Thuỵ",
        name_en="Kien Thuy Agro-Processing Co., Ltd.",
        country="VN",
        province="Hải Phòng",
        kind=ENT,
        sectors=("food_processing", "agriculture"),
        description_vi="Sơ chế, sấy rau quả xuất khẩu sang Nhật Bản, Hàn Quốc.",
        description_en="Prepares and dries fruit and vegetables for Japan and Korea.",
    ),
    OrganisationSeed(
        key="tienlang_env",
        name_vi="Công ty Cổ phần Môi trường Công nghiệp Tiên Lãng",
        name_en="Tien Lang Industrial Environment JSC",
        country="VN",
        province="Hải Phòng",
        kind=ENT,
        sectors=("environment",),
        description_vi="Vận hành trạm xử lý nước thải cho hai khu công nghiệp.",
        description_en="Operates wastewater treatment plants for two industrial parks.",
    ),
    OrganisationSeed(
        key="haiduongphat_auto",
        name_vi="Công ty TNHH Linh kiện Ô tô Hải Dương Phát",
        name_en="Hai Duong Phat Auto Parts Co., Ltd.",
        country="VN",
        province="Hải Dương",
        kind=ENT,
        sectors=("automotive", "supporting_industries", "mechanics"),
        description_vi="Dập, hàn chi tiết khung xe máy, ô tô; đạt IATF 16949.",
        description_en="Stamped and welded frame parts for motorcycles and cars; IATF 16949.",
    ),
    OrganisationSeed(
        key="vandon_seafood",
        name_vi="Công ty Cổ phần Chế biến Hải sản Vân Đồn",
        name_en="Van Don Seafood Processing JSC",
        country="VN",
        province="Quảng Ninh",
        kind=ENT,
        sectors=("food_processing", "aquaculture"),
        description_vi="Nuôi và chế biến hàu, ngao, sá sùng vùng Vân Đồn.",
        description_en="Farms and processes oysters, clams and peanut worms in Van Don.",
    ),
    OrganisationSeed(
        key="htx_vuthu",
        name_vi="Hợp tác xã Dịch vụ Nông nghiệp Vũ Thư",
        name_en="Vu Thu Agricultural Services Cooperative",
        country="VN",
        province="Thái Bình",
        kind=ENT,
        sectors=("agriculture", "agri_machinery"),
        description_vi="Dịch vụ làm đất, cấy, gặt cho 450 ha lúa.",
        description_en="Ploughing, transplanting and harvesting services for 450 ha of rice.",
    ),
    OrganisationSeed(
        key="phohien_pharma",
        name_vi="Công ty Cổ phần Dược liệu Phố Hiến",
        name_en="Pho Hien Herbal Pharma JSC",
        country="VN",
        province="Hưng Yên",
        kind=ENT,
        sectors=("pharma", "biotech"),
        description_vi="Sản xuất cao dược liệu, thực phẩm bảo vệ sức khoẻ.",
        description_en="Herbal extracts and health supplements.",
    ),
    OrganisationSeed(
        key="thanglong_digital",
        name_vi="Công ty Cổ phần Giải pháp Số Thăng Long",
        name_en="Thang Long Digital Solutions JSC",
        country="VN",
        province="Hà Nội",
        kind=ENT,
        sectors=("digital_transformation", "it"),
        description_vi="Giải pháp truy xuất nguồn gốc, chuyển đổi số cho doanh nghiệp sản xuất.",
        description_en="Traceability and digital transformation for manufacturers.",
    ),
    OrganisationSeed(
        key="kinhbac_chip",
        name_vi="Công ty TNHH Vi mạch Kinh Bắc",
        name_en="Kinh Bac Microchip Co., Ltd.",
        country="VN",
        province="Bắc Ninh",
        kind=ENT,
        sectors=("semiconductors", "electronics"),
        description_vi="Thiết kế vi mạch điều khiển, dịch vụ kiểm thử chip.",
        description_en="Designs controller chips, offers chip testing services.",
    ),
    OrganisationSeed(
        key="tancuong_tea",
        name_vi="Công ty Cổ phần Chè Tân Cương Xanh",
        name_en="Tan Cuong Green Tea JSC",
        country="VN",
        province="Thái Nguyên",
        kind=ENT,
        sectors=("food_processing", "agriculture"),
        description_vi="Chế biến chè xanh, chè đặc sản; vùng nguyên liệu 120 ha.",
        description_en="Processes green and specialty tea; 120 ha of tea gardens.",
    ),
    # Taiwan (invented)
    OrganisationSeed(
        key="tw_assoc",
        name_vi="Hiệp hội Giao lưu Khoa học Công nghệ Đài – Việt",
        name_en="Taiwan–Vietnam Technology Exchange Association",
        name_local="台越科技交流協會",
        country="TW",
        province="Taipei",
        kind=ASSOC,
        sectors=("supporting_industries",),
        description_vi="Tổ chức đoàn doanh nghiệp Đài Loan sang Việt Nam kết nối công nghệ.",
        description_en="Leads Taiwanese company delegations on technology missions to Vietnam.",
    ),
    OrganisationSeed(
        key="tw_jinglian",
        name_vi="Công ty TNHH Bán dẫn Jinglian",
        name_en="Jinglian Semiconductor Co., Ltd.",
        name_local="晶聯半導體股份有限公司",
        country="TW",
        province="Hsinchu",
        kind=ENT,
        sectors=("semiconductors", "equipment_tools"),
        description_vi="Thiết bị kiểm thử, đóng gói vi mạch cấp wafer.",
        description_en="Wafer-level test and packaging equipment.",
    ),
    OrganisationSeed(
        key="tw_hongtai",
        name_vi="Công ty TNHH Công nghệ IoT Hongtai",
        name_en="Hongtai IoT Technology Co., Ltd.",
        name_local="宏泰智聯科技股份有限公司",
        country="TW",
        province="Taichung",
        kind=ENT,
        sectors=("iot", "aquaculture"),
        description_vi="Cảm biến và nền tảng IoT cho nuôi trồng thuỷ sản, nhà máy.",
        description_en="Sensors and IoT platforms for aquaculture and factories.",
    ),
    OrganisationSeed(
        key="tw_haifeng",
        name_vi="Công ty TNHH Giống Thuỷ sản Haifeng",
        name_en="Haifeng Aquaculture Seed Co., Ltd.",
        name_local="海豐水產種苗股份有限公司",
        country="TW",
        province="Pingtung",
        kind=ENT,
        sectors=("aquaculture",),
        description_vi="Sản xuất cá mú giống, tôm bố mẹ sạch bệnh.",
        description_en="Grouper fry and specific-pathogen-free shrimp broodstock.",
    ),
    OrganisationSeed(
        key="tw_luyuan",
        name_vi="Công ty TNHH Công nghệ Sinh học Lüyuan",
        name_en="Luyuan Biotech Co., Ltd.",
        name_local="綠源生技股份有限公司",
        country="TW",
        province="Tainan",
        kind=ENT,
        sectors=("biotech", "aquaculture"),
        description_vi="Chế phẩm vi sinh, enzyme cho thuỷ sản và chế biến thực phẩm.",
        description_en="Probiotics and enzymes for aquaculture and food processing.",
    ),
    OrganisationSeed(
        key="tw_fengsui",
        name_vi="Công ty TNHH Máy Nông nghiệp Fengsui",
        name_en="Fengsui Agricultural Machinery Co., Ltd.",
        name_local="豐穗農機股份有限公司",
        country="TW",
        province="Changhua",
        kind=ENT,
        sectors=("agri_machinery",),
        description_vi="Máy cấy, máy gặt cỡ nhỏ và drone phun thuốc.",
        description_en="Compact transplanters, harvesters and spraying drones.",
    ),
    OrganisationSeed(
        key="tw_risingsun",
        name_vi="Công ty TNHH Năng lượng Xanh Rising Sun",
        name_en="Rising Sun Green Energy Co., Ltd.",
        name_local="日昇綠能股份有限公司",
        country="TW",
        province="Kaohsiung",
        kind=ENT,
        sectors=("renewable_energy", "aquaculture"),
        description_vi="Điện mặt trời nổi trên ao nuôi (mô hình điện – ngư cộng sinh).",
        description_en="Floating solar over fish ponds (aquavoltaics).",
    ),
    OrganisationSeed(
        key="tw_jinggong",
        name_vi="Công ty TNHH Tự động hoá Jinggong",
        name_en="Jinggong Automation Co., Ltd.",
        name_local="精工自動化股份有限公司",
        country="TW",
        province="Taichung",
        kind=ENT,
        sectors=("automation", "food_processing"),
        description_vi="Dây chuyền đóng gói tự động, robot gắp xếp.",
        description_en="Automatic packaging lines and pick-and-place robots.",
    ),
    OrganisationSeed(
        key="tw_weijia",
        name_vi="Công ty TNHH Máy Thực phẩm Weijia",
        name_en="Weijia Food Machinery Co., Ltd.",
        name_local="味家食品機械股份有限公司",
        country="TW",
        province="Taoyuan",
        kind=ENT,
        sectors=("food_processing", "equipment_tools"),
        description_vi="Thiết bị sấy thăng hoa, tiệt trùng cho thực phẩm.",
        description_en="Freeze-drying and sterilisation equipment for food.",
    ),
    OrganisationSeed(
        key="tw_marinebio",
        name_vi="Trung tâm Nghiên cứu Công nghệ Sinh học Biển Đài Loan",
        name_en="Taiwan Marine Biotechnology Research Centre",
        name_local="台灣海洋生技研究中心",
        country="TW",
        province="Keelung",
        kind=INST,
        sectors=("marine_science", "biotech", "aquaculture"),
        description_vi="Nghiên cứu bệnh cá biển, vắc-xin và nguồn lợi thuỷ sản.",
        description_en="Research on marine fish disease, vaccines and fisheries resources.",
    ),
    # Japan (invented)
    OrganisationSeed(
        key="jp_assoc",
        name_vi="Hiệp hội Liên kết Công nghệ Doanh nghiệp nhỏ và vừa Kansai",
        name_en="Kansai SME Technology Partnership Association",
        name_local="関西中小企業技術連携協会",
        country="JP",
        province="Osaka",
        kind=ASSOC,
        sectors=("supporting_industries", "mechanics"),
        description_vi="Kết nối doanh nghiệp vừa và nhỏ vùng Kansai với đối tác Đông Nam Á.",
        description_en="Connects Kansai SMEs with partners in South-East Asia.",
    ),
    OrganisationSeed(
        key="jp_towa",
        name_vi="Công ty Towa Seiki",
        name_en="Towa Seiki Co., Ltd.",
        name_local="東和精機株式会社",
        country="JP",
        province="Osaka",
        kind=ENT,
        sectors=("mechanics", "supporting_industries"),
        description_vi="Khuôn mẫu và chi tiết cơ khí chính xác.",
        description_en="Precision moulds and machined parts.",
    ),
    OrganisationSeed(
        key="jp_hokuto",
        name_vi="Công ty Hokuto Denshi",
        name_en="Hokuto Denshi Co., Ltd.",
        name_local="北斗電子株式会社",
        country="JP",
        province="Kyoto",
        kind=ENT,
        sectors=("electronics", "automotive"),
        description_vi="Bo mạch điều khiển và bó dây điện cho thiết bị công nghiệp, ô tô.",
        description_en="Control boards and wire harnesses for industrial equipment and cars.",
    ),
    OrganisationSeed(
        key="jp_mirai",
        name_vi="Công ty Mirai Food Technology",
        name_en="Mirai Food Technology Co., Ltd.",
        name_local="みらい食品技研株式会社",
        country="JP",
        province="Hyogo",
        kind=ENT,
        sectors=("food_processing",),
        description_vi="Công nghệ xử lý áp suất cao (HPP) và bảo quản thực phẩm.",
        description_en="High-pressure processing (HPP) and food preservation.",
    ),
    OrganisationSeed(
        key="jp_yamato",
        name_vi="Công ty Yamato Smart Agri",
        name_en="Yamato Smart Agri Co., Ltd.",
        name_local="大和スマートアグリ株式会社",
        country="JP",
        province="Nara",
        kind=ENT,
        sectors=("agriculture", "iot"),
        description_vi="Điều khiển môi trường nhà kính, nông nghiệp chính xác.",
        description_en="Greenhouse climate control and precision farming.",
    ),
    OrganisationSeed(
        key="jp_aoba",
        name_vi="Công ty Aoba Robotics",
        name_en="Aoba Robotics Co., Ltd.",
        name_local="青葉ロボティクス株式会社",
        country="JP",
        province="Osaka",
        kind=ENT,
        sectors=("ai", "automation"),
        description_vi="Kiểm tra ngoại quan bằng AI, robot công nghiệp.",
        description_en="AI visual inspection and industrial robots.",
    ),
    # Korea (invented)
    OrganisationSeed(
        key="kr_center",
        name_vi="Trung tâm Hợp tác Công nghệ Hàn – Việt",
        name_en="Korea–Vietnam Technology Cooperation Centre",
        name_local="한-베 기술협력센터",
        country="KR",
        province="Seoul",
        kind=ASSOC,
        sectors=("digital_transformation", "supporting_industries"),
        description_vi="Hỗ trợ doanh nghiệp nhỏ và vừa Hàn Quốc hợp tác công nghệ với Việt Nam.",
        description_en="Helps Korean SMEs cooperate with Vietnamese partners on technology.",
    ),
    OrganisationSeed(
        key="kr_hanbit",
        name_vi="Công ty Hanbit Smart Factory",
        name_en="Hanbit Smart Factory Co., Ltd.",
        name_local="한빛스마트팩토리 주식회사",
        country="KR",
        province="Changwon",
        kind=ENT,
        sectors=("digital_transformation", "it", "iot"),
        description_vi="Phần mềm MES và giải pháp nhà máy thông minh.",
        description_en="MES software and smart factory solutions.",
    ),
    OrganisationSeed(
        key="kr_daesung",
        name_vi="Công ty Daesung Mobility Parts",
        name_en="Daesung Mobility Parts Co., Ltd.",
        name_local="대성모빌리티부품 주식회사",
        country="KR",
        province="Ulsan",
        kind=ENT,
        sectors=("automotive", "supporting_industries"),
        description_vi="Vỏ pin và khung nhôm cho xe điện.",
        description_en="Battery housings and aluminium frames for electric vehicles.",
    ),
    OrganisationSeed(
        key="kr_cheonghae",
        name_vi="Công ty Cheonghae Bio",
        name_en="Cheonghae Bio Co., Ltd.",
        name_local="청해바이오 주식회사",
        country="KR",
        province="Busan",
        kind=ENT,
        sectors=("biotech", "materials"),
        description_vi="Vật liệu sinh học và hoạt chất từ rong biển.",
        description_en="Biomaterials and active compounds from seaweed.",
    ),
    OrganisationSeed(
        key="kr_greeneco",
        name_vi="Công ty Green Eco Solution",
        name_en="Green Eco Solution Co., Ltd.",
        name_local="그린에코솔루션 주식회사",
        country="KR",
        province="Incheon",
        kind=ENT,
        sectors=("environment",),
        description_vi="Màng lọc và hệ thống xử lý nước thải công nghiệp.",
        description_en="Membranes and industrial wastewater treatment systems.",
    ),
    OrganisationSeed(
        key="kr_sejin",
        name_vi="Công ty Sejin Semiconductor Parts",
        name_en="Sejin Semiconductor Parts Co., Ltd.",
        name_local="세진반도체부품 주식회사",
        country="KR",
        province="Pyeongtaek",
        kind=ENT,
        sectors=("semiconductors", "supporting_industries"),
        description_vi="Linh kiện thay thế cho thiết bị sản xuất bán dẫn.",
        description_en="Replacement parts for semiconductor manufacturing equipment.",
    ),
    # Israel (invented)
    OrganisationSeed(
        key="il_forum",
        name_vi="Diễn đàn Công nghệ Nông nghiệp và Nước Israel – Việt Nam",
        name_en="Israel–Vietnam Agritech and Water Forum",
        name_local="פורום אגרוטק ומים ישראל–וייטנאם",
        country="IL",
        province="Tel Aviv",
        kind=ASSOC,
        sectors=("agriculture", "environment"),
        description_vi="Kết nối doanh nghiệp công nghệ nông nghiệp, nước của Israel với Việt Nam.",
        description_en="Connects Israeli agritech and water companies with Vietnam.",
    ),
    OrganisationSeed(
        key="il_negev",
        name_vi="Công ty Negev Drip Systems",
        name_en="Negev Drip Systems Ltd.",
        country="IL",
        province="Be'er Sheva",
        kind=ENT,
        sectors=("agriculture", "iot"),
        description_vi="Tưới nhỏ giọt chính xác, điều khiển từ xa.",
        description_en="Precision drip irrigation with remote control.",
    ),
    OrganisationSeed(
        key="il_bluegill",
        name_vi="Công ty BlueGill Aqua",
        name_en="BlueGill Aqua Ltd.",
        country="IL",
        province="Haifa",
        kind=ENT,
        sectors=("aquaculture", "environment"),
        description_vi="Hệ thống nuôi thuỷ sản tuần hoàn (RAS) trên đất liền.",
        description_en="Land-based recirculating aquaculture systems (RAS).",
    ),
    OrganisationSeed(
        key="il_sensewater",
        name_vi="Công ty SenseWater Analytics",
        name_en="SenseWater Analytics Ltd.",
        country="IL",
        province="Rehovot",
        kind=ENT,
        sectors=("ai", "iot", "environment"),
        description_vi="Phân tích dữ liệu cảm biến nước bằng trí tuệ nhân tạo.",
        description_en="AI analytics of water-sensor data.",
    ),
    OrganisationSeed(
        key="il_galil",
        name_vi="Công ty Galil OT Security",
        name_en="Galil OT Security Ltd.",
        country="IL",
        province="Herzliya",
        kind=ENT,
        sectors=("it", "digital_transformation"),
        description_vi="An ninh mạng cho hệ thống điều khiển công nghiệp.",
        description_en="Cybersecurity for industrial control systems.",
    ),
    # Netherlands (invented)
    OrganisationSeed(
        key="nl_partners",
        name_vi="Mạng lưới Đối tác Nước và Nông nghiệp Hà Lan – Việt Nam",
        name_en="Dutch–Vietnamese Water and Agri Partners",
        name_local="Nederlands-Vietnamese Water- en Agripartners",
        country="NL",
        province="Rotterdam",
        kind=ASSOC,
        sectors=("environment", "agriculture", "logistics"),
        description_vi="Kết nối doanh nghiệp Hà Lan về nước, nông nghiệp, cảng với Việt Nam.",
        description_en="Connects Dutch water, agri-food and port companies with Vietnam.",
    ),
    OrganisationSeed(
        key="nl_greenharvest",
        name_vi="Công ty GreenHarvest Kassenbouw",
        name_en="GreenHarvest Kassenbouw B.V.",
        country="NL",
        province="Westland",
        kind=ENT,
        sectors=("agriculture", "construction"),
        description_vi="Thiết kế, xây dựng nhà kính công nghệ cao.",
        description_en="Designs and builds high-tech greenhouses.",
    ),
    OrganisationSeed(
        key="nl_kustwerk",
        name_vi="Công ty Kustwerk Engineering",
        name_en="Kustwerk Engineering B.V.",
        country="NL",
        province="Delft",
        kind=ENT,
        sectors=("logistics", "marine_science", "digital_transformation"),
        description_vi="Kỹ thuật cảng, luồng tàu và bờ biển; mô hình số.",
        description_en="Port, channel and coastal engineering; digital twins.",
    ),
    OrganisationSeed(
        key="nl_zeeland",
        name_vi="Công ty Zeeland Aqua Feed",
        name_en="Zeeland Aqua Feed B.V.",
        country="NL",
        province="Vlissingen",
        kind=ENT,
        sectors=("aquaculture", "biotech"),
        description_vi="Thức ăn thuỷ sản từ protein côn trùng và vi tảo.",
        description_en="Aquafeed from insect protein and microalgae.",
    ),
    OrganisationSeed(
        key="nl_vandermeer",
        name_vi="Công ty Van der Meer Food Systems",
        name_en="Van der Meer Food Systems B.V.",
        country="NL",
        province="Emmeloord",
        kind=ENT,
        sectors=("food_processing", "agri_machinery", "equipment_tools"),
        description_vi="Dây chuyền phân loại, rửa và đóng gói rau củ quả.",
        description_en="Sorting, washing and packing lines for fruit and vegetables.",
    ),
)

# ---- delegations --------------------------------------------------------------------------

DELEGATIONS: tuple[DelegationSeed, ...] = (
    DelegationSeed(
        key="tw",
        name="Đoàn doanh nghiệp Đài Loan (Trung Quốc)",
        name_en="Taiwan Business Delegation",
        name_local="台灣企業技術交流團",
        country="TW",
        leading_organisation="tw_assoc",
        head_email="weiting.lin@ketnoi.demo",
        arrival=date(2027, 3, 15),
        departure=date(2027, 3, 18),
        languages=("zh", "en"),
        needs_interpreter=True,
        interpreter_notes=(
            "Đoàn mang theo 1 phiên dịch Việt – Trung; cần thêm 2 phiên dịch cho các bàn B2B."
        ),
        status=DelegationStatus.confirmed,
        notes="Ngày sau phiên kết nối: khảo sát trại giống tại Cát Bà và khu công nghiệp Đình Vũ.",
    ),
    DelegationSeed(
        key="jp",
        name="Đoàn doanh nghiệp Nhật Bản (vùng Kansai)",
        name_en="Japanese Business Delegation (Kansai)",
        name_local="関西企業技術交流ミッション",
        country="JP",
        leading_organisation="jp_assoc",
        head_email="kenichi.sato@ketnoi.demo",
        arrival=date(2027, 3, 15),
        departure=date(2027, 3, 17),
        languages=("ja", "en"),
        needs_interpreter=True,
        interpreter_notes="Phiên dịch Việt – Nhật của đoàn; ông Sato rời phiên B2B lúc 16:20.",
        status=DelegationStatus.confirmed,
        notes="Quan tâm nhà cung cấp chi tiết cơ khí, bó dây điện tại Hải Phòng, Hải Dương.",
    ),
    DelegationSeed(
        key="kr",
        name="Đoàn doanh nghiệp Hàn Quốc",
        name_en="Korean Business Delegation",
        name_local="한국 기업 기술교류단",
        country="KR",
        leading_organisation="kr_center",
        head_email="junho.lee@ketnoi.demo",
        arrival=date(2027, 3, 14),
        departure=date(2027, 3, 17),
        languages=("ko", "en"),
        needs_interpreter=True,
        interpreter_notes="1 phiên dịch Việt – Hàn đi cùng đoàn; cần thêm 1 cho bàn số 9–10.",
        status=DelegationStatus.confirmed,
        notes="Ngày trước phiên kết nối: làm việc với Ban Quản lý Khu kinh tế Hải Phòng.",
    ),
    DelegationSeed(
        key="il",
        name="Đoàn doanh nghiệp Israel",
        name_en="Israeli Business Delegation",
        name_local="משלחת חברות טכנולוגיה מישראל",
        country="IL",
        leading_organisation="il_forum",
        head_email="noa.levi@ketnoi.demo",
        arrival=date(2027, 3, 15),
        departure=date(2027, 3, 19),
        languages=("en", "he"),
        needs_interpreter=True,
        interpreter_notes="Phiên dịch Anh – Việt do Ban tổ chức bố trí.",
        status=DelegationStatus.confirmed,
        notes="Hai ngày sau phiên kết nối: tiếp tục làm việc tại Thái Bình và Thái Nguyên.",
    ),
    DelegationSeed(
        key="nl",
        name="Đoàn doanh nghiệp Hà Lan",
        name_en="Dutch Business Delegation",
        name_local="Nederlandse handelsmissie Water en Agrifood",
        country="NL",
        leading_organisation="nl_partners",
        head_email="sanne.devries@ketnoi.demo",
        arrival=date(2027, 3, 16),
        departure=date(2027, 3, 18),
        languages=("en", "nl"),
        needs_interpreter=False,
        interpreter_notes="Làm việc bằng tiếng Anh.",
        status=DelegationStatus.registered,
        notes="Đến Hải Phòng sáng hôm trước, từ Hà Nội; chưa xác nhận danh sách cuối.",
    ),
)

DELEGATE = ParticipantRole.delegate
INTERPRETER = ParticipantRole.interpreter

# ---- people -------------------------------------------------------------------------------

PEOPLE: tuple[PersonSeed, ...] = (
    # Organisers' staff and hosts
    PersonSeed(
        "huong.dtt@sokhcn-haiphong.example",
        "Đỗ Thị Thanh Hương",
        "sokhcn_hp",
        "Trưởng phòng Quản lý công nghệ và Thị trường công nghệ",
        ("vi", "en"),
        role=ParticipantRole.staff,
    ),
    PersonSeed(
        "huy.vq@sokhcn-haiphong.example",
        "Vũ Quang Huy",
        "sokhcn_hp",
        "Chuyên viên, điều phối bàn B2B",
        ("vi", "en", "zh"),
        role=ParticipantRole.staff,
    ),
    PersonSeed(
        "khoa.tm@cucudpt.example",
        "Trịnh Minh Khoa",
        "cuc_udpt",
        "Phó Trưởng phòng Kết nối công nghệ",
        ("vi", "en"),
        role=ParticipantRole.host,
    ),
    # Vietnamese institutes and universities
    PersonSeed(
        "nguyet.ptm@vienhaisan.example",
        "Phan Thị Minh Nguyệt",
        "vien_haisan",
        "TS., Trưởng phòng Nghiên cứu nuôi biển",
        ("vi", "en"),
    ),
    PersonSeed(
        "thinh.lv@vienhaisan.example",
        "Lương Văn Thịnh",
        "vien_haisan",
        "ThS., Nghiên cứu viên bệnh học thuỷ sản",
        ("vi", "en"),
        unavailable_slots=(4, 5),
    ),
    PersonSeed(
        "truong.dx@vimaru.example",
        "Đinh Xuân Trường",
        "dh_hanghai",
        "PGS.TS., Trưởng bộ môn Động lực tàu thuỷ",
        ("vi", "en"),
    ),
    PersonSeed(
        "anh.btn@vimaru.example",
        "Bùi Thị Ngọc Ánh",
        "dh_hanghai",
        "TS., Phó Trưởng phòng Khoa học – Công nghệ",
        ("vi", "en"),
    ),
    PersonSeed(
        "phuong.htl@dhhp.example",
        "Hoàng Thị Lan Phương",
        "dh_haiphong",
        "TS., Giảng viên Bộ môn Công nghệ sinh học",
        ("vi", "en"),
    ),
    PersonSeed(
        "dat.nt@cokhibachkhoa.example",
        "Ngô Thành Đạt",
        "tt_cokhi_bk",
        "ThS., Phó Giám đốc",
        ("vi", "en"),
    ),
    # Vietnamese enterprises
    PersonSeed(
        DEMO_DELEGATE_EMAIL,
        "Lã Minh Tuấn",
        "cathai_seafood",
        "Giám đốc",
        ("vi", "en"),
    ),
    PersonSeed(
        "maianh.tt@cathaiseafood.example",
        "Trần Thị Mai Anh",
        "cathai_seafood",
        "Trưởng phòng Kỹ thuật – Cơ điện",
        ("vi", "en"),
    ),
    PersonSeed(
        "hung.nv@trangkenh-cnc.example",
        "Nguyễn Văn Hùng",
        "trangkenh_cnc",
        "Giám đốc",
        ("vi", "ja"),
    ),
    PersonSeed(
        "long.pd@trangkenh-cnc.example",
        "Phạm Đức Long",
        "trangkenh_cnc",
        "Trưởng phòng Quản lý chất lượng",
        ("vi", "en"),
    ),
    PersonSeed(
        "trang.dt@dosonelectronics.example",
        "Đặng Thu Trang",
        "doson_electronics",
        "Phó Tổng Giám đốc",
        ("vi", "en"),
    ),
    PersonSeed(
        "quan.lm@dosonelectronics.example",
        "Lê Minh Quân",
        "doson_electronics",
        "Kỹ sư trưởng dây chuyền SMT",
        ("vi", "en"),
    ),
    PersonSeed(
        "thang.vv@bachlongaqua.example",
        "Vũ Văn Thắng",
        "bachlong_aqua",
        "Giám đốc trại giống",
        ("vi",),
        unavailable_slots=(8,),
    ),
    PersonSeed(
        "hoa.pt@htxanlao.example",
        "Phạm Thị Hoa",
        "htx_anlao",
        "Giám đốc hợp tác xã",
        ("vi",),
    ),
    PersonSeed(
        "tuan.ha@lachtraysoft.example",
        "Hoàng Anh Tuấn",
        "lachtray_soft",
        "Tổng Giám đốc",
        ("vi", "en"),
    ),
    PersonSeed(
        "linh.nt@lachtraysoft.example",
        "Nguyễn Thảo Linh",
        "lachtray_soft",
        "Trưởng nhóm Kinh doanh",
        ("vi", "en", "ko"),
    ),
    PersonSeed(
        "bao.tq@songcam-marine.example",
        "Trần Quốc Bảo",
        "songcam_ship",
        "Phó Giám đốc Kỹ thuật",
        ("vi", "en"),
    ),
    PersonSeed(
        "hai.dm@haian-logistics.example",
        "Đoàn Minh Hải",
        "haian_logistics",
        "Giám đốc Vận hành",
        ("vi", "en"),
    ),
    PersonSeed(
        "dinh.bv@vinhbaoplastics.example",
        "Bùi Văn Định",
        "vinhbao_plastics",
        "Giám đốc",
        ("vi",),
    ),
    PersonSeed(
        "hang.ctt@thuynguyen-energy.example",
        "Cao Thị Thu Hằng",
        "thuynguyen_energy",
        "Giám đốc Phát triển dự án",
        ("vi", "en"),
    ),
    PersonSeed(
        "bich.ntn@kienthuy-agro.example",
        "Nguyễn Thị Ngọc Bích",
        "kienthuy_agro",
        "Giám đốc",
        ("vi", "ja"),
    ),
    PersonSeed(
        "khai.pv@tienlang-env.example",
        "Phùng Văn Khải",
        "tienlang_env",
        "Trưởng phòng Kỹ thuật",
        ("vi",),
    ),
    PersonSeed(
        "danh.tc@haiduongphat.example",
        "Trương Công Danh",
        "haiduongphat_auto",
        "Tổng Giám đốc",
        ("vi", "ko"),
    ),
    PersonSeed(
        "hanh.vt@haiduongphat.example",
        "Vũ Thị Hạnh",
        "haiduongphat_auto",
        "Trưởng phòng Kinh doanh",
        ("vi", "en"),
    ),
    PersonSeed(
        "son.lv@vandonseafood.example",
        "Lý Văn Sơn",
        "vandon_seafood",
        "Giám đốc",
        ("vi",),
    ),
    PersonSeed(
        "tien.nv@htxvuthu.example",
        "Nguyễn Văn Tiến",
        "htx_vuthu",
        "Chủ nhiệm hợp tác xã",
        ("vi",),
    ),
    PersonSeed(
        "chau.dtm@phohienpharma.example",
        "Đào Thị Minh Châu",
        "phohien_pharma",
        "Giám đốc Nghiên cứu và Phát triển",
        ("vi", "en"),
    ),
    PersonSeed(
        "vinh.tq@thanglongdigital.example",
        "Tạ Quang Vinh",
        "thanglong_digital",
        "Giám đốc Giải pháp",
        ("vi", "en"),
    ),
    PersonSeed(
        "thao.ktp@kinhbacchip.example",
        "Kiều Thị Phương Thảo",
        "kinhbac_chip",
        "Phó Giám đốc",
        ("vi", "en", "zh"),
    ),
    PersonSeed(
        "duc.dm@kinhbacchip.example",
        "Dương Minh Đức",
        "kinhbac_chip",
        "Kỹ sư kiểm thử vi mạch",
        ("vi", "en"),
    ),
    PersonSeed(
        "loc.hv@tancuongtea.example",
        "Hà Văn Lộc",
        "tancuong_tea",
        "Giám đốc",
        ("vi",),
        meeting_cap=4,
    ),
    # Taiwan
    PersonSeed(
        "weiting.lin@ketnoi.demo",
        "Lin Wei-Ting",
        "tw_assoc",
        "Secretary-General, head of delegation",
        ("zh", "en", "vi"),
        name_local="林薇婷",
        delegation="tw",
        meeting_cap=4,
    ),
    PersonSeed(
        "chihming.huang@tvtea.example",
        "Huang Chih-Ming",
        "tw_assoc",
        "Project Manager",
        ("zh", "en"),
        name_local="黃志明",
        delegation="tw",
    ),
    PersonSeed(
        "ha.ntt@tvtea.example",
        "Nguyễn Thị Thu Hà",
        "tw_assoc",
        "Phiên dịch Việt – Trung",
        ("vi", "zh"),
        role=INTERPRETER,
        delegation="tw",
    ),
    PersonSeed(
        "chienhung.chen@jinglian-semi.example",
        "Chen Chien-Hung",
        "tw_jinglian",
        "Vice President, Business Development",
        ("zh", "en"),
        name_local="陳建宏",
        delegation="tw",
    ),
    PersonSeed(
        "yachi.chang@jinglian-semi.example",
        "Chang Ya-Chi",
        "tw_jinglian",
        "Application Engineer",
        ("zh", "en"),
        name_local="張雅琪",
        delegation="tw",
    ),
    PersonSeed(
        "chunchieh.wang@hongtai-iot.example",
        "Wang Chun-Chieh",
        "tw_hongtai",
        "General Manager",
        ("zh", "en"),
        name_local="王俊傑",
        delegation="tw",
    ),
    PersonSeed(
        "chiaying.li@hongtai-iot.example",
        "Li Chia-Ying",
        "tw_hongtai",
        "Sales Manager, South-East Asia",
        ("zh", "en", "vi"),
        name_local="李佳穎",
        delegation="tw",
    ),
    PersonSeed(
        "chenghan.wu@haifeng-seed.example",
        "Wu Cheng-Han",
        "tw_haifeng",
        "Chairman",
        ("zh",),
        name_local="吳承翰",
        delegation="tw",
    ),
    PersonSeed(
        "shufen.tsai@haifeng-seed.example",
        "Tsai Shu-Fen",
        "tw_haifeng",
        "Hatchery Manager",
        ("zh", "en"),
        name_local="蔡淑芬",
        delegation="tw",
    ),
    PersonSeed(
        "yichun.liu@luyuan-bio.example",
        "Liu Yi-Chun",
        "tw_luyuan",
        "R&D Director",
        ("zh", "en"),
        name_local="劉怡君",
        delegation="tw",
    ),
    PersonSeed(
        "tsunghan.yang@fengsui-agri.example",
        "Yang Tsung-Han",
        "tw_fengsui",
        "Export Manager",
        ("zh", "en"),
        name_local="楊宗翰",
        delegation="tw",
    ),
    PersonSeed(
        "chiahao.hsu@risingsun-energy.example",
        "Hsu Chia-Hao",
        "tw_risingsun",
        "Chief Executive Officer",
        ("zh", "en"),
        name_local="許家豪",
        delegation="tw",
    ),
    PersonSeed(
        "yawen.cheng@risingsun-energy.example",
        "Cheng Ya-Wen",
        "tw_risingsun",
        "Project Engineer",
        ("zh", "en"),
        name_local="鄭雅文",
        delegation="tw",
    ),
    PersonSeed(
        "mingche.hsieh@jinggong-auto.example",
        "Hsieh Ming-Che",
        "tw_jinggong",
        "Sales Director",
        ("zh", "en"),
        name_local="謝明哲",
        delegation="tw",
    ),
    PersonSeed(
        "poyu.chou@jinggong-auto.example",
        "Chou Po-Yu",
        "tw_jinggong",
        "Field Application Engineer",
        ("zh", "en"),
        name_local="周柏宇",
        delegation="tw",
    ),
    PersonSeed(
        "kuanting.lin@weijia-machinery.example",
        "Lin Kuan-Ting",
        "tw_weijia",
        "Overseas Sales Manager",
        ("zh", "en"),
        name_local="林冠廷",
        delegation="tw",
    ),
    PersonSeed(
        "hsiaoyun.kuo@tmbrc.example",
        "Kuo Hsiao-Yun",
        "tw_marinebio",
        "Research Fellow",
        ("zh", "en"),
        name_local="郭曉芸",
        delegation="tw",
    ),
    PersonSeed(
        "kuofeng.hung@tmbrc.example",
        "Hung Kuo-Feng",
        "tw_marinebio",
        "Associate Researcher",
        ("zh", "en"),
        name_local="洪國峰",
        delegation="tw",
    ),
    PersonSeed(
        "yihsuan.su@hongtai-iot.example",
        "Su Yi-Hsuan",
        "tw_hongtai",
        "Marketing Specialist",
        ("zh", "en"),
        name_local="蘇怡萱",
        delegation="tw",
        status=PENDING,
    ),
    # Japan
    PersonSeed(
        "kenichi.sato@ketnoi.demo",
        "Sato Kenichi",
        "jp_assoc",
        "Executive Director, head of delegation",
        ("ja", "en"),
        name_local="佐藤健一",
        delegation="jp",
        unavailable_slots=(7, 8),
    ),
    PersonSeed(
        "ngoc.pm@kansai-sme.example",
        "Phạm Minh Ngọc",
        "jp_assoc",
        "Phiên dịch Việt – Nhật",
        ("vi", "ja"),
        role=INTERPRETER,
        delegation="jp",
    ),
    PersonSeed(
        "daisuke.nakamura@towa-seiki.example",
        "Nakamura Daisuke",
        "jp_towa",
        "General Manager, Overseas Procurement",
        ("ja", "en"),
        name_local="中村大輔",
        delegation="jp",
    ),
    PersonSeed(
        "misaki.kobayashi@towa-seiki.example",
        "Kobayashi Misaki",
        "jp_towa",
        "Production Engineer",
        ("ja",),
        name_local="小林美咲",
        delegation="jp",
    ),
    PersonSeed(
        "makoto.takahashi@hokuto-denshi.example",
        "Takahashi Makoto",
        "jp_hokuto",
        "Plant Manager",
        ("ja", "en"),
        name_local="高橋誠",
        delegation="jp",
    ),
    PersonSeed(
        "yumi.ito@mirai-food.example",
        "Ito Yumi",
        "jp_mirai",
        "Managing Director",
        ("ja", "en"),
        name_local="伊藤由美",
        delegation="jp",
    ),
    PersonSeed(
        "shota.watanabe@yamato-agri.example",
        "Watanabe Shota",
        "jp_yamato",
        "Sales Manager",
        ("ja", "en"),
        name_local="渡辺翔太",
        delegation="jp",
    ),
    PersonSeed(
        "ryo.suzuki@aoba-robotics.example",
        "Suzuki Ryo",
        "jp_aoba",
        "Chief Technology Officer",
        ("ja", "en"),
        name_local="鈴木亮",
        delegation="jp",
    ),
    PersonSeed(
        "akari.kato@aoba-robotics.example",
        "Kato Akari",
        "jp_aoba",
        "AI Engineer",
        ("ja", "en"),
        name_local="加藤あかり",
        delegation="jp",
    ),
    PersonSeed(
        "takuya.yamamoto@hokuto-denshi.example",
        "Yamamoto Takuya",
        "jp_hokuto",
        "Purchasing Manager",
        ("ja",),
        name_local="山本拓也",
        delegation="jp",
        status=PENDING,
    ),
    # Korea
    PersonSeed(
        "junho.lee@ketnoi.demo",
        "Lee Jun-ho",
        "kr_center",
        "Director, head of delegation",
        ("ko", "en"),
        name_local="이준호",
        delegation="kr",
    ),
    PersonSeed(
        "yen.nh@kvtcc.example",
        "Nguyễn Hải Yến",
        "kr_center",
        "Phiên dịch Việt – Hàn",
        ("vi", "ko"),
        role=INTERPRETER,
        delegation="kr",
    ),
    PersonSeed(
        "minjun.kim@hanbit-sf.example",
        "Kim Min-jun",
        "kr_hanbit",
        "Chief Executive Officer",
        ("ko", "en"),
        name_local="김민준",
        delegation="kr",
    ),
    PersonSeed(
        "daeun.jung@hanbit-sf.example",
        "Jung Da-eun",
        "kr_hanbit",
        "Solution Consultant",
        ("ko", "en"),
        name_local="정다은",
        delegation="kr",
    ),
    PersonSeed(
        "sunghoon.choi@daesung-mp.example",
        "Choi Sung-hoon",
        "kr_daesung",
        "Purchasing Director",
        ("ko", "en"),
        name_local="최성훈",
        delegation="kr",
    ),
    PersonSeed(
        "seoyeon.park@cheonghae-bio.example",
        "Park Seo-yeon",
        "kr_cheonghae",
        "Research Director",
        ("ko", "en"),
        name_local="박서연",
        delegation="kr",
    ),
    PersonSeed(
        "donghyun.kang@greeneco.example",
        "Kang Dong-hyun",
        "kr_greeneco",
        "Overseas Business Manager",
        ("ko", "en"),
        name_local="강동현",
        delegation="kr",
        unavailable_slots=(1,),
    ),
    PersonSeed(
        "eunbi.cho@sejin-parts.example",
        "Cho Eun-bi",
        "kr_sejin",
        "Sales Manager",
        ("ko", "en"),
        name_local="조은비",
        delegation="kr",
    ),
    PersonSeed(
        "jaewon.yoon@daesung-mp.example",
        "Yoon Jae-won",
        "kr_daesung",
        "Quality Manager",
        ("ko",),
        name_local="윤재원",
        delegation="kr",
        status=PENDING,
    ),
    PersonSeed(
        "yuna.shin@cheonghae-bio.example",
        "Shin Yu-na",
        "kr_cheonghae",
        "Researcher",
        ("ko", "en"),
        name_local="신유나",
        delegation="kr",
        status=PENDING,
    ),
    PersonSeed(
        "seungwoo.han@daesung-mp.example",
        "Han Seung-woo",
        "kr_daesung",
        "Sales Assistant",
        ("ko",),
        name_local="한승우",
        delegation="kr",
        status=REJECTED,
        rejection_reason=(
            "Mỗi doanh nghiệp tham dự phiên B2B tối đa hai đại biểu; Daesung Mobility Parts "
            "đã có ông Choi Sung-hoon và ông Yoon Jae-won. Ông Han vẫn được mời dự phiên khai "
            "mạc và khu trưng bày. / At most two delegates per company attend the B2B session."
        ),
    ),
    # Israel
    PersonSeed(
        "noa.levi@ketnoi.demo",
        "Noa Levi",
        "il_forum",
        "Executive Director, head of delegation",
        ("en", "he"),
        name_local="נועה לוי",
        delegation="il",
    ),
    PersonSeed(
        "yossi.cohen@negevdrip.example",
        "Yossi Cohen",
        "il_negev",
        "Vice President, Sales Asia",
        ("en", "he"),
        name_local="יוסי כהן",
        delegation="il",
    ),
    PersonSeed(
        "tamar.friedman@bluegill-aqua.example",
        "Tamar Friedman",
        "il_bluegill",
        "Chief Executive Officer",
        ("en", "he"),
        name_local="תמר פרידמן",
        delegation="il",
    ),
    PersonSeed(
        "amit.shapiro@bluegill-aqua.example",
        "Amit Shapiro",
        "il_bluegill",
        "Aquaculture Engineer",
        ("en", "he"),
        name_local="עמית שפירא",
        delegation="il",
        unavailable_slots=(1, 2),
    ),
    PersonSeed(
        "daniel.mizrahi@sensewater.example",
        "Daniel Mizrahi",
        "il_sensewater",
        "Chief Technology Officer",
        ("en", "he"),
        name_local="דניאל מזרחי",
        delegation="il",
    ),
    PersonSeed(
        "michal.peretz@galil-ot.example",
        "Michal Peretz",
        "il_galil",
        "Regional Director, Asia-Pacific",
        ("en", "he"),
        name_local="מיכל פרץ",
        delegation="il",
    ),
    PersonSeed(
        "eitan.golan@negevdrip.example",
        "Eitan Golan",
        "il_negev",
        "Senior Agronomist",
        ("en", "he"),
        name_local="איתן גולן",
        delegation="il",
        status=PENDING,
    ),
    # Netherlands
    PersonSeed(
        "sanne.devries@ketnoi.demo",
        "Sanne de Vries",
        "nl_partners",
        "Programme Director, head of delegation",
        ("en", "nl"),
        delegation="nl",
    ),
    PersonSeed(
        "pieter.bakker@greenharvest.example",
        "Pieter Bakker",
        "nl_greenharvest",
        "Export Manager Asia",
        ("en", "nl"),
        delegation="nl",
    ),
    PersonSeed(
        "lotte.janssen@kustwerk.example",
        "Lotte Janssen",
        "nl_kustwerk",
        "Senior Port Engineer",
        ("en", "nl"),
        delegation="nl",
    ),
    PersonSeed(
        "joris.vandijk@kustwerk.example",
        "Joris van Dijk",
        "nl_kustwerk",
        "Data Scientist",
        ("en", "nl"),
        delegation="nl",
    ),
    PersonSeed(
        "bram.visser@zeeland-aquafeed.example",
        "Bram Visser",
        "nl_zeeland",
        "Business Developer Asia",
        ("en", "nl"),
        delegation="nl",
    ),
    PersonSeed(
        "femke.vandermeer@vdm-foodsystems.example",
        "Femke van der Meer",
        "nl_vandermeer",
        "Sales Director",
        ("en", "nl"),
        delegation="nl",
    ),
)

# ---- offers and requests ------------------------------------------------------------------

TECH_OFFER = ProfileKind.technology_offer
TECH_REQUEST = ProfileKind.technology_request
PRODUCT_OFFER = ProfileKind.product_offer
PRODUCT_REQUEST = ProfileKind.product_request
RESEARCH = ProfileKind.research_result
PARTNER = ProfileKind.partner_search

PROFILES: tuple[ProfileSeed, ...] = (
    # Taiwan -----------------------------------------------------------------------------
    ProfileSeed(
        owner="chienhung.chen@jinglian-semi.example",
        kind=PRODUCT_OFFER,
        title_vi="Thiết bị kiểm thử và đóng gói vi mạch cấp wafer",
        title_en="Wafer-level chip test and packaging equipment",
        title_local="晶圓級晶片測試與封裝設備",
        local_language="zh",
        description_vi=(
            "Máy kiểm thử đầu dò (prober) và thiết bị đóng gói cấp wafer cho dây chuyền "
            "OSAT; kèm đào tạo vận hành và bảo trì tại chỗ."
        ),
        description_en=(
            "Wafer probers and wafer-level packaging tools for OSAT lines, with on-site "
            "operator and maintenance training."
        ),
        description_local="適用於封測產線的晶圓探針台與晶圓級封裝設備，提供現場操作與維護培訓。",
        sectors=("semiconductors", "equipment_tools"),
        keywords=("wafer", "OSAT", "kiểm thử vi mạch", "đóng gói chip"),
        trl=9,
        ip_status=IpStatus.patent_granted,
        partnerships=(P.supply_contract, P.technical_assistance, P.training),
    ),
    ProfileSeed(
        owner="yachi.chang@jinglian-semi.example",
        kind=PARTNER,
        title_vi="Tìm đối tác đào tạo kỹ sư bán dẫn tại Việt Nam",
        title_en="Partner sought to train semiconductor engineers in Vietnam",
        title_local="尋求在越南培訓半導體工程師的合作夥伴",
        local_language="zh",
        description_vi=(
            "Hợp tác với trường đại học, trung tâm đào tạo mở lớp kỹ sư kiểm thử, đóng gói "
            "vi mạch; Jinglian cung cấp thiết bị thực hành và giảng viên."
        ),
        description_en=(
            "Work with universities and training centres on courses for chip test and "
            "packaging engineers; Jinglian provides lab equipment and trainers."
        ),
        description_local="與大學及培訓中心合作開設晶片測試與封裝工程師課程。",
        sectors=("semiconductors", "education_training"),
        keywords=("nhân lực bán dẫn", "đào tạo", "semiconductor workforce"),
        partnerships=(P.training, P.joint_rnd),
    ),
    ProfileSeed(
        owner="chunchieh.wang@hongtai-iot.example",
        kind=TECH_OFFER,
        title_vi="Hệ thống IoT giám sát chất lượng nước ao nuôi thuỷ sản",
        title_en="IoT water-quality monitoring for aquaculture ponds",
        title_local="水產養殖池水質物聯網監測系統",
        local_language="zh",
        description_vi=(
            "Cảm biến oxy hoà tan, pH, độ mặn, nhiệt độ truyền dữ liệu qua LoRaWAN; cảnh báo "
            "trên điện thoại và tự bật máy sục khí khi oxy xuống thấp."
        ),
        description_en=(
            "Dissolved-oxygen, pH, salinity and temperature sensors over LoRaWAN; phone "
            "alerts and automatic aerator control when oxygen drops."
        ),
        description_local="溶氧、pH、鹽度與溫度感測器，透過LoRaWAN傳輸並自動控制增氧機。",
        sectors=("iot", "aquaculture"),
        keywords=("oxy hoà tan", "LoRaWAN", "máy sục khí", "giám sát ao nuôi"),
        trl=8,
        ip_status=IpStatus.patent_granted,
        partnerships=(P.supply_contract, P.distribution, P.technology_transfer),
    ),
    ProfileSeed(
        owner="chiaying.li@hongtai-iot.example",
        kind=PRODUCT_OFFER,
        title_vi="Cảm biến không dây tiết kiệm năng lượng giám sát nhà xưởng, kho lạnh",
        title_en="Low-power wireless sensors for factories and cold stores",
        title_local="工廠與冷庫用低功耗無線感測器",
        local_language="zh",
        description_vi=(
            "Đo nhiệt độ, độ ẩm, rung động; pin dùng 5 năm; tích hợp sẵn với MES và phần "
            "mềm quản lý kho."
        ),
        description_en=(
            "Temperature, humidity and vibration sensing; five-year battery; ready for MES "
            "and warehouse software."
        ),
        description_local="量測溫度、濕度與振動，電池壽命五年，可整合MES與倉儲系統。",
        sectors=("iot", "digital_transformation", "logistics"),
        keywords=("chuỗi lạnh", "cold chain", "cảm biến nhiệt độ", "kho lạnh"),
        trl=9,
        ip_status=IpStatus.know_how,
        partnerships=(P.distribution, P.supply_contract),
    ),
    ProfileSeed(
        owner="chenghan.wu@haifeng-seed.example",
        kind=TECH_OFFER,
        title_vi="Công nghệ sản xuất giống cá mú (cá song) chất lượng cao",
        title_en="High-quality grouper fry production technology",
        title_local="高品質石斑魚苗繁養殖技術",
        local_language="zh",
        description_vi=(
            "Quy trình nuôi vỗ cá bố mẹ, ương ấu trùng và thức ăn sống cho tỷ lệ sống trên "
            "15%; chuyển giao trọn gói hoặc liên doanh trại giống tại Hải Phòng."
        ),
        description_en=(
            "Broodstock conditioning, larval rearing and live-feed protocols with survival "
            "above 15%; turnkey transfer or a joint-venture hatchery in Hai Phong."
        ),
        description_local="親魚培育、仔魚育成與活餌流程，存活率逾15%，可整廠技轉或合資設場。",
        sectors=("aquaculture",),
        keywords=("cá giống", "cá mú", "cá song", "trại giống", "grouper"),
        trl=9,
        ip_status=IpStatus.know_how,
        partnerships=(P.technology_transfer, P.joint_venture, P.investment),
    ),
    ProfileSeed(
        owner="shufen.tsai@haifeng-seed.example",
        kind=PRODUCT_OFFER,
        title_vi="Tôm thẻ chân trắng bố mẹ sạch bệnh (SPF)",
        title_en="Specific-pathogen-free whiteleg shrimp broodstock",
        title_local="無特定病原白蝦種蝦",
        local_language="zh",
        description_vi="Tôm bố mẹ SPF chọn giống tăng trưởng nhanh, có chứng nhận xét nghiệm PCR.",
        description_en="Fast-growing selected SPF broodstock with PCR test certificates.",
        description_local="選育快速成長之SPF種蝦，附PCR檢驗證明。",
        sectors=("aquaculture", "biotech"),
        keywords=("tôm bố mẹ", "SPF", "tôm thẻ", "broodstock"),
        trl=9,
        ip_status=IpStatus.know_how,
        partnerships=(P.supply_contract, P.distribution),
    ),
    ProfileSeed(
        owner="yichun.liu@luyuan-bio.example",
        kind=TECH_OFFER,
        title_vi="Chế phẩm vi sinh xử lý đáy ao nuôi tôm",
        title_en="Probiotic pond-bottom treatment for shrimp farming",
        title_local="蝦池底質改良益生菌製劑",
        local_language="zh",
        description_vi=(
            "Tổ hợp Bacillus và vi khuẩn quang hợp phân hủy bùn đáy, giảm khí độc NH3, H2S; "
            "có thể chuyển giao quy trình lên men để sản xuất tại Việt Nam."
        ),
        description_en=(
            "Bacillus and photosynthetic bacteria that digest sludge and cut NH3 and H2S; "
            "the fermentation process can be licensed for production in Vietnam."
        ),
        description_local="芽孢桿菌與光合菌複合製劑，分解底泥、降低氨與硫化氫，可授權在越生產。",
        sectors=("biotech", "aquaculture"),
        keywords=("chế phẩm sinh học", "probiotic", "Bacillus", "xử lý đáy ao"),
        trl=8,
        ip_status=IpStatus.patent_granted,
        partnerships=(P.licensing, P.distribution, P.technology_transfer),
    ),
    ProfileSeed(
        owner="yichun.liu@luyuan-bio.example",
        kind=RESEARCH,
        title_vi="Thuỷ phân phụ phẩm cá bằng enzyme thành đạm thuỷ phân",
        title_en="Enzymatic hydrolysis of fish by-products into protein hydrolysate",
        title_local="魚類副產物酵素水解蛋白技術",
        local_language="zh",
        description_vi=(
            "Biến đầu, xương, nội tạng cá thành đạm thuỷ phân dùng cho thức ăn chăn nuôi và "
            "phân bón hữu cơ; đã chạy thử quy mô 500 kg/mẻ."
        ),
        description_en=(
            "Turns fish heads, bones and viscera into protein hydrolysate for feed and "
            "organic fertiliser; piloted at 500 kg per batch."
        ),
        description_local="將魚頭、魚骨與內臟轉化為水解蛋白，已完成每批500公斤試量產。",
        sectors=("biotech", "food_processing", "environment"),
        keywords=("phụ phẩm thuỷ sản", "enzyme", "đạm thuỷ phân", "kinh tế tuần hoàn"),
        trl=6,
        ip_status=IpStatus.patent_pending,
        partnerships=(P.joint_rnd, P.licensing),
    ),
    ProfileSeed(
        owner="tsunghan.yang@fengsui-agri.example",
        kind=PRODUCT_OFFER,
        title_vi="Máy cấy lúa tự hành và thiết bị bay không người lái phun thuốc",
        title_en="Self-propelled rice transplanters and spraying drones",
        title_local="自走式插秧機與植保無人機",
        local_language="zh",
        description_vi=(
            "Máy cấy 6 hàng phù hợp ruộng nhỏ miền Bắc; drone phun 20 lít; đào tạo thợ vận "
            "hành và cung cấp phụ tùng qua đại lý."
        ),
        description_en=(
            "Six-row transplanters suited to small northern fields; 20-litre spraying drones; "
            "operator training and spare parts through dealers."
        ),
        description_local="適合越北小田區之六行插秧機與20公升植保無人機，提供操作培訓與零件。",
        sectors=("agri_machinery", "agriculture"),
        keywords=("máy cấy", "drone nông nghiệp", "cơ giới hoá", "lúa"),
        trl=9,
        ip_status=IpStatus.patent_granted,
        partnerships=(P.distribution, P.supply_contract, P.training),
    ),
    ProfileSeed(
        owner="chiahao.hsu@risingsun-energy.example",
        kind=TECH_OFFER,
        title_vi="Điện mặt trời nổi kết hợp nuôi trồng thuỷ sản",
        title_en="Floating solar combined with aquaculture (aquavoltaics)",
        title_local="漁電共生浮動式太陽能系統",
        local_language="zh",
        description_vi=(
            "Phao nổi, giàn pin và hệ thống sục khí dùng điện tại chỗ trên ao nuôi; mô hình "
            "đã vận hành 120 MW tại Đài Loan; tìm nhà đầu tư, chủ ao tại Hải Phòng."
        ),
        description_en=(
            "Floats, PV arrays and on-site powered aeration over fish ponds; 120 MW in "
            "operation in Taiwan; looking for investors and pond owners in Hai Phong."
        ),
        description_local="魚塭上方之浮台、光電陣列與自發電增氧系統，台灣已運轉120MW。",
        sectors=("renewable_energy", "aquaculture"),
        keywords=("điện mặt trời nổi", "năng lượng tái tạo", "aquavoltaics", "ao nuôi"),
        trl=8,
        ip_status=IpStatus.patent_granted,
        partnerships=(P.investment, P.joint_venture, P.technology_transfer),
    ),
    ProfileSeed(
        owner="yawen.cheng@risingsun-energy.example",
        kind=PRODUCT_OFFER,
        title_vi="Hệ thống lưu trữ điện năng cho nhà xưởng và kho lạnh",
        title_en="Battery energy storage for factories and cold stores",
        title_local="工廠與冷庫儲能系統",
        local_language="zh",
        description_vi=(
            "Tủ pin LFP 100–500 kWh, cắt đỉnh phụ tải giờ cao điểm, kết nối điện mặt trời."
        ),
        description_en="100–500 kWh LFP cabinets for peak shaving, coupled with rooftop solar.",
        description_local="100至500度LFP儲能櫃，削峰填谷並可搭配屋頂太陽能。",
        sectors=("renewable_energy", "energy_efficiency"),
        keywords=("lưu trữ năng lượng", "BESS", "cắt đỉnh", "điện mặt trời mái nhà"),
        trl=9,
        ip_status=IpStatus.know_how,
        partnerships=(P.supply_contract, P.distribution),
    ),
    ProfileSeed(
        owner="mingche.hsieh@jinggong-auto.example",
        kind=TECH_OFFER,
        title_vi="Tự động hoá dây chuyền đóng gói thực phẩm và thuỷ sản",
        title_en="Packaging line automation for food and seafood",
        title_local="食品與水產包裝產線自動化",
        local_language="zh",
        description_vi=(
            "Cân định lượng, đóng túi, hàn mí, dò kim loại và xếp thùng tự động; thay 12 "
            "công nhân mỗi ca; lắp đặt và chuyển giao vận hành trong 10 tuần."
        ),
        description_en=(
            "Automatic weighing, bagging, sealing, metal detection and case packing; replaces "
            "12 workers per shift; installed and handed over in 10 weeks."
        ),
        description_local="自動秤重、包裝、封口、金屬檢測與裝箱，每班可節省12人，十週內完成交機。",
        sectors=("automation", "food_processing"),
        keywords=("đóng gói", "tự động hoá", "packaging", "cân định lượng", "dò kim loại"),
        trl=9,
        ip_status=IpStatus.patent_granted,
        partnerships=(P.supply_contract, P.technology_transfer, P.technical_assistance),
    ),
    ProfileSeed(
        owner="poyu.chou@jinggong-auto.example",
        kind=PRODUCT_OFFER,
        title_vi="Robot gắp xếp sản phẩm dẫn hướng bằng thị giác máy",
        title_en="Vision-guided pick-and-place robots",
        title_local="視覺導引取放機器人",
        local_language="zh",
        description_vi=(
            "Robot delta 120 lần gắp/phút, camera nhận dạng vị trí, phù hợp khay thực phẩm."
        ),
        description_en="Delta robots at 120 picks per minute with camera guidance, for food trays.",
        description_local="每分鐘120次取放之並聯機器人，搭配視覺定位，適用食品托盤。",
        sectors=("automation", "ai"),
        keywords=("robot", "thị giác máy", "machine vision", "pick and place"),
        trl=8,
        ip_status=IpStatus.patent_pending,
        partnerships=(P.supply_contract, P.distribution),
    ),
    ProfileSeed(
        owner="kuanting.lin@weijia-machinery.example",
        kind=PRODUCT_OFFER,
        title_vi="Thiết bị sấy thăng hoa cho nông sản, thuỷ sản",
        title_en="Freeze-drying equipment for farm and fishery products",
        title_local="農水產品冷凍乾燥設備",
        local_language="zh",
        description_vi=(
            "Máy sấy thăng hoa 50–500 kg/mẻ giữ màu, mùi, dinh dưỡng; tiêu hao điện thấp hơn "
            "20% nhờ thu hồi nhiệt."
        ),
        description_en=(
            "Freeze dryers for 50–500 kg per batch that keep colour, aroma and nutrients; "
            "20% less power through heat recovery."
        ),
        description_local="每批50至500公斤之冷凍乾燥機，保留色香與營養，熱回收節電20%。",
        sectors=("food_processing", "equipment_tools", "energy_efficiency"),
        keywords=("sấy thăng hoa", "freeze drying", "sấy lạnh", "chế biến sâu"),
        trl=9,
        ip_status=IpStatus.know_how,
        partnerships=(P.supply_contract, P.technical_assistance),
    ),
    ProfileSeed(
        owner="hsiaoyun.kuo@tmbrc.example",
        kind=RESEARCH,
        title_vi="Vắc-xin phòng bệnh hoại tử thần kinh (VNN) cho cá biển",
        title_en="Vaccine against viral nervous necrosis in marine fish",
        title_local="海水魚神經壞死病疫苗",
        local_language="zh",
        description_vi=(
            "Vắc-xin bất hoạt dạng ngâm cho cá mú, cá vược giai đoạn giống; thử nghiệm thực "
            "địa giảm chết 60%; tìm đối tác khảo nghiệm tại Việt Nam."
        ),
        description_en=(
            "Inactivated immersion vaccine for grouper and sea-bass fry; field trials cut "
            "mortality by 60%; partners sought for trials in Vietnam."
        ),
        description_local="石斑與鱸魚苗浸泡式不活化疫苗，田間試驗死亡率降低60%。",
        sectors=("biotech", "aquaculture", "marine_science"),
        keywords=("vắc-xin", "VNN", "bệnh cá biển", "cá mú"),
        trl=6,
        ip_status=IpStatus.patent_granted,
        partnerships=(P.joint_rnd, P.licensing),
    ),
    ProfileSeed(
        owner="kuofeng.hung@tmbrc.example",
        kind=PARTNER,
        title_vi="Hợp tác nghiên cứu khoa học biển và nguồn lợi thuỷ sản",
        title_en="Joint research on marine science and fisheries resources",
        title_local="海洋科學與漁業資源合作研究",
        local_language="zh",
        description_vi=(
            "Trao đổi nghiên cứu viên, dữ liệu nguồn lợi vùng vịnh Bắc Bộ, đồng hướng dẫn."
        ),
        description_en="Researcher exchange, Gulf of Tonkin stock data, joint supervision.",
        description_local="研究人員交流、北部灣漁業資源資料共享與共同指導研究生。",
        sectors=("marine_science", "education_training"),
        keywords=("khoa học biển", "nguồn lợi hải sản", "trao đổi học thuật"),
        partnerships=(P.joint_rnd, P.training),
    ),
    ProfileSeed(
        owner="weiting.lin@ketnoi.demo",
        kind=PARTNER,
        title_vi="Doanh nghiệp Đài Loan tìm đối tác đầu tư tại Hải Phòng",
        title_en="Taiwanese companies seeking investment partners in Hai Phong",
        title_local="台灣企業尋求海防投資合作夥伴",
        local_language="zh",
        description_vi=(
            "Các doanh nghiệp trong đoàn quan tâm đầu tư trại giống, nhà máy chế biến và điện "
            "mặt trời nổi tại Hải Phòng; cần đối tác có đất, ao nuôi hoặc nhà xưởng."
        ),
        description_en=(
            "Delegation members consider investing in hatcheries, processing and floating "
            "solar in Hai Phong and look for partners with land, ponds or plants."
        ),
        description_local="團員企業考慮在海防投資種苗場、加工廠與浮動式太陽能。",
        sectors=("aquaculture", "renewable_energy", "food_processing"),
        keywords=("đầu tư", "liên doanh", "Hải Phòng"),
        partnerships=(P.investment, P.joint_venture),
    ),
    # Japan --------------------------------------------------------------------------------
    ProfileSeed(
        owner="daisuke.nakamura@towa-seiki.example",
        kind=PRODUCT_REQUEST,
        title_vi="Tìm nhà cung cấp chi tiết gia công CNC chính xác tại Việt Nam",
        title_en="Vietnamese suppliers of precision CNC machined parts wanted",
        title_local="ベトナムの精密CNC加工部品サプライヤーを募集",
        local_language="ja",
        description_vi=(
            "Chi tiết thép, nhôm, dung sai ±0,01 mm, 2.000–5.000 chiếc/tháng; ưu tiên nhà "
            "máy có ISO 9001 tại Hải Phòng, Hải Dương."
        ),
        description_en=(
            "Steel and aluminium parts, ±0.01 mm, 2,000–5,000 pieces a month; ISO 9001 plants "
            "in Hai Phong or Hai Duong preferred."
        ),
        description_local="鋼・アルミ部品、公差±0.01mm、月2,000〜5,000個。ISO 9001取得工場を優先。",
        sectors=("mechanics", "supporting_industries"),
        keywords=("gia công CNC", "công nghiệp hỗ trợ", "chuỗi cung ứng", "machining"),
        partnerships=(P.supply_contract,),
    ),
    ProfileSeed(
        owner="misaki.kobayashi@towa-seiki.example",
        kind=TECH_OFFER,
        title_vi="Chuyển giao quy trình chế tạo khuôn mẫu chính xác",
        title_en="Precision mould-making process transfer",
        title_local="精密金型製作技術の移転",
        local_language="ja",
        description_vi=(
            "Thiết kế, gia công tia lửa điện, đánh bóng khuôn ép nhựa và khuôn dập; kỹ sư "
            "Nhật hướng dẫn tại nhà máy đối tác 6 tháng."
        ),
        description_en=(
            "Design, EDM and polishing of injection and stamping moulds; Japanese engineers "
            "coach at the partner's plant for six months."
        ),
        description_local="射出・プレス金型の設計、放電加工、研磨。日本人技術者が6か月現地指導。",
        sectors=("mechanics", "plastics_rubber"),
        keywords=("khuôn mẫu", "khuôn dập", "EDM", "mould"),
        trl=9,
        ip_status=IpStatus.know_how,
        partnerships=(P.technology_transfer, P.training, P.joint_venture),
    ),
    ProfileSeed(
        owner="makoto.takahashi@hokuto-denshi.example",
        kind=PRODUCT_REQUEST,
        title_vi="Tìm đối tác gia công bó dây điện (wire harness)",
        title_en="Wire-harness contract manufacturers wanted",
        title_local="ワイヤーハーネス委託生産先を募集",
        local_language="ja",
        description_vi=(
            "Bó dây cho máy công nghiệp và xe chuyên dụng, 40 mã hàng; Hokuto hỗ trợ đồ gá "
            "kiểm tra và đào tạo công nhân."
        ),
        description_en=(
            "Harnesses for industrial machines and special vehicles, 40 part numbers; Hokuto "
            "provides test jigs and trains workers."
        ),
        description_local="産業機械・特装車向けハーネス40品番。検査治具と作業者教育を提供。",
        sectors=("electronics", "supporting_industries", "automotive"),
        keywords=("bó dây điện", "wire harness", "gia công điện tử"),
        partnerships=(P.supply_contract, P.training),
    ),
    ProfileSeed(
        owner="makoto.takahashi@hokuto-denshi.example",
        kind=TECH_OFFER,
        title_vi="Hỗ trợ kỹ thuật nâng cao chất lượng lắp ráp bo mạch SMT",
        title_en="Technical assistance to raise SMT board-assembly quality",
        title_local="SMT実装品質向上の技術支援",
        local_language="ja",
        description_vi="Tối ưu in kem hàn, lò reflow, kiểm tra AOI; mục tiêu giảm lỗi dưới 50 ppm.",
        description_en="Solder-paste printing, reflow profiling and AOI; target below 50 ppm.",
        description_local="はんだ印刷、リフロー条件、AOI検査の最適化。不良50ppm以下を目標。",
        sectors=("electronics",),
        keywords=("SMT", "PCBA", "AOI", "reflow"),
        trl=9,
        ip_status=IpStatus.know_how,
        partnerships=(P.technical_assistance, P.training),
    ),
    ProfileSeed(
        owner="yumi.ito@mirai-food.example",
        kind=TECH_OFFER,
        title_vi="Công nghệ xử lý áp suất cao (HPP) bảo quản hải sản",
        title_en="High-pressure processing (HPP) for seafood preservation",
        title_local="水産物の高圧処理（HPP）保存技術",
        local_language="ja",
        description_vi=(
            "Xử lý 600 MPa không dùng nhiệt: tách thịt hàu, tôm hùm; kéo dài hạn dùng gấp ba "
            "mà giữ vị tươi."
        ),
        description_en=(
            "Non-thermal 600 MPa treatment that shucks oysters and lobster and triples shelf "
            "life while keeping fresh taste."
        ),
        description_local="600MPaの非加熱処理で牡蠣の殻むき、賞味期限を3倍に延長。",
        sectors=("food_processing", "aquaculture"),
        keywords=("HPP", "áp suất cao", "bảo quản", "hàu", "thời hạn sử dụng"),
        trl=8,
        ip_status=IpStatus.patent_granted,
        partnerships=(P.licensing, P.supply_contract, P.technology_transfer),
    ),
    ProfileSeed(
        owner="shota.watanabe@yamato-agri.example",
        kind=TECH_OFFER,
        title_vi="Hệ thống điều khiển vi khí hậu nhà kính thông minh",
        title_en="Smart greenhouse climate control",
        title_local="スマート温室環境制御システム",
        local_language="ja",
        description_vi=(
            "Điều khiển nhiệt, ẩm, CO2, tưới theo cảm biến; bản tiếng Việt trên điện thoại; "
            "phù hợp nhà màng 1.000–5.000 m²."
        ),
        description_en=(
            "Sensor-driven control of temperature, humidity, CO2 and irrigation; Vietnamese "
            "phone app; for 1,000–5,000 m² net houses."
        ),
        description_local="温度・湿度・CO2・灌水をセンサーで制御。ベトナム語アプリ対応。",
        sectors=("agriculture", "iot"),
        keywords=("nhà kính", "nhà màng", "nông nghiệp thông minh", "greenhouse"),
        trl=9,
        ip_status=IpStatus.patent_granted,
        partnerships=(P.distribution, P.technology_transfer),
    ),
    ProfileSeed(
        owner="ryo.suzuki@aoba-robotics.example",
        kind=TECH_OFFER,
        title_vi="Kiểm tra ngoại quan sản phẩm bằng trí tuệ nhân tạo",
        title_en="AI visual inspection for production lines",
        title_local="AIによる外観検査システム",
        local_language="ja",
        description_vi=(
            "Camera và mô hình học sâu phát hiện vết xước, nứt, thiếu chi tiết; học từ 200 "
            "ảnh mẫu; chạy trên máy tính biên."
        ),
        description_en=(
            "Cameras and deep-learning models detect scratches, cracks and missing parts; "
            "trained from 200 samples; runs on edge computers."
        ),
        description_local="カメラと深層学習で傷・割れ・欠品を検出。200枚の画像で学習可能。",
        sectors=("ai", "automation", "electronics"),
        keywords=("trí tuệ nhân tạo", "kiểm tra chất lượng", "machine vision", "học sâu"),
        trl=8,
        ip_status=IpStatus.copyright,
        partnerships=(P.licensing, P.joint_rnd, P.supply_contract),
    ),
    ProfileSeed(
        owner="kenichi.sato@ketnoi.demo",
        kind=PARTNER,
        title_vi="Doanh nghiệp Kansai tìm đối tác sản xuất tại Hải Phòng",
        title_en="Kansai SMEs seeking manufacturing partners in Hai Phong",
        title_local="関西の中小企業がハイフォンの製造パートナーを募集",
        local_language="ja",
        description_vi=(
            "12 doanh nghiệp hội viên muốn đặt gia công hoặc liên doanh sản xuất linh kiện "
            "cơ khí, điện tử tại Hải Phòng trong 2027–2028."
        ),
        description_en=(
            "Twelve member SMEs plan outsourcing or joint ventures for mechanical and "
            "electronic parts in Hai Phong in 2027–2028."
        ),
        description_local="会員企業12社が2027〜2028年にハイフォンでの委託生産・合弁を検討。",
        sectors=("supporting_industries", "mechanics", "electronics"),
        keywords=("công nghiệp hỗ trợ", "liên doanh", "Nhật Bản"),
        partnerships=(P.joint_venture, P.supply_contract, P.investment),
    ),
    # Korea --------------------------------------------------------------------------------
    ProfileSeed(
        owner="minjun.kim@hanbit-sf.example",
        kind=TECH_OFFER,
        title_vi=(
            "Phần mềm quản lý sản xuất (MES) trên nền tảng đám mây cho doanh nghiệp vừa và nhỏ"
        ),
        title_en="Cloud MES for small and medium manufacturers",
        title_local="중소 제조기업용 클라우드 MES",
        local_language="ko",
        description_vi=(
            "Theo dõi lệnh sản xuất, OEE, truy xuất lô; giao diện tiếng Việt; triển khai "
            "trong 8 tuần; thuê bao theo tháng."
        ),
        description_en=(
            "Work orders, OEE and lot traceability; Vietnamese interface; live in eight "
            "weeks; monthly subscription."
        ),
        description_local="작업지시, OEE, 로트 추적 기능. 베트남어 지원, 8주 내 구축.",
        sectors=("digital_transformation", "it"),
        keywords=("MES", "nhà máy thông minh", "chuyển đổi số", "OEE"),
        trl=9,
        ip_status=IpStatus.copyright,
        partnerships=(P.licensing, P.technical_assistance, P.distribution),
    ),
    ProfileSeed(
        owner="daeun.jung@hanbit-sf.example",
        kind=TECH_OFFER,
        title_vi="Gói giải pháp nhà máy thông minh cấp độ cơ bản",
        title_en="Entry-level smart factory package",
        title_local="스마트공장 기초 구축 패키지",
        local_language="ko",
        description_vi=(
            "Thu thập dữ liệu máy qua IoT, bảng điều khiển năng suất, đào tạo đội chuyển đổi "
            "số nội bộ; mô hình đã áp dụng cho 300 doanh nghiệp Hàn Quốc."
        ),
        description_en=(
            "IoT machine-data collection, productivity dashboards and training for an "
            "in-house digital team; used by 300 Korean SMEs."
        ),
        description_local=(
            "IoT 설비 데이터 수집, 생산성 대시보드, 사내 교육. 한국 중소기업 300곳 적용."
        ),
        sectors=("digital_transformation", "iot", "education_training"),
        keywords=("nhà máy thông minh", "smart factory", "thu thập dữ liệu máy"),
        trl=9,
        ip_status=IpStatus.copyright,
        partnerships=(P.supply_contract, P.training),
    ),
    ProfileSeed(
        owner="sunghoon.choi@daesung-mp.example",
        kind=PRODUCT_REQUEST,
        title_vi="Tìm nhà cung cấp chi tiết dập, hàn cho vỏ pin xe điện",
        title_en="Suppliers wanted: stamped and welded parts for EV battery housings",
        title_local="전기차 배터리 하우징용 프레스·용접 부품 협력사 모집",
        local_language="ko",
        description_vi=(
            "Chi tiết thép, nhôm dập và hàn robot; sản lượng 30.000 bộ/năm từ 2028; yêu cầu "
            "IATF 16949 hoặc lộ trình đạt chứng nhận."
        ),
        description_en=(
            "Stamped steel and aluminium parts, robot welded; 30,000 sets a year from 2028; "
            "IATF 16949 or a plan to reach it."
        ),
        description_local="프레스 및 로봇 용접 부품, 2028년부터 연 3만 세트. IATF 16949 필요.",
        sectors=("automotive", "mechanics", "supporting_industries"),
        keywords=("xe điện", "vỏ pin", "dập", "hàn robot", "IATF 16949"),
        partnerships=(P.supply_contract, P.joint_venture),
    ),
    ProfileSeed(
        owner="seoyeon.park@cheonghae-bio.example",
        kind=RESEARCH,
        title_vi="Vật liệu sinh học từ rong biển thay thế bao bì nhựa",
        title_en="Seaweed-based biomaterial replacing plastic packaging",
        title_local="해조류 기반 플라스틱 대체 포장 소재",
        local_language="ko",
        description_vi=(
            "Màng bao gói phân hủy sinh học trong 6 tuần, chịu nước; tìm đối tác trồng rong "
            "và sản xuất thử tại Việt Nam."
        ),
        description_en=(
            "Water-resistant packaging film that biodegrades in six weeks; partners sought "
            "for seaweed farming and pilot production in Vietnam."
        ),
        description_local=(
            "6주 내 생분해되는 내수성 포장 필름. 베트남 해조류 양식·시범생산 파트너 모집."
        ),
        sectors=("biotech", "materials", "plastics_rubber"),
        keywords=("rong biển", "bao bì sinh học", "phân hủy sinh học", "thay thế nhựa"),
        trl=6,
        ip_status=IpStatus.patent_granted,
        partnerships=(P.joint_rnd, P.licensing, P.investment),
    ),
    ProfileSeed(
        owner="donghyun.kang@greeneco.example",
        kind=TECH_OFFER,
        title_vi="Màng lọc MBR xử lý nước thải công nghiệp",
        title_en="MBR membranes for industrial wastewater treatment",
        title_local="산업폐수 처리용 MBR 분리막",
        local_language="ko",
        description_vi=(
            "Module màng sợi rỗng chống bám bẩn, nâng cấp trạm xử lý hiện có lên QCVN cột A "
            "mà không cần mở rộng mặt bằng."
        ),
        description_en=(
            "Anti-fouling hollow-fibre modules that upgrade existing plants to QCVN column A "
            "without more land."
        ),
        description_local="방오 중공사막 모듈로 기존 처리장을 부지 확장 없이 고도화.",
        sectors=("environment",),
        keywords=("xử lý nước thải", "MBR", "màng lọc", "QCVN"),
        trl=9,
        ip_status=IpStatus.patent_granted,
        partnerships=(P.supply_contract, P.technology_transfer),
    ),
    ProfileSeed(
        owner="eunbi.cho@sejin-parts.example",
        kind=PRODUCT_OFFER,
        title_vi="Linh kiện thay thế cho thiết bị sản xuất bán dẫn",
        title_en="Replacement parts for semiconductor manufacturing equipment",
        title_local="반도체 제조장비용 교체 부품",
        local_language="ko",
        description_vi=(
            "Vòng gốm, điện cực, chi tiết thạch anh cho máy khắc, lắng đọng; giao hàng trong "
            "72 giờ cho nhà máy phía Bắc; tìm đối tác gia công tại chỗ."
        ),
        description_en=(
            "Ceramic rings, electrodes and quartz parts for etch and deposition tools; "
            "72-hour delivery in the north; local machining partners sought."
        ),
        description_local="식각·증착 장비용 세라믹 링, 전극, 석영 부품. 북부 72시간 납품.",
        sectors=("semiconductors", "supporting_industries"),
        keywords=("linh kiện bán dẫn", "thạch anh", "công nghiệp hỗ trợ"),
        trl=9,
        ip_status=IpStatus.know_how,
        partnerships=(P.supply_contract, P.joint_venture),
    ),
    # Israel -------------------------------------------------------------------------------
    ProfileSeed(
        owner="yossi.cohen@negevdrip.example",
        kind=TECH_OFFER,
        title_vi="Tưới nhỏ giọt chính xác điều khiển từ xa",
        title_en="Remotely controlled precision drip irrigation",
        title_local="השקיה בטפטוף מדויקת בשליטה מרחוק",
        local_language="he",
        description_vi=(
            "Ống nhỏ giọt bù áp, bộ châm phân và van điều khiển qua điện thoại; tiết kiệm "
            "40% nước và 30% phân bón."
        ),
        description_en=(
            "Pressure-compensated drippers, fertigation units and phone-controlled valves; "
            "saves 40% water and 30% fertiliser."
        ),
        description_local="טפטפות מווסתות לחץ, מערכת דישון וברזים בשליטה מהטלפון.",
        sectors=("agriculture", "iot"),
        keywords=("tưới nhỏ giọt", "châm phân", "tiết kiệm nước", "drip irrigation"),
        trl=9,
        ip_status=IpStatus.patent_granted,
        partnerships=(P.distribution, P.technology_transfer),
    ),
    ProfileSeed(
        owner="tamar.friedman@bluegill-aqua.example",
        kind=TECH_OFFER,
        title_vi="Hệ thống nuôi thuỷ sản tuần hoàn (RAS) trên đất liền",
        title_en="Land-based recirculating aquaculture systems (RAS)",
        title_local="מערכות חקלאות ימית במחזור סגור (RAS)",
        local_language="he",
        description_vi=(
            "Tái sử dụng 98% nước, lọc sinh học và khử trùng UV; phù hợp trại giống ven biển "
            "và nuôi cá biển mật độ cao."
        ),
        description_en=(
            "Reuses 98% of water with biofilters and UV; suits coastal hatcheries and "
            "high-density marine fish farming."
        ),
        description_local="מיחזור 98% מהמים, ביופילטרים וחיטוי UV, למדגרות חוף.",
        sectors=("aquaculture", "environment"),
        keywords=("RAS", "nuôi tuần hoàn", "trại giống", "lọc sinh học"),
        trl=9,
        ip_status=IpStatus.patent_granted,
        partnerships=(P.technology_transfer, P.joint_venture, P.investment),
    ),
    ProfileSeed(
        owner="daniel.mizrahi@sensewater.example",
        kind=TECH_OFFER,
        title_vi="Phân tích dữ liệu cảm biến nước bằng AI để cảnh báo sớm",
        title_en="AI analytics of water-sensor data for early warning",
        title_local="ניתוח נתוני חיישני מים בבינה מלאכותית להתרעה מוקדמת",
        local_language="he",
        description_vi=(
            "Phát hiện sớm rò rỉ, ô nhiễm, sự cố trạm xử lý từ dữ liệu cảm biến sẵn có; thử "
            "nghiệm miễn phí 3 tháng."
        ),
        description_en=(
            "Spots leaks, pollution and treatment-plant faults early from existing sensor "
            "data; three-month free pilot."
        ),
        description_local="זיהוי מוקדם של דליפות, זיהום ותקלות מנתוני חיישנים קיימים.",
        sectors=("ai", "iot", "environment"),
        keywords=("trí tuệ nhân tạo", "cảnh báo sớm", "quan trắc nước"),
        trl=7,
        ip_status=IpStatus.patent_pending,
        partnerships=(P.licensing, P.joint_rnd),
    ),
    ProfileSeed(
        owner="michal.peretz@galil-ot.example",
        kind=TECH_OFFER,
        title_vi="An ninh mạng cho hệ thống điều khiển công nghiệp (OT)",
        title_en="Cybersecurity for industrial control systems (OT)",
        title_local="אבטחת סייבר למערכות בקרה תעשייתיות",
        local_language="he",
        description_vi=(
            "Giám sát thụ động mạng PLC, SCADA, phát hiện truy cập bất thường; đào tạo đội "
            "vận hành nhà máy và cảng."
        ),
        description_en=(
            "Passive monitoring of PLC and SCADA networks, anomaly detection; training for "
            "plant and port operators."
        ),
        description_local="ניטור פסיבי של רשתות PLC ו-SCADA וזיהוי חריגות.",
        sectors=("it", "digital_transformation", "logistics"),
        keywords=("an ninh mạng", "SCADA", "OT security", "cảng biển"),
        trl=9,
        ip_status=IpStatus.copyright,
        partnerships=(P.licensing, P.distribution, P.training),
    ),
    ProfileSeed(
        owner="noa.levi@ketnoi.demo",
        kind=PARTNER,
        title_vi="Tìm nhà phân phối công nghệ nông nghiệp Israel tại miền Bắc",
        title_en="Distributors wanted for Israeli agritech in northern Vietnam",
        title_local="מפיצים לטכנולוגיה חקלאית ישראלית בצפון וייטנאם",
        local_language="he",
        description_vi="Đại lý có đội kỹ thuật lắp đặt tưới, nhà màng tại đồng bằng sông Hồng.",
        description_en="Dealers with irrigation and net-house installers in the Red River Delta.",
        description_local="משווקים עם צוותי התקנה של השקיה ובתי רשת בדלתת הנהר האדום.",
        sectors=("agriculture",),
        keywords=("phân phối", "đại lý", "nông nghiệp công nghệ cao"),
        partnerships=(P.distribution,),
    ),
    # Netherlands --------------------------------------------------------------------------
    ProfileSeed(
        owner="pieter.bakker@greenharvest.example",
        kind=TECH_OFFER,
        title_vi="Nhà kính công nghệ cao cho rau và hoa",
        title_en="High-tech greenhouses for vegetables and flowers",
        title_local="Hightech kassen voor groenten en bloemen",
        local_language="nl",
        description_vi=(
            "Thiết kế chịu bão cấp 12, thông gió tự nhiên, trồng giá thể; năng suất cà chua "
            "gấp 5 lần ngoài trời; đào tạo kỹ thuật viên."
        ),
        description_en=(
            "Typhoon-rated design, natural ventilation, substrate growing; five times the "
            "open-field tomato yield; technician training."
        ),
        description_local="Tyfoonbestendig ontwerp, natuurlijke ventilatie en substraatteelt.",
        sectors=("agriculture", "construction"),
        keywords=("nhà kính", "greenhouse", "trồng giá thể", "rau công nghệ cao"),
        trl=9,
        ip_status=IpStatus.know_how,
        partnerships=(P.supply_contract, P.technology_transfer, P.training),
    ),
    ProfileSeed(
        owner="lotte.janssen@kustwerk.example",
        kind=TECH_OFFER,
        title_vi="Mô hình số (digital twin) cho vận hành cảng và luồng tàu",
        title_en="Digital twin for port and channel operations",
        title_local="Digital twin voor haven- en vaargeulbeheer",
        local_language="nl",
        description_vi=(
            "Mô phỏng sa bồi luồng, lịch tàu và bãi container để lập kế hoạch nạo vét và "
            "giảm thời gian tàu chờ."
        ),
        description_en=(
            "Simulates channel siltation, vessel calls and container yards to plan dredging "
            "and cut waiting times."
        ),
        description_local="Simulatie van aanslibbing, scheepsbezoeken en containerterminals.",
        sectors=("logistics", "digital_transformation", "marine_science"),
        keywords=("cảng biển", "digital twin", "nạo vét", "logistics"),
        trl=7,
        ip_status=IpStatus.copyright,
        partnerships=(P.licensing, P.joint_rnd, P.technical_assistance),
    ),
    ProfileSeed(
        owner="bram.visser@zeeland-aquafeed.example",
        kind=PRODUCT_OFFER,
        title_vi="Thức ăn thuỷ sản bền vững từ protein côn trùng",
        title_en="Sustainable aquafeed with insect protein",
        title_local="Duurzaam visvoer met insecteneiwit",
        local_language="nl",
        description_vi=(
            "Thay 50% bột cá bằng protein ấu trùng ruồi lính đen; đã thử trên cá vược, tôm; "
            "tìm đối tác sản xuất tại Việt Nam."
        ),
        description_en=(
            "Replaces half of the fishmeal with black-soldier-fly protein; tested on sea bass "
            "and shrimp; looking for a Vietnamese producer."
        ),
        description_local=(
            "Vervangt de helft van het vismeel door eiwit van de zwarte soldatenvlieg."
        ),
        sectors=("aquaculture", "biotech"),
        keywords=("thức ăn thuỷ sản", "ruồi lính đen", "bột cá", "aquafeed"),
        trl=8,
        ip_status=IpStatus.patent_pending,
        partnerships=(P.distribution, P.joint_venture, P.licensing),
    ),
    ProfileSeed(
        owner="femke.vandermeer@vdm-foodsystems.example",
        kind=PRODUCT_OFFER,
        title_vi="Dây chuyền phân loại, rửa và đóng gói rau củ quả",
        title_en="Sorting, washing and packing lines for fruit and vegetables",
        title_local="Sorteer-, was- en verpakkingslijnen voor groente en fruit",
        local_language="nl",
        description_vi=(
            "Phân loại quang học theo màu, kích cỡ, khuyết tật; công suất 2–10 tấn/giờ; bảo "
            "trì từ xa."
        ),
        description_en=(
            "Optical grading by colour, size and defects; 2–10 tonnes an hour; remote maintenance."
        ),
        description_local="Optisch sorteren op kleur, maat en gebreken; 2–10 ton per uur.",
        sectors=("food_processing", "agri_machinery", "equipment_tools"),
        keywords=("phân loại quang học", "đóng gói", "sau thu hoạch", "rau quả"),
        trl=9,
        ip_status=IpStatus.patent_granted,
        partnerships=(P.supply_contract, P.technical_assistance),
    ),
    ProfileSeed(
        owner="sanne.devries@ketnoi.demo",
        kind=PARTNER,
        title_vi="Hợp tác quản lý nước và thích ứng biến đổi khí hậu vùng ven biển",
        title_en="Partnership on coastal water management and climate adaptation",
        title_local="Samenwerking in kustwaterbeheer en klimaatadaptatie",
        local_language="nl",
        description_vi=(
            "Dự án chung với viện, trường và sở ngành về ngập, xâm nhập mặn, đê biển; có thể "
            "đồng tài trợ từ quỹ hợp tác của Hà Lan."
        ),
        description_en=(
            "Joint projects with institutes, universities and departments on flooding, "
            "salinity and sea dikes; Dutch co-funding possible."
        ),
        description_local="Gezamenlijke projecten over overstromingen, verzilting en zeedijken.",
        sectors=("environment", "marine_science"),
        keywords=("biến đổi khí hậu", "xâm nhập mặn", "quản lý nước", "đê biển"),
        partnerships=(P.joint_rnd, P.technical_assistance),
    ),
    # Vietnam: requests of host enterprises -------------------------------------------------
    ProfileSeed(
        owner=DEMO_DELEGATE_EMAIL,
        kind=TECH_REQUEST,
        title_vi="Cần giải pháp tự động hoá khâu đóng gói thuỷ sản đông lạnh",
        title_en="Automating the packing of frozen seafood",
        description_vi=(
            "Xưởng đóng gói 3 ca, 40 công nhân; cần cân, đóng túi, dò kim loại và xếp thùng "
            "tự động cho tôm, mực cấp đông IQF, công suất 3 tấn/giờ."
        ),
        description_en=(
            "Three-shift packing hall with 40 workers; needs automatic weighing, bagging, "
            "metal detection and case packing for IQF shrimp and squid, 3 t/h."
        ),
        sectors=("automation", "food_processing"),
        keywords=("đóng gói", "tự động hoá", "thuỷ sản đông lạnh", "IQF"),
        trl=8,
        partnerships=(P.technology_transfer, P.supply_contract),
    ),
    ProfileSeed(
        owner=DEMO_DELEGATE_EMAIL,
        kind=TECH_REQUEST,
        title_vi="Giám sát nhiệt độ chuỗi lạnh bằng IoT từ kho đến container",
        title_en="IoT cold-chain temperature monitoring from store to container",
        description_vi=(
            "Theo dõi liên tục nhiệt độ kho lạnh 2.000 tấn và container lạnh xuất khẩu, cảnh "
            "báo khi vượt ngưỡng, lưu hồ sơ cho khách hàng Nhật Bản."
        ),
        description_en=(
            "Continuous temperature tracking of a 2,000 t cold store and reefer containers, "
            "alerts on excursions, records for Japanese buyers."
        ),
        sectors=("iot", "logistics", "food_processing"),
        keywords=("chuỗi lạnh", "cold chain", "IoT", "container lạnh"),
        trl=8,
        partnerships=(P.supply_contract,),
    ),
    ProfileSeed(
        owner="maianh.tt@cathaiseafood.example",
        kind=PRODUCT_REQUEST,
        title_vi="Điện mặt trời mái nhà và lưu trữ điện cho kho lạnh",
        title_en="Rooftop solar and battery storage for a cold store",
        description_vi=(
            "Mái 8.000 m²; cần hệ 1 MWp kèm lưu trữ để giảm tiền điện giờ cao điểm của máy "
            "nén lạnh."
        ),
        description_en=(
            "8,000 m² of roof; looking for a 1 MWp system with storage to cut the compressors' "
            "peak-hour bill."
        ),
        sectors=("renewable_energy", "energy_efficiency"),
        keywords=("điện mặt trời mái nhà", "lưu trữ năng lượng", "kho lạnh"),
        trl=9,
        partnerships=(P.supply_contract, P.investment),
    ),
    ProfileSeed(
        owner="hung.nv@trangkenh-cnc.example",
        kind=PRODUCT_OFFER,
        title_vi="Nhận gia công chi tiết CNC chính xác theo bản vẽ (dung sai ±0,01 mm)",
        title_en="Precision CNC machining to drawing (±0.01 mm)",
        description_vi=(
            "60 máy tiện, phay CNC, máy đo CMM; đang cung ứng cho 4 doanh nghiệp Nhật Bản tại "
            "KCN Nomura và Tràng Duệ."
        ),
        description_en=(
            "60 CNC lathes and mills, CMM inspection; supplying four Japanese plants in "
            "Hai Phong industrial parks."
        ),
        sectors=("mechanics", "supporting_industries"),
        keywords=("gia công CNC", "công nghiệp hỗ trợ", "ISO 9001", "machining"),
        trl=9,
        ip_status=IpStatus.know_how,
        partnerships=(P.supply_contract,),
    ),
    ProfileSeed(
        owner="long.pd@trangkenh-cnc.example",
        kind=TECH_REQUEST,
        title_vi="Chuyển giao công nghệ chế tạo khuôn dập chính xác",
        title_en="Transfer of precision stamping-die technology",
        description_vi=(
            "Cần chuyên gia hướng dẫn thiết kế, nhiệt luyện và bảo dưỡng khuôn dập liên hoàn."
        ),
        description_en="Needs experts to coach progressive-die design, heat treatment and upkeep.",
        sectors=("mechanics", "supporting_industries"),
        keywords=("khuôn dập", "khuôn mẫu", "chuyển giao công nghệ"),
        trl=9,
        partnerships=(P.technology_transfer, P.training),
    ),
    ProfileSeed(
        owner="trang.dt@dosonelectronics.example",
        kind=PRODUCT_OFFER,
        title_vi="Gia công lắp ráp bo mạch điện tử (PCBA) số lượng vừa và nhỏ",
        title_en="Small and medium-volume PCB assembly (PCBA)",
        description_vi=(
            "3 dây chuyền SMT, hàn sóng, kiểm tra ICT; nhận đơn từ 500 bo; ISO 9001, ISO 14001."
        ),
        description_en=(
            "Three SMT lines, wave soldering, ICT; orders from 500 boards; ISO 9001/14001."
        ),
        sectors=("electronics", "supporting_industries"),
        keywords=("PCBA", "SMT", "gia công điện tử", "EMS"),
        trl=9,
        ip_status=IpStatus.not_applicable,
        partnerships=(P.supply_contract,),
    ),
    ProfileSeed(
        owner="quan.lm@dosonelectronics.example",
        kind=TECH_REQUEST,
        title_vi="Hệ thống kiểm tra quang học tự động (AOI) cho dây chuyền SMT",
        title_en="Automated optical inspection (AOI) for the SMT line",
        description_vi=(
            "Tỷ lệ lỗi hàn 800 ppm do kiểm tra bằng mắt; cần AOI hoặc kiểm tra bằng AI và "
            "hỗ trợ tối ưu quy trình."
        ),
        description_en=(
            "Solder defects at 800 ppm with manual inspection; needs AOI or AI inspection and "
            "help to tune the process."
        ),
        sectors=("electronics", "ai", "automation"),
        keywords=("AOI", "kiểm tra chất lượng", "SMT", "trí tuệ nhân tạo"),
        trl=8,
        partnerships=(P.supply_contract, P.technical_assistance),
    ),
    ProfileSeed(
        owner="thang.vv@bachlongaqua.example",
        kind=PRODUCT_REQUEST,
        title_vi="Nhu cầu con giống cá song, cá giò chất lượng cao",
        title_en="High-quality grouper and cobia fry wanted",
        description_vi=(
            "300.000 con giống/năm cho 400 lồng nuôi tại vịnh Lan Hạ; ưu tiên giống sạch "
            "bệnh, có thể hợp tác sản xuất giống tại chỗ."
        ),
        description_en=(
            "300,000 fry a year for 400 cages in Lan Ha Bay; disease-free stock preferred, "
            "local hatchery cooperation welcome."
        ),
        sectors=("aquaculture",),
        keywords=("cá giống", "cá song", "cá giò", "nuôi lồng"),
        trl=9,
        partnerships=(P.supply_contract, P.technology_transfer),
    ),
    ProfileSeed(
        owner="thang.vv@bachlongaqua.example",
        kind=TECH_REQUEST,
        title_vi="Công nghệ nuôi tuần hoàn (RAS) cho trại giống ven biển",
        title_en="RAS technology for a coastal hatchery",
        description_vi="Trại giống 2 ha bị ảnh hưởng nguồn nước; cần hệ tuần hoàn, lọc sinh học.",
        description_en=(
            "A 2 ha hatchery hit by poor intake water; needs recirculation and biofilters."
        ),
        sectors=("aquaculture", "environment"),
        keywords=("RAS", "nuôi tuần hoàn", "trại giống", "xử lý nước"),
        trl=8,
        partnerships=(P.technology_transfer, P.joint_venture),
    ),
    ProfileSeed(
        owner="hoa.pt@htxanlao.example",
        kind=TECH_REQUEST,
        title_vi="Nhà màng và tưới nhỏ giọt tự động cho rau an toàn",
        title_en="Net houses and automatic drip irrigation for safe vegetables",
        description_vi=(
            "Mở rộng 5 ha nhà màng; cần điều khiển tưới, châm phân tự động và đào tạo xã "
            "viên vận hành."
        ),
        description_en=(
            "Expanding net houses by 5 ha; needs automatic irrigation and fertigation and "
            "training for members."
        ),
        sectors=("agriculture", "iot"),
        keywords=("nhà màng", "tưới nhỏ giọt", "rau an toàn", "VietGAP"),
        trl=9,
        partnerships=(P.technology_transfer, P.supply_contract, P.training),
    ),
    ProfileSeed(
        owner="tuan.ha@lachtraysoft.example",
        kind=TECH_OFFER,
        title_vi="Phần mềm ERP tiếng Việt cho doanh nghiệp sản xuất nhỏ",
        title_en="Vietnamese-language ERP for small manufacturers",
        description_vi=(
            "Quản lý kho, sản xuất, kế toán theo chuẩn Việt Nam; kết nối hoá đơn điện tử; "
            "120 khách hàng tại Hải Phòng."
        ),
        description_en=(
            "Inventory, production and Vietnamese-standard accounting; e-invoice ready; 120 "
            "customers in Hai Phong."
        ),
        sectors=("it", "digital_transformation"),
        keywords=("ERP", "chuyển đổi số", "phần mềm quản lý", "hoá đơn điện tử"),
        trl=9,
        ip_status=IpStatus.copyright,
        partnerships=(P.licensing, P.distribution),
    ),
    ProfileSeed(
        owner="linh.nt@lachtraysoft.example",
        kind=PARTNER,
        title_vi="Tìm đối tác nước ngoài cùng phân phối giải pháp MES tại Việt Nam",
        title_en="Foreign partner sought to co-distribute MES in Vietnam",
        description_vi="Kết hợp MES nước ngoài với ERP của Lạch Tray; đội triển khai 25 kỹ sư.",
        description_en="Pair a foreign MES with Lach Tray's ERP; 25 implementation engineers.",
        sectors=("digital_transformation", "it"),
        keywords=("MES", "phân phối", "nhà máy thông minh"),
        partnerships=(P.distribution, P.joint_venture),
    ),
    ProfileSeed(
        owner="bao.tq@songcam-marine.example",
        kind=TECH_REQUEST,
        title_vi="Robot hàn tự động cho kết cấu thân tàu",
        title_en="Automatic welding robots for hull structures",
        description_vi="Cần robot hàn di động cho phân đoạn thân tàu, giảm 30% thời gian hàn.",
        description_en="Needs mobile welding robots for hull blocks, cutting welding time by 30%.",
        sectors=("shipbuilding", "automation"),
        keywords=("robot hàn", "đóng tàu", "tự động hoá"),
        trl=8,
        partnerships=(P.supply_contract, P.technology_transfer),
    ),
    ProfileSeed(
        owner="hai.dm@haian-logistics.example",
        kind=TECH_REQUEST,
        title_vi="Số hoá quản lý bãi container và cảng cạn (ICD)",
        title_en="Digitalising container-yard and dry-port management",
        description_vi=(
            "Thay quản lý bằng bảng tính bằng hệ thống vị trí container, cổng tự động đọc "
            "biển số, kết nối hải quan."
        ),
        description_en=(
            "Replace spreadsheets with container positioning, automatic gates reading number "
            "plates, customs links."
        ),
        sectors=("logistics", "digital_transformation"),
        keywords=("cảng cạn", "ICD", "logistics", "chuyển đổi số"),
        trl=8,
        partnerships=(P.licensing, P.technical_assistance),
    ),
    ProfileSeed(
        owner="dinh.bv@vinhbaoplastics.example",
        kind=TECH_REQUEST,
        title_vi="Công nghệ tái chế nhựa PET thành hạt đạt chuẩn tiếp xúc thực phẩm",
        title_en="Recycling PET into food-contact-grade pellets",
        description_vi="Công suất 5.000 tấn/năm; cần công nghệ rửa nóng, khử nhiễm và tạo hạt.",
        description_en="5,000 t a year; needs hot washing, decontamination and pelletising.",
        sectors=("plastics_rubber", "environment"),
        keywords=("tái chế nhựa", "PET", "kinh tế tuần hoàn"),
        trl=8,
        partnerships=(P.technology_transfer, P.investment),
    ),
    ProfileSeed(
        owner="hang.ctt@thuynguyen-energy.example",
        kind=PARTNER,
        title_vi="Tìm đối tác đầu tư điện mặt trời nổi trên ao nuôi thuỷ sản",
        title_en="Investors sought for floating solar on aquaculture ponds",
        description_vi=(
            "Đã khảo sát 60 ha ao nuôi tại Thuỷ Nguyên, Tiên Lãng; cần đối tác công nghệ và vốn."
        ),
        description_en=(
            "60 ha of ponds surveyed in Thuy Nguyen and Tien Lang; technology and capital needed."
        ),
        sectors=("renewable_energy", "aquaculture"),
        keywords=("điện mặt trời nổi", "đầu tư", "năng lượng tái tạo"),
        partnerships=(P.investment, P.joint_venture),
    ),
    ProfileSeed(
        owner="bich.ntn@kienthuy-agro.example",
        kind=TECH_REQUEST,
        title_vi="Công nghệ sấy thăng hoa cho rau quả xuất khẩu",
        title_en="Freeze-drying for exported fruit and vegetables",
        description_vi="Sản phẩm vải, nhãn, rau gia vị sấy cho thị trường Nhật Bản; 200 kg/mẻ.",
        description_en="Freeze-dried lychee, longan and herbs for Japan; 200 kg per batch.",
        sectors=("food_processing",),
        keywords=("sấy thăng hoa", "freeze drying", "rau quả xuất khẩu"),
        trl=9,
        partnerships=(P.technology_transfer, P.supply_contract),
    ),
    ProfileSeed(
        owner="khai.pv@tienlang-env.example",
        kind=TECH_REQUEST,
        title_vi="Xử lý nước thải khu công nghiệp đạt QCVN cột A",
        title_en="Industrial-park wastewater treatment to QCVN column A",
        description_vi="Nâng cấp trạm 4.000 m³/ngày không mở rộng mặt bằng; giám sát trực tuyến.",
        description_en="Upgrade a 4,000 m³/day plant without more land; online monitoring.",
        sectors=("environment",),
        keywords=("xử lý nước thải", "QCVN", "khu công nghiệp", "màng lọc"),
        trl=9,
        partnerships=(P.technology_transfer, P.supply_contract),
    ),
    ProfileSeed(
        owner="danh.tc@haiduongphat.example",
        kind=PRODUCT_OFFER,
        title_vi="Chi tiết dập, hàn cho ô tô, xe máy",
        title_en="Stamped and welded parts for cars and motorcycles",
        description_vi=(
            "Máy dập 60–400 tấn, 12 robot hàn; đạt IATF 16949; sẵn sàng làm linh kiện xe điện."
        ),
        description_en="60–400 t presses, 12 welding robots; IATF 16949; ready for EV parts.",
        sectors=("automotive", "supporting_industries", "mechanics"),
        keywords=("dập", "hàn robot", "linh kiện ô tô", "IATF 16949"),
        trl=9,
        ip_status=IpStatus.know_how,
        partnerships=(P.supply_contract, P.joint_venture),
    ),
    ProfileSeed(
        owner="son.lv@vandonseafood.example",
        kind=TECH_REQUEST,
        title_vi="Kéo dài thời hạn sử dụng hàu, ngao tươi sống",
        title_en="Extending the shelf life of fresh oysters and clams",
        description_vi=(
            "Cần công nghệ bảo quản giữ hàu tươi 3 tuần để bán cho siêu thị Hà Nội, TP.HCM."
        ),
        description_en=(
            "Needs preservation that keeps oysters fresh for three weeks for city retailers."
        ),
        sectors=("food_processing", "aquaculture"),
        keywords=("hàu", "bảo quản", "thời hạn sử dụng", "HPP"),
        trl=8,
        partnerships=(P.technology_transfer, P.licensing),
    ),
    ProfileSeed(
        owner="tien.nv@htxvuthu.example",
        kind=PRODUCT_REQUEST,
        title_vi="Máy cấy lúa và thiết bị bay phun thuốc cho hợp tác xã",
        title_en="Rice transplanters and spraying drones for a cooperative",
        description_vi=(
            "Cần 4 máy cấy, 2 drone; kèm đào tạo vận hành và bảo hành phụ tùng tại Thái Bình."
        ),
        description_en=(
            "Four transplanters and two drones, with operator training and local spares."
        ),
        sectors=("agri_machinery", "agriculture"),
        keywords=("máy cấy", "drone nông nghiệp", "cơ giới hoá"),
        trl=9,
        partnerships=(P.supply_contract, P.training),
    ),
    ProfileSeed(
        owner="chau.dtm@phohienpharma.example",
        kind=TECH_REQUEST,
        title_vi="Chiết xuất hoạt chất dược liệu bằng CO₂ siêu tới hạn",
        title_en="Supercritical CO₂ extraction of herbal active compounds",
        description_vi=(
            "Thay chiết dung môi bằng CO₂ siêu tới hạn cho tinh dầu, cao dược liệu; quy mô pilot."
        ),
        description_en=(
            "Replace solvent extraction with supercritical CO₂ for oils and extracts; pilot scale."
        ),
        sectors=("pharma", "biotech"),
        keywords=("chiết xuất", "CO2 siêu tới hạn", "dược liệu"),
        trl=7,
        partnerships=(P.technology_transfer, P.joint_rnd),
    ),
    ProfileSeed(
        owner="vinh.tq@thanglongdigital.example",
        kind=TECH_OFFER,
        title_vi="Nền tảng truy xuất nguồn gốc kết nối Cổng truy xuất quốc gia",
        title_en="Traceability platform linked to the national traceability portal",
        description_vi=(
            "Tem QR, nhật ký sản xuất điện tử, đồng bộ Cổng truy xuất nguồn gốc sản phẩm "
            "hàng hoá quốc gia; phù hợp thuỷ sản, nông sản."
        ),
        description_en=(
            "QR labels, digital production logs, synced with the national product "
            "traceability portal; for seafood and farm produce."
        ),
        sectors=("digital_transformation", "it", "food_processing"),
        keywords=("truy xuất nguồn gốc", "QR", "chuyển đổi số", "traceability"),
        trl=9,
        ip_status=IpStatus.copyright,
        partnerships=(P.licensing, P.supply_contract),
    ),
    ProfileSeed(
        owner="thao.ktp@kinhbacchip.example",
        kind=TECH_REQUEST,
        title_vi="Đào tạo và chuyển giao quy trình kiểm thử vi mạch",
        title_en="Training and transfer of chip-testing processes",
        description_vi="Cần thiết bị kiểm thử wafer và đào tạo 20 kỹ sư trong 2027.",
        description_en="Needs wafer test equipment and training for 20 engineers in 2027.",
        sectors=("semiconductors", "education_training"),
        keywords=("kiểm thử vi mạch", "bán dẫn", "đào tạo nhân lực"),
        trl=9,
        partnerships=(P.training, P.technology_transfer, P.supply_contract),
    ),
    ProfileSeed(
        owner="loc.hv@tancuongtea.example",
        kind=TECH_REQUEST,
        title_vi="Dây chuyền chế biến chè xanh tự động, tiết kiệm năng lượng",
        title_en="Automated, energy-saving green-tea processing line",
        description_vi="Thay lò sao than bằng thiết bị điện, tự động vò, sấy; 5 tấn chè búp/ngày.",
        description_en=(
            "Replace coal roasting with electric equipment, automatic rolling and drying; 5 t/day."
        ),
        sectors=("food_processing", "automation", "energy_efficiency"),
        keywords=("chế biến chè", "tiết kiệm năng lượng", "tự động hoá"),
        trl=9,
        partnerships=(P.technology_transfer, P.supply_contract),
    ),
    # Vietnam: research results and offers of institutes and universities ------------------
    ProfileSeed(
        owner="nguyet.ptm@vienhaisan.example",
        kind=RESEARCH,
        title_vi="Quy trình sản xuất giống nhân tạo cá song chấm nâu",
        title_en="Hatchery production of brown-marbled grouper",
        description_vi=(
            "Quy trình đã khảo nghiệm tại trại thực nghiệm Cát Bà; sẵn sàng chuyển giao."
        ),
        description_en="Protocol trialled at the Cat Ba experimental hatchery; ready to transfer.",
        sectors=("aquaculture", "marine_science"),
        keywords=("cá song", "sản xuất giống", "cá giống", "nuôi biển"),
        trl=7,
        ip_status=IpStatus.know_how,
        partnerships=(P.technology_transfer, P.joint_rnd),
    ),
    ProfileSeed(
        owner="thinh.lv@vienhaisan.example",
        kind=PARTNER,
        title_vi="Hợp tác nghiên cứu vắc-xin và chế phẩm sinh học cho cá biển",
        title_en="Joint research on vaccines and probiotics for marine fish",
        description_vi=(
            "Phòng thí nghiệm bệnh học thuỷ sản tìm đối tác khảo nghiệm vắc-xin, chế phẩm."
        ),
        description_en="Fish-pathology lab seeks partners for vaccine and probiotic trials.",
        sectors=("biotech", "aquaculture", "marine_science"),
        keywords=("vắc-xin", "bệnh cá", "khảo nghiệm"),
        partnerships=(P.joint_rnd,),
    ),
    ProfileSeed(
        owner="truong.dx@vimaru.example",
        kind=RESEARCH,
        title_vi="Giám sát tiêu hao nhiên liệu tàu biển theo thời gian thực",
        title_en="Real-time ship fuel-consumption monitoring",
        description_vi=(
            "Cảm biến lưu lượng và phần mềm tối ưu tốc độ; thử trên 3 tàu, tiết kiệm 6% dầu."
        ),
        description_en=(
            "Flow sensors and speed-optimisation software; tried on three ships, 6% fuel saved."
        ),
        sectors=("shipbuilding", "iot", "energy_efficiency"),
        keywords=("tàu biển", "tiết kiệm nhiên liệu", "IoT hàng hải"),
        trl=6,
        ip_status=IpStatus.utility_solution,
        partnerships=(P.licensing, P.joint_rnd),
    ),
    ProfileSeed(
        owner="anh.btn@vimaru.example",
        kind=TECH_OFFER,
        title_vi="Đào tạo kỹ sư tự động hoá, điện tử theo đặt hàng doanh nghiệp",
        title_en="Automation and electronics engineers trained to order",
        description_vi=(
            "Khoá ngắn hạn và chương trình kỹ sư theo đặt hàng; phòng thí nghiệm PLC, robot."
        ),
        description_en="Short courses and tailored degree tracks; PLC and robotics labs.",
        sectors=("education_training", "automation", "electronics"),
        keywords=("đào tạo nhân lực", "tự động hoá", "PLC"),
        trl=9,
        ip_status=IpStatus.not_applicable,
        partnerships=(P.training,),
    ),
    ProfileSeed(
        owner="phuong.htl@dhhp.example",
        kind=RESEARCH,
        title_vi="Chế phẩm sinh học từ vi khuẩn Bacillus xử lý môi trường ao nuôi",
        title_en="Bacillus-based bioproduct for pond water treatment",
        description_vi="Chủng Bacillus bản địa phân lập tại Hải Phòng; thử nghiệm 12 ao tôm.",
        description_en=(
            "Native Bacillus strains isolated in Hai Phong; trialled in 12 shrimp ponds."
        ),
        sectors=("biotech", "aquaculture"),
        keywords=("chế phẩm sinh học", "Bacillus", "ao nuôi tôm"),
        trl=5,
        ip_status=IpStatus.patent_pending,
        partnerships=(P.joint_rnd, P.licensing),
    ),
    ProfileSeed(
        owner="dat.nt@cokhibachkhoa.example",
        kind=TECH_OFFER,
        title_vi="Máy móc, dây chuyền chế biến thuỷ sản chế tạo trong nước",
        title_en="Domestically built seafood-processing machines and lines",
        description_vi="Máy lột vỏ tôm, phân cỡ, băng chuyền cấp đông; giá bằng 60% máy nhập.",
        description_en="Shrimp peelers, graders and freezing conveyors at 60% of imported prices.",
        sectors=("mechanics", "food_processing", "equipment_tools"),
        keywords=("chế biến thuỷ sản", "máy lột tôm", "cơ khí chế tạo"),
        trl=8,
        ip_status=IpStatus.utility_solution,
        partnerships=(P.technology_transfer, P.supply_contract),
    ),
)
