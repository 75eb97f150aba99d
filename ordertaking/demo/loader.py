"""Demo data: 华东精工机电有限公司, a maker of motors, reducers and controllers in Suzhou.

`demo_load()` fills an empty database with a company someone can click through: the catalog
and price policy, every province with its transit days, the payment methods, one user per
role of P3, customers with valid unified social credit codes, inquiries by every channel and
orders in every state of the order state table.

Everything transactional goes through the real services (customers, inquiries, orders,
review), so every timeline is the one the product would have written. Loading twice changes
nothing: master data is keyed by its code, users by username, customers by credit code,
orders by the customer's purchase-order number (customer_reference), inquiries by their text.
Each scenario runs in its own transaction, so a failure leaves no half-made order behind.
"""

# Data tables with Chinese text: ruff counts each CJK character as two columns.
# ruff: noqa: E501

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from ordertaking.accounts.models import User
from ordertaking.accounts.roles import Role
from ordertaking.accounts.services import user_create
from ordertaking.catalog.models import Category, PaymentMethod, Product, Region
from ordertaking.customers.models import Customer
from ordertaking.customers.rules import credit_code_check_char
from ordertaking.customers.services import customer_create

from . import (
    acceptance,
    amendments,
    credit,
    execution,
    finance,
    history,
    inquiries,
    logistics,
    orders,
    production,
    tracking,
    vat,
    vouchers,
)
from . import archive as demo_archive
from . import assessment as demo_assessment
from . import confidentiality as demo_confidentiality
from . import feedback as demo_feedback
from . import imports as demo_imports
from . import legal as demo_legal
from . import notifications as demo_notifications
from . import portal as demo_portal
from . import supervision as demo_supervision
from . import whistleblowing as demo_whistleblowing

# One password for every demo login, printed at the end of `load-demo`. Demo only.
DEMO_PASSWORD = "Demo-2026-ordertaking"

# Demo users are marked by this address domain (example.cn is reserved: no real mailbox).
DEMO_EMAIL_DOMAIN = "@hdjg-motor.example.cn"

D = Decimal


# --- master data -------------------------------------------------------------------------------

CATEGORIES = [
    ("MOT", "电机"),
    ("RED", "减速机"),
    ("CTL", "控制器与变频器"),
    ("ACC", "配件"),
    ("SVC", "安装与维保服务"),
]

# code, name, specification, unit, category, list, floor, kind, needs_production, lead days, active
PRODUCTS: list[tuple[str, str, str, str, str, str, str, str, bool, int, bool]] = [
    ("MOT-Y2-90L4", "三相异步电机", "Y2-90L-4 1.5kW 380V", "台", "MOT", "1280.00", "1100.00", "product", False, 0, True),
    ("MOT-Y2-132M4", "三相异步电机", "Y2-132M-4 7.5kW 380V", "台", "MOT", "3200.00", "2800.00", "product", True, 10,
     True),
    ("MOT-Y2-160L4", "三相异步电机", "Y2-160L-4 15kW 380V", "台", "MOT", "5600.00", "4900.00", "product", True, 15,
     True),
    ("MOT-YE3-200L4", "高效三相异步电机", "YE3-200L-4 30kW IE3", "台", "MOT", "11800.00", "10500.00", "product", True,
     20, True),
    ("MOT-YB3-132M4", "隔爆型三相异步电机", "YB3-132M-4 7.5kW Ex d IIB T4", "台", "MOT", "6900.00", "6200.00",
     "product", True, 25, True),
    ("MOT-SM80-750", "交流伺服电机", "SM80-750W 2500线编码器", "台", "MOT", "2300.00", "2000.00", "product", False, 0,
     True),
    ("MOT-SM130-2K", "交流伺服电机", "SM130-2kW 17位编码器", "台", "MOT", "4800.00", "4200.00", "product", False, 0,
     True),
    ("MOT-86BYG", "两相步进电机", "86BYG 4.5N·m", "台", "MOT", "420.00", "360.00", "product", False, 0, True),
    ("MOT-Y-112M4", "Y系列三相异步电机（停产）", "Y-112M-4 4kW", "台", "MOT", "1900.00", "1700.00", "product", False, 0,
     False),
    ("RED-R87", "斜齿轮硬齿面减速机", "R87 i=20", "台", "RED", "5600.00", "5000.00", "product", False, 0, True),
    ("RED-K77", "螺旋锥齿轮减速机", "K77 i=30", "台", "RED", "6800.00", "6100.00", "product", False, 0, True),
    ("RED-WPA100", "蜗轮蜗杆减速机", "WPA100 i=40", "台", "RED", "1350.00", "1150.00", "product", False, 0, True),
    ("RED-PL90", "行星减速机", "PL90 i=10", "台", "RED", "2100.00", "1850.00", "product", False, 0, True),
    ("RED-ZQ350", "圆柱齿轮减速机", "ZQ350 i=31.5", "台", "RED", "9800.00", "8800.00", "product", True, 15, True),
    ("CTL-VFD-7R5", "通用变频器", "VF-G7 7.5kW 380V", "台", "CTL", "3600.00", "3150.00", "product", False, 0, True),
    ("CTL-VFD-15", "通用变频器", "VF-G7 15kW 380V", "台", "CTL", "5900.00", "5200.00", "product", False, 0, True),
    ("CTL-SD-750", "伺服驱动器", "SD-750W 配SM80", "台", "CTL", "2600.00", "2250.00", "product", False, 0, True),
    ("CTL-SS-30", "电机软启动器", "SS-30kW 380V", "台", "CTL", "2900.00", "2500.00", "product", False, 0, True),
    ("CTL-PLC-32", "PLC控制柜", "32点 按图定制", "套", "CTL", "18600.00", "16500.00", "product", True, 20, True),
    ("ACC-ENC-2500", "增量式编码器", "2500线 Φ8轴", "个", "ACC", "480.00", "400.00", "product", False, 0, True),
    ("ACC-CPL-L100", "梅花弹性联轴器", "L100 孔径28/38", "个", "ACC", "260.00", "210.00", "product", False, 0, True),
    ("ACC-BASE-132", "电机底座", "适配132机座", "个", "ACC", "680.00", "560.00", "product", False, 0, True),
    ("SVC-INST", "现场安装调试", "每台设备", "次", "SVC", "800.00", "600.00", "service", False, 0, True),
    ("SVC-MAINT", "年度维保合同", "每台·年，含两次巡检", "年", "SVC", "3600.00", "3000.00", "service", False, 0, True),
    ("SVC-REPAIR", "电机返厂维修", "按台计，不含更换部件", "次", "SVC", "1500.00", "1200.00", "service", False, 0,
     True),
    ("SVC-TRAIN", "操作与维护培训", "每天，最多10人", "天", "SVC", "2000.00", "1600.00", "service", False, 0, True),
    ("SVC-ENERGY", "电机系统节能诊断", "现场测试与报告", "次", "SVC", "5000.00", "4200.00", "service", False, 0, True),
]

# Every province-level division, ISO 3166-2:CN codes; transit days by road from Suzhou.
# Not served: 西藏 (no carrier contract) and 台湾 (outside the company's sales area).
REGIONS: list[tuple[str, str, int, bool]] = [
    ("SH", "上海市", 1, True), ("JS", "江苏省", 1, True), ("ZJ", "浙江省", 1, True), ("AH", "安徽省", 2, True),
    ("JX", "江西省", 3, True), ("FJ", "福建省", 3, True), ("SD", "山东省", 2, True), ("BJ", "北京市", 3, True),
    ("TJ", "天津市", 3, True), ("HE", "河北省", 3, True), ("HA", "河南省", 3, True), ("HB", "湖北省", 3, True),
    ("HN", "湖南省", 3, True), ("GD", "广东省", 3, True), ("GX", "广西壮族自治区", 4, True), ("HI", "海南省", 5, True),
    ("SX", "山西省", 4, True), ("SN", "陕西省", 4, True), ("CQ", "重庆市", 4, True), ("SC", "四川省", 4, True),
    ("GZ", "贵州省", 4, True), ("YN", "云南省", 5, True), ("LN", "辽宁省", 4, True), ("JL", "吉林省", 5, True),
    ("HL", "黑龙江省", 5, True), ("NM", "内蒙古自治区", 5, True), ("GS", "甘肃省", 5, True), ("NX", "宁夏回族自治区", 5, True),
    ("QH", "青海省", 6, True), ("XJ", "新疆维吾尔自治区", 7, True), ("XZ", "西藏自治区", 10, False),
    ("HK", "香港特别行政区", 4, True), ("MO", "澳门特别行政区", 4, True), ("TW", "台湾省", 7, False),
]

# code, name, kind, term days, open to all customers (P2.3.a payment method allowed)
PAYMENT_METHODS = [
    ("PREPAY", "预付款", "prepayment", 0, True),
    ("COD", "货到付款", "cod", 0, True),
    ("NET30", "月结30天", "credit", 30, False),
    ("NET60", "月结60天", "credit", 60, False),
]

# username, display name, roles, sales region, superuser
USERS: list[tuple[str, str, tuple[Role, ...], str, bool]] = [
    ("sales1", "王建国", (Role.SALES,), "华东", False),
    ("sales2", "李晓梅", (Role.SALES,), "华南", False),
    ("cs1", "赵静", (Role.CUSTOMER_SERVICE,), "", False),
    ("center1", "钱立新", (Role.ORDER_CENTER,), "", False),
    ("center2", "孙丽", (Role.ORDER_CENTER,), "", False),
    ("prod1", "冯海涛", (Role.PRODUCTION,), "", False),
    ("logi1", "陈志强", (Role.LOGISTICS,), "", False),
    ("finance1", "吴芳", (Role.FINANCE,), "", False),
    ("leader1", "周明远", (Role.LEADERSHIP,), "", False),
    ("auditor1", "郑宏", (Role.AUDITOR,), "", False),
    ("legal1", "林正言", (Role.LEGAL,), "", False),
    ("investigator1", "何清", (Role.INVESTIGATOR,), "", False),
    ("admin", "系统管理员", (Role.ADMIN,), "", True),
]


@dataclass(frozen=True)
class DemoCustomer:
    key: str
    name: str
    credit_prefix: str  # 17 characters; the 18th, the check character, is computed (GB 32100-2015)
    industry: str
    size: str
    region: str
    city: str
    address: str
    contact: str
    title: str
    phone: str
    email: str
    rep: str  # username of the sales rep
    credit_terms: tuple[str, ...] = ()  # payment methods granted beyond the open ones
    status: str = Customer.Status.ACTIVE

    @property
    def credit_code(self) -> str:
        return self.credit_prefix + credit_code_check_char(self.credit_prefix)


# The 17-character prefix: 91 (enterprise, market regulator) + the division code of the
# registration place + a 9-character organisation code.
CUSTOMERS: list[DemoCustomer] = [
    DemoCustomer("pujiang", "上海浦江机械有限公司", "91310115MA1K3YJ2X", "机械制造", "medium", "SH", "上海市",
                 "浦东新区张江路1388号", "刘伟", "采购经理", "13812345678", "liuwei@pujiang-machinery.cn", "sales1",
                 ("NET30",)),
    DemoCustomer("gusu", "苏州姑苏精密模具有限公司", "91320505MA1MX8PQ4", "模具", "small", "JS", "苏州市",
                 "高新区科灵路78号", "陈晓东", "设备主管", "13962158843", "chenxd@gusu-mould.cn", "sales1"),
    DemoCustomer("qiantang", "杭州钱塘纺织集团有限公司", "91330104143076512", "纺织", "large", "ZJ", "杭州市",
                 "钱塘区下沙街道6号大街452号", "王丽华", "动力部部长", "0571-86912345", "wanglh@qiantang-tex.com",
                 "sales1", ("NET30", "NET60")),
    DemoCustomer("ningbo_port", "宁波北仑港口机械有限公司", "91330206MA2GQK7L1", "港口机械", "large", "ZJ", "宁波市",
                 "北仑区明州路188号", "徐建平", "采购部经理", "13858012376", "xujp@bl-portmach.cn", "sales1",
                 ("NET30",)),
    DemoCustomer("hefei_auto", "合肥新桥汽车零部件有限公司", "91340100MA2TB3NK6", "汽车零部件", "medium", "AH", "合肥市",
                 "经济技术开发区紫云路266号", "张磊", "设备科科长", "13705518821", "zhanglei@xq-autoparts.cn", "sales1"),
    DemoCustomer("jinan_steel", "济南鲁中钢结构工程有限公司", "91370112MA3C8W2R3", "钢结构", "medium", "SD", "济南市",
                 "历城区工业北路1588号", "孙志刚", "项目经理", "13969110452", "sunzg@lz-steel.cn", "sales1"),
    DemoCustomer("qingdao_food", "青岛海润食品机械有限公司", "91370212MA3MJ6YT8", "食品机械", "small", "SD", "青岛市",
                 "崂山区株洲路151号", "刘芳", "采购专员", "0532-88765432", "liufang@hr-foodmach.cn", "sales1"),
    DemoCustomer("nanjing_env", "南京绿源环保设备有限公司", "91320115MA1W4HNB2", "环保设备", "small", "JS", "南京市",
                 "江宁区天元中路126号", "周晓燕", "技术部经理", "13813975524", "zhouxy@ly-env.cn", "sales1",
                 status=Customer.Status.PROSPECT),
    DemoCustomer("shenzhen_auto", "深圳华南智能装备有限公司", "91440300MA5DC2XE1", "自动化设备", "medium", "GD", "深圳市",
                 "南山区西丽街道留仙大道3370号", "黄俊", "供应链总监", "13902987761", "huangjun@hn-smart.cn", "sales2",
                 ("NET30",)),
    DemoCustomer("foshan_ceramic", "佛山南庄陶瓷机械有限公司", "91440604MA4UK7DP3", "陶瓷机械", "medium", "GD", "佛山市",
                 "禅城区南庄镇吉利工业园8号", "梁国强", "设备部经理", "0757-85332198", "lianggq@nz-ceramic.cn",
                 "sales2"),
    DemoCustomer("guangzhou_pack", "广州天河包装机械有限公司", "91440106MA59BNQR0", "包装机械", "small", "GD", "广州市",
                 "天河区高唐路238号", "何敏", "采购经理", "13711452208", "hemin@th-pack.cn", "sales2"),
    DemoCustomer("xiamen_port", "厦门海沧港务设备有限公司", "91350205MA31P8KX5", "港口物流", "large", "FJ", "厦门市",
                 "海沧区港南路439号", "林文斌", "工程部经理", "13806018834", "linwb@hc-port.cn", "sales2",
                 ("NET30", "NET60")),
    DemoCustomer("changsha_mining", "长沙湘江矿山机械有限公司", "91430100MA4L2QYD7", "矿山机械", "large", "HN", "长沙市",
                 "岳麓区麓谷大道627号", "谭志勇", "副总经理", "13974815526", "tanzy@xj-mining.cn", "sales2"),
    DemoCustomer("chengdu_pharma", "成都天府制药设备有限公司", "91510100MA61R4UC9", "制药设备", "medium", "SC", "成都市",
                 "高新区天府大道北段1700号", "杨帆", "设备主管", "028-85126637", "yangfan@tf-pharma.cn", "sales2"),
    DemoCustomer("wuhan_cable", "武汉江城电缆有限公司", "91420100MA4KQ5HT2", "电线电缆", "large", "HB", "武汉市",
                 "东西湖区金银湖路18号", "胡建华", "采购部部长", "13871236640", "hujh@jc-cable.cn", "sales2",
                 ("NET30",)),
    DemoCustomer("lhasa_hydro", "拉萨高原水电工程有限公司", "91540100MA6T2L8B4", "水电工程", "small", "XZ", "拉萨市",
                 "城关区金珠西路158号", "次仁多吉", "项目经理", "13908901234", "cirendj@gy-hydro.cn", "sales2",
                 status=Customer.Status.PROSPECT),
]


# --- the run -------------------------------------------------------------------------------------

@dataclass
class DemoContext:
    """What each step made, looked up by key, and what it did (for the summary)."""

    users: dict[str, User] = field(default_factory=dict)
    customers: dict[str, Customer] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    payments: dict[str, PaymentMethod] = field(default_factory=dict)
    created: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int | bool = 1) -> None:
        if n:
            self.created[what] = self.created.get(what, 0) + int(n)


def load_master_data(ctx: DemoContext) -> None:
    """Catalog, price policy, regions, payment methods (P2.3.b): the administrator's master data."""
    with transaction.atomic():
        cats = {}
        for code, name in CATEGORIES:
            cats[code], made = Category.objects.get_or_create(code=code, defaults={"name": name})
            ctx.count("categories", made)
        for (code, name, spec, unit, cat, list_price, floor, kind, production, lead, active) in PRODUCTS:
            ctx.products[code], made = Product.objects.get_or_create(code=code, defaults={
                "name": name, "specification": spec, "unit": unit, "category": cats[cat],
                "list_price": D(list_price), "floor_price": D(floor), "kind": kind,
                "needs_production": production, "production_lead_days": lead, "active": active})
            ctx.count("products and services", made)
        for code, name, days, served in REGIONS:
            ctx.regions[code], made = Region.objects.get_or_create(
                code=code, defaults={"name": name, "transit_days": days, "served": served})
            ctx.count("regions", made)
        for code, name, kind, term, open_to_all in PAYMENT_METHODS:
            ctx.payments[code], made = PaymentMethod.objects.get_or_create(
                code=code, defaults={"name": name, "kind": kind, "term_days": term, "open_to_all": open_to_all})
            ctx.count("payment methods", made)


def load_users(ctx: DemoContext) -> None:
    for username, name, roles, region, superuser in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(username=username, password=DEMO_PASSWORD, roles=[str(r) for r in roles],
                               display_name=name, region=region, is_superuser=superuser,
                               email=f"{username}{DEMO_EMAIL_DOMAIN}")
            ctx.count("users")
        ctx.users[username] = user


def load_customers(ctx: DemoContext) -> None:
    """The customer archive (P2.1.c, P4.1), through customers.services so each has its timeline."""
    for c in CUSTOMERS:
        customer = Customer.objects.filter(credit_code=c.credit_code).first()
        if customer is None:
            rep = ctx.users[c.rep]
            with transaction.atomic():
                customer = customer_create(
                    actor=rep, name=c.name, credit_code=c.credit_code, industry=c.industry, size=c.size,
                    region=ctx.regions[c.region], city=c.city, status=c.status, sales_rep=rep,
                    contacts=[{"name": c.contact, "title": c.title, "phone": c.phone, "email": c.email,
                               "is_primary": True}],
                    addresses=[{"label": "工厂", "region": ctx.regions[c.region], "city": c.city,
                                "detail": c.address, "is_default": True}])
                # Credit terms granted to the customer (P2.3.b financial rules): master data the
                # administrator maintains; there is no service for it.
                customer.allowed_payment_methods.set([ctx.payments[p] for p in c.credit_terms])
            ctx.count("customers")
        ctx.customers[c.key] = customer


def load_credit(ctx: DemoContext) -> None:
    """Credit evaluations, ratings and limits (P5.1): the place for the credit/finance part of the
    demo (credit.py). It runs after the customers and before any inquiry or order, because
    P5.1.b wants the credit check before a customer's first order. Keep it idempotent."""
    credit.load(ctx, CUSTOMERS)


# --- transactional data, through the real services -----------------------------------------------

def load_inquiries(ctx: DemoContext) -> None:
    inquiries.load(ctx)


def load_orders(ctx: DemoContext) -> None:
    orders.load(ctx)


def load_receivables(ctx: DemoContext) -> None:
    finance.load(ctx)


def load_assignment_rules(ctx: DemoContext) -> None:
    """Before the orders: an approved order's tasks follow the rules in force (P2.4.a)."""
    execution.load_rules(ctx)


def load_task_work(ctx: DemoContext) -> None:
    execution.load_work(ctx)


def load_notifications(ctx: DemoContext) -> None:
    demo_notifications.load(ctx)


def load_amendments(ctx: DemoContext) -> None:
    amendments.load(ctx)


def load_tracking(ctx: DemoContext) -> None:
    """After the work: the at-risk check reads what the chapters before it did (P2.4.d, P5.2.a)."""
    tracking.load(ctx)


def load_logistics(ctx: DemoContext) -> None:
    logistics.load(ctx)


def load_production(ctx: DemoContext) -> None:
    production.load(ctx)


def load_feedback(ctx: DemoContext) -> None:
    """Last: complaints about orders the chapters before made, surveys of the accepted ones (P6.1.c, P3.2)."""
    demo_feedback.load(ctx)


def load_confidentiality(ctx: DemoContext) -> None:
    demo_confidentiality.load(ctx)


STEPS: list[Callable[[DemoContext], None]] = [
    load_master_data, load_users, vat.load_rates, load_customers, load_credit, load_inquiries,
    load_assignment_rules, load_orders, load_receivables, vat.load_fapiao, load_task_work, load_production,
    load_logistics, load_amendments, load_tracking, history.load,
    demo_portal.load,
    demo_archive.load,
    demo_imports.load,
    vouchers.load, acceptance.load, load_feedback, load_confidentiality, demo_supervision.load,
    demo_assessment.load, demo_whistleblowing.load, demo_legal.load,
    load_notifications,  # last: the inboxes of every step before look read but for the newest few
]


def demo_refusal(*, production: bool) -> str | None:
    """Why the demo must not be loaded here, or None.

    The demo's users share one published password, so it must never reach a real database.
    Refused in production mode, and on a database holding any user the demo does not make
    (a demo username with the demo address domain). Every record has an acting user, so a
    database whose users are all demo users holds nothing but the demo: an empty database
    and one already holding the demo are fine (loading is idempotent)."""
    if production:
        return ("refused: ORDERTAKING_PRODUCTION is set. The demo logins share a published password "
                "and must never reach a production database.")
    demo = [username for username, *_rest in USERS]
    real = (User.objects.exclude(username__in=demo, email__endswith=DEMO_EMAIL_DOMAIN)
            .order_by("username").values_list("username", flat=True))
    names = list(real[:6])
    if names:
        shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        return (f"refused: this database holds users the demo did not create ({shown}). "
                "load-demo only runs on an empty database or one holding the demo alone.")
    return None


def demo_logins_open() -> list[str]:
    """Demo usernames that still sign in with the published demo password."""
    users = User.objects.filter(username__in=[u[0] for u in USERS], is_active=True).order_by("username")
    return [u.username for u in users if u.check_password(DEMO_PASSWORD)]


def demo_load() -> DemoContext:
    ctx = DemoContext()
    for step in STEPS:
        step(ctx)
    return ctx
