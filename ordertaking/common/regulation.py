"""The order-taking regulation (接单制度规范), clause by clause, in this project's own words.

One source for the regulation page (`/regulation/`, each clause at `#P2.3.c`) and for
`docs/regulation.md` (written from this module by `scripts/regulation_md.py`; a test keeps the
two equal). The clause IDs are those of the policy and of every finding, event and test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Clause:
    id: str
    title_en: str
    title_zh: str
    text_en: str
    text_zh: str
    level: int = 3  # 1 chapter, 2 section, 3 clause

    def title(self, lang: str) -> str:
        return self.title_zh if lang.startswith("zh") else self.title_en

    def text(self, lang: str) -> str:
        return self.text_zh if lang.startswith("zh") else self.text_en


def _c(id: str, en: str, zh: str, text_en: str = "", text_zh: str = "", level: int = 3) -> Clause:
    return Clause(id, en, zh, text_en, text_zh, level)


CLAUSES: list[Clause] = [
    _c("P1", "General", "总则", level=1),
    _c("P1.1", "Purpose", "目的",
       "Orders are received, processed and tracked efficiently, accurately and in a standard way, so that "
       "customers are satisfied, the company's interests are protected and sales grow steadily.",
       "规范订单接收、处理和跟踪，做到高效、准确、规范，提高客户满意度，维护公司利益，促进销售稳定增长。"),
    _c("P1.2", "Scope", "适用范围",
       "Every department, post and person taking part in order-taking: sales, customer service, the order "
       "processing center and the others.",
       "适用于参与接单工作的所有部门、岗位和人员，包括销售团队、客服部门、订单处理中心等。"),
    _c("P1.3", "Principles", "基本原则",
       "Legal compliance; customer first; a standard process with clear steps, duties and standards; accurate "
       "information, collected, passed on and recorded without error; risks identified, assessed and controlled.",
       "合法合规；客户至上；流程规范，环节、职责和标准清晰；信息准确，收集、传递、记录无误；"
       "风险防控，识别、评估并控制风险。"),

    _c("P2", "The order-taking process", "接单流程", level=1),
    _c("P2.1", "Customer inquiry and communication", "客户咨询与沟通", level=2),
    _c("P2.1.a", "Channels", "咨询渠道",
       "Customers ask by phone, e-mail, online customer service or during an on-site visit; every channel is "
       "recorded the same way.",
       "客户可通过电话、邮件、在线客服或上门拜访咨询；各渠道的咨询统一登记。"),
    _c("P2.1.b", "Reception", "接待要求",
       "Inquiries are answered promptly and accurately. Special needs and complex questions are recorded in "
       "detail and handed over to the responsible sales rep, who follows them up.",
       "及时、准确答复咨询。特殊需求或复杂问题须详细记录，并转交相关业务人员跟进。"),
    _c("P2.1.c", "Information collection", "信息收集",
       "The customer's company name, contact person, contact details and address are collected, with the "
       "needs (product specification, quantity, service requirements, delivery time) and a first analysis "
       "of them.",
       "收集客户基本信息（公司名称、联系人姓名、联系方式、地址）和需求（产品规格、数量、服务要求、交货时间），"
       "并作初步需求分析。"),
    _c("P2.2", "Order acceptance", "订单受理", level=2),
    _c("P2.2.a", "Acceptance condition", "受理条件",
       "An order is accepted only when the customer clearly intends to buy and the order is complete: each "
       "product or service described, quantity, price, delivery time, delivery place and payment method.",
       "客户购买意向明确、订单信息完整时方可受理：每项产品或服务的详细描述、数量、价格、交货时间、"
       "交货地点和付款方式。"),
    _c("P2.2.b", "Order entry", "订单录入",
       "The order is entered into the system accurately and every item is checked; what is wrong or missing is "
       "confirmed with the customer and completed.",
       "订单须准确录入系统，逐项核对完整性和准确性；错误或缺漏的信息须与客户确认后补全。"),
    _c("P2.2.c", "Order number", "订单编号",
       "On entry the system gives the order a unique number, which identifies it in every later step, "
       "search and report.",
       "录入时系统自动生成唯一的订单编号，在后续全流程中用于跟踪和查询。"),
    _c("P2.3", "Order review", "订单审核", level=2),
    _c("P2.3.a", "What is reviewed", "审核内容",
       "A dedicated reviewer checks that the customer information is genuine and complete, that specifications "
       "and prices follow the company's rules, that delivery time and place are reasonable, and that the payment "
       "method is clear and allowed.",
       "由专门的审核人员审核：客户信息的真实性与完整性；规格与价格是否符合公司规定；交货时间与地点是否合理；"
       "付款方式是否明确且符合公司要求。"),
    _c("P2.3.b", "Review standards", "审核标准",
       "The measures are the product catalog, the price policy (list and floor prices), the delivery process "
       "and the financial rules. For an order that does not comply, the reviewer tells the sales rep, who asks "
       "the customer to amend or complete it.",
       "以产品目录、价格政策（目录价与底价）、交货流程和财务制度为标准。不符合要求的订单，审核人员通知销售人员，"
       "由其与客户沟通修改或补充。"),
    _c("P2.3.c", "Review result", "审核结果处理",
       "Approved orders go on to execution. An order that is not approved is returned to the sales rep with a "
       "written review opinion, to be settled with the customer. An order that does not comply may be executed "
       "only with a special approval granted by the responsible leader.",
       "审核通过的订单进入执行。未通过的订单由审核人员填写详细的审核意见并退回销售人员，由其与客户协商处理。"
       "不符合要求的订单须经相关领导审批同意（特批）后方可执行。"),
    _c("P2.4", "Execution and tracking", "订单执行与跟踪", level=2),
    _c("P2.4.a", "Task assignment", "任务分配",
       "An approved order's tasks are assigned by product or service type and region, each with a responsible "
       "party, requirements and deadlines.",
       "审核通过的订单按产品或服务类型及所属区域分配任务，明确责任主体、执行要求和时间节点。"),
    _c("P2.4.b", "Production", "生产安排",
       "Orders that need production get a production plan and resources; production meets the quality "
       "standards and finishes on time.",
       "需生产的订单制定生产计划、安排资源，按质量标准按时完成。"),
    _c("P2.4.c", "Logistics", "物流配送",
       "A shipping method suited to delivery time and place; the transport status is tracked; a delay or "
       "damage is handled and reported to the customer and the departments concerned.",
       "根据交货时间和地点选择运输方式并跟踪运输状态；出现运输延误或货物损坏时及时处理，并告知客户和相关部门。"),
    _c("P2.4.d", "Order tracking", "订单跟踪",
       "The sales rep follows the whole execution, checks progress with production and logistics, spots "
       "problems early, coordinates and keeps the customer informed.",
       "销售人员全程跟踪订单执行，定期与生产、物流核对进度，及早发现问题和风险，协调解决并告知客户。"),
    _c("P2.5", "Delivery and acceptance", "订单交付与验收", level=2),
    _c("P2.5.a", "Delivery preparation", "交付准备",
       "Production checks packaging and quality; logistics readies vehicle and packing materials; sales agrees "
       "delivery time and place with the customer.",
       "生产部门确认包装完好、质量合格；物流部门备好车辆和包装材料；销售人员与客户确认交付时间和地点。"),
    _c("P2.5.b", "Delivery", "交付实施",
       "Delivery at the agreed time and in the agreed way; the customer receives the product manual, quality "
       "inspection report and service record, and signs the delivery voucher.",
       "按约定的时间和方式交付，向客户提供产品说明书、质量检验报告和服务记录，并由客户签署交付凭证。"),
    _c("P2.5.c", "Acceptance", "验收标准",
       "The customer inspects quantity, specification, quality and performance against the contract; problems "
       "go to the sales rep.",
       "客户按合同约定检验数量、规格、质量、性能；发现问题反馈销售人员。"),
    _c("P2.5.d", "Acceptance issues", "验收处理",
       "General issues are solved within the set time; major quality or complex issues get a cross-department "
       "analysis and a solution, with progress reported to the customer; losses caused by quality are "
       "compensated as the contract says.",
       "一般性问题在规定时间内解决；重大质量问题或复杂问题由相关部门共同分析、制定解决方案，并向客户通报进展和结果；"
       "因质量造成的损失按合同承担赔偿责任。"),

    _c("P3", "Responsibilities", "职责分工", level=1),
    _c("P3.1", "Sales", "销售部门",
       "Win and keep customers, take orders and check them first, assign approved orders, track execution, "
       "deliver and have them accepted with the customer, handle feedback.",
       "开发和维护客户，接收订单并初审完整性，分配已审核订单，跟踪执行，与客户完成交付验收，处理客户反馈。"),
    _c("P3.2", "Customer service", "客服部门",
       "Answer phone, e-mail and online inquiries, record them and pass the important ones to sales; help "
       "handle complaints and disputes.",
       "答复电话、邮件和在线咨询，登记咨询并将重要事项转交销售；协助处理投诉和纠纷。"),
    _c("P3.3", "Order processing center", "订单处理中心",
       "Order entry, numbering and system management; reviewing orders and recording the results; gathering "
       "progress from the departments and reporting it.",
       "负责订单录入、编号和系统管理；审核订单并记录审核结果；汇总各部门进度并通报。"),
    _c("P3.4", "Production", "生产部门",
       "Production plans, resources, quality control and progress reports to sales.",
       "制定生产计划、调配资源、控制质量，并向销售通报生产进度。"),
    _c("P3.5", "Logistics", "物流部门",
       "Shipping method, transport and its tracking, handling delays and damage, reporting.",
       "选择运输方式，组织运输和跟踪，处理延误和损坏并通报。"),
    _c("P3.6", "Finance", "财务部门",
       "Review payment methods, prices and financial terms; collect and record payments as contracted; watch "
       "financial risk and warn early. Leadership grants special approvals (P2.3.c); auditors supervise (P6.1).",
       "审核付款方式、价格和财务条款；按合同收款并入账；监控财务风险并提前预警。"
       "领导负责特批（P2.3.c），审计负责监督（P6.1）。"),

    _c("P4", "Information management", "信息管理", level=1),
    _c("P4.1", "Customer information", "客户信息管理", level=2),
    _c("P4.1.a", "Customer archive", "客户信息档案",
       "Each customer's basic information, purchase history, preferences and contacts are kept and updated "
       "regularly.",
       "建立客户信息档案：基本信息、购买历史、需求偏好和联系人，并定期更新。"),
    _c("P4.1.b", "Classification", "分类管理",
       "Customers are classified by size, industry and purchase frequency, for targeted marketing and service.",
       "按规模、行业和购买频率对客户分类管理，以便有针对性地营销和服务。"),
    _c("P4.1.c", "Confidentiality", "保密",
       "Customer information is never given to a third party without the customer's consent; staff see it only "
       "for their work, and beyond that only after an approved application.",
       "未经客户同意不得向第三方泄露客户信息；内部人员仅因工作需要查阅，其他查阅须经审批。"),
    _c("P4.2", "Order information", "订单信息管理", level=2),
    _c("P4.2.a", "Order information", "订单信息",
       "Number, customer, products, amount, delivery time and place, payment method and progress are recorded "
       "in the system, updated and shared in real time.",
       "订单编号、客户、产品、金额、交货时间和地点、付款方式及进度均记录在系统中，实时更新和共享。"),
    _c("P4.2.b", "Backups", "备份",
       "Regular backups against failure and loss, kept for the retention period.",
       "定期备份，防止故障和数据丢失，并按保存期限保存。"),
    _c("P4.2.c", "Query and statistics", "查询和统计分析",
       "Anyone entitled can look up an order's state at any time; periodic statistics show sales patterns and "
       "what to improve.",
       "有权限的人员可随时查询订单状态；定期统计分析，发现销售规律和待改进的问题。"),

    _c("P5", "Risk control", "风险防控", level=1),
    _c("P5.1", "Credit risk", "信用风险", level=2),
    _c("P5.1.a", "Credit evaluation", "信用评估体系",
       "Qualification, financial status, business reputation and payment record give each customer a credit "
       "rating and a credit limit.",
       "根据客户资质、财务状况、商业信誉和付款记录评定信用等级和信用额度。"),
    _c("P5.1.b", "New customers", "新客户信用审查",
       "A new customer's credit is checked before the first order is taken; a customer with poor credit only "
       "with a guarantee or other safeguard.",
       "新客户在首次接单前须进行信用审查；信用较差的客户须提供担保或其他保障措施。"),
    _c("P5.1.c", "Monitoring", "跟踪",
       "When a customer's credit risk rises: lower its order limit, shorten its payment terms and step up "
       "collection.",
       "客户信用风险上升时，减少订单额度、缩短付款期限、加强货款催收。"),
    _c("P5.2", "Operational risk", "经营风险", level=2),
    _c("P5.2.a", "Contingency", "应急预案",
       "When force majeure or other causes threaten delivery or quality: a contingency plan, fewer losses, "
       "and the customer told.",
       "遇不可抗力等影响按时交付或质量时，启动应急预案，减少损失并告知客户。"),
    _c("P5.2.b", "Quality control", "质量控制",
       "Raw material inspection, in-process inspection and finished product inspection.",
       "原材料检验、生产过程检验和成品检验。"),
    _c("P5.2.c", "Carriers", "物流合作伙伴",
       "Reputable carriers under detailed contracts; shipments tracked.",
       "选择信誉良好的物流合作伙伴，签订详细合同并跟踪货物。"),
    _c("P5.3", "Legal compliance", "法律合规",
       "Contracts, intellectual property and consumer rights questions go to a legal adviser; the order business "
       "is reviewed for compliance periodically.",
       "合同、知识产权和消费者权益问题请法律顾问把关；定期对接单业务进行法律合规审查。"),

    _c("P6", "Supervision and assessment", "监督与考核", level=1),
    _c("P6.1", "Supervision", "监督", level=2),
    _c("P6.1.a", "Inspection", "监督检查",
       "A supervision group (management, audit) periodically checks how the process is followed, whether order "
       "information is accurate and complete, the duties and the risk controls.",
       "由管理层和审计组成的监督小组定期检查流程执行、订单信息的准确性和完整性、职责落实和风险防控。"),
    _c("P6.1.b", "Whistleblowing", "举报",
       "A reporting mailbox and phone; every report is investigated and handled.",
       "设立举报邮箱和举报电话，每条举报均须调查处理。"),
    _c("P6.1.c", "Customer feedback", "客户反馈",
       "Satisfaction surveys and complaint handling.",
       "开展客户满意度调查，处理客户投诉。"),
    _c("P6.2", "Assessment", "考核",
       "KPIs per department and person: orders received, processing timeliness, execution accuracy, customer "
       "satisfaction and risk control; assessed periodically.",
       "按部门和个人设定考核指标：订单接收数量、订单处理及时率、订单执行准确率、客户满意度、风险防控效果，定期考核。"),
]

BY_ID = {c.id: c for c in CLAUSES}
CLAUSE_ID = re.compile(r"^P\d(?:\.\d(?:\.[a-z])?)?$")


def clause(id: str) -> Clause | None:
    """The clause by its ID, or None for an ID the regulation does not have."""
    return BY_ID.get(id)


def markdown() -> str:
    """docs/regulation.md: every clause with its anchor, English then Chinese."""
    out = ["# The order-taking regulation 接单制度规范", "",
           "Clause by clause, in this project's own words, English and Chinese. Every clause ID shown in the "
           "application links to its clause on the page `/regulation/`. Generated from "
           "`ordertaking/common/regulation.py` by `scripts/regulation_md.py`; edit that module, not this file.",
           ""]
    for c in CLAUSES:
        if c.level < 3 and not c.text_en:
            out += [f"{'#' * (c.level + 1)} {c.id} {c.title_en} {c.title_zh}", ""]
            continue
        out += [f'<a id="{c.id}"></a>**{c.id} {c.title_en} {c.title_zh}**', "",
                f"- {c.text_en}", f"- {c.text_zh}", ""]
    return "\n".join(out)
