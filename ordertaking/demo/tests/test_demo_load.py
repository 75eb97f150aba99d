"""Loading the demo (ordertaking load-demo): once, and again without duplicates."""

from __future__ import annotations

import pytest
from django.apps import apps

from ordertaking import cli
from ordertaking.demo import loader as demo
from ordertaking.demo import orders as demo_orders
from ordertaking.orders.models import Order
from ordertaking.orders.states import EXECUTION_STATES, OrderState

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models() if m._meta.managed}


def test_loading_the_demo_twice_adds_nothing(capsys):
    assert cli.main(["load-demo"]) == 0
    first = _counts()
    out = capsys.readouterr().out
    assert "Demo logins" in out and demo.DEMO_PASSWORD in out
    # the roles in words, both languages, never the stored keys (customer_service, order_center)
    assert "Customer service 客服部门" in out and "Order processing center 订单处理中心" in out
    assert "customer_service" not in out and "order_center" not in out
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
    # approved, and perhaps already in execution: the demo starts work on approved orders (P2.4.a)
    assert Order.objects.filter(customer_reference="HCGW-CG-2026-0452", state__in=EXECUTION_STATES).count() == 1


def test_load_demo_refuses_in_production_mode_and_writes_nothing(settings, capsys):
    settings.ORDERTAKING_PRODUCTION = True
    before = _counts()
    assert cli.main(["load-demo"]) == 1
    err = capsys.readouterr().err
    assert "refused" in err and "ORDERTAKING_PRODUCTION" in err
    assert _counts() == before


def test_load_demo_refuses_a_database_holding_real_users(capsys):
    from ordertaking.accounts.services import user_create

    user_create(username="wang", password="Kf7-ordertaking-2026", roles=["sales"], display_name="王芳")
    # a real administrator named like the demo's is real too: it lacks the demo address
    user_create(username="admin", password="Kf7-ordertaking-2026", roles=["admin"], display_name="管理员")
    before = _counts()
    assert cli.main(["load-demo"]) == 1
    err = capsys.readouterr().err
    assert "refused" in err and "admin, wang" in err
    assert _counts() == before


def test_serve_beyond_localhost_warns_loudly_while_demo_logins_are_open(monkeypatch, capsys):
    import os

    monkeypatch.setattr(cli, "bind_busy", lambda bind: None)
    monkeypatch.setattr(os, "execv", lambda path, argv: None)
    monkeypatch.setattr(demo, "USERS", [u for u in demo.USERS if u[0] in ("admin", "sales1")])
    demo.load_users(demo.DemoContext())
    assert cli.main(["serve", "--bind", "127.0.0.1:8000"]) == 0
    assert "WARNING" not in capsys.readouterr().err
    assert cli.main(["serve", "--bind", "0.0.0.0:8000"]) == 0
    err = capsys.readouterr().err
    assert "WARNING" in err and "admin, sales1" in err and demo.DEMO_PASSWORD in err
    from ordertaking.accounts.models import User

    for u in User.objects.all():
        u.set_password("Kf7-ordertaking-2026")
        u.save()
    assert cli.main(["serve", "--bind", "0.0.0.0:8000"]) == 0
    assert "WARNING" not in capsys.readouterr().err


def test_the_demo_logins_line_up_in_a_terminal_with_chinese_names() -> None:
    from ordertaking.demo.management.commands.load_demo import _display_width

    assert _display_width("investigator1") == 13
    assert _display_width("系统管理员") == 10  # five characters, two columns each
