"""The legal rules (P5.3), plain functions over plain values: which orders go to the legal adviser before
approval, the findings review shows for them, and the compliance review's checklist and its checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ordertaking.common.findings import Finding, FindingText

from .models import LegalReview, Reason, Result

# The findings legal gives review. A special approval (特批) never covers them: approval waits for the
# legal adviser's opinion (P5.3), whatever leadership grants.
PENDING = "legal_review_pending"
OBJECTED = "legal_objection"
CLEARED = "legal_review_cleared"
LEGAL_FINDING_CODES = frozenset({PENDING, OBJECTED, CLEARED})


@dataclass(frozen=True)
class LegalFacts:
    """What the legal findings of one revision need, read once per check."""

    total_amount: Decimal
    threshold: Decimal
    non_standard_terms: bool
    ip_lines: tuple[tuple[int, str], ...]  # (position, name) of the lines whose product involves IP
    individual_buyer: bool
    review_state: str | None = None  # the revision's LegalReview, when one was opened
    opinion: str = ""
    # what the review was opened for (its reasons and figures), shown while it is pending
    review_reasons: tuple[str, ...] = ()
    review_details: dict[str, Any] = field(default_factory=dict)


# --- P5.3 which orders need the legal adviser --------------------------------------------------------

def legal_reasons(f: LegalFacts) -> list[str]:
    """The reasons, in a fixed order. Amount: strictly above the threshold."""
    out: list[str] = []
    if f.total_amount > f.threshold:  # P5.3 contracts of a large amount
        out.append(Reason.AMOUNT)
    if f.non_standard_terms:  # P5.3 contracts: terms away from the standard contract
        out.append(Reason.TERMS)
    if f.ip_lines:  # P5.3 知识产权
        out.append(Reason.IP)
    if f.individual_buyer:  # P5.3 消费者权益
        out.append(Reason.CONSUMER)
    return out


def reason_details(f: LegalFacts) -> dict[str, Any]:
    return {"amount": str(f.total_amount), "threshold": str(f.threshold),
            "ip_lines": [[pos, name] for pos, name in f.ip_lines]}


def reason_text(code: str, details: dict[str, Any]) -> str:
    """One reason in words, in the active language, with its figures."""
    if code == Reason.AMOUNT:
        return _("the amount ¥%(amount)s is above the ¥%(threshold)s threshold") % {
            "amount": f"{Decimal(details.get('amount') or 0):,.2f}",
            "threshold": f"{Decimal(details.get('threshold') or 0):,.2f}"}
    if code == Reason.TERMS:
        return _("non-standard contract terms")
    if code == Reason.IP:
        lines = [_("line %(line)s (%(name)s)") % {"line": ln[0], "name": ln[1]}
                 for ln in details.get("ip_lines") or [] if isinstance(ln, list | tuple) and len(ln) == 2]
        return _("products involving intellectual property: %(lines)s") % {"lines": ", ".join(lines) or "—"}
    if code == Reason.CONSUMER:
        return _("the buyer is a consumer (individual)")
    return str(Reason(code).label) if code in Reason.values else code


def reasons_text(codes: list[str], details: dict[str, Any]) -> str:
    return "; ".join(reason_text(c, details) for c in codes)


def legal_findings(f: LegalFacts) -> list[Finding]:
    """P5.3: a flagged order's approval waits for the legal opinion on its current revision."""
    codes = legal_reasons(f)
    if not codes and f.review_state is None:
        return []
    if f.review_state == LegalReview.State.APPROVED:
        return [Finding("legal_review_cleared", "P5.3", {"opinion": f.opinion}, blocking=False)]
    if f.review_state == LegalReview.State.OBJECTED:
        return [Finding("legal_objection", "P5.3", {"opinion": f.opinion})]
    if f.review_state is not None and f.review_reasons:
        reasons, details = list(f.review_reasons), dict(f.review_details)
    else:
        reasons, details = codes, reason_details(f)
    return [Finding("legal_review_pending", "P5.3", {"reasons": [str(c) for c in reasons], "details": details})]


def _pending_words(params: Any) -> dict[str, str]:
    """The reasons of a pending review in the reader's words, with their figures."""
    return {"reasons": reasons_text(list(params.get("reasons") or []), dict(params.get("details") or {}))}


# The words of the legal findings, rendered when a finding is read (common/findings.py); `label` is the
# sentence without one order's opinion or reasons.
FINDING_TEXTS: dict[str, FindingText] = {
    PENDING: FindingText(
        gettext_lazy("Legal review pending: %(reasons)s. Approval waits for the legal adviser's opinion."),
        label=gettext_lazy("Legal review pending: approval waits for the legal adviser's opinion."),
        words=_pending_words),
    OBJECTED: FindingText(gettext_lazy("The legal adviser objects: %(opinion)s"),
                          label=gettext_lazy("The legal adviser objects.")),
    CLEARED: FindingText(gettext_lazy("The legal adviser has no objection: %(opinion)s"),
                         label=gettext_lazy("The legal adviser has no objection.")),
}


def opinion_problem(outcome: str, opinion: str) -> str | None:
    """P5.3: the adviser's opinion is written, approving or objecting."""
    if outcome not in (LegalReview.State.APPROVED, LegalReview.State.OBJECTED):
        return _("Choose: no objection, or objection.")
    if not (opinion or "").strip():
        return _("Write the legal opinion.")
    return None


# --- P5.3 the periodic compliance review (法律合规审查) ------------------------------------------------

# The checklist: what is checked each period, in the reader's language (the items' keys are stored).
CHECKLIST: tuple[tuple[str, Any, Any], ...] = (
    ("contract_templates", gettext_lazy("Contract templates"),
     gettext_lazy("The standard sales contract and its annexes are current with the law; orders used them or "
                  "went to the legal adviser.")),
    ("non_standard_terms", gettext_lazy("Non-standard terms"),
     gettext_lazy("Every order with non-standard terms had a legal opinion before approval.")),
    ("consumer_rights", gettext_lazy("Consumer rights"),
     gettext_lazy("Sales to individuals respect consumer-rights law: information, returns, warranty.")),
    ("intellectual_property", gettext_lazy("Intellectual property"),
     gettext_lazy("Products involving intellectual property are sold within our licences and rights.")),
    ("data_privacy", gettext_lazy("Personal information"),
     gettext_lazy("Customers' personal data is collected, kept and disclosed lawfully (consent, masking, "
                  "access requests).")),
    ("pricing_law", gettext_lazy("Pricing and competition"),
     gettext_lazy("Prices, discounts and special approvals respect pricing and anti-unfair-competition law.")),
    ("invoicing_tax", gettext_lazy("Invoicing and tax"),
     gettext_lazy("Invoices and VAT follow the rules; no sale without its fapiao.")),
)
CHECKLIST_WORDS = {key: (title, guidance) for key, title, guidance in CHECKLIST}


def quarter_of(day: date) -> tuple[date, date]:
    """The calendar quarter holding `day` (the default period of a compliance review)."""
    start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    nxt = date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
    return start, nxt - timedelta(days=1)


def item_problem(*, result: str, evidence: str, follow_up: str, owner: Any, due: date | None) -> tuple[str, str] | None:
    """What is missing from an item's answer, as (field, message); None when it may be recorded."""
    if result not in Result.values:
        return "result", _("Choose the result: compliant, issue found, or not applicable.")
    if result != Result.NOT_APPLICABLE and not (evidence or "").strip():
        return "evidence", _("Say what was checked: the evidence.")
    if result == Result.ISSUE:
        if not (follow_up or "").strip():
            return "follow_up", _("An issue needs its follow-up action.")
        if owner is None:
            return "follow_up_owner", _("Name who owns the follow-up action.")
        if due is None:
            return "follow_up_due", _("Give the follow-up action its due date.")
    return None


def unanswered(results: list[str]) -> int:
    """How many items still have no result (a review is completed only when every item is answered)."""
    return sum(1 for r in results if not r)
