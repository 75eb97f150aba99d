"""Catalog and price-policy writes (P2.3.b) go through catalog/services.py: each change is checked
against catalog_manage and the model, and leaves one audit event, the only history of the price policy."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from ordertaking.audit.models import AuditEvent
from ordertaking.audit.selectors import timeline_for
from ordertaking.catalog import services
from ordertaking.catalog.models import Product
from ordertaking.common.errors import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def catalog_events() -> bool:
    return AuditEvent.objects.filter(subject_type__startswith="catalog.").exists()


def test_p2_3_b_a_floor_price_change_is_an_audit_event_with_before_and_after(catalog, admin_user_role):
    motor = catalog["products"]["motor"]
    services.product_update(product=motor, actor=admin_user_role, fields={"floor_price": Decimal("2900.00")})
    motor.refresh_from_db()
    assert motor.floor_price == Decimal("2900.00")
    ev = timeline_for(motor).get()
    assert (ev.action, ev.clause, ev.actor) == ("product.updated", "P2.3.b", admin_user_role)
    assert ev.before == {"floor_price": "2800.00"} and ev.after == {"floor_price": "2900.00"}


def test_p2_3_b_creating_a_catalog_item_records_what_it_was_created_with(catalog, admin_user_role):
    p = services.product_create(actor=admin_user_role, code="MOT-009", name="变频电机",
                                category=catalog["categories"]["motor"], list_price=Decimal("4000"),
                                floor_price=Decimal("3500"))
    ev = timeline_for(p).get()
    after = ev.after or {}
    assert ev.action == "product.created" and after["category"] == "MOT" and after["list_price"] == "4000"


def test_p2_3_b_a_floor_price_above_the_list_price_is_refused_and_nothing_is_written(catalog, admin_user_role):
    motor = catalog["products"]["motor"]
    with pytest.raises(ValidationFailed) as exc:
        services.product_update(product=motor, actor=admin_user_role, fields={"floor_price": Decimal("3300")})
    assert exc.value.field == "floor_price"
    motor.refresh_from_db()
    assert motor.floor_price == Decimal("2800.00") and not catalog_events()


def test_p2_3_b_only_catalog_managers_change_the_price_policy(catalog, sales_rep, reviewer):
    for user in (sales_rep, reviewer):
        with pytest.raises(PermissionDenied):
            services.product_update(product=catalog["products"]["motor"], actor=user,
                                    fields={"list_price": Decimal("1")})
        with pytest.raises(PermissionDenied):
            services.region_update(region=catalog["regions"]["xz"], actor=user, fields={"served": True})
    assert not catalog_events()


def test_p2_3_b_saving_without_a_change_writes_no_event(catalog, admin_user_role):
    services.payment_method_update(payment_method=catalog["payments"]["net30"], actor=admin_user_role,
                                   fields={"term_days": 30})
    assert not catalog_events()


def test_p2_3_b_the_admin_saves_prices_through_the_service_and_shows_the_changes(client, catalog,
                                                                                 django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.cn", "x-Pass-2026!")
    root.groups.add(Group.objects.get(name="admin"))  # catalog_manage is the admin role's, not superuser's
    client.force_login(root)
    motor = catalog["products"]["motor"]
    url = f"/admin/catalog/product/{motor.pk}/change/"
    data = {"code": motor.code, "name": motor.name, "specification": motor.specification, "unit": motor.unit,
            "kind": motor.kind, "category": str(motor.category_id), "active": "on",
            "list_price": "3200.00", "floor_price": "2750.00", "tax_rate": str(motor.tax_rate),
            "needs_production": "on", "production_lead_days": "10"}
    r = client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:2000]
    motor.refresh_from_db()
    assert motor.floor_price == Decimal("2750.00")
    ev = timeline_for(motor).get()
    assert ev.action == "product.updated" and ev.actor == root and ev.after == {"floor_price": "2750.00"}
    page = client.get(url).content.decode()
    assert "2,750.00" in page  # the change page shows the audit trail, money formatted
    r = client.post(url, {**data, "floor_price": "3300.00"})  # above the list price: beside the field
    assert r.status_code == 200 and timeline_for(motor).count() == 1
    assert Product.objects.get(pk=motor.pk).floor_price == Decimal("2750.00")


def test_p2_3_b_the_admin_retires_catalog_rows_instead_of_deleting_them(client, catalog, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.cn", "x-Pass-2026!")
    root.groups.add(Group.objects.get(name="admin"))  # catalog_manage is the admin role's, not superuser's
    client.force_login(root)
    motor = catalog["products"]["motor"]
    assert client.post(f"/admin/catalog/product/{motor.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Product.objects.filter(pk=motor.pk).exists()


def test_p2_3_b_an_admin_without_catalog_manage_cannot_change_the_catalog(client, catalog, django_user_model,
                                                                          make_user):
    staff = make_user("helpdesk", "auditor")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    motor = catalog["products"]["motor"]
    assert client.get(f"/admin/catalog/product/{motor.pk}/change/").status_code in (302, 403)
