"""Administrators administer; they don't do business (P3, issue 8). Superuser status grants no
business capability; role grants, (de)activations and token issue/revoke are audit events with the
real actor, through the Django admin and the console alike; tokens expire."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from ordertaking import cli
from ordertaking.accounts.models import ApiToken, User
from ordertaking.accounts.roles import CAPABILITIES, Role
from ordertaking.accounts.services import api_token_authenticate, api_token_issue, user_create
from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import PermissionDenied

pytestmark = pytest.mark.django_db

BUSINESS = sorted(c for c, (_d, roles, _cl) in CAPABILITIES.items() if Role.ADMIN not in roles)


@pytest.fixture
def root(db):  # type: ignore[no-untyped-def]
    """The administrator as the console makes them: the admin role and a Django superuser."""
    return user_create(username="root", password="Kf7-ordertaking-2026", roles=[Role.ADMIN],
                       display_name="系统管理员", is_superuser=True)


@pytest.mark.parametrize("capability", BUSINESS)
def test_P3_a_superuser_holds_no_business_capability(root, capability):
    assert not root.has_perm(f"accounts.{capability}")


def test_P3_a_superuser_keeps_administration_and_the_admin_site(root, client):
    for capability in ("user_manage", "catalog_manage", "audit_view"):
        assert root.has_perm(f"accounts.{capability}")
    assert root.has_perm("orders.view_order") and root.has_perm("auth.change_group")
    client.force_login(root)
    assert client.get("/admin/").status_code == 200


def test_P2_3_c_a_superuser_cannot_approve_an_order(root, make_order):
    from ordertaking.review.services import order_approve

    order = make_order()
    with pytest.raises(PermissionDenied):
        order_approve(order=order, actor=root)


def test_P3_a_superuser_with_a_business_role_gets_only_that_role(make_user):
    boss = user_create(username="root2", password="Kf7-ordertaking-2026", roles=[Role.ADMIN, Role.LEADERSHIP],
                       is_superuser=True)
    assert boss.has_perm("accounts.special_approval_decide")
    assert not boss.has_perm("accounts.order_review")


def _change_user(client, user, **overrides):  # type: ignore[no-untyped-def]
    data = {"username": user.username, "first_name": "", "last_name": "", "email": user.email,
            "is_active": "on" if user.is_active else "", "is_staff": "on" if user.is_staff else "",
            "groups": [g.pk for g in user.groups.all()], "user_permissions": [],
            "last_login_0": "", "last_login_1": "",
            "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
            "display_name": user.display_name, "phone": "", "region": ""}
    data.update(overrides)
    data = {k: v for k, v in data.items() if v != ""}
    return client.post(f"/admin/accounts/user/{user.pk}/change/", data)


def test_P3_role_grants_and_deactivation_in_the_django_admin_are_audited_with_the_administrator(
        client, root, sales_rep):
    client.force_login(root)
    finance = Group.objects.get(name=Role.FINANCE)
    r = _change_user(client, sales_rep, groups=[finance.pk])
    assert r.status_code == 302, r.content.decode()[:2000]
    ev = AuditEvent.objects.get(action="user.roles_changed", subject_id=str(sales_rep.pk))
    assert ev.actor == root
    assert ev.before == {"roles": ["sales"]} and ev.after == {"roles": ["finance"]}
    sales_rep.refresh_from_db()
    r = _change_user(client, sales_rep, is_active="")
    assert r.status_code == 302
    ev = AuditEvent.objects.get(action="user.deactivated", subject_id=str(sales_rep.pk))
    assert ev.actor == root


def test_P3_the_token_admin_cannot_move_a_token_or_undo_a_revocation(client, root, sales_rep, sales_rep2):
    token, _raw = api_token_issue(user=sales_rep, name="ERP", actor=sales_rep)
    client.force_login(root)
    r = client.post(f"/admin/accounts/apitoken/{token.pk}/change/",
                    {"name": "ERP", "user": sales_rep2.pk, "revoked_at_0": "", "revoked_at_1": ""})
    assert r.status_code in (302, 200)
    token.refresh_from_db()
    assert token.user == sales_rep
    r = client.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert r.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.get(action="api_token.revoked").actor == root
    client.post(f"/admin/accounts/apitoken/{token.pk}/change/", {"name": "ERP", "revoked_at_0": "",
                                                                 "revoked_at_1": ""})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403


def test_P3_tokens_expire_after_the_configured_days_and_then_answer_401(client, settings, auditor):
    settings.ORDERTAKING_TOKEN_DAYS = 30
    token, raw = api_token_issue(user=auditor, name="script", actor=auditor)
    assert abs((token.expires_at - timezone.now()) - timedelta(days=30)) < timedelta(minutes=1)
    assert client.get("/api/v1/audit/events", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api_token_authenticate(raw) is None
    r = client.get("/api/v1/audit/events", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 401


def test_P3_the_console_records_the_administrator_who_issued_a_token(capsys, root, sales_rep):
    assert cli.main(["issue-token", sales_rep.username, "--name", "ERP sync", "--by", root.username]) == 0
    ev = AuditEvent.objects.get(action="api_token.issued")
    assert ev.actor == root and ev.subject_id == str(sales_rep.pk)


def test_P3_the_console_refuses_to_issue_a_token_without_an_administrator(capsys, monkeypatch, sales_rep):
    monkeypatch.setattr("getpass.getuser", lambda: "nobody-here")
    assert cli.main(["issue-token", sales_rep.username, "--name", "x"]) == 2
    assert "--by" in capsys.readouterr().err
    assert cli.main(["issue-token", sales_rep.username, "--name", "x", "--by", sales_rep.username]) == 2
    assert not ApiToken.objects.exists()


def test_P3_the_console_records_who_created_a_user_once_an_administrator_exists(capsys, monkeypatch, root):
    monkeypatch.setattr("getpass.getuser", lambda: "root")  # the OS user maps to the admin account
    assert cli.main(["create-user", "ann", "--role", "sales", "--password", "Kf7-ordertaking-2026"]) == 0
    assert AuditEvent.objects.get(action="user.created", subject_label="ann").actor == root
    assert User.objects.filter(username="ann").exists()
