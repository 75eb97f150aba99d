"""An API request reads its token, its user, the user's permissions and roles in ONE statement, and the
checks the request then makes read nothing more (issue 14: the per-request permission set and the token
lookup in one query) — with the same answers as Django's own two-query lookup (P3)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ordertaking.accounts.models import User
from ordertaking.accounts.roles import Role
from ordertaking.accounts.services import api_token_authenticate, api_token_issue, user_create

pytestmark = pytest.mark.django_db


def test_p3_a_token_user_permissions_and_roles_come_in_one_statement():
    user = user_create(username="rep_tok", password="Kf7-ordertaking-2026",
                       roles=[Role.SALES, Role.CUSTOMER_SERVICE], display_name="代表")
    user.user_permissions.add(Permission.objects.get(codename="view_order", content_type__app_label="orders"))
    _tok, raw = api_token_issue(user=user, name="t", actor=user)
    expected = User.objects.get(pk=user.pk)  # Django's own lookup, on a fresh instance
    with CaptureQueriesContext(connection) as q:
        authed = api_token_authenticate(raw)
        assert authed is not None
        perms = authed.get_all_permissions()
        roles = authed.role_names
        allowed = authed.has_perm("accounts.order_enter") and authed.has_role(Role.SALES)
        refused = authed.has_perm("accounts.order_review")
    lookups = [x for x in q.captured_queries if not x["sql"].startswith("UPDATE")]  # last_used_at, once a minute
    assert len(lookups) == 1
    assert perms == expected.get_all_permissions() and "orders.view_order" in perms
    assert roles == sorted([str(Role.SALES), str(Role.CUSTOMER_SERVICE)]) == expected.role_names
    assert allowed and not refused


def test_p3_a_a_user_without_roles_or_permissions_gets_none_from_the_token():
    user = user_create(username="nobody_tok", password="Kf7-ordertaking-2026", roles=[], display_name="无")
    _tok, raw = api_token_issue(user=user, name="t", actor=user)
    authed = api_token_authenticate(raw)
    assert authed is not None
    assert authed.get_all_permissions() == set() and authed.role_names == []
