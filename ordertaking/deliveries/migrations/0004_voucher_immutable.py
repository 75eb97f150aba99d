"""A signed delivery voucher never changes (P2.5.b): database triggers refuse an UPDATE or DELETE of a
signed voucher and any change to its lines, whoever writes (the services and the model refuse first).

Like the audit log's triggers they consult the one-row `audit_guard` table: the test harness lowers it
only for the instant it takes to flush the database between transactional tests (conftest.py)."""

from django.db import migrations

GUARDED = "(SELECT enabled FROM audit_guard) = 1"
SIGNED_PARENT = "(SELECT state FROM deliveries_deliveryvoucher WHERE id = {row}.voucher_id) <> 'open'"

SQLITE = [
    f"""CREATE TRIGGER deliveries_voucher_signed_no_update BEFORE UPDATE ON deliveries_deliveryvoucher
       WHEN OLD.state <> 'open' AND {GUARDED}
       BEGIN SELECT RAISE(ABORT, 'a signed delivery voucher cannot change'); END""",
    f"""CREATE TRIGGER deliveries_voucher_signed_no_delete BEFORE DELETE ON deliveries_deliveryvoucher
       WHEN OLD.state <> 'open' AND {GUARDED}
       BEGIN SELECT RAISE(ABORT, 'a signed delivery voucher cannot change'); END""",
    f"""CREATE TRIGGER deliveries_voucherline_signed_no_insert BEFORE INSERT ON deliveries_voucherline
       WHEN {SIGNED_PARENT.format(row="NEW")} AND {GUARDED}
       BEGIN SELECT RAISE(ABORT, 'a signed delivery voucher cannot change'); END""",
    f"""CREATE TRIGGER deliveries_voucherline_signed_no_update BEFORE UPDATE ON deliveries_voucherline
       WHEN {SIGNED_PARENT.format(row="OLD")} AND {GUARDED}
       BEGIN SELECT RAISE(ABORT, 'a signed delivery voucher cannot change'); END""",
    f"""CREATE TRIGGER deliveries_voucherline_signed_no_delete BEFORE DELETE ON deliveries_voucherline
       WHEN {SIGNED_PARENT.format(row="OLD")} AND {GUARDED}
       BEGIN SELECT RAISE(ABORT, 'a signed delivery voucher cannot change'); END""",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in (
    "deliveries_voucher_signed_no_update", "deliveries_voucher_signed_no_delete",
    "deliveries_voucherline_signed_no_insert", "deliveries_voucherline_signed_no_update",
    "deliveries_voucherline_signed_no_delete")]

POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION deliveries_voucher_immutable() RETURNS trigger AS $$
       BEGIN
         IF OLD.state <> 'open' AND {GUARDED} THEN
           RAISE EXCEPTION 'a signed delivery voucher cannot change' USING ERRCODE = 'restrict_violation';
         END IF;
         IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER deliveries_voucher_immutable BEFORE UPDATE OR DELETE ON deliveries_deliveryvoucher
       FOR EACH ROW EXECUTE FUNCTION deliveries_voucher_immutable()""",
    f"""CREATE OR REPLACE FUNCTION deliveries_voucherline_immutable() RETURNS trigger AS $$
       DECLARE parent integer;
       BEGIN
         IF TG_OP = 'INSERT' THEN parent := NEW.voucher_id; ELSE parent := OLD.voucher_id; END IF;
         IF (SELECT state FROM deliveries_deliveryvoucher WHERE id = parent) <> 'open' AND {GUARDED} THEN
           RAISE EXCEPTION 'a signed delivery voucher cannot change' USING ERRCODE = 'restrict_violation';
         END IF;
         IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER deliveries_voucherline_immutable BEFORE INSERT OR UPDATE OR DELETE
       ON deliveries_voucherline FOR EACH ROW EXECUTE FUNCTION deliveries_voucherline_immutable()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS deliveries_voucherline_immutable ON deliveries_voucherline",
    "DROP FUNCTION IF EXISTS deliveries_voucherline_immutable()",
    "DROP TRIGGER IF EXISTS deliveries_voucher_immutable ON deliveries_deliveryvoucher",
    "DROP FUNCTION IF EXISTS deliveries_voucher_immutable()",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return apply


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
