"""The roles of P3 and what each may do: the permission table *is* the policy.

Each role is a Django group; each capability a permission on `accounts.Policy`.
`sync_roles()` makes the database match this table; migrations call it, so the
groups exist on every fresh database.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import pgettext_lazy


class Role(StrEnum):
    SALES = "sales"  # P3.1 销售部门
    CUSTOMER_SERVICE = "customer_service"  # P3.2 客服部门
    ORDER_CENTER = "order_center"  # P3.3 订单处理中心
    PRODUCTION = "production"  # P3.4 生产部门
    LOGISTICS = "logistics"  # P3.5 物流部门
    FINANCE = "finance"  # P3.6 财务部门
    LEADERSHIP = "leadership"  # P2.3.c 领导 (special approval)
    AUDITOR = "auditor"  # P6.1 审计/监督小组
    LEGAL = "legal"  # P5.3 法律顾问 (legal review, compliance reviews)
    INVESTIGATOR = "investigator"  # P6.1.b designated investigators of whistleblowing reports 举报调查
    ADMIN = "admin"  # system administrator (master data, users)


# A role name has its own context: "Production" the department is not "Production" the catalog flag.
ROLE_LABELS = {
    Role.SALES: pgettext_lazy("role", "Sales"),
    Role.CUSTOMER_SERVICE: pgettext_lazy("role", "Customer service"),
    Role.ORDER_CENTER: pgettext_lazy("role", "Order processing center"),
    Role.PRODUCTION: pgettext_lazy("role", "Production"),
    Role.LOGISTICS: pgettext_lazy("role", "Logistics"),
    Role.FINANCE: pgettext_lazy("role", "Finance"),
    Role.LEADERSHIP: pgettext_lazy("role", "Leadership"),
    Role.AUDITOR: pgettext_lazy("role", "Auditor"),
    Role.LEGAL: pgettext_lazy("role", "Legal adviser"),
    Role.INVESTIGATOR: pgettext_lazy("role", "Investigator"),
    Role.ADMIN: pgettext_lazy("role", "Administrator"),
}

# capability codename -> (description, roles holding it, clause)
CAPABILITIES: dict[str, tuple[str, set[Role], str]] = {
    # Customers (P2.1.c, P4.1)
    "customer_view": ("View customers", {Role.SALES, Role.CUSTOMER_SERVICE, Role.ORDER_CENTER,
                                          Role.FINANCE, Role.LEADERSHIP, Role.AUDITOR, Role.ADMIN}, "P4.1"),
    "customer_manage": ("Create and edit customers", {Role.SALES, Role.CUSTOMER_SERVICE,
                                                      Role.ORDER_CENTER, Role.ADMIN}, "P3.1"),
    "customer_view_all": ("See every customer, not only one's own (sales see theirs and unassigned ones)",
                          {Role.CUSTOMER_SERVICE, Role.ORDER_CENTER, Role.FINANCE, Role.LEADERSHIP, Role.AUDITOR,
                           Role.ADMIN}, "P4.1.c"),
    # Inquiries (P2.1, P3.2)
    "inquiry_record": ("Record inquiries", {Role.SALES, Role.CUSTOMER_SERVICE}, "P3.2"),
    "inquiry_handover": ("Hand inquiries over to sales", {Role.CUSTOMER_SERVICE, Role.SALES}, "P2.1.b"),
    "inquiry_view_all": ("See every inquiry", {Role.CUSTOMER_SERVICE, Role.LEADERSHIP, Role.AUDITOR},
                         "P3.2"),
    # Orders (P2.2, P3.1, P3.3)
    "order_enter": ("Enter and edit draft orders", {Role.SALES, Role.ORDER_CENTER}, "P2.2.b"),
    "order_manage_all": ("Edit, submit and cancel any order, not only one's own", {Role.ORDER_CENTER},
                         "P3.3"),
    "order_view_all": ("See every order", {Role.ORDER_CENTER, Role.FINANCE, Role.LEADERSHIP,
                                           Role.AUDITOR, Role.PRODUCTION, Role.LOGISTICS,
                                           Role.CUSTOMER_SERVICE, Role.LEGAL}, "P4.2.a"),
    # Review (P2.3, P3.3)
    "order_review": ("Review orders (approve or return)", {Role.ORDER_CENTER}, "P2.3.a"),
    "special_approval_request": ("Ask for special approval", {Role.SALES, Role.ORDER_CENTER}, "P2.3.c"),
    "special_approval_decide": ("Grant or refuse special approval", {Role.LEADERSHIP}, "P2.3.c"),
    # Execution (P2.4.a, P3.3): tasks, assignment rules, the working-day calendar
    "task_view_all": ("See every department's tasks and the execution progress",
                      {Role.ORDER_CENTER, Role.LEADERSHIP, Role.AUDITOR}, "P3.3"),
    "task_work": ("Start and complete the tasks of one's department", {Role.PRODUCTION, Role.LOGISTICS,
                                                                       Role.CUSTOMER_SERVICE}, "P2.4.a"),
    "task_assign": ("Reassign any department's task", {Role.ORDER_CENTER}, "P2.4.a"),
    "assignment_rule_manage": ("Maintain the task assignment rules", {Role.ORDER_CENTER}, "P2.4.a"),
    "calendar_manage": ("Maintain the working-day calendar (public holidays, make-up days)", {Role.ADMIN},
                        "P2.4.a"),
    # After approval (P2.4): a cancellation needs the order center's agreement, leadership's above an amount
    "order_cancel_agree": ("Agree to or refuse the cancellation of an approved order", {Role.ORDER_CENTER},
                           "P2.4"),
    "order_cancel_agree_above": ("Agree to or refuse the cancellation of an approved order above the "
                                 "order center's amount", {Role.LEADERSHIP}, "P2.4"),
    # Credit and finance (P5.1, P3.6)
    "finance_view": ("See credit, invoices and receivables", {Role.FINANCE, Role.LEADERSHIP,
                                                              Role.AUDITOR}, "P3.6"),
    "credit_evaluate": ("Propose credit evaluations", {Role.FINANCE}, "P5.1.a"),
    "credit_evaluation_approve": ("Approve credit evaluations (second person)",
                                  {Role.LEADERSHIP, Role.FINANCE}, "P5.1.a"),
    "credit_release": ("Release orders from credit hold within finance's authority",
                       {Role.FINANCE}, "P5.1"),
    "credit_release_unlimited": ("Release credit holds above finance's authority",
                                 {Role.LEADERSHIP}, "P5.1"),
    "finance_manage": ("Invoices, payments, credit notes, guarantees", {Role.FINANCE}, "P3.6"),
    "finance_policy_manage": ("Propose changes to the credit scorecard", {Role.FINANCE}, "P5.1.a"),
    "finance_policy_approve": ("Approve changes to the credit scorecard (second person)", {Role.LEADERSHIP},
                               "P5.1.a"),
    # Tracking (P2.4.d, P5.2.a): a sales rep for their own orders, the order center for any
    "contingency_plan_record": ("Record contingency plans for orders at risk", {Role.SALES, Role.ORDER_CENTER},
                                "P5.2.a"),
    # Logistics (P2.4.c, P3.5, P5.2.c)
    "logistics_manage": ("Carriers, shipments, tracking and shipping exceptions", {Role.LOGISTICS}, "P3.5"),
    "logistics_view": ("See carriers, shipments and shipping exceptions",
                       {Role.LOGISTICS, Role.ORDER_CENTER, Role.LEADERSHIP, Role.AUDITOR}, "P3.5"),
    # Production and quality control (P2.4.b, P3.4, P5.2.b)
    "production_view": ("See production orders, progress and quality inspections",
                        {Role.PRODUCTION, Role.ORDER_CENTER, Role.SALES, Role.LEADERSHIP, Role.AUDITOR,
                         Role.LOGISTICS}, "P3.4"),
    "production_manage": ("Plan, start, report progress on and finish production orders", {Role.PRODUCTION},
                          "P2.4.b"),
    "quality_inspect": ("Record quality inspections and rework", {Role.PRODUCTION}, "P5.2.b"),
    # Delivery and acceptance (P2.5): the readiness sign-offs are each department's own (production_manage,
    # logistics_manage, the order's sales rep); these are the rest.
    "portal_link_manage": ("Send and revoke a customer's private link to their order",
                           {Role.SALES, Role.ORDER_CENTER, Role.CUSTOMER_SERVICE}, "P2.5.b"),
    "delivery_record": ("Record delivery and acceptance on the customer's behalf (paper voucher, acceptance "
                        "by line)", {Role.SALES, Role.ORDER_CENTER}, "P2.5.b"),
    "acceptance_issue_handle": ("Work on acceptance issues: analysis, solution, progress reports",
                                {Role.SALES, Role.ORDER_CENTER, Role.PRODUCTION, Role.CUSTOMER_SERVICE}, "P2.5.d"),
    "compensation_request": ("Propose compensation for losses caused by quality", {Role.SALES, Role.ORDER_CENTER},
                             "P2.5.d"),
    "compensation_approve": ("Approve or refuse compensation (second person)", {Role.LEADERSHIP}, "P2.5.d"),
    # Customer feedback (P6.1.c, P3.2)
    "complaint_record": ("Record customer complaints and disputes", {Role.CUSTOMER_SERVICE, Role.SALES}, "P3.2"),
    "complaint_handle": ("Handle complaints and disputes: investigate and resolve",
                         {Role.CUSTOMER_SERVICE, Role.ORDER_CENTER}, "P3.2"),
    "feedback_view_all": ("See every complaint, dispute and satisfaction survey",
                          {Role.CUSTOMER_SERVICE, Role.ORDER_CENTER, Role.LEADERSHIP, Role.AUDITOR}, "P6.1.c"),
    # Information management (P4)
    "customer_tier_manage": ("Maintain the customer classification and value-tier thresholds",
                             {Role.LEADERSHIP}, "P4.1.b"),
    "confidential_access_decide": ("Approve or refuse access to a customer's confidential data",
                                   {Role.LEADERSHIP}, "P4.1.c"),
    "reveal_log_view": ("List who revealed which customer's confidential data", {Role.AUDITOR, Role.LEADERSHIP},
                        "P4.1.c"),
    "consent_record": ("Record a customer's consent to disclose data to third parties",
                       {Role.SALES, Role.CUSTOMER_SERVICE}, "P4.1.c"),
    "statistics_view": ("See the statistics and the monthly sales analysis",
                        {Role.LEADERSHIP, Role.ORDER_CENTER, Role.FINANCE, Role.AUDITOR}, "P4.2.c"),
    # Legal compliance (P5.3)
    "legal_review": ("Record the legal opinion on orders flagged for legal review", {Role.LEGAL}, "P5.3"),
    "legal_rule_manage": ("Maintain the rules that flag orders for legal review (amount threshold, terms)",
                          {Role.LEADERSHIP}, "P5.3"),
    "compliance_review_manage": ("Schedule, assign and record the periodic compliance reviews",
                                 {Role.LEGAL, Role.LEADERSHIP}, "P5.3"),
    "compliance_review_view": ("See the compliance reviews and legal opinions",
                               {Role.LEGAL, Role.LEADERSHIP, Role.AUDITOR}, "P5.3"),
    # Supervision inspections (P6.1.a)
    "inspection_manage": ("Open supervision inspections, sample orders, record findings, assign and close "
                          "rectification", {Role.AUDITOR}, "P6.1.a"),
    "inspection_view": ("See supervision inspections and their reports", {Role.AUDITOR, Role.LEADERSHIP},
                        "P6.1.a"),
    "rectification_work": ("Work on the rectification tasks assigned to one's department",
                           {Role.SALES, Role.CUSTOMER_SERVICE, Role.ORDER_CENTER, Role.PRODUCTION, Role.LOGISTICS,
                            Role.FINANCE}, "P6.1.a"),
    # Whistleblowing (P6.1.b): the reports' content only for the designated investigators
    "whistleblowing_investigate": ("Read and investigate whistleblowing reports (designated investigators)",
                                   {Role.INVESTIGATOR}, "P6.1.b"),
    "whistleblowing_oversee": ("See that every whistleblowing report is handled (codes, states and ages, "
                               "never the content)", {Role.LEADERSHIP}, "P6.1.b"),
    # Assessment (P6.2)
    "kpi_view_own": ("See one's own and one's department's KPIs",
                     {Role.SALES, Role.CUSTOMER_SERVICE, Role.ORDER_CENTER, Role.PRODUCTION, Role.LOGISTICS,
                      Role.FINANCE}, "P6.2"),
    "kpi_view_all": ("See every department's and person's KPIs", {Role.LEADERSHIP, Role.AUDITOR}, "P6.2"),
    "kpi_target_manage": ("Set the KPI targets per department", {Role.LEADERSHIP}, "P6.2"),
    # Supervision (P6.1)
    "audit_view": ("Read the audit log", {Role.AUDITOR, Role.LEADERSHIP, Role.ADMIN}, "P6.1.a"),
    "audit_verify": ("Verify the audit log's hash chains and seals", {Role.AUDITOR}, "P6.1.a"),
    # Master data (P2.3.b)
    "catalog_manage": ("Maintain catalog and price policy", {Role.ADMIN}, "P2.3.b"),
    "floor_price_view": ("See floor prices (the bottom line in price negotiation)",
                         {Role.ORDER_CENTER, Role.FINANCE, Role.LEADERSHIP, Role.ADMIN}, "P2.3.b"),
    "user_manage": ("Manage users and roles", {Role.ADMIN}, "P3"),
}


def is_business_capability(full_perm: str) -> bool:
    """A capability of the table that the administrator's role does not hold: the business of P3.
    Superuser status never grants it (issue 8: administrators administer, they don't do business)."""
    app, _dot, codename = full_perm.partition(".")
    entry = CAPABILITIES.get(codename) if app == "accounts" else None
    return entry is not None and Role.ADMIN not in entry[1]


def perm(codename: str) -> str:
    """Full permission name for user.has_perm()."""
    if codename not in CAPABILITIES:
        raise KeyError(f"unknown capability {codename!r}")
    return f"accounts.{codename}"


def sync_roles(apps=None) -> None:  # type: ignore[no-untyped-def]
    """Create the groups and permissions of the table above, and nothing else on them."""
    from django.apps import apps as global_apps

    registry = apps or global_apps
    Group = registry.get_model("auth", "Group")
    Permission = registry.get_model("auth", "Permission")
    ContentType = registry.get_model("contenttypes", "ContentType")
    ct, _created = ContentType.objects.get_or_create(app_label="accounts", model="policy")
    perms = {}
    for codename, (description, _roles, _clause) in CAPABILITIES.items():
        p, _c = Permission.objects.update_or_create(
            content_type=ct, codename=codename, defaults={"name": description[:255]}
        )
        perms[codename] = p
    for role in Role:
        group, _c = Group.objects.get_or_create(name=role.value)
        group.permissions.set([perms[c] for c, (_d, roles, _cl) in CAPABILITIES.items() if role in roles])
