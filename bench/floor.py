"""The framework floor for W1: the three transactions of W1 done through Django's ORM with nothing else.

Same work as `ceiling.Ceiling.three` (the raw-SQL ceiling split into W1's create / submit / approve
transactions), written the way the services write it, through the models, but with no permission
check, no completeness or review rule, no credit finding, no revision snapshot and no audit event:

    create:  the project's numbering upsert, Order INSERT, three OrderLine INSERTs (one bulk insert)
    submit:  the order row locked, state and submitted_at saved
    approve: the order row locked, the customer's credit row locked and its exposure moved, state saved

It answers one question with a measurement: how much of the gap between W1 and the ceiling is the
framework (Django model instances, the ORM's SQL compiler, three transactions), and how much is the
controls the regulation asks for. It is not a way to take orders: nothing here enforces anything.
"""

from __future__ import annotations

import resource
import time
from datetime import timedelta
from decimal import Decimal
from typing import Any


def orm_floor_pipeline(ctx: dict[str, Any]):  # type: ignore[no-untyped-def]
    from django.db import transaction
    from django.utils import timezone

    from ordertaking.credit.models import CustomerCredit
    from ordertaking.orders import numbering
    from ordertaking.orders.models import Order, OrderLine

    from .data import list_price, w1_lines

    delivery = timezone.localdate() + timedelta(days=30)
    customers, products = ctx["customers"], ctx["products"]
    sales = ctx["sales"]

    def one(i: int) -> None:
        customer = customers[i % len(customers)]
        built = []
        total = Decimal("0.00")
        for pos, (pi, q) in enumerate(w1_lines(i), start=1):
            p = products[pi]
            price = list_price(pi)
            amount = price * q
            total += amount
            built.append(OrderLine(position=pos, product=p, product_code=p.code, name=p.name,
                                   specification=p.specification, unit=p.unit, quantity=Decimal(q),
                                   unit_price=price, list_price=price, amount=amount))
        with transaction.atomic():
            order = Order(number=numbering.next_number(), customer=customer, sales_rep=sales, entered_by=sales,
                          delivery_date=delivery, delivery_region=ctx["region"], delivery_city="上海市",
                          delivery_address="浦东新区张江路1号", payment_method=ctx["payment_method"],
                          contact_name="张经理", contact_phone="13800000000", total_amount=total)
            order.save()
            for ln in built:
                ln.order = order
            OrderLine.objects.bulk_create(built)
        with transaction.atomic():
            locked = Order.objects.select_for_update().get(pk=order.pk)
            locked.state = "submitted"
            locked.submitted_at = timezone.now()
            locked.save(update_fields=["state", "submitted_at", "updated_at"])
        with transaction.atomic():
            locked = Order.objects.select_for_update().get(pk=order.pk)
            credit = CustomerCredit.objects.select_for_update().get(customer_id=locked.customer_id)
            if credit.exposure + locked.total_amount > credit.credit_limit:
                raise RuntimeError("credit limit exceeded")
            credit.approved_uninvoiced += locked.total_amount
            credit.save(update_fields=["approved_uninvoiced", "updated_at"])
            locked.state = "approved"
            locked.approved_at = timezone.now()
            locked.save(update_fields=["state", "approved_at", "updated_at"])

    return one


def step_orm_floor_worker(p: dict[str, Any], wait_go) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from .data import w1_context

    one = orm_floor_pipeline(w1_context())
    for i in p["warmup"]:
        one(i)
    wait_go()
    t0 = time.time()
    for i in p["indices"]:
        one(i)
    t1 = time.time()
    return {"t0": t0, "t1": t1, "n": len(p["indices"]),
            "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
