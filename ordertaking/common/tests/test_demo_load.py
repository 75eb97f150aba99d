"""Loading the demo (ordertaking load-demo): once, and again without duplicates."""

from __future__ import annotations

import pytest
from django.apps import apps

from ordertaking import cli
from ordertaking.common import demo, demo_orders
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


def test_a_scenario_whose_service_is_missing_is_skipped_whole_and_said_so(monkeypatch):
    real = demo_orders.service

    def without_approve(module: str, name: str):  # type: ignore[no-untyped-def]
        if name == "order_approve":
            raise demo_orders.ServiceMissing(f"{module}.{name}")
        return real(module, name)

    monkeypatch.setattr(demo_orders, "service", without_approve)
    ctx = demo.demo_load()
    assert any("order_approve" in s for s in ctx.skipped)
    # The scenarios that needed approval left nothing behind (one transaction each) ...
    assert not Order.objects.filter(state=OrderState.APPROVED).exists()
    assert not Order.objects.filter(customer_reference="QT-DL-2026-0931").exists()
    # ... and load once the service is there.
    monkeypatch.setattr(demo_orders, "service", real)
    demo.demo_load()
    assert Order.objects.filter(customer_reference="QT-DL-2026-0931", state=OrderState.APPROVED).count() == 1
