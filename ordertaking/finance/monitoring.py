"""P5.1.c monitoring: re-evaluate payment records and apply the policy's measures when a
customer's risk rises — lower limit, shorter terms, dunning tasks, alerts, stop.

The early warning of financial risk is finance's duty (P3.6): it reads the receivables and acts on
the customer's credit row, so it lives in finance, which sits above credit (docs/conventions.md)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ordertaking.accounts.models import User
from ordertaking.accounts.roles import Role
from ordertaking.audit.services import event_record
from ordertaking.common.mail import mail_after_commit
from ordertaking.common.money import percent_of
from ordertaking.credit import rules
from ordertaking.credit.models import CreditAlert, CustomerCredit, ScorecardPolicy
from ordertaking.credit.services import credit_row_locked, policy_current, policy_weights
from ordertaking.ops.jobs import job_register, job_run, run_item

from .models import DunningTask, Invoice
from .selectors import payment_record_for


def risk_level_for(worst_open_overdue_days: int, policy: ScorecardPolicy) -> int:
    """P5.1.c: 0 normal, 1 an invoice overdue past the watch threshold, 2 past the stop threshold."""
    if worst_open_overdue_days >= policy.stop_overdue_days:
        return 2
    if worst_open_overdue_days >= policy.watch_overdue_days:
        return 1
    return 0


def _recipients(credit: CustomerCredit) -> list[User]:
    finance = list(User.objects.filter(groups__name=Role.FINANCE, is_active=True).order_by("pk"))
    rep = credit.customer.sales_rep
    return finance + ([rep] if rep is not None and rep.is_active and rep not in finance else [])


def _alert(credit: CustomerCredit, kind: str, params: dict[str, Any], figures: dict[str, Any]) -> None:
    """Alerts are stored as kind + params and rendered in the reader's language when shown (issue 9).
    The mail goes out in the active language: users have no stored language to mail them in."""
    people = _recipients(credit)
    alerts = [CreditAlert(customer=credit.customer, kind=kind, recipient=u, params=params, figures=figures)
              for u in people]
    CreditAlert.objects.bulk_create(alerts)
    emails = [u.email for u in people if u.email]
    if emails and alerts:
        subject = f"[{_('Credit')}] {credit.customer.name}"
        mail_after_commit(subject=subject, body=alerts[0].text, to=emails)


def customer_monitor(*, customer_id: int, today: date) -> list[str]:
    """Check one customer under its credit row lock; returns the measures applied."""
    applied: list[str] = []
    with transaction.atomic():
        credit = credit_row_locked(customer_id)
        if credit.evaluation_id is None:
            return applied
        credit = CustomerCredit.objects.select_for_update(of=("self",)).select_related(
            "customer", "customer__sales_rep", "evaluation").get(pk=credit.pk)
        policy = policy_current()
        open_invoices = list(Invoice.objects.filter(customer_id=customer_id, state=Invoice.State.OPEN,
                                                    due_date__lt=today).order_by("due_date"))
        worst = max(((today - inv.due_date).days for inv in open_invoices), default=0)
        level = risk_level_for(worst, policy)
        customer = credit.customer
        # Rating first, then the overdue measures on top: the stricter of the two results.
        applied += _rating_check(credit, policy, today, payment_record_for(customer, today=today))
        if level >= 1 and credit.risk_level < 1:
            before = {"credit_limit": str(credit.credit_limit), "max_term_days": credit.max_term_days}
            credit.credit_limit = percent_of(credit.credit_limit, 100 - policy.limit_cut_percent)
            credit.max_term_days = min(credit.max_term_days, policy.term_cut_days)
            after = {"credit_limit": str(credit.credit_limit), "max_term_days": credit.max_term_days,
                     "worst_days_overdue": worst, "threshold": policy.watch_overdue_days}
            event_record(actor=None, action="credit.measures_applied", subject=customer, clause="P5.1.c",
                         before=before, after=after)
            oldest = open_invoices[0]
            for person in _recipients(credit):
                DunningTask.objects.create(customer=customer, invoice=oldest, assignee=person,
                                           due_date=today + timedelta(days=3),
                                           params={"inv": oldest.number, "days": worst})
            _alert(credit, CreditAlert.Kind.MEASURES,
                   {"customer": customer.name, "inv": oldest.number, "days": worst,
                    "limit": f"{credit.credit_limit:,.2f}", "term": credit.max_term_days}, after)
            applied.append("measures")
        if level >= 2 and not credit.on_stop:
            credit.on_stop = True
            event_record(actor=None, action="credit.stopped", subject=customer, clause="P5.1.c",
                         after={"worst_days_overdue": worst, "threshold": policy.stop_overdue_days})
            _alert(credit, CreditAlert.Kind.STOP, {"customer": customer.name, "days": worst},
                   {"worst_days_overdue": worst})
            applied.append("stop")
        credit.risk_level = max(credit.risk_level, level)
        credit.save()
    return applied


def _rating_check(credit: CustomerCredit, policy: ScorecardPolicy, today: date,
                  record: rules.PaymentRecord) -> list[str]:
    """P5.1.c: rescore with today's payment record; a lower rating tightens, never loosens, terms."""
    ev = credit.evaluation
    assert ev is not None
    card = rules.scorecard(
        qualification=rules.Qualification(ev.registered_capital, ev.years_in_business, ev.licences_held),
        financials=rules.Financials(ev.annual_revenue, ev.debt_ratio),
        reputation=rules.Reputation(ev.litigation, ev.blacklisted, ev.references),
        payment=record, weights=policy_weights(policy), bands=rules.parse_bands(policy.bands))
    if rules.rating_rank(card.band.rating) <= rules.rating_rank(credit.rating):
        return []
    before = {"rating": credit.rating, "credit_limit": str(credit.credit_limit),
              "max_term_days": credit.max_term_days}
    credit.rating = card.band.rating
    credit.credit_limit = min(credit.credit_limit, card.band.limit)
    credit.max_term_days = min(credit.max_term_days, card.band.max_term_days)
    credit.payment_kinds = [k for k in credit.payment_kinds if k in card.band.payment_kinds]
    credit.guarantee_required = credit.guarantee_required or card.band.guarantee_required
    after = {"rating": credit.rating, "credit_limit": str(credit.credit_limit),
             "max_term_days": credit.max_term_days, "score": card.score, "payment_record": record.as_dict()}
    event_record(actor=None, action="credit.rating_lowered", subject=credit.customer, clause="P5.1.c",
                 before=before, after=after)
    _alert(credit, CreditAlert.Kind.RATING,
           {"customer": credit.customer.name, "old": before["rating"], "new": credit.rating, "score": card.score},
           after)
    return ["rating"]


CREDIT_MONITOR_JOB = job_register("credit_monitor", gettext_lazy("Daily credit monitoring (P5.1.c)"))


def credit_monitor_run(*, today: date, raise_on_failures: bool = True) -> dict[int, list[str]]:
    """Every evaluated customer, each in its own transaction: a customer that fails is logged and
    counted in the job's run record (ops.JobRun) and the others are still monitored."""
    result: dict[int, list[str]] = {}
    ids = list(CustomerCredit.objects.filter(evaluation__isnull=False).order_by("customer_id")
               .values_list("customer_id", flat=True))
    with job_run(CREDIT_MONITOR_JOB, day=today, raise_on_failures=raise_on_failures) as run:
        for customer_id in ids:
            applied = run_item(run, f"customer {customer_id}", partial(customer_monitor, customer_id=customer_id,
                                                                      today=today))
            if applied:
                result[customer_id] = applied
    return result
