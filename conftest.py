"""Shared fixtures: one named user per role of P3, a small catalog, a customer.

Tests that need PostgreSQL (row locks, concurrency) are marked `postgres` and are
skipped, with a message saying how to run them, when the suite runs on SQLite.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from ordertaking.accounts.roles import Role

# Property tests run on a shared 2-core machine in CI: a slow example there is load, not a bug, so
# neither the per-example deadline nor the "too slow" health check may fail a run. Each test keeps
# its own number of examples.
hypothesis_settings.register_profile("ordertaking", deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
hypothesis_settings.load_profile("ordertaking")


def pytest_configure(config):  # type: ignore[no-untyped-def]
    """Almost every test creates users, and Argon2 costs tens of milliseconds per hash while proving
    nothing there. Production keeps Argon2 (settings.py; accounts/tests/test_passwords.py checks it)."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every prepared read (common/prepared.py) is checked against the queryset it stands for, in every test.
    settings.ORDERTAKING_PREPARED_CHECK = True
    # Every hit of the reference data cache (common/refdata.py) is compared with a fresh read, in every test.
    settings.ORDERTAKING_REFDATA_CHECK = True


@pytest.fixture(autouse=True, scope="session")
def _jobs_run_inline():  # type: ignore[no-untyped-def]
    """Tasks queued by the code under test (mail after commit, ...) run at once, in memory, instead of
    waiting in var/huey.sqlite3 for a worker; common/tests/test_mail.py turns this off to queue for real."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgresql://postgres@127.0.0.1/ot")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


def _needs_flush(request) -> bool:  # type: ignore[no-untyped-def]
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (len(marker.args) > 0 and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _audit_guard(request):  # type: ignore[no-untyped-def]
    """Transactional tests end with a flush that deletes every row, audit events included.
    The append-only triggers (audit migration 0002) would refuse that, so the guard is
    lowered just for the flush and raised again for the next test."""
    if not _needs_flush(request):
        yield
        return
    request.getfixturevalue("_django_db_helper")
    yield
    from django.db import connections

    for conn in connections.all():
        with conn.cursor() as cur:
            cur.execute("UPDATE audit_guard SET enabled = 0")


DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}


@pytest.fixture(autouse=True)
def _db_baseline(request):  # type: ignore[no-untyped-def]
    """What every database test may rely on, whatever ran before it: the audit guard is up
    and the role groups of P3 exist. A transactional test's closing flush empties every
    Django table, the groups the roles migration made included; without this, a test that
    runs after one on the same database would meet users with no permissions."""
    uses_db = request.node.get_closest_marker("django_db") or DB_FIXTURES & set(request.fixturenames)
    if uses_db:
        request.getfixturevalue("_django_db_helper")
        from django.contrib.auth.models import Group

        from ordertaking.accounts.roles import sync_roles

        with connection.cursor() as cur:
            cur.execute("UPDATE audit_guard SET enabled = 1")
        if Group.objects.count() < len(Role):
            # A flush emptied the tables the migrations filled: the groups and the scorecard in force.
            from ordertaking.credit.services import scorecard_policy_seed

            sync_roles()
            scorecard_policy_seed()
    yield


@pytest.fixture
def make_user(db):  # type: ignore[no-untyped-def]
    from ordertaking.accounts.services import user_create

    def make(username: str, *roles: Role | str, display_name: str = "", region: str = ""):  # type: ignore[no-untyped-def]
        return user_create(username=username, password="Test-pass-2026!", roles=[str(r) for r in roles],
                           display_name=display_name or username, region=region)

    return make


@pytest.fixture
def sales_rep(make_user):  # type: ignore[no-untyped-def]
    return make_user("sales1", Role.SALES, display_name="王销售")


@pytest.fixture
def sales_rep2(make_user):  # type: ignore[no-untyped-def]
    return make_user("sales2", Role.SALES, display_name="李销售")


@pytest.fixture
def cs_agent(make_user):  # type: ignore[no-untyped-def]
    return make_user("cs1", Role.CUSTOMER_SERVICE, display_name="赵客服")


@pytest.fixture
def reviewer(make_user):  # type: ignore[no-untyped-def]
    return make_user("center1", Role.ORDER_CENTER, display_name="钱审核")


@pytest.fixture
def reviewer2(make_user):  # type: ignore[no-untyped-def]
    return make_user("center2", Role.ORDER_CENTER, display_name="孙审核")


@pytest.fixture
def leader(make_user):  # type: ignore[no-untyped-def]
    return make_user("leader1", Role.LEADERSHIP, display_name="周总")


@pytest.fixture
def finance_user(make_user):  # type: ignore[no-untyped-def]
    return make_user("finance1", Role.FINANCE, display_name="吴财务")


@pytest.fixture
def auditor(make_user):  # type: ignore[no-untyped-def]
    return make_user("auditor1", Role.AUDITOR, display_name="郑审计")


@pytest.fixture
def production_user(make_user):  # type: ignore[no-untyped-def]
    return make_user("prod1", Role.PRODUCTION, display_name="冯生产")


@pytest.fixture
def logistics_user(make_user):  # type: ignore[no-untyped-def]
    return make_user("logi1", Role.LOGISTICS, display_name="陈物流")


@pytest.fixture
def admin_user_role(make_user):  # type: ignore[no-untyped-def]
    return make_user("admin1", Role.ADMIN, display_name="管理员")


@pytest.fixture
def catalog(db):  # type: ignore[no-untyped-def]
    """A small catalog: two products, one service, three regions, three payment methods."""
    from ordertaking.catalog.models import Category, PaymentMethod, Product, Region

    cat = Category.objects.create(code="MOT", name="电机")
    svc = Category.objects.create(code="SVC", name="服务")
    products = {
        "motor": Product.objects.create(code="MOT-001", name="三相异步电机", specification="Y2-132M-4 7.5kW",
                                        unit="台", category=cat, list_price=Decimal("3200.00"),
                                        floor_price=Decimal("2800.00"), needs_production=True,
                                        production_lead_days=10),
        "reducer": Product.objects.create(code="RED-001", name="齿轮减速机", specification="R87 i=20",
                                          unit="台", category=cat, list_price=Decimal("5600.00"),
                                          floor_price=Decimal("5000.00")),
        "install": Product.objects.create(code="SVC-INST", name="现场安装调试", specification="每台",
                                          unit="次", kind=Product.Kind.SERVICE, category=svc,
                                          list_price=Decimal("800.00"), floor_price=Decimal("600.00"),
                                          tax_rate=6),
        "retired": Product.objects.create(code="OLD-001", name="停产电机", unit="台", category=cat,
                                          list_price=Decimal("1000.00"), floor_price=Decimal("900.00"),
                                          active=False),
    }
    regions = {
        "sh": Region.objects.create(code="SH", name="上海市", transit_days=1),
        "gd": Region.objects.create(code="GD", name="广东省", transit_days=3),
        "xz": Region.objects.create(code="XZ", name="西藏自治区", transit_days=10, served=False),
    }
    payments = {
        "prepay": PaymentMethod.objects.create(code="PREPAY", name="预付款", kind="prepayment", open_to_all=True),
        "cod": PaymentMethod.objects.create(code="COD", name="货到付款", kind="cod", open_to_all=True),
        "net30": PaymentMethod.objects.create(code="NET30", name="月结30天", kind="credit", term_days=30),
    }
    return {"products": products, "regions": regions, "payments": payments,
            "categories": {"motor": cat, "service": svc}}






@pytest.fixture
def customer(catalog, sales_rep):  # type: ignore[no-untyped-def]
    from ordertaking.customers.models import Contact, Customer, CustomerAddress
    from ordertaking.customers.rules import credit_code_check_char

    base = "91310115MA1K3YJ2"
    code = base + "0"
    code = code[:17] + credit_code_check_char(code[:17])
    c = Customer.objects.create(name="上海浦江机械有限公司", credit_code=code, industry="机械制造",
                                size=Customer.Size.MEDIUM, region=catalog["regions"]["sh"], city="上海市",
                                status=Customer.Status.ACTIVE, sales_rep=sales_rep, created_by=sales_rep)
    CustomerAddress.objects.create(customer=c, region=catalog["regions"]["sh"], city="上海市",
                                   detail="浦东新区张江路100号", is_default=True)
    Contact.objects.create(customer=c, name="刘经理", phone="13812345678", email="liu@pujiang.example.cn",
                           is_primary=True)
    return c


@pytest.fixture
def far_date():  # type: ignore[no-untyped-def]
    from django.utils import timezone

    return timezone.localdate() + timedelta(days=30)


@pytest.fixture
def make_order(catalog, customer, sales_rep, make_user):  # type: ignore[no-untyped-def]
    """Orders in any state, built through the real services (tests/factories.py)."""
    from tests.factories import OrderFactory

    return OrderFactory(catalog=catalog, customer=customer, sales_rep=sales_rep, make_user=make_user)
