"""Demo Excel imports (issue 12), through imports.services: sales1's file of new customers from a trade
fair, checked and waiting with its errors shown (a wrong check character, a phone written with +86, a
formula, a company already in the archive, a name missing) — nothing written; and an earlier file of
two prospects, imported with "only the valid rows" after one row was refused.

Idempotent: a file already uploaded by its name is not uploaded again."""

# Scenario text in Chinese: ruff counts each CJK character as two columns.
# ruff: noqa: E501

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING, Any

from huey.contrib.djhuey import HUEY

from ordertaking.customers.rules import credit_code_check_char
from ordertaking.imports.models import ImportBatch
from ordertaking.imports.services import batch_commit, batch_upload

if TYPE_CHECKING:
    from .loader import DemoContext

HEAD = ["公司名称", "统一社会信用代码", "行业", "规模", "省份", "城市", "联系人姓名", "联系电话", "联系邮箱", "详细地址"]


def _code(first17: str) -> str:
    return first17 + credit_code_check_char(first17)


def _xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEAD)
    for r in rows:
        ws.append(r)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _fair(ctx: DemoContext) -> list[list[Any]]:
    pujiang = ctx.customers["pujiang"]
    bad = _code("91330200MA2H00003")
    return [
        ["温州瓯江泵阀有限公司", _code("91330300MA2H00001"), "泵阀制造", "中型", "浙江省", "温州市", "陈立新", "13957712345", "chen@oujiang.example.cn"],
        ["绍兴柯桥印染有限公司", _code("91330600MA2H00002"), "纺织印染", "大型", "浙江省", "绍兴市", "沈佳", "0575-84561234", ""],
        ["宁波北仑模具有限公司", bad[:17] + ("0" if bad[17] != "0" else "1"), "模具", "小型", "浙江省", "宁波市", "林海", "13858012345", ""],
        ["嘉兴秀洲电气有限公司", None, "电气设备", "中型", "浙江省", "嘉兴市", "周敏", "+86 13512345678", ""],
        ['=HYPERLINK("http://example.invalid","点此领奖")', None, "", "", "", "", "", "", ""],
        [pujiang.name, pujiang.credit_code, "机械制造", "中型", "上海市", "上海市", "", "", ""],
        [None, None, "化工", "小型", "江苏省", "南通市", "吴刚", "13605131234", "wu@example.cn"],
        ["湖州南浔木业有限公司", _code("91330500MA2H00004"), "木材加工", "小型", "浙江省", "湖州市", "钱进", "13706821234", "qian@nanxun.example"],
    ]


def _earlier() -> list[list[Any]]:
    return [
        ["台州黄岩塑料制品有限公司", _code("91331000MA2H00005"), "塑料制品", "小型", "浙江省", "台州市", "潘蕾", "13967612345", "", "黄岩区西城街道北院大道 8 号"],
        ["金华义乌五金有限公司", _code("91330700MA2H00006"), "五金", "微型", "浙江省", "金华市", "何军", "13867912345", "he@yiwu.example.cn", "义乌市稠城街道工人北路 66 号"],
        ["丽水缙云机床有限公司", "9133", "机床", "中型", "浙江省", "丽水市", "", "", ""],
    ]


def load(ctx: DemoContext) -> None:
    sales1 = ctx.users["sales1"]
    immediate = HUEY.immediate
    HUEY.immediate = True  # the checks and the import run here, as the worker would run them
    try:
        if not ImportBatch.objects.filter(created_by=sales1, file_name="展会新客户-2026-11.xlsx").exists():
            batch_upload(actor=sales1, kind="customers", file_name="展会新客户-2026-11.xlsx", content=_xlsx(_fair(ctx)))
            ctx.count("import files checked")
        if not ImportBatch.objects.filter(created_by=sales1, file_name="意向客户-2026-10.xlsx").exists():
            batch = batch_upload(actor=sales1, kind="customers", file_name="意向客户-2026-10.xlsx", content=_xlsx(_earlier()))
            batch.refresh_from_db()
            batch_commit(actor=sales1, batch=batch, mode=ImportBatch.Mode.VALID)
            ctx.count("import files imported")
    finally:
        HUEY.immediate = immediate
