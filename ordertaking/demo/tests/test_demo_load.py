"""Loading the demo (ordertaking load-demo): once, and again without duplicates."""

from __future__ import annotations

import pytest
from django.apps import apps

from ordertaking import cli
from ordertaking.demo import loader as demo
from ordertaking.demo import orders as demo_orders
from ordertaking.orders.models import Order
from ordertaking.orders.states import OrderState

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models() if m._meta.managed}


def test_loading_the_demo_twice_adds_nothing(capsys):
    assert cli.main(["load-demo"]) == 0
    first = _counts()
    out = capsys.readouterr().out
    assert "Demo logins" in out and demo.DEMO_PASSWORD in out
    assert cli.main(["load-demo"]) == 0
    assert _counts() == first
    assert "nothing to add" in capsys.readouterr().out


def test_a_scenario_that_fails_leaves_nothing_behind_and_loads_whole_next_time(monkeypatch):
    """Each scenario runs in one transaction: loaded whole or not at all."""

    def failing_approve(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("approval failed")

    monkeypatch.setattr(demo_orders, "order_approve", failing_approve)
    with pytest.raises(RuntimeError):
        demo.demo_load()
    # The first scenario that needed approval left nothing behind (one transaction) ...
    assert not Order.objects.filter(state=OrderState.APPROVED).exists()
    assert not Order.objects.filter(customer_reference="HCGW-CG-2026-0452").exists()
    # ... and loads whole once approval works.
    monkeypatch.undo()
    demo.demo_load()
    assert Order.objects.filter(customer_reference="HCGW-CG-2026-0452", state=OrderState.APPROVED).count() == 1
