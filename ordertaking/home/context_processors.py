"""The left navigation, by role (CONVENTIONS.md: pages). Items a user may not use are not shown.

Project level (docs/conventions.md): it names every app's pages, so it lives above them all."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, bootstrap icon, capability needed ("a|b": any of them) or None for everyone signed in)
NAV: list[tuple[str, Any, str, str | None]] = [
    ("home:home", _("My work"), "bi-house", None),
    ("inquiries:list", _("Inquiries"), "bi-telephone-inbound", "inquiry_record"),
    # Only for those who see orders at all (the investigator and the administrator see none, P3).
    ("orders:list", _("Orders"), "bi-receipt", "order_enter|order_view_all"),
    ("reports:search", _("Search orders"), "bi-search", "order_enter|order_view_all"),
    ("review:queue", _("Review queue"), "bi-clipboard-check", "order_review"),
    ("review:special_queue", _("Special approvals"), "bi-patch-check", "special_approval_decide"),
    ("tracking:risks", _("Orders at risk"), "bi-exclamation-triangle", "order_view_all"),
    ("customers:list", _("Customers"), "bi-buildings", "customer_view"),
    ("archive:thresholds", _("Customer classification"), "bi-diagram-2", "customer_tier_manage"),
    ("imports:list", _("Excel import"), "bi-file-earmark-arrow-up", "customer_manage|catalog_manage"),
    ("catalog:products", _("Catalog"), "bi-box-seam", None),
    ("credit:queue", _("Credit"), "bi-shield-check", "finance_view"),
    ("finance:dashboard", _("Finance"), "bi-cash-coin", "finance_view"),
    ("fulfilment:board", _("Task board"), "bi-kanban", "task_work"),
    ("fulfilment:progress", _("Execution progress"), "bi-bar-chart-steps", "task_view_all"),
    ("fulfilment:rules", _("Assignment rules"), "bi-diagram-3", "assignment_rule_manage"),
    ("fulfilment:calendar", _("Working-day calendar"), "bi-calendar3", "calendar_manage"),
    ("logistics:board", _("Logistics"), "bi-truck", "logistics_view"),
    ("production:board", _("Production board"), "bi-gear-wide-connected", "production_view"),
    ("feedback:complaints", _("Complaints"), "bi-chat-left-dots",
     "complaint_record|complaint_handle|feedback_view_all"),
    ("feedback:surveys", _("Customer satisfaction"), "bi-emoji-smile", "feedback_view_all"),
    ("reports:statistics", _("Statistics"), "bi-graph-up", "statistics_view"),
    ("assessment:scorecard", _("KPI scorecard"), "bi-speedometer2", "kpi_view_own|kpi_view_all"),
    ("deliveries:issues", _("Acceptance issues"), "bi-exclamation-diamond", "acceptance_issue_handle"),
    ("legal:queue", _("Legal review"), "bi-bank", "legal_review|compliance_review_view"),
    ("deliveries:compensations", _("Compensation to approve"), "bi-cash-coin", "compensation_approve"),
    ("confidentiality:requests", _("Access requests"), "bi-key", "customer_view"),
    ("confidentiality:reveals", _("Reveal log"), "bi-eye", "reveal_log_view"),
    ("supervision:inspections", _("Supervision inspections"), "bi-clipboard2-pulse", "inspection_view"),
    ("supervision:tasks", _("Rectification"), "bi-tools", "rectification_work|inspection_view"),
    ("whistleblowing:list", _("Whistleblowing"), "bi-shield-exclamation",
     "whistleblowing_investigate|whistleblowing_oversee"),
    ("audit:list", _("Audit log"), "bi-journal-text", "audit_view"),
    ("ops:jobs", _("Scheduled jobs"), "bi-clock-history", "user_manage"),
    ("ops:backups", _("Backups"), "bi-database-check", "user_manage"),
    ("home:regulation", _("Regulation"), "bi-book", None),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "company_name": settings.ORDERTAKING_COMPANY_NAME}
    items = []
    path = request.path
    for name, label, icon, cap in NAV:
        if cap and not any(user.has_perm(f"accounts.{c}") for c in cap.split("|")):  # "a|b": either one
            continue
        url = reverse(name)
        active = path == url if url == "/" else path.startswith(url)
        items.append({"url": url, "label": label, "icon": icon, "active": active})
    longest = max((len(i["url"]) for i in items if i["active"]), default=0)  # /a/b/ is active, not also /a/
    for i in items:
        i["active"] = i["active"] and len(i["url"]) == longest
    return {"nav_items": items, "company_name": settings.ORDERTAKING_COMPANY_NAME}
