"""The immutability triggers of a signed delivery voucher (P2.5.b), shared by the migrations that create them
(0004) and that must re-create them after SQLite rebuilds the voucher table (0005)."""

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
