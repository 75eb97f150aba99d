"""Demo production and quality control (P2.4.b, P3.4, P5.2.b), through production.services: workshops,
production orders started and reported on, one finished after a failed finished-product inspection, its
rework and a passing re-inspection, and one late against plan, so the board, the production order and
inspection pages and the order page's Production card have something true to show.

The production orders themselves were made by the approvals (fulfilment's tasks → production). Idempotent:
a second run finds the workshops and does nothing.
"""

from __future__ import annotations

import struct
import zlib
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from ordertaking.production.models import ProductionOrder, Workshop
from ordertaking.production.services import (
    inspection_record,
    production_order_finish,
    production_order_plan,
    production_order_start,
    production_progress_report,
    rework_record,
)

if TYPE_CHECKING:
    from .loader import DemoContext

WORKSHOPS = [("W1", "一车间 电机装配线"), ("W2", "二车间 防爆电机线"), ("W3", "三车间 控制柜装配")]


def _png(width: int = 48, height: int = 32, rgb: tuple[int, int, int] = (200, 60, 50)) -> bytes:
    """A small solid-colour PNG standing in for an inspector's photo."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


def _po(ctx: DemoContext, customer: str, ref: str, code: str) -> ProductionOrder | None:
    return (ProductionOrder.objects.select_related("order", "line")
            .filter(order__customer=ctx.customers[customer], order__customer_reference=ref, line__product_code=code)
            .first())


def _follow_tasks(prod: object) -> None:
    """The execution demo works some production tasks directly (fulfilment's board): their production orders
    catch up, through the services, so a task and its production order never disagree."""
    for po in ProductionOrder.objects.select_related("task").filter(state=ProductionOrder.State.PLANNED,
                                                                    task__isnull=False).order_by("id"):
        task = po.task
        assert task is not None
        if task.state in ("in_progress", "done"):
            production_order_plan(po=po, actor=prod, planned_start=task.planned_start,  # type: ignore[arg-type]
                                  planned_finish=max(task.due_date, task.planned_start))
            production_order_start(po=po, actor=prod)  # type: ignore[arg-type]
        if task.state == "done":
            production_order_finish(po=po, actor=prod, note=task.note)  # type: ignore[arg-type]


def _progress(po: ProductionOrder, prod: object, steps: list[tuple[int, str]]) -> None:
    po.refresh_from_db()
    if po.state == ProductionOrder.State.PLANNED:
        production_order_start(po=po, actor=prod)  # type: ignore[arg-type]
    for percent, note in steps:
        po.refresh_from_db()
        if po.state == ProductionOrder.State.IN_PROGRESS and percent > po.percent:
            production_progress_report(po=po, actor=prod, percent=percent, note=note)  # type: ignore[arg-type]


def load(ctx: DemoContext) -> None:
    if Workshop.objects.exists():
        return
    prod = ctx.users["prod1"]
    today = timezone.localdate()
    with transaction.atomic():
        shops = {code: Workshop.objects.create(code=code, name=name) for code, name in WORKSHOPS}
        ctx.count("workshops", len(shops))
        xiamen = _po(ctx, "xiamen_port", "HCGW-CG-2026-0452", "MOT-YB3-132M4")
        qiantang = _po(ctx, "qiantang", "QT-DL-2026-0931", "MOT-YE3-200L4")
        chengdu = _po(ctx, "chengdu_pharma", "TF-SB-2026-064", "CTL-PLC-32")
        wuhan = _po(ctx, "wuhan_cable", "JC-WZ-2026-1188", "MOT-Y2-160L4")
        for po, shop in ((xiamen, "W2"), (qiantang, "W1"), (chengdu, "W3"), (wuhan, "W1")):
            if po is not None and po.state == ProductionOrder.State.PLANNED:
                production_order_plan(po=po, actor=prod, workshop=shops[shop])
        _follow_tasks(prod)
        for po in (xiamen, qiantang, chengdu, wuhan):
            if po is not None:
                po.refresh_from_db()

        # 厦门港 explosion-proof motors: raw material and in-process checks pass; the finished-product
        # inspection fails on insulation, rework, the re-inspection passes: the goods may ship (P5.2.b).
        if xiamen:
            xiamen.refresh_from_db()
            if xiamen.state != ProductionOrder.State.FINISHED:
                _progress(xiamen, prod, [])
                inspection_record(po=xiamen, actor=prod, checkpoint="raw_material", result="pass", sample_size=2,
                                  inspected_quantity=xiamen.quantity, note="隔爆外壳铸件探伤合格，附供方材质证明。")
                _progress(xiamen, prod, [(45, "定子绕线、嵌线完成。")])
                inspection_record(po=xiamen, actor=prod, checkpoint="in_process", result="pass", sample_size=2,
                                  inspected_quantity=xiamen.quantity, note="隔爆面间隙、粗糙度检验合格。")
                _progress(xiamen, prod, [(90, "总装完成，待出厂试验。")])
                production_order_finish(po=xiamen, actor=prod, note="出厂试验完成。")
            failed = inspection_record(
                po=xiamen, actor=prod, checkpoint="finished", result="fail", sample_size=3,
                inspected_quantity=xiamen.quantity, defect_count=1,
                defects="抽检3台中1台绝缘电阻 0.8 MΩ，低于标准要求的 ≥ 5 MΩ（GB/T 755）。",
                attachments=[SimpleUploadedFile("绝缘电阻测试.png", _png())])
            rework_record(inspection=failed, actor=prod,
                          note="该批全部重新浸漆烘干，更换1台接线盒密封圈；复测绝缘电阻均 ≥ 50 MΩ。")
            inspection_record(po=xiamen, actor=prod, checkpoint="finished", result="pass", sample_size=10,
                              inspected_quantity=xiamen.quantity, reinspection_of=failed,
                              note="返工后全数复检：绝缘电阻、耐压、空载试验均合格。",
                              attachments=[SimpleUploadedFile("复检记录.png", _png(rgb=(60, 160, 90)))])
            ctx.count("production orders")

        # 钱塘 high-efficiency motors: in production on the motor line, two-thirds done, checks passed so far.
        if qiantang and qiantang.state != ProductionOrder.State.FINISHED:
            _progress(qiantang, prod, [])
            inspection_record(po=qiantang, actor=prod, checkpoint="raw_material", result="pass", sample_size=3,
                              inspected_quantity=qiantang.quantity, note="硅钢片、漆包线来料检验合格。")
            _progress(qiantang, prod, [(30, "机座、端盖加工完成。"), (65, "定转子装配完成，待浸漆。")])
            ctx.count("production orders")

        # 天府制药 PLC cabinet: planned to finish yesterday and only 70 % done: late on the board.
        if chengdu and chengdu.state == ProductionOrder.State.PLANNED:
            production_order_plan(po=chengdu, actor=prod, planned_start=today - timedelta(days=8),
                                  planned_finish=today - timedelta(days=1))
            _progress(chengdu, prod, [(70, "柜体、接线完成；客户图纸变更的两路输出等待确认。")])
            ctx.count("production orders")

        # 武汉江城 motors: on the motor line, just begun.
        if wuhan and wuhan.state != ProductionOrder.State.FINISHED:
            _progress(wuhan, prod, [(10, "领料完成，开始机座加工。")])
