"""Writes for production (P2.4.b, P3.4) and quality control (P5.2.b). Each locks the order first, then its
production orders (the order-first lock order every service of the chapter keeps), checks the actor's
capability and the state table, and writes its event on the order's timeline in the same transaction:
the sales rep reads production's moves where they read the rest of the order."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ordertaking.accounts.models import User
from ordertaking.audit.services import event_record
from ordertaking.common.errors import PermissionDenied, ValidationFailed
from ordertaking.common.numbering import next_in_series
from ordertaking.common.progress import order_progress_changed, progress_batch
from ordertaking.fulfilment import services as fulfilment
from ordertaking.fulfilment.models import Task
from ordertaking.orders.models import Order

from . import rules
from .models import InspectionAttachment, ProductionOrder, ProgressReport, QualityInspection, Rework, Workshop
from .states import PRODUCTION_ORDER

PO = ProductionOrder.State
QI = QualityInspection


def _require(actor: User, capability: str) -> None:
    if not actor.has_perm(f"accounts.{capability}"):
        messages = {
            "production_manage": _("Only production may plan, start, report on or finish production (P3.4)."),
            "quality_inspect": _("Only production's quality inspectors may record inspections and rework (P5.2.b)."),
        }
        raise PermissionDenied(messages[capability])


def _locked(po: ProductionOrder) -> ProductionOrder:
    """The order's row, then the production order's: the chapter's one lock order (order first)."""
    Order.objects.select_for_update(of=("self",)).filter(pk=po.order_id).first()
    return ProductionOrder.objects.select_for_update(of=("self",)).select_related("order", "line").get(pk=po.pk)


def _event(actor: User | None, action: str, po: ProductionOrder, *, clause: str = "P2.4.b",
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None, message: str = "") -> None:
    event_record(actor=actor, action=action, subject=po.order, clause=clause, before=before,
                 after={"production_order": po.number, **(after or {})}, message=message)


# --- creation from the order's tasks (the approval hand-off) -----------------------------------------------

def _number_for(order: Order, position: int, first: bool) -> str:
    base = f"PO{order.number.removeprefix('SO')}-{position:02d}"
    if first or not ProductionOrder.objects.filter(number=base).exists():  # the order's own number: free at first
        return base
    return f"{base}-{next_in_series(f'PO-{base}'):02d}"  # a line produced again after a replan


def production_orders_from_tasks(order: Order, tasks: Iterable[Task], actor: Any,
                                 first: bool = False) -> list[ProductionOrder]:
    """P2.4.b 生产计划: one production order per production task of the approved order (a line that needs
    production), its dates the task's time nodes. Handed to fulfilment (`tasks_created_handler_add`) and
    called inside the approval's transaction, right after the tasks are created; the approver acts. Called
    after a replan too (with the new tasks only): the production orders already there follow their tasks.
    Returns the production orders made, which fulfilment hands on with the tasks. `first`: the order's first
    approval, so it has no production orders yet (nothing to look for)."""
    if not first and ProductionOrder.objects.filter(order=order).exists():
        production_orders_follow_tasks(order=order, actor=actor)
    made = []
    for task in tasks:
        line = task.line
        if task.kind != Task.Kind.PRODUCTION or line is None:
            continue
        po = ProductionOrder.objects.create(
            number=_number_for(order, line.position, first), order=order, line=line, line_position=line.position,
            task=task,
            quantity=line.quantity or Decimal("1"), planned_start=task.planned_start,
            planned_finish=max(task.due_date, task.planned_start), requirements=task.requirements or "")
        _event(actor, "production_order.created", po,
               after={"planned_start": po.planned_start.isoformat(), "planned_finish": po.planned_finish.isoformat(),
                      "quantity": str(po.quantity)})
        made.append(po)
    return made


def production_orders_follow_tasks(*, order: Order, actor: Any) -> list[ProductionOrder]:
    """After a change to an approved order is approved and fulfilment replanned its tasks (amendments calls
    this after `order_tasks_replan`, in its transaction): a production order whose task was cancelled (its line
    removed) is cancelled; one not started yet takes its task's new dates and quantity. Running and finished
    production keeps its plan (the planner moves it by hand). Returns the production orders changed."""
    changed = []
    with transaction.atomic():
        Order.objects.select_for_update(of=("self",)).filter(pk=order.pk).first()
        live = list(ProductionOrder.objects.select_for_update(of=("self",)).select_related("order", "task")
                    .filter(order=order, state__in=[PO.PLANNED, PO.IN_PROGRESS], task__isnull=False).order_by("id"))
        for po in live:
            task = po.task
            assert task is not None
            if task.state == Task.State.CANCELLED:
                was = po.state
                po.state = PRODUCTION_ORDER.check(po.state, "cancel")
                po.cancel_reason = _("The order was changed: this line is no longer produced.")
                po.save(update_fields=["state", "cancel_reason"])
                _event(actor, "production_order.cancelled", po, before={"production_state": was},
                       after={"production_state": po.state},
                       message=po.cancel_reason)
                changed.append(po)
                continue
            if po.state != PO.PLANNED:
                continue
            start, finish = task.planned_start, max(task.due_date, task.planned_start)
            quantity = task.quantity or po.quantity
            before: dict[str, Any] = {}
            after: dict[str, Any] = {}
            for key, old, new in (("planned_start", po.planned_start, start),
                                  ("planned_finish", po.planned_finish, finish), ("quantity", po.quantity, quantity)):
                if old != new:
                    before[key], after[key] = str(old), str(new)
            if after:
                po.planned_start, po.planned_finish, po.quantity = start, finish, quantity
                po.line_position = task.line_position or po.line_position
                po.line = task.line or po.line
                po.save(update_fields=["planned_start", "planned_finish", "quantity", "line_position", "line"])
                _event(actor, "production_order.planned", po, before=before, after=after)
                changed.append(po)
    return changed


# --- planning and moves ------------------------------------------------------------------------------------

def production_order_plan(*, po: ProductionOrder, actor: User, workshop: Workshop | None = None,
                          planned_start: date | None = None, planned_finish: date | None = None) -> ProductionOrder:
    """The planner puts the order on a workshop or line and adjusts its dates (P2.4.b 安排资源)."""
    _require(actor, "production_manage")
    with transaction.atomic():
        po = _locked(po)
        if po.state not in (PO.PLANNED, PO.IN_PROGRESS):
            raise ValidationFailed(_("A finished or cancelled production order is not planned any more."),
                                   field="state", code="not_plannable")
        if workshop is not None and not workshop.active:
            raise ValidationFailed(_("This workshop is no longer in use."), field="workshop")
        start = planned_start or po.planned_start
        finish = planned_finish or po.planned_finish
        if finish < start:
            raise ValidationFailed(_("The planned finish cannot be before the planned start."),
                                   field="planned_finish", code="finish_before_start")
        before, after = {}, {}
        old_shop = po.workshop.name if po.workshop else ""
        for key, old, new in (("workshop", old_shop, workshop.name if workshop else None),
                              ("planned_start", po.planned_start.isoformat(), start.isoformat()),
                              ("planned_finish", po.planned_finish.isoformat(), finish.isoformat())):
            if new is not None and new != old:
                before[key], after[key] = old, new
        if not after:
            return po
        if workshop is not None:
            po.workshop = workshop
        po.planned_start, po.planned_finish = start, finish
        po.save(update_fields=["workshop", "planned_start", "planned_finish"])
        _event(actor, "production_order.planned", po, before=before, after=after)
        order_progress_changed(order=po.order, actor=actor)  # the forecast moves with the plan (tracking)
    return po


def production_order_start(*, po: ProductionOrder, actor: User) -> ProductionOrder:
    """Production starts (P2.4.b); so does its production task (and with the order's first task, the
    order's execution: fulfilment moves it approved → in execution)."""
    _require(actor, "production_manage")
    with transaction.atomic(), progress_batch():  # its task's report and its own: tracking runs once
        po = _locked(po)
        before = po.state
        po.state = PRODUCTION_ORDER.check(po.state, "start")
        po.started_at = timezone.now()
        po.save(update_fields=["state", "started_at"])
        _event(actor, "production_order.started", po, before={"production_state": before},
               after={"production_state": po.state})
        task = po.task
        if task is not None and task.state == "open" and fulfilment.may_work(actor, task):
            fulfilment.task_start(task=task, actor=actor)
    return po


def production_progress_report(*, po: ProductionOrder, actor: User, percent: Any, note: str = "") -> ProgressReport:
    """P3.4 进度报告: how far production is, in percent with a note; the sales rep reads it on the order.
    Only while in production; never backwards without a note saying why."""
    _require(actor, "production_manage")
    try:
        value = int(str(percent).strip())
    except (TypeError, ValueError):
        raise ValidationFailed(_("Progress is a percentage from 0 to 100."), field="percent",
                               code="percent_out_of_range") from None
    note = (note or "").strip()
    with transaction.atomic():
        po = _locked(po)
        if po.state != PO.IN_PROGRESS:
            raise ValidationFailed(_("Progress is reported while the order is in production."), field="state",
                                   code="not_in_production")
        rules.progress_check(previous=po.percent, percent=value, note=note)
        report = ProgressReport.objects.create(production_order=po, percent=value, note=note, reporter=actor)
        before = po.percent
        po.percent = value
        po.save(update_fields=["percent"])
        _event(actor, "production_order.progress", po, clause="P3.4", before={"percent": before},
               after={"percent": value}, message=note)
        order_progress_changed(order=po.order, actor=actor)  # the forecast moves with the progress (tracking)
    return report


def production_order_finish(*, po: ProductionOrder, actor: User, note: str = "") -> ProductionOrder:
    """Production is finished (P2.4.b): 100 %, and its production task is complete."""
    _require(actor, "production_manage")
    with transaction.atomic(), progress_batch():  # its task's report and its own: tracking runs once
        po = _locked(po)
        before = po.state
        po.state = PRODUCTION_ORDER.check(po.state, "finish")
        po.finished_at = timezone.now()
        if po.percent != 100:
            ProgressReport.objects.create(production_order=po, percent=100, note=note.strip(), reporter=actor)
        po.percent = 100
        po.save(update_fields=["state", "finished_at", "percent"])
        _event(actor, "production_order.finished", po, before={"production_state": before},
               after={"production_state": po.state},
               message=note.strip())
        _task_complete(po.task, actor, note)
        order_progress_changed(order=po.order, actor=actor)  # finished: no forecast left to miss (tracking)
    return po


def _task_complete(task: Any, actor: User, note: str = "") -> None:
    """Complete fulfilment's task for this work when it is live and the actor's department works it
    (an inspection task routed to another department is theirs to close)."""
    if task is not None and task.state in ("open", "in_progress") and fulfilment.may_work(actor, task):
        fulfilment.task_complete(task=task, actor=actor, note=note)


def order_production_cancel(*, order: Order, actor: User, reason: str) -> list[ProductionOrder]:
    """The order's production stops (cancel after approval, called by amendments inside its transaction):
    every planned or running production order is cancelled with the reason; finished ones stay (what was
    already produced is shown). The caller checked who may cancel the order."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why production is cancelled."), field="reason")
    with transaction.atomic():
        Order.objects.select_for_update(of=("self",)).filter(pk=order.pk).first()
        live = list(ProductionOrder.objects.select_for_update(of=("self",)).select_related("order")
                    .filter(order=order, state__in=[PO.PLANNED, PO.IN_PROGRESS]).order_by("id"))
        for po in live:
            before = po.state
            po.state = PRODUCTION_ORDER.check(po.state, "cancel")
            po.cancel_reason = reason
            po.save(update_fields=["state", "cancel_reason"])
            _event(actor, "production_order.cancelled", po, before={"production_state": before},
                   after={"production_state": po.state}, message=reason)
    return live


# --- quality inspections (P5.2.b) --------------------------------------------------------------------------

def _int(value: Any, field: str) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationFailed(_("Enter a whole number."), field=field) from None


def _qty(value: Any, field: str) -> Decimal:
    try:
        q = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("Enter a quantity."), field=field) from None
    if not q.is_finite():
        raise ValidationFailed(_("Enter a quantity."), field=field)
    return q


def _read_head(f: UploadedFile) -> bytes:
    f.seek(0)
    head = f.read(16)
    f.seek(0)
    return head


def attachments_check(files: list[UploadedFile], *, field: str = "attachments") -> list[tuple[UploadedFile, str]]:
    """Every file checked (type by name and content, size) before anything is written."""
    if len(files) > rules.MAX_ATTACHMENTS:
        raise ValidationFailed(_("At most %(n)s files can be attached.") % {"n": rules.MAX_ATTACHMENTS},
                               field=field, code="too_many_attachments")
    return [(f, rules.attachment_check(name=f.name or "", size=f.size or 0, head=_read_head(f), field=field))
            for f in files]


def inspection_record(*, po: ProductionOrder, actor: User, checkpoint: str, result: str, sample_size: Any,
                      inspected_quantity: Any, defect_count: Any = 0, defects: str = "", note: str = "",
                      reinspection_of: QualityInspection | None = None, inspected_at: datetime | None = None,
                      attachments: list[UploadedFile] | None = None) -> QualityInspection:
    """P5.2.b 质量检验 at one of the three checkpoints, with its photos and reports; the record is the quality
    inspection report. A re-inspection names the failed inspection it repeats, after the rework is recorded.
    A passing finished-product inspection completes the order's inspection task for the line."""
    _require(actor, "quality_inspect")
    figures = rules.InspectionFigures(
        sample_size=_int(sample_size, "sample_size"), inspected_quantity=_qty(inspected_quantity, "inspected_quantity"),
        result=result, defect_count=_int(defect_count or 0, "defect_count"), defects=(defects or "").strip())
    checked = attachments_check(list(attachments or []))
    when = inspected_at or timezone.now()
    if when > timezone.now():
        raise ValidationFailed(_("An inspection cannot be recorded in the future."), field="inspected_at")
    with transaction.atomic(), progress_batch():  # its task's report and its own: tracking runs once
        po = _locked(po)
        rules.inspection_check(checkpoint=checkpoint, production_state=po.state, figures=figures,
                               quantity=po.quantity)
        if reinspection_of is not None:
            failed = QualityInspection.objects.select_for_update().filter(pk=reinspection_of.pk).first()
            if (failed is None or failed.production_order_id != po.pk or failed.result != QI.Result.FAIL
                    or failed.checkpoint != checkpoint):
                raise ValidationFailed(_("A re-inspection repeats a failed inspection of the same production order "
                                         "and checkpoint."), field="reinspection_of", code="not_a_failure")
            if QualityInspection.objects.filter(reinspection_of=failed).exists():
                raise ValidationFailed(_("This failed inspection has been re-inspected already."),
                                       field="reinspection_of", code="already_reinspected")
            if not failed.reworks.exists():
                raise ValidationFailed(_("Record the rework before the re-inspection."), field="reinspection_of",
                                       code="rework_missing")
        n = next_in_series(f"QC-{po.number}")
        qi = QualityInspection.objects.create(
            number=f"QC{po.number.removeprefix('PO')}-{n:02d}", production_order=po, order=po.order,
            checkpoint=checkpoint, inspector=actor, inspected_at=when, sample_size=figures.sample_size,
            inspected_quantity=figures.inspected_quantity, result=result, defect_count=figures.defect_count,
            defects=figures.defects, note=(note or "").strip(), reinspection_of=reinspection_of)
        _attach(qi, checked, actor)
        after: dict[str, Any] = {"inspection": qi.number, "checkpoint": checkpoint, "result": result,
                                 "sample_size": figures.sample_size, "defect_count": figures.defect_count}
        if reinspection_of is not None:
            after["reinspection_of"] = reinspection_of.number
        _event(actor, "inspection.recorded", po, clause="P5.2.b", after=after, message=figures.defects)
        if checkpoint == QI.Checkpoint.FINISHED and result == QI.Result.PASS:
            _task_complete(_inspection_task(po), actor, _("Inspection %(qi)s passed.") % {"qi": qi.number})
        order_progress_changed(order=po.order, actor=actor)  # a failure opens a risk, a pass closes it (tracking)
    return qi


def _inspection_task(po: ProductionOrder) -> Any:
    """The order's open inspection task for this line (or for the whole order when it names no line)."""
    tasks = Task.objects.filter(order_id=po.order_id, kind=Task.Kind.INSPECTION,
                                state__in=[Task.State.OPEN, Task.State.IN_PROGRESS]).order_by("id")
    return tasks.filter(line_position=po.line_position).first() or tasks.filter(line_position__isnull=True).first()


def _attach(qi: QualityInspection, checked: list[tuple[UploadedFile, str]], actor: User) -> None:
    for f, content_type in checked:
        f.seek(0)
        digest = hashlib.sha256()
        for chunk in f.chunks():
            digest.update(chunk)
        f.seek(0)
        att = InspectionAttachment(inspection=qi, original_name=(f.name or "file")[-200:], content_type=content_type,
                                   size=f.size or 0, sha256=digest.hexdigest(), uploaded_by=actor)
        att.file.save(f.name or "file", f, save=False)
        att.save()


def inspection_attach(*, inspection: QualityInspection, actor: User,
                      attachments: list[UploadedFile]) -> list[InspectionAttachment]:
    """More photos or reports for an inspection already recorded (by an inspector)."""
    _require(actor, "quality_inspect")
    checked = attachments_check(attachments)
    if not checked:
        raise ValidationFailed(_("Choose a file to attach."), field="attachments")
    with transaction.atomic():
        qi = QualityInspection.objects.select_for_update().select_related("production_order").get(pk=inspection.pk)
        if qi.attachments.count() + len(checked) > rules.MAX_ATTACHMENTS:
            raise ValidationFailed(_("At most %(n)s files can be attached.") % {"n": rules.MAX_ATTACHMENTS},
                                   field="attachments", code="too_many_attachments")
        before = qi.attachments.count()
        _attach(qi, checked, actor)
        po = qi.production_order
        po.order = Order.objects.get(pk=po.order_id)
        _event(actor, "inspection.attached", po, clause="P5.2.b",
               after={"inspection": qi.number, "attachments": before + len(checked)})
    return list(qi.attachments.all())


def rework_record(*, inspection: QualityInspection, actor: User, note: str) -> Rework:
    """返工 after a failed inspection (P5.2.b): what was done, before the re-inspection may pass the goods."""
    _require(actor, "quality_inspect")
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_("Say what rework was done."), field="note", code="note_required")
    with transaction.atomic():
        po = _locked(inspection.production_order)
        qi = QualityInspection.objects.select_for_update().get(pk=inspection.pk)
        if qi.result != QI.Result.FAIL:
            raise ValidationFailed(_("Rework follows a failed inspection."), field="inspection", code="not_a_failure")
        if QualityInspection.objects.filter(reinspection_of=qi).exists():
            raise ValidationFailed(_("This failed inspection has been re-inspected already."), field="inspection",
                                   code="already_reinspected")
        rework = Rework.objects.create(inspection=qi, production_order=po, note=note, recorded_by=actor)
        _event(actor, "inspection.rework_recorded", po, clause="P5.2.b", after={"inspection": qi.number},
               message=note)
    return rework
