"""Production orders and quality inspections through their services (P2.4.b, P3.4, P5.2.b): created from the
approved order's tasks, started, reported on, finished; inspected, failed, reworked, re-inspected; and the
shipping block logistics reads."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.fulfilment.models import Task
from ordertaking.production import selectors, services
from ordertaking.production.models import ProductionOrder, ProgressReport, QualityInspection

from .conftest import png_bytes

pytestmark = pytest.mark.django_db


def events(order, prefix):  # type: ignore[no-untyped-def]
    return list(AuditEvent.objects.filter(subject_id=str(order.pk), subject_type="orders.order",
                                          action__startswith=prefix).order_by("id"))


def inspect(po, actor, *, checkpoint="finished", result="pass", **kw):  # type: ignore[no-untyped-def]
    po.refresh_from_db()
    args = {"sample_size": 5, "inspected_quantity": po.quantity, "defect_count": 0, "defects": ""}
    if result == "fail":
        args.update(defect_count=2, defects="外壳划伤两处")
    args.update(kw)
    return services.inspection_record(po=po, actor=actor, checkpoint=checkpoint, result=result, **args)


def produced(po, actor):  # type: ignore[no-untyped-def]
    services.production_order_start(po=po, actor=actor)
    services.production_order_finish(po=po, actor=actor)
    po.refresh_from_db()
    return po


def test_p2_4_b_approval_makes_a_production_order_for_each_line_that_needs_production(approved):
    order = approved()
    pos = list(ProductionOrder.objects.filter(order=order))
    assert len(pos) == 1  # the motor needs production, the reducer does not
    po = pos[0]
    task = Task.objects.get(order=order, kind="production")
    assert po.task == task and po.line_position == 1 and po.quantity == Decimal("10")
    assert (po.planned_start, po.planned_finish) == (task.planned_start, task.due_date)
    assert po.state == "planned" and po.percent == 0
    assert po.number == f"PO{order.number.removeprefix('SO')}-01"
    assert [e.after["production_order"] for e in events(order, "production_order.created")] == [po.number]


def test_p2_4_b_starting_production_starts_its_task_and_the_orders_execution(po, production_user):
    services.production_order_start(po=po, actor=production_user)
    po.refresh_from_db()
    po.order.refresh_from_db()
    assert po.state == "in_progress" and po.started_at is not None
    assert po.task.state == "in_progress"
    assert po.order.state == "in_execution"
    assert [e.after["production_state"] for e in events(po.order, "production_order.started")] == ["in_progress"]


def test_p2_4_b_a_move_the_state_table_does_not_allow_is_refused(po, production_user):
    with pytest.raises(InvalidTransition):
        services.production_order_finish(po=po, actor=production_user)
    po.refresh_from_db()
    assert po.state == "planned" and not events(po.order, "production_order.finished")


@pytest.mark.parametrize("who", ["sales_rep", "reviewer", "leader", "logistics_user", "auditor"])
def test_p3_4_only_production_starts_reports_on_or_finishes_production(po, who, request):  # type: ignore[no-untyped-def]
    actor = request.getfixturevalue(who)
    for call in (lambda: services.production_order_start(po=po, actor=actor),
                 lambda: services.production_progress_report(po=po, actor=actor, percent=10)):
        with pytest.raises(PermissionDenied):
            call()
    with pytest.raises(PermissionDenied):
        inspect(po, actor, checkpoint="raw_material")
    po.refresh_from_db()
    assert po.state == "planned" and not QualityInspection.objects.exists()
    assert [e.action for e in events(po.order, "production")] == ["production_order.created"]


def test_p3_4_progress_goes_forward_and_back_only_with_a_note(po, production_user):
    services.production_order_start(po=po, actor=production_user)
    services.production_progress_report(po=po, actor=production_user, percent=40, note="绕线完成")
    with pytest.raises(ValidationFailed) as e:
        services.production_progress_report(po=po, actor=production_user, percent=30)
    assert e.value.field == "note"
    po.refresh_from_db()
    assert po.percent == 40 and ProgressReport.objects.count() == 1
    services.production_progress_report(po=po, actor=production_user, percent=30, note="两台返工，绕组重做")
    po.refresh_from_db()
    assert po.percent == 30
    assert [(e.before["percent"], e.after["percent"]) for e in events(po.order, "production_order.progress")] == [
        (0, 40), (40, 30)]


def test_p3_4_progress_is_reported_while_in_production_only(po, production_user):
    with pytest.raises(ValidationFailed) as e:
        services.production_progress_report(po=po, actor=production_user, percent=10)
    assert e.value.field == "state"


def test_p2_4_b_finishing_production_completes_its_task_at_100_percent(po, production_user):
    produced(po, production_user)
    assert po.state == "finished" and po.percent == 100 and po.finished_at is not None
    po.task.refresh_from_db()
    assert po.task.state == "done"


def test_p5_2_b_a_failed_finished_inspection_blocks_shipping_until_rework_and_a_passing_reinspection(
        po, production_user):
    line = po.line
    assert po.number in (selectors.shipping_block(line) or "")  # not finished yet
    assert selectors.shippable_quantity(line) == 0
    produced(po, production_user)
    assert selectors.shipping_block(line) is None and selectors.shippable_quantity(line) == Decimal("10")

    failed = inspect(po, production_user, result="fail")
    assert failed.number in (selectors.shipping_block(line) or "")
    assert selectors.shippable_quantity(line) == 0
    assert selectors.failed_inspections_open(po.order) == [failed]

    # A re-inspection before the rework is refused: the goods were not touched.
    with pytest.raises(ValidationFailed) as e:
        inspect(po, production_user, reinspection_of=failed)
    assert e.value.code == "rework_missing"

    services.rework_record(inspection=failed, actor=production_user, note="更换外壳两件，重新喷涂")
    assert selectors.shipping_block(line) is not None  # rework alone: still blocked
    assert selectors.shippable_quantity(line) == 0

    again = inspect(po, production_user, reinspection_of=failed)
    assert again.reinspection_of == failed
    assert selectors.shipping_block(line) is None
    assert selectors.shippable_quantity(line) == Decimal("10")
    assert selectors.failed_inspections_open(po.order) == []


def test_p5_2_b_a_failed_reinspection_keeps_the_goods_blocked(po, production_user):
    produced(po, production_user)
    first = inspect(po, production_user, result="fail")
    services.rework_record(inspection=first, actor=production_user, note="返工")
    second = inspect(po, production_user, result="fail", reinspection_of=first)
    assert selectors.shipping_block(po.line) is not None
    assert selectors.failed_inspections_open(po.order) == [second]
    with pytest.raises(ValidationFailed) as e:  # one re-inspection per failure
        inspect(po, production_user, reinspection_of=first)
    assert e.value.code == "already_reinspected"


def test_p5_2_b_a_passing_finished_inspection_completes_the_inspection_task(po, production_user):
    task = Task.objects.get(order=po.order, kind="inspection", line_position=po.line_position)
    services.production_order_start(po=po, actor=production_user)
    inspect(po, production_user, checkpoint="raw_material")
    inspect(po, production_user, checkpoint="in_process")
    task.refresh_from_db()
    assert task.state == "open"  # raw material and in-process checks do not finish the inspection
    services.production_order_finish(po=po, actor=production_user)
    inspect(po, production_user, checkpoint="finished", result="fail")
    task.refresh_from_db()
    assert task.state == "open"
    failed = QualityInspection.objects.get(result="fail")
    services.rework_record(inspection=failed, actor=production_user, note="返工")
    inspect(po, production_user, reinspection_of=failed)
    task.refresh_from_db()
    assert task.state == "done"
    recorded = events(po.order, "inspection.recorded")
    assert [e.after["checkpoint"] for e in recorded] == ["raw_material", "in_process", "finished", "finished"]
    assert recorded[-1].after["reinspection_of"] == failed.number


def test_p5_2_b_inspection_attachments_are_stored_with_the_inspection(po, production_user):
    services.production_order_start(po=po, actor=production_user)
    photo = SimpleUploadedFile("划伤.png", png_bytes(), content_type="image/png")
    qi = inspect(po, production_user, checkpoint="in_process", attachments=[photo])
    att = qi.attachments.get()
    assert att.original_name == "划伤.png" and att.content_type == "image/png" and att.size == len(png_bytes())
    with att.file.open("rb") as f:
        assert f.read() == png_bytes()
    assert "划伤" not in att.file.name  # stored under a name we chose


def test_p5_2_b_a_bad_attachment_writes_nothing(po, production_user):
    services.production_order_start(po=po, actor=production_user)
    page = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")
    with pytest.raises(ValidationFailed) as e:
        inspect(po, production_user, checkpoint="in_process", attachments=[page])
    assert (e.value.field, e.value.code) == ("attachments", "attachment_content")
    assert not QualityInspection.objects.exists() and not events(po.order, "inspection")


def test_p2_4_b_cancelling_the_orders_production_cancels_what_is_not_finished(approved, production_user, reviewer):
    order = approved(lines=[{"product": "motor", "quantity": "3"}, {"product": "motor", "quantity": "4"}])
    first, second = ProductionOrder.objects.filter(order=order).order_by("line_position")
    produced(first, production_user)
    services.production_order_start(po=second, actor=production_user)
    cancelled = services.order_production_cancel(order=order, actor=reviewer, reason="客户取消")
    assert [p.pk for p in cancelled] == [second.pk]
    second.refresh_from_db()
    first.refresh_from_db()
    assert (first.state, second.state) == ("finished", "cancelled") and second.cancel_reason == "客户取消"
    assert second.line is not None and selectors.shipping_block(second.line) is not None
    assert selectors.order_production_forecast(order) == timezone.localdate(first.finished_at)
    with pytest.raises(ValidationFailed):
        services.order_production_cancel(order=order, actor=reviewer, reason=" ")


def test_p3_4_the_orders_forecast_is_its_latest_production_forecast(approved, production_user):
    order = approved(lines=[{"product": "motor", "quantity": "3"}, {"product": "motor", "quantity": "4"}])
    first, second = ProductionOrder.objects.filter(order=order).order_by("line_position")
    today = timezone.localdate()
    assert selectors.order_production_forecast(order, today=today) == max(first.planned_finish, second.planned_finish,
                                                                           today)
    services.production_order_start(po=first, actor=production_user)
    services.production_progress_report(po=first, actor=production_user, percent=1)
    # 1 % on the first day: a hundred days in all.
    assert selectors.order_production_forecast(order, today=today) == today + timedelta(days=99)
    assert selectors.order_production_forecast(approved(lines=[{"product": "reducer", "quantity": "1"}])) is None


def test_p2_4_b_the_planner_puts_an_order_on_a_workshop_and_moves_its_dates(po, production_user):
    from ordertaking.production.models import Workshop

    ws = Workshop.objects.create(code="W1", name="一车间 装配线")
    later = po.planned_finish + timedelta(days=2)
    services.production_order_plan(po=po, actor=production_user, workshop=ws, planned_finish=later)
    po.refresh_from_db()
    assert po.workshop == ws and po.planned_finish == later
    (e,) = events(po.order, "production_order.planned")
    assert e.after["workshop"] == "一车间 装配线"
    with pytest.raises(ValidationFailed) as err:
        services.production_order_plan(po=po, actor=production_user, planned_finish=po.planned_start
                                       - timedelta(days=1))
    assert err.value.field == "planned_finish"


def test_p2_4_b_production_follows_the_tasks_after_a_change(approved, production_user, reviewer):
    order = approved(lines=[{"product": "motor", "quantity": "3"}, {"product": "motor", "quantity": "4"}])
    first, second = ProductionOrder.objects.filter(order=order).order_by("line_position")
    # What fulfilment's replan does after a change: the second line is gone, the first takes new dates.
    assert first.task is not None and second.task is not None
    Task.objects.filter(pk=second.task.pk).update(state="cancelled")
    Task.objects.filter(pk=first.task.pk).update(planned_start=first.planned_start + timedelta(days=3),
                                                 due_date=first.planned_finish + timedelta(days=3),
                                                 quantity=Decimal("5"))
    changed = services.production_orders_follow_tasks(order=order, actor=reviewer)
    assert {p.pk for p in changed} == {first.pk, second.pk}
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.state == "cancelled"
    assert first.state == "planned" and first.quantity == Decimal("5")
    first.task.refresh_from_db()
    assert first.planned_finish == first.task.due_date
    assert services.production_orders_follow_tasks(order=order, actor=reviewer) == []


def test_p2_4_cancelling_an_approved_order_cancels_its_production_and_shows_what_was_produced(
        approved, production_user, sales_rep, reviewer2):
    from ordertaking.amendments import selectors as amend_selectors
    from ordertaking.amendments.services import cancel_request_agree, cancel_request_create

    order = approved(lines=[{"product": "motor", "quantity": "3"}, {"product": "motor", "quantity": "4"}])
    first, second = ProductionOrder.objects.filter(order=order).order_by("line_position")
    produced(first, production_user)
    services.production_order_start(po=second, actor=production_user)
    req = cancel_request_create(order=order, actor=sales_rep, reason="客户项目暂停")
    cancel_request_agree(request=req, actor=reviewer2, comment="同意")
    second.refresh_from_db()
    assert second.state == "cancelled" and second.cancel_reason == "客户项目暂停"
    assert amend_selectors.produced_quantities(order) == {first.line_id: Decimal("3")}
