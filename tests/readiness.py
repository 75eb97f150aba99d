"""Sign a shipment's delivery readiness checklist (P2.5.a) through the real services, as the three
departments would, so a test can dispatch it: logistics refuses a dispatch until all three have signed.

`readiness_sign_all(shipment)` records a passing finished-product inspection for every line production
made that has none yet (production's own service, by a production user), then signs production's,
logistics' and sales' parts (the order's sales rep)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone


def _user(username: str, role: Any, name: str) -> Any:
    from django.contrib.auth import get_user_model

    from ordertaking.accounts.roles import perm
    from ordertaking.accounts.services import user_create

    needed = {"production": perm("production_manage"), "logistics": perm("logistics_manage")}[str(role)]
    for u in get_user_model().objects.filter(is_active=True, groups__name=str(role)).order_by("id"):
        if u.has_perm(needed):
            return u
    return user_create(username=username, password="Test-pass-2026!", roles=[str(role)], display_name=name)


def inspections_pass(shipment: Any, *, inspector: Any = None) -> None:
    """A passing finished-product inspection for each finished production order of the shipment's lines
    that has none (production's service, as production would record it)."""
    from ordertaking.accounts.roles import Role
    from ordertaking.production.models import ProductionOrder, QualityInspection
    from ordertaking.production.services import inspection_record

    inspector = inspector or _user("readiness-prod", Role.PRODUCTION, "质检员")
    positions = [sl.order_line.position for sl in shipment.lines.select_related("order_line")]
    for po in ProductionOrder.objects.filter(order_id=shipment.order_id, line_position__in=positions,
                                             state=ProductionOrder.State.FINISHED).order_by("id"):
        if QualityInspection.objects.filter(production_order=po, checkpoint="finished", result="pass").exists():
            continue
        if QualityInspection.objects.filter(production_order=po, checkpoint="finished", result="fail",
                                            reinspection__isnull=True).exists():
            continue  # an open failure: production's rework and re-inspection, not this helper's
        inspection_record(po=po, actor=inspector, checkpoint="finished", result="pass", sample_size=1,
                          inspected_quantity=po.quantity)


def readiness_signers(order: Any) -> dict[str, Any]:
    """The three signers, made before a race so that threads don't create them at once."""
    from ordertaking.accounts.roles import Role

    return {"production": _user("readiness-prod", Role.PRODUCTION, "质检员"),
            "logistics": _user("readiness-logi", Role.LOGISTICS, "物流员"), "sales": order.sales_rep}


def readiness_sign_all(shipment: Any, *, production: Any = None, logistics: Any = None, sales: Any = None,
                       inspect: bool = True) -> Any:
    """Sign all three parts of the shipment's checklist (those not signed yet)."""
    from ordertaking.accounts.roles import Role
    from ordertaking.deliveries.models import DeliveryReadiness
    from ordertaking.deliveries.services import readiness_sign

    production = production or _user("readiness-prod", Role.PRODUCTION, "质检员")
    logistics = logistics or _user("readiness-logi", Role.LOGISTICS, "物流员")
    order = shipment.order
    sales = sales or order.sales_rep
    if inspect:
        inspections_pass(shipment, inspector=production)
    done = DeliveryReadiness.objects.filter(shipment=shipment).first()
    if done is None or done.production_signed_at is None:
        readiness_sign(actor=production, shipment=shipment, part="production", packaging_intact=True,
                       inspection_passed=True)
    if done is None or done.logistics_signed_at is None:
        readiness_sign(actor=logistics, shipment=shipment, part="logistics", vehicle_ready=True,
                       packing_materials_ready=True)
    if done is None or done.sales_signed_at is None:
        readiness_sign(actor=sales, shipment=shipment, part="sales",
                       agreed_time=timezone.now() + timedelta(days=1), agreed_place="浦东新区张江路100号",
                       agreed_with=order.contact_name or "客户", agreed_on=timezone.localdate())
    return DeliveryReadiness.objects.get(shipment=shipment)


def shipment_create_dispatched(**kwargs: Any) -> Any:
    """`logistics.services.shipment_create(..., dispatch=True)` as it works since P2.5.a: the shipment is
    planned, its readiness checklist signed by the three departments, then dispatched."""
    from ordertaking.logistics.services import shipment_create, shipment_dispatch

    kwargs.pop("dispatch", None)
    shipment = shipment_create(**kwargs)
    readiness_sign_all(shipment)
    return shipment_dispatch(shipment=shipment, actor=kwargs["actor"])
