"""P3: the roles of the regulation exist as groups holding exactly the capabilities of roles.py.

The expected sets are written out here, independently of CAPABILITIES, so a change to the
table that nobody meant shows up as a failing test naming the role and clause.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from ordertaking.accounts.roles import CAPABILITIES, Role, perm, sync_roles


def _group_caps(role: Role) -> set[str]:
    group = Group.objects.get(name=role.value)
    return set(group.permissions.filter(content_type__app_label="accounts").values_list("codename", flat=True))


EXPECTED: dict[Role, set[str]] = {
    Role.SALES: {"acceptance_issue_handle", "compensation_request", "complaint_record", "consent_record",
                 "contingency_plan_record", "customer_manage", "customer_view", "delivery_record",
                 "inquiry_handover", "inquiry_record", "kpi_view_own", "order_enter", "portal_link_manage",
                 "production_view", "rectification_work", "special_approval_request"},
    Role.CUSTOMER_SERVICE: {"acceptance_issue_handle", "complaint_handle", "complaint_record", "consent_record",
                            "customer_manage", "customer_view", "customer_view_all", "feedback_view_all",
                            "inquiry_handover", "inquiry_record", "inquiry_view_all", "kpi_view_own",
                            "order_view_all", "portal_link_manage", "rectification_work", "task_work"},
    Role.ORDER_CENTER: {"acceptance_issue_handle", "assignment_rule_manage", "compensation_request",
                        "complaint_handle", "contingency_plan_record", "customer_manage", "customer_view",
                        "customer_view_all", "delivery_record", "feedback_view_all", "floor_price_view",
                        "kpi_view_own", "logistics_view", "order_cancel_agree", "order_enter", "order_manage_all",
                        "order_review", "order_view_all", "portal_link_manage", "production_view",
                        "rectification_work", "special_approval_request", "statistics_view", "task_assign",
                        "task_view_all"},
    Role.PRODUCTION: {"acceptance_issue_handle", "kpi_view_own", "order_view_all", "production_manage",
                      "production_view", "quality_inspect", "rectification_work", "task_work"},
    Role.LOGISTICS: {"kpi_view_own", "logistics_manage", "logistics_view", "order_view_all", "production_view",
                     "rectification_work", "task_work"},
    Role.FINANCE: {"credit_evaluate", "credit_evaluation_approve", "credit_release", "customer_view",
                   "customer_view_all", "finance_manage", "finance_policy_manage", "finance_view",
                   "floor_price_view", "kpi_view_own", "order_view_all", "rectification_work", "statistics_view"},
    Role.LEADERSHIP: {"audit_view", "compensation_approve", "confidential_access_decide",
                      "compliance_review_manage", "compliance_review_view", "credit_evaluation_approve",
                      "credit_release_unlimited", "customer_tier_manage", "customer_view", "customer_view_all",
                      "feedback_view_all", "finance_policy_approve", "finance_view", "floor_price_view",
                      "inquiry_view_all", "inspection_view", "kpi_target_manage", "kpi_view_all",
                      "legal_rule_manage", "logistics_view", "order_cancel_agree_above", "order_view_all",
                      "production_view", "reveal_log_view", "special_approval_decide", "statistics_view",
                      "task_view_all", "whistleblowing_oversee"},
    Role.AUDITOR: {"audit_verify", "audit_view", "compliance_review_view", "customer_view", "customer_view_all",
                   "feedback_view_all", "finance_view", "inquiry_view_all", "inspection_manage", "inspection_view",
                   "kpi_view_all", "logistics_view", "order_view_all", "production_view", "reveal_log_view",
                   "statistics_view", "task_view_all"},
    Role.LEGAL: {"compliance_review_manage", "compliance_review_view", "legal_review", "order_view_all"},
    Role.INVESTIGATOR: {"whistleblowing_investigate"},
    Role.ADMIN: {"audit_view", "calendar_manage", "catalog_manage", "customer_manage", "customer_view",
                 "customer_view_all", "floor_price_view", "user_manage"},
}


def _expected_from_table(role: Role) -> set[str]:
    return {c for c, (_d, roles, _cl) in CAPABILITIES.items() if role in roles}


@pytest.mark.django_db
def test_p3_every_role_exists_as_a_group_after_migrate():
    assert {r.value for r in Role} <= set(Group.objects.values_list("name", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_p3_each_group_holds_exactly_the_capabilities_of_the_table(role):
    assert _group_caps(role) == _expected_from_table(role)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "clause"), [(Role.SALES, "P3.1"), (Role.CUSTOMER_SERVICE, "P3.2"),
                                              (Role.ORDER_CENTER, "P3.3"), (Role.PRODUCTION, "P3.4"),
                                              (Role.LOGISTICS, "P3.5"), (Role.FINANCE, "P3.6"),
                                              (Role.LEADERSHIP, "P2.3.c"), (Role.AUDITOR, "P6.1"),
                                              (Role.ADMIN, "P3")], ids=lambda v: str(v))
def test_p3_1_to_p3_6_the_table_gives_each_role_its_duties_and_nothing_more(role, clause):
    assert _expected_from_table(role) == EXPECTED[role], f"{clause}: {role.value} capabilities changed"


@pytest.mark.django_db
def test_p3_3_only_the_order_processing_center_reviews_orders():
    holders = {g.name for g in Group.objects.filter(permissions__codename="order_review")}
    assert holders == {Role.ORDER_CENTER.value}


@pytest.mark.django_db
def test_p2_3_c_only_leadership_decides_special_approval():
    holders = {g.name for g in Group.objects.filter(permissions__codename="special_approval_decide")}
    assert holders == {Role.LEADERSHIP.value}


@pytest.mark.django_db
def test_p3_1_a_sales_rep_may_enter_orders_but_not_review_them(sales_rep):
    assert sales_rep.has_perm(perm("order_enter"))
    assert not sales_rep.has_perm(perm("order_review"))
    assert not sales_rep.has_perm(perm("audit_view"))


@pytest.mark.django_db
def test_p3_sync_roles_removes_a_capability_added_by_hand():
    from django.contrib.auth.models import Permission

    group = Group.objects.get(name=Role.PRODUCTION.value)
    group.permissions.add(Permission.objects.get(codename="order_review"))
    sync_roles()
    assert _group_caps(Role.PRODUCTION) == EXPECTED[Role.PRODUCTION]


def test_p3_asking_for_an_unknown_capability_is_an_error_not_a_silent_no():
    with pytest.raises(KeyError):
        perm("order_delete")


@pytest.mark.django_db
def test_p3_a_users_permissions_come_from_their_roles_and_their_own_grants_in_one_query(make_user):
    """The permission check behind every page and API call (accounts/backends.py): role (group)
    permissions and directly granted ones together, read once per request in one query."""
    from django.contrib.auth.models import Permission
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ordertaking.accounts.models import User

    user = make_user("rep_perm", Role.SALES)
    user.user_permissions.add(Permission.objects.get(codename="audit_view"))
    fresh = User.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as ctx:
        assert fresh.has_perm(perm("order_enter"))  # through the SALES role
        assert fresh.has_perm(perm("audit_view"))  # granted to the user
        assert not fresh.has_perm(perm("order_review"))
        assert fresh.get_all_permissions() >= {perm("order_enter"), perm("audit_view")}
    assert len(ctx.captured_queries) == 1
    fresh.is_active = False
    assert not fresh.has_perm(perm("order_enter"))
