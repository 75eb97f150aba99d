"""A signed delivery voucher never changes (P2.5.b): database triggers refuse an UPDATE or DELETE of a
signed voucher and any change to its lines, whoever writes (the services and the model refuse first).

Like the audit log's triggers they consult the one-row `audit_guard` table: the test harness lowers it
only for the instant it takes to flush the database between transactional tests (conftest.py)."""

from django.db import migrations

from ordertaking.deliveries.migrations._voucher_triggers import (
    POSTGRES,
    POSTGRES_DROP,
    SQLITE,
    SQLITE_DROP,
    run,
)

def vouchers_of_dispatched_shipments(apps, schema_editor):
    """Shipments dispatched before vouchers existed get theirs, open (their events stay as they were)."""
    Shipment = apps.get_model("logistics", "Shipment")
    DeliveryVoucher = apps.get_model("deliveries", "DeliveryVoucher")
    VoucherLine = apps.get_model("deliveries", "VoucherLine")
    for shipment in Shipment.objects.filter(state__in=["dispatched", "in_transit", "delivered"]).order_by("id"):
        if DeliveryVoucher.objects.filter(shipment=shipment).exists():
            continue
        rest = shipment.number[4:] if shipment.number.startswith("SHP-") else shipment.number
        voucher = DeliveryVoucher.objects.create(number=f"JF-{rest}", shipment=shipment, order_id=shipment.order_id)
        for sl in shipment.lines.select_related("order_line").all():
            ln = sl.order_line
            VoucherLine.objects.create(voucher=voucher, order_line=ln, position=ln.position,
                                       product_code=ln.product_code, name=ln.name or ln.description,
                                       specification=ln.specification, unit=ln.unit, quantity=sl.quantity)


class Migration(migrations.Migration):
    dependencies = [("deliveries", "0003_voucher"), ("audit", "0002_append_only")]
    operations = [
        migrations.RunPython(run({"sqlite": SQLITE, "postgresql": POSTGRES}),
                             run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})),
        migrations.RunPython(vouchers_of_dispatched_shipments, migrations.RunPython.noop),
    ]
