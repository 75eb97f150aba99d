"""common/refdata.py: reference data kept per process behind a version that database triggers move on every
write of its tables (however written: ORM, bulk update, raw SQL), trusted only inside the block whose lock read
it. The approvals that use it are tested in fulfilment/tests/test_refdata.py."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.checks import run_checks
from django.db import connection, transaction
from django.test.utils import override_settings

from ordertaking.common import refdata
from ordertaking.common.models import RefDataVersion
from ordertaking.common.refdata import (
    RefdataMismatch,
    refdata_adopt,
    refdata_annotations,
    refdata_cached,
    refdata_models,
    refdata_triggers_ensure,
    refdata_triggers_missing,
    refdata_version,
)
from ordertaking.fulfilment.models import AssignmentRule, Holiday

pytestmark = pytest.mark.django_db


def version() -> int:
    return RefDataVersion.objects.get(key=refdata.KEY).n


def adopt() -> int:
    """What an order's lock does: read the version as a column, adopt it (inside an atomic block)."""
    row = RefDataVersion.objects.annotate(**refdata_annotations()).get(key=refdata.KEY)
    refdata_adopt(row)
    return row.refdata_version  # type: ignore[attr-defined,no-any-return]


def moves(write) -> bool:  # type: ignore[no-untyped-def]
    before = version()
    write()
    return version() != before


def raw(sql: str, params: list | None = None) -> None:  # type: ignore[type-arg]
    with connection.cursor() as cur:
        cur.execute(sql, params or [])


class Loader:
    def __init__(self, value) -> None:  # type: ignore[no-untyped-def]
        self.value, self.calls = value, 0

    def __call__(self):  # type: ignore[no-untyped-def]
        self.calls += 1
        return self.value


def test_the_triggers_are_in_place_after_migrate_on_every_table_the_apps_named():
    assert refdata_triggers_missing() == []
    tables = {s.table for s in refdata.refdata_sources()}
    assert {"fulfilment_holiday", "fulfilment_assignmentrule", "accounts_user", "accounts_user_groups", "auth_group",
            "auth_group_permissions", "auth_permission", "django_content_type"} <= tables


def test_p2_4_a_a_calendar_day_written_any_way_moves_the_version():
    day = Holiday.objects.create(date=date(2031, 5, 1), kind="holiday", name="劳动节")  # warm: the row exists
    assert moves(lambda: Holiday.objects.create(date=date(2031, 5, 2), kind="holiday", name="劳动节"))
    assert moves(lambda: Holiday.objects.filter(pk=day.pk).update(kind="workday"))
    assert moves(lambda: Holiday.objects.filter(date__year=2031).update(name="五一"))  # a bulk update
    assert moves(lambda: raw("INSERT INTO fulfilment_holiday (date, kind, name) VALUES (%s, %s, %s)",
                             [date(2031, 5, 3), "holiday", "劳动节"]))
    assert moves(lambda: raw("UPDATE fulfilment_holiday SET date = %s WHERE date = %s",
                             [date(2031, 5, 4), date(2031, 5, 3)]))
    assert moves(lambda: raw("DELETE FROM fulfilment_holiday WHERE date = %s", [date(2031, 5, 4)]))
    assert moves(lambda: Holiday.objects.filter(date__year=2031).delete())


def test_p2_4_a_round_robin_moving_its_pointer_does_not_move_the_version(production_user, logistics_user):
    rule = AssignmentRule.objects.create(name="质检轮流", task_kind="inspection", department="production",
                                         strategy="round_robin")
    assert not moves(lambda: AssignmentRule.objects.filter(pk=rule.pk).update(last_assignee_id=production_user.pk))
    assert not moves(lambda: raw("UPDATE fulfilment_assignmentrule SET last_assignee_id = %s WHERE id = %s",
                                 [logistics_user.pk, rule.pk]))
    assert moves(lambda: AssignmentRule.objects.filter(pk=rule.pk).update(active=False))
    assert moves(lambda: raw("UPDATE fulfilment_assignmentrule SET department = 'logistics' WHERE id = %s",
                             [rule.pk]))
    assert moves(lambda: AssignmentRule.objects.filter(pk=rule.pk).delete())


def test_p3_who_is_in_a_department_moves_the_version_a_sign_in_does_not(production_user):
    from django.utils import timezone

    group = Group.objects.get(name="production")
    assert not moves(lambda: type(production_user).objects.filter(pk=production_user.pk)
                     .update(last_login=timezone.now()))
    assert moves(lambda: type(production_user).objects.filter(pk=production_user.pk).update(is_active=False))
    assert moves(lambda: raw("UPDATE accounts_user SET is_active = %s WHERE id = %s", [True, production_user.pk]))
    assert moves(lambda: type(production_user).objects.filter(pk=production_user.pk).update(email="p@x.example"))
    assert moves(lambda: production_user.groups.remove(group))
    assert moves(lambda: production_user.groups.add(group))
    assert moves(lambda: raw("DELETE FROM accounts_user_groups WHERE user_id = %s", [production_user.pk]))
    # role_members(..., capability=) joins the group's permissions, the permission and its content type.
    perm = Permission.objects.get(codename="order_review", content_type__app_label="accounts")
    assert moves(lambda: group.permissions.add(perm))
    assert moves(lambda: group.permissions.remove(perm))
    assert moves(lambda: Group.objects.filter(pk=group.pk).update(name="production2"))
    assert moves(lambda: Permission.objects.filter(pk=perm.pk).update(codename="order_review2"))


def test_a_version_undone_by_a_rollback_never_comes_back():
    seen = []
    try:
        with transaction.atomic():
            Holiday.objects.create(date=date(2031, 6, 1), kind="holiday", name="x")
            seen.append(version())
            raise RuntimeError
    except RuntimeError:
        pass
    Holiday.objects.create(date=date(2031, 6, 2), kind="holiday", name="y")
    # A value read (and maybe cached) inside the rolled-back block must not name other data later.
    assert version() not in seen


def test_outside_an_adopted_block_nothing_is_cached():
    loader = Loader((1, 2))
    refdata_cached("test.outside", loader)
    with transaction.atomic():
        refdata_cached("test.outside", loader)
        refdata_cached("test.outside", loader)
    assert loader.calls == 3


@override_settings(ORDERTAKING_REFDATA_CHECK=False)
def test_inside_adopted_blocks_at_one_version_the_loader_runs_once():
    loader = Loader((1, 2))
    with transaction.atomic():
        adopt()
        assert refdata_cached("test.once", loader) == (1, 2)
        assert refdata_cached("test.once", loader) == (1, 2)
    with transaction.atomic():  # another block at the same version: still the process's value
        adopt()
        refdata_cached("test.once", loader)
    assert loader.calls == 1
    Holiday.objects.create(date=date(2031, 7, 1), kind="holiday", name="x")
    with transaction.atomic():
        adopt()
        refdata_cached("test.once", loader)
    assert loader.calls == 2


@override_settings(ORDERTAKING_REFDATA_CHECK=False)
def test_an_adoption_ends_with_its_block_and_with_a_rolled_back_savepoint():
    loader = Loader(("a",))
    with transaction.atomic():
        with transaction.atomic():
            adopt()
            assert refdata_version() is not None
        # The block that read the version is over: its caller may have changed the data since.
        assert refdata_version() is None
        refdata_cached("test.scope", loader)
    assert loader.calls == 1  # loaded, not cached
    with transaction.atomic():
        adopt()
        try:
            with transaction.atomic():
                adopt()
                raise RuntimeError
        except RuntimeError:
            pass
        assert refdata_version() is None  # the marker went with the savepoint
    assert refdata_version() is None


@override_settings(ORDERTAKING_REFDATA_CHECK=False)
def test_cached_models_are_each_callers_own_copies(production_user):
    def members():  # type: ignore[no-untyped-def]
        return type(production_user).objects.filter(pk=production_user.pk).defer("last_login")

    with transaction.atomic():
        adopt()
        first = refdata_models("test.copies", members)
        first[0].display_name = "changed by a caller"
        second = refdata_models("test.copies", members)
    assert second[0].display_name == production_user.display_name
    assert second[0] is not first[0]


def test_the_check_fails_a_cache_hit_that_differs_from_a_fresh_read():
    with transaction.atomic():
        adopt()
        refdata_cached("test.check", lambda: frozenset({1}))
        assert refdata_cached("test.check", lambda: frozenset({1})) == frozenset({1})
        with pytest.raises(RefdataMismatch):
            refdata_cached("test.check", lambda: frozenset({1, 2}))


def test_a_dropped_trigger_is_reported_and_recreated_by_migrate_which_moves_the_version():
    with connection.cursor() as cur:
        wanted = refdata._wanted(connection, cur, set(connection.introspection.table_names(cur)))
    name = next(n for n, (table, _sql) in wanted.items() if table == "fulfilment_holiday")
    raw(f"DROP TRIGGER {name}" + (" ON fulfilment_holiday" if connection.vendor == "postgresql" else ""))
    assert refdata_triggers_missing() == [name]
    assert [w.id for w in run_checks(tags=["refdata"])] == ["ordertaking.W002"]
    before = version()
    assert refdata_triggers_ensure() == [name]
    assert refdata_triggers_missing() == [] and run_checks(tags=["refdata"]) == []
    assert version() != before
    assert moves(lambda: Holiday.objects.create(date=date(2031, 8, 1), kind="holiday", name="x"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_runtime_role_moves_the_version_and_cannot_switch_its_triggers_off():
    """The application connected as the runtime role (docs/deploy.md; audit.triggers.runtime_role_grant) writes
    a calendar day: the trigger moves the version with the role's own grants (the table, the sequence). Not
    owning the tables, the role cannot disable the triggers that keep the cache honest."""
    import uuid

    import psycopg

    from ordertaking.audit.triggers import runtime_role_grant

    role = f"ot_runtime_{uuid.uuid4().hex[:10]}"
    raw(f"CREATE ROLE {role} LOGIN PASSWORD 'runtime-test'")
    try:
        runtime_role_grant(role)
        params = connection.get_connection_params()
        info = {"host": params.get("host") or "127.0.0.1", "port": params.get("port") or 5432,
                "dbname": params["dbname"], "user": role, "password": "runtime-test"}
        before = version()
        with psycopg.connect(**info) as conn, conn.cursor() as cur:
            cur.execute("INSERT INTO fulfilment_holiday (date, kind, name) VALUES ('2031-10-09', 'holiday', 'x')")
        assert version() != before
        with psycopg.connect(**info) as conn, conn.cursor() as cur, \
                pytest.raises(psycopg.errors.InsufficientPrivilege):
            cur.execute("ALTER TABLE fulfilment_holiday DISABLE TRIGGER ALL")
    finally:
        raw(f"DROP OWNED BY {role}")
        raw(f"DROP ROLE {role}")
