"""common/sql.py: `OneOf` matches what `__in` matches with one parameter for the whole list; `ModelUnion` reads
rows of several models in one statement and gives the instances their querysets give; `RowsColumn` reads a
related set as one column of its parent's row."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ordertaking.catalog.models import PaymentMethod, Product, Region
from ordertaking.common.prepared import Prepared
from ordertaking.common.sql import ModelUnion, OneOf, Present, RowsColumn, texts_param

pytestmark = pytest.mark.django_db


def _values(obj):  # type: ignore[no-untyped-def]
    # repr: Decimal("3200") == Decimal("3200.00"), but the answers show them differently
    return [(f.attname, repr(getattr(obj, f.attname))) for f in obj._meta.concrete_fields]


@pytest.mark.parametrize("texts", [
    [], ["MOT-001"], ["MOT-001", "RED-001", "NOPE"], ["mot-001"], ["MOT-00_"], ["MOT%"], ["MOT-001 "],
    ["'", '"', "\\", "[", "]", ",", "\n"], ["电机", "\u2028", "😀"], ["MOT-001", "MOT-001"],
])
def test_one_of_matches_exactly_what_in_matches(catalog, texts):
    got = set(Product.objects.filter(OneOf("code", texts_param(texts))).values_list("code", flat=True))
    assert got == set(Product.objects.filter(code__in=texts).values_list("code", flat=True))


def test_one_of_writes_the_same_sql_whatever_the_number_of_texts(catalog):
    def sql(texts):  # type: ignore[no-untyped-def]
        return Product.objects.filter(OneOf("code", texts_param(texts))).query.get_compiler("default").as_sql()

    (one, one_params), (three, three_params) = sql(["A"]), sql(["C", "B", "A", "B"])
    assert one == three and len(one_params) == len(three_params) == 1
    assert three_params[0] == '["A", "B", "C"]'  # sorted, no repeats: the same set is the same parameter


CATALOG = ModelUnion(Region, PaymentMethod, Product)


def test_a_model_union_gives_the_instances_its_querysets_give_in_one_statement(catalog):
    querysets = (Region.objects.filter(code__in=["SH", "XZ"]), PaymentMethod.objects.all(),
                 Product.objects.filter(OneOf("code", texts_param(["MOT-001", "SVC-INST", "OLD-001", "NOPE"]))))
    with CaptureQueriesContext(connection) as q:
        union = CATALOG.queryset(*querysets)
        got = CATALOG.split(union, union.db)
    assert len(q.captured_queries) == 1
    for objs, qs in zip(got, querysets, strict=True):
        want = sorted(qs, key=lambda o: o.pk)
        objs = sorted(objs, key=lambda o: o.pk)
        assert [_values(o) for o in objs] == [_values(o) for o in want] and want  # types too: Decimal, bool, None
        assert all(not o._state.adding and o._state.db == "default" for o in objs)
    motor = next(p for p in got[2] if p.code == "MOT-001")
    assert motor.list_price == Decimal("3200.00") and str(motor.list_price) == "3200.00" and motor.needs_production
    assert motor.category.code == "MOT"  # a foreign key read by its id, as on any instance
    assert [r.served for r in sorted(got[0], key=lambda r: r.code)] == [True, False]


def test_a_model_union_with_empty_branches_gives_empty_lists(catalog):
    union = CATALOG.queryset(Region.objects.filter(code="NOPE"), PaymentMethod.objects.filter(code=""),
                             Product.objects.filter(OneOf("code", texts_param([]))))
    assert CATALOG.split(union, union.db) == [[], [], []]


def test_a_model_union_takes_one_queryset_per_model_in_its_order(catalog):
    with pytest.raises(TypeError):
        CATALOG.queryset(PaymentMethod.objects.all(), Region.objects.all(), Product.objects.all())
    with pytest.raises(TypeError):
        CATALOG.queryset(Region.objects.all(), PaymentMethod.objects.all())


def _by_codes(region: str, method: str, products: str):  # type: ignore[no-untyped-def]
    return CATALOG.queryset(Region.objects.filter(code=region), PaymentMethod.objects.filter(code=method),
                            Product.objects.filter(OneOf("code", products)))


def test_a_model_union_as_a_prepared_read_takes_a_list_of_codes_in_one_slot(catalog):
    prepared = Prepared(_by_codes)
    for codes in (["MOT-001"], ["MOT-001", "RED-001", "SVC-INST"], []):  # one statement, compiled once, any length
        with CaptureQueriesContext(connection) as q:
            regions, methods, products = CATALOG.split(
                prepared.rows(region="GD", method="COD", products=texts_param(codes)), "default")
        assert len(q.captured_queries) == 1
        assert [r.code for r in regions] == ["GD"] and [m.code for m in methods] == ["COD"]
        assert sorted(p.code for p in products) == sorted(codes)
        assert [_values(p) for p in sorted(products, key=lambda p: p.pk)] == [
            _values(p) for p in Product.objects.filter(code__in=codes).order_by("pk")]


@pytest.mark.parametrize("customer_first", [True, False])
def test_a_model_union_reads_times_json_and_keys_as_a_queryset_does(customer, sales_rep, customer_first):
    """The rows are converted as the first branch's columns read them: typed NULLs for every other model."""
    from django.utils import timezone

    from ordertaking.customers.models import Customer

    Customer.objects.filter(pk=customer.pk).update(verified_items=["name", "phone"], last_verified_at=timezone.now(),
                                                   last_verified_by=sales_rep, orders_in_period=3)
    models_ = (Customer, Region) if customer_first else (Region, Customer)
    querysets = {Customer: Customer.objects.filter(pk=customer.pk), Region: Region.objects.filter(code="SH")}
    union = ModelUnion(*models_)
    qs = union.queryset(*(querysets[m] for m in models_))
    got = dict(zip(models_, union.split(qs, qs.db), strict=True))
    assert [_values(c) for c in got[Customer]] == [_values(Customer.objects.get(pk=customer.pk))]
    assert got[Customer][0].verified_items == ["name", "phone"] and got[Customer][0].last_verified_at.tzinfo
    assert [_values(r) for r in got[Region]] == [_values(Region.objects.get(code="SH"))]


def _line_values(line):  # type: ignore[no-untyped-def]
    product = line.product
    return (_values(line), _values(product) if product is not None else None)


def test_rows_in_a_column_are_the_instances_a_read_gives_with_their_joined_rows(make_order, catalog):
    """An order's lines with their products, one of them a free line with no product, read as one column of the
    order's query (`RowsColumn`): the same instances, field by field, decimals to their places, in position
    order, each with its product (or None) already joined."""
    from django.db.models import OuterRef

    from ordertaking.orders.models import Order, OrderLine

    order = make_order(state="draft")
    first = order.lines.get(position=1)
    OrderLine.objects.create(order=order, position=3, product=None, name="安装调试 \"上门\"\n", unit="次",
                             quantity=Decimal("1.250"), unit_price=Decimal("0.01"), amount=Decimal("0.01"))
    OrderLine.objects.create(order=order, position=2, product=first.product, name=first.name,
                             quantity=Decimal("999999999.999"), unit_price=Decimal("9999999999.99"),
                             amount=Decimal("123.40"))
    column = RowsColumn(OrderLine, related=("product",), order_by="position")
    read = list(OrderLine.objects.select_related("product").filter(order=order).order_by("position"))
    with CaptureQueriesContext(connection) as q:
        got = Order.objects.annotate(rows=column.subquery(
            OrderLine.objects.select_related("product").filter(order_id=OuterRef("pk")))).get(pk=order.pk)
    lines = column.rows(got.rows, got._state.db or "default")
    assert len(q.captured_queries) == 1
    assert [_line_values(x) for x in lines] == [_line_values(x) for x in read]
    assert [x.position for x in lines] == [1, 2, 3] and lines[2].product is None
    with CaptureQueriesContext(connection) as q:
        assert lines[1].product.code == first.product.code
    assert q.captured_queries == []  # the product came with the line


def test_rows_in_a_column_of_a_parent_without_rows_are_an_empty_list(make_order):
    from django.db.models import OuterRef

    from ordertaking.orders.models import Order, OrderLine

    order = make_order(state="draft")
    order.lines.all().delete()
    column = RowsColumn(OrderLine, related=("product",))
    rows = column.subquery(OrderLine.objects.filter(order_id=OuterRef("pk")))
    got = Order.objects.annotate(rows=rows).get(pk=order.pk)
    assert got.rows in (None, "[]")  # PostgreSQL's jsonb_agg of no rows is NULL, SQLite's json_group_array []
    assert column.rows(got.rows, "default") == []


def test_a_rows_column_refuses_a_model_whose_fields_json_does_not_carry_back():
    from ordertaking.orders.models import Order

    with pytest.raises(TypeError, match="created_at"):
        RowsColumn(Order)


def test_present_answers_as_exists_does_for_rows_with_and_without_a_match(make_order):
    from django.db.models import Exists, OuterRef

    from ordertaking.orders.models import Order, OrderLine

    with_lines, without = make_order(state="draft"), make_order(state="draft")
    OrderLine.objects.filter(order=without).delete()
    lines = OrderLine.objects.filter(order_id=OuterRef("pk"))
    rows = dict(Order.objects.filter(pk__in=[with_lines.pk, without.pk])
                .annotate(present=Present(lines)).values_list("pk", "present"))
    assert rows == {with_lines.pk: True, without.pk: False}
    assert all(type(v) is bool for v in rows.values())
    assert dict(Order.objects.filter(pk__in=rows).annotate(exists=Exists(lines)).values_list("pk", "exists")) == rows
