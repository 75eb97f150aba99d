"""Demo whistleblowing reports (P6.1.b), through whistleblowing.services: one received anonymously on the
public page and waiting for assessment, one received on the reporting phone, entered by investigator1,
assessed and under investigation with a question to the reporter. Idempotent: each report is found again
by its text. Their passwords are random and shown nowhere: the demo follows them up as investigators."""

# ruff: noqa: E501

from __future__ import annotations

from typing import TYPE_CHECKING

from ordertaking.whistleblowing.models import Report
from ordertaking.whistleblowing.services import question_ask, report_move, report_phone_enter, report_submit

if TYPE_CHECKING:
    from .loader import DemoContext

WEB = "有销售人员把一笔超出信用额度的订单拆成两张订单分别提交，以避开特别审批。两张订单客户相同、交货日期相同，提交时间只差几分钟。"
PHONE = "来电人称：某物流专员要求客户另付“加急费”现金，不开票，否则推迟发货。来电人是客户方采购人员，愿意配合调查。"


def load(ctx: DemoContext) -> None:
    inv = ctx.users.get("investigator1")
    if inv is None:
        return
    if not Report.objects.filter(what=WEB).exists():
        report_submit(what=WEB, when="2026年11月中旬", order_numbers="", persons="华东销售部某销售代表", anonymous=True)
        ctx.count("whistleblowing reports")
    if not Report.objects.filter(what=PHONE).exists():
        report, _password = report_phone_enter(actor=inv, what=PHONE, when="最近两周", persons="物流部专员（来电人未说姓名）",
                                               anonymous=False, name="陈女士", contact="电话回访：来电号码已记录")
        report = report_move(actor=inv, report=report, verb="assess", note="描述具体，涉及收取现金不开票，需立案调查。")
        report = report_move(actor=inv, report=report, verb="investigate")
        question_ask(actor=inv, report=report, text="请问对方提出“加急费”是在哪一天？涉及哪张订单或发货单？")
        ctx.count("whistleblowing reports")
