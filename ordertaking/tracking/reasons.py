"""The words of an at-risk reason, in the reader's language (users read words, not codes): a reason
is stored as its code + params (models.OrderRisk), and rendered here when shown — on the order page,
the at-risk list, the home queue, the API, the notification."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import rules
from .words import checkpoint_word, exception_word, task_word


def _ymd(value: Any) -> str:
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        return ""


def _days(params: dict[str, Any]) -> int:
    try:
        return int(params.get("days", 0))
    except (TypeError, ValueError):
        return 0


def reason_text(code: str, params: dict[str, Any] | None) -> str:
    """One reason as a sentence in the active language."""
    p = params or {}
    if code == rules.TASK_OVERDUE:
        days = _days(p)
        return ngettext("Time node missed — %(task)s: due %(due)s, %(days)s day overdue.",
                        "Time node missed — %(task)s: due %(due)s, %(days)s days overdue.", days) % {
            "task": task_word(p.get("task", "")), "due": _ymd(p.get("due")), "days": days}
    if code == rules.PRODUCTION_LATE:
        return _("Production is forecast to finish on %(forecast)s, after %(latest)s, the last day to "
                 "ship in time.") % {"forecast": _ymd(p.get("forecast")), "latest": _ymd(p.get("latest"))}
    if code == rules.SHIPPING_EXCEPTION:
        waybill = str(p.get("waybill") or "")
        if waybill:
            return _("Open shipping exception — %(kind)s (waybill %(waybill)s).") % {
                "kind": exception_word(p.get("kind", "")), "waybill": waybill}
        return _("Open shipping exception — %(kind)s.") % {"kind": exception_word(p.get("kind", ""))}
    if code == rules.INSPECTION_FAILED:
        return _("%(checkpoint)s failed, not yet passed on re-inspection.") % {
            "checkpoint": checkpoint_word(p.get("checkpoint", ""))}
    return _("At risk.")


def reasons_summary(risks: list[Any]) -> str:
    """The reasons of one order on one line (home queue, list)."""
    return " ".join(reason_text(r.reason, r.params) for r in risks)
