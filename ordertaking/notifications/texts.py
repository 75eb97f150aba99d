"""The words of each kind of notification: a title and a body, from the kind and its parameters,
in whatever language is active (the inbox: the reader's; an e-mail: `translation.override` with the
recipient's language). Parameters missing from a notification read as empty, never as an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .models import Kind

# (title, body) per kind; a kind with outcomes has one pair per outcome.
TEXTS: dict[str, tuple[Promise, Promise]] = {
    Kind.ORDER_SUBMITTED: (_("Order %(order)s is waiting for review"),
                           _("%(actor)s submitted order %(order)s of %(customer)s for review.")),
    Kind.ORDER_RETURNED: (_("Order %(order)s was returned"),
                          _("%(actor)s returned order %(order)s. Review opinion: %(opinion)s")),
    Kind.ORDER_APPROVED: (_("Order %(order)s was approved"),
                          _("%(actor)s approved order %(order)s; it goes to execution.")),
    Kind.SPECIAL_APPROVAL_REQUESTED: (_("Special approval asked for order %(order)s"),
                                      _("%(actor)s asks for special approval of order %(order)s. "
                                        "Reason: %(reason)s")),
    Kind.CREDIT_HOLD_PLACED: (_("Order %(order)s is on credit hold"),
                              _("Order %(order)s of %(customer)s passes the customer's credit limit by "
                                "%(excess)s and waits for a credit release.")),
    Kind.CREDIT_HOLD_RELEASED: (_("Credit hold on order %(order)s released"),
                                _("%(actor)s released the credit hold on order %(order)s. Reason: %(reason)s")),
    Kind.TASK_ASSIGNED: (_("New task for order %(order)s"),
                         _("The %(task)s task of order %(order)s is yours; due %(due)s.")),
    Kind.TASK_OVERDUE: (_("Task overdue on order %(order)s"),
                        _("The %(task)s task of order %(order)s was due %(due)s and is not done.")),
    Kind.ORDER_AT_RISK: (_("Order %(order)s is at risk"),
                         _("Order %(order)s may miss its delivery date: %(reason)s")),
    Kind.SHIPPING_EXCEPTION: (_("Shipping exception on order %(order)s"),
                              _("Shipment %(shipment)s of order %(order)s: %(reason)s")),
    Kind.RISK_ESCALATED: (_("Order %(order)s escalated to you"),
                          _("The risk on order %(order)s needs your decision: %(reason)s")),
    Kind.CANCEL_REQUESTED: (_("Cancellation asked for order %(order)s"),
                            _("%(actor)s asks to cancel approved order %(order)s. Reason: %(reason)s")),
    Kind.CHANGE_REQUESTED: (_("Change asked for order %(order)s"),
                            _("%(actor)s asks to change approved order %(order)s. Reason: %(reason)s")),
    Kind.COMPLAINT_RECEIVED: (_("New complaint %(complaint)s: %(order)s"),
                              _("A complaint of %(customer)s waits for a handler: %(reason)s")),
    Kind.COMPLAINT_ASSIGNED: (_("Complaint %(complaint)s (%(order)s) is yours"),
                              _("%(actor)s gave you complaint %(complaint)s of %(customer)s; resolve it by %(due)s.")),
    Kind.COMPLAINT_DUE: (_("Complaint %(complaint)s (%(order)s) is due %(due)s"),
                         _("Complaint %(complaint)s of %(customer)s must be resolved by %(due)s.")),
    Kind.COMPLAINT_ESCALATED: (_("Complaint %(complaint)s (%(order)s) escalated to you"),
                               _("Complaint %(complaint)s of %(customer)s was due %(due)s and is not resolved "
                                 "(handler: %(handler)s).")),
    Kind.COMPLAINT_REOPENED: (_("Complaint %(complaint)s (%(order)s) reopened"),
                              _("The resolution of complaint %(complaint)s does not settle it: %(reason)s")),
    Kind.COMPLAINT_REPLY: (_("The customer wrote on complaint %(complaint)s (%(order)s)"),
                           _("%(customer)s wrote on complaint %(complaint)s: %(reason)s")),
    Kind.SURVEY_ANSWERED: (_("Satisfaction survey of order %(order)s answered"),
                           _("The customer of order %(order)s rated it %(score)s of 5 overall.")),
    Kind.ACCEPTANCE_ISSUE_OPENED: (_("Acceptance issue %(issue)s on order %(order)s"),
                                   _("The customer rejected part of order %(order)s at acceptance: %(reason)s")),
    Kind.ACCEPTANCE_ISSUE_DUE: (_("Acceptance issue on order %(order)s is due %(due)s"),
                                _("Acceptance issue %(issue)s of order %(order)s must be solved by %(due)s.")),
    Kind.ACCEPTANCE_ISSUE_ESCALATED: (_("Acceptance issue on order %(order)s escalated to you"),
                                      _("Acceptance issue %(issue)s of order %(order)s (sales rep %(rep)s) was due "
                                        "%(due)s and is not solved.")),
    Kind.COMPENSATION_REQUESTED: (_("Compensation asked for order %(order)s"),
                                  _("%(actor)s asks for a compensation of %(amount)s on order %(order)s "
                                    "(acceptance issue %(issue)s). Basis: %(reason)s")),
    Kind.RECTIFICATION_ASSIGNED: (_("Rectification %(task)s for your department"),
                                  _("Inspection %(inspection)s found a problem (%(order)s) for your department to "
                                    "put right by %(due)s: %(reason)s")),
    Kind.RECTIFICATION_RESPONDED: (_("Rectification %(task)s answered"),
                                   _("%(actor)s answered rectification %(task)s (%(order)s): %(reason)s")),
    Kind.RECTIFICATION_RETURNED: (_("Rectification %(task)s sent back"),
                                  _("%(actor)s sent rectification %(task)s (%(order)s) back: %(reason)s")),
    Kind.RECTIFICATION_OVERDUE: (_("Rectification %(task)s is overdue"),
                                 _("Rectification %(task)s (%(order)s) of inspection %(inspection)s was due %(due)s "
                                   "and is not answered.")),
    Kind.ACCESS_REQUESTED: (_("Access to %(order)s's confidential data asked for"),
                            _("%(actor)s asks to see the confidential data of %(order)s for %(days)s days. "
                              "Reason: %(reason)s")),
    Kind.ACCESS_EXPIRING: (_("Your access to %(order)s's confidential data ends %(expires)s"),
                           _("Your grant to see the confidential data of %(order)s ends %(expires)s. Ask again "
                             "if your work still needs it.")),
    Kind.ACCESS_REVOKED: (_("Your access to %(order)s's confidential data was revoked"),
                          _("%(actor)s revoked your grant to see the confidential data of %(order)s. "
                            "Reason: %(reason)s")),
    Kind.WHISTLEBLOWING_RECEIVED: (_("Whistleblowing report %(report)s received"),
                                   _("A new whistleblowing report, receipt code %(report)s, waits for assessment.")),
    Kind.WHISTLEBLOWING_REPLY: (_("Reporter added information to report %(report)s"),
                                _("The reporter of %(report)s answered or added information.")),
    Kind.WHISTLEBLOWING_OVERDUE: (_("Whistleblowing report %(report)s is overdue"),
                                  _("Report %(report)s, received %(days)s days ago, is past the deadline of its "
                                    "current step. Every report must be handled (P6.1.b).")),
    Kind.LEGAL_REVIEW_REQUESTED: (_("Order %(order)s needs a legal opinion"),
                                  _("Order %(order)s of %(customer)s is flagged for legal review (P5.3); its approval "
                                    "waits for your opinion.")),
    Kind.COMPLIANCE_REVIEW_ASSIGNED: (_("Compliance review %(order)s assigned to you"),
                                      _("The compliance review of the order business for %(order)s is yours to carry "
                                        "out (P5.3).")),
    Kind.COMPLIANCE_REVIEW_COMPLETED: (_("Compliance review %(order)s to sign off"),
                                       _("%(actor)s completed the compliance review %(order)s; it waits for your "
                                         "sign-off.")),
}

OUTCOME_TEXTS: dict[str, dict[str, tuple[Promise, Promise]]] = {
    Kind.ACCESS_DECIDED: {
        "granted": (_("Access to %(order)s's confidential data granted"),
                    _("%(actor)s granted your request to see the confidential data of %(order)s until "
                      "%(expires)s. Each value you reveal is logged. %(comment)s")),
        "refused": (_("Access to %(order)s's confidential data refused"),
                    _("%(actor)s refused your request to see the confidential data of %(order)s. "
                      "Reason: %(comment)s")),
    },
    Kind.SPECIAL_APPROVAL_DECIDED: {
        "granted": (_("Special approval granted for order %(order)s"),
                    _("%(actor)s granted the special approval of order %(order)s. %(comment)s")),
        "refused": (_("Special approval refused for order %(order)s"),
                    _("%(actor)s refused the special approval of order %(order)s. Reason: %(comment)s")),
    },
    Kind.COMPENSATION_DECIDED: {
        "approved": (_("Compensation on order %(order)s approved"),
                     _("%(actor)s approved the compensation of %(amount)s on order %(order)s; finance has its "
                       "credit note. %(comment)s")),
        "refused": (_("Compensation on order %(order)s refused"),
                    _("%(actor)s refused the compensation of %(amount)s on order %(order)s. Reason: %(comment)s")),
    },
    Kind.LEGAL_OPINION_RECORDED: {
        "approved": (_("No legal objection to order %(order)s"),
                     _("%(actor)s recorded the legal opinion on order %(order)s: no objection. %(comment)s")),
        "objected": (_("Legal objection to order %(order)s"),
                     _("%(actor)s objects to order %(order)s on legal grounds: %(comment)s")),
    },
    Kind.CANCEL_DECIDED: {
        "agreed": (_("Cancellation of order %(order)s agreed"),
                   _("%(actor)s agreed to cancel order %(order)s. %(comment)s")),
        "refused": (_("Cancellation of order %(order)s refused"),
                    _("%(actor)s refused to cancel order %(order)s. Reason: %(comment)s")),
    },
}

# The codes a parameter may carry, in words (the task kinds of fulfilment, which sits above us).
TASK_WORDS = {
    "production": pgettext_lazy("notification task", "production"),
    "inspection": pgettext_lazy("notification task", "inspection"),
    "shipping": pgettext_lazy("notification task", "shipping"),
    "service": pgettext_lazy("notification task", "service"),
}
MONEY_PARAMS = frozenset({"excess", "amount"})


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str


def _money(value: Any) -> str:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


class _Params(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def _words(params: dict[str, Any], actor_name: str) -> _Params:
    out = _Params()
    for key, value in (params or {}).items():
        if isinstance(value, dict):  # a text in each language: the reader's, else the site's, else any
            value = (value.get(get_language() or "") or value.get(settings.LANGUAGE_CODE)
                     or next(iter(value.values()), ""))
        if value is None:
            text = ""
        elif key in MONEY_PARAMS:
            text = _money(value)
        elif key == "task":
            text = str(TASK_WORDS.get(str(value), value))
        else:
            text = str(value)
        out[str(key)] = text
    out["actor"] = actor_name or gettext("The system")
    return out


def pair(kind: str, params: dict[str, Any] | None) -> tuple[Promise, Promise] | None:
    if kind in OUTCOME_TEXTS:
        variants = OUTCOME_TEXTS[kind]
        outcome = str((params or {}).get("outcome", ""))
        return variants.get(outcome) or next(iter(variants.values()))
    return TEXTS.get(kind)


def render(kind: str, params: dict[str, Any] | None, *, actor_name: str = "") -> Rendered:
    """Title and body in the active language."""
    texts = pair(kind, params)
    words = _words(params or {}, actor_name)
    if texts is None:  # a kind this version does not know (a newer row): say what we can
        return Rendered(title=pgettext("notification", "Notification"), body=words.get("order", ""))
    title, body = texts
    return Rendered(title=str(title) % words, body=(str(body) % words).strip())
