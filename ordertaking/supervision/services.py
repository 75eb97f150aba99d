"""Writes of supervision inspections (P6.1.a 监督检查): open an inspection, draw its sample with a recorded
seed, run the automatic process checks over the sampled orders, record findings, give departments their
rectification tasks 整改, take their answers, verify and close them, close the inspection; the daily
follow-up of overdue tasks. Each write checks the capability, locks its row, moves through the state
table and records its audit event in the same transaction."""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ordertaking.accounts.models import User
from ordertaking.audit.services import event_record
from ordertaking.common.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.common.numbering import next_in_series
from ordertaking.credit.models import CreditHold
from ordertaking.notifications.selectors import recipients_with_role
from ordertaking.notifications.services import notify
from ordertaking.ops.jobs import job_register, job_run, run_item
from ordertaking.orders.models import Order
from ordertaking.review.models import ReviewDecision, SpecialApproval

from . import checking, sampling
from .models import Department, Finding, Inspection, InspectionSample, RectificationTask
from .selectors import user_departments
from .states import CHECKABLE, FINDINGS_OPEN, INSPECTION, TASK, WITH_DEPARTMENT

CLAUSE = re.compile(r"^P\d(\.\d){0,2}(\.[a-z])?$")
MAX_TEXT = 5000


def _require(actor: Any, capability: str, message: Any) -> None:
    if actor is None or not actor.has_perm(f"accounts.{capability}"):
        raise PermissionDenied(message, code="permission_denied")


def _manage(actor: Any) -> None:
    _require(actor, "inspection_manage", _("Only an auditor runs supervision inspections (P6.1.a)."))


def _text(value: Any, field: str, *, required: bool, message: Any = None, limit: int = MAX_TEXT) -> str:
    text = (str(value) if value is not None else "").strip()
    if required and not text:
        raise ValidationFailed(message or _("This field is required."), field=field, code="required")
    if len(text) > limit:
        raise ValidationFailed(_("At most %(n)s characters.") % {"n": f"{limit:,}"}, field=field)
    return text


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _money_or_none(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("Enter an amount."), field=field) from None
    if not d.is_finite() or d < 0 or d >= Decimal("1e12"):
        raise ValidationFailed(_("Enter an amount of at least zero."), field=field)
    return d.quantize(Decimal("0.01"))


# --- opening and sampling ------------------------------------------------------------------------------

def _clean_scope(*, title: Any, period_from: Any, period_to: Any, method: Any, sample_size: Any, seed: Any,
                 stratify_by: Any, amount_bands: Any, amount_min: Any, amount_max: Any) -> dict[str, Any]:
    title = _text(title, "title", required=True, message=_("Give the inspection a title."), limit=200)
    if not isinstance(period_from, date) or not isinstance(period_to, date):
        raise ValidationFailed(_("Give the period's first and last day."), field="period_from", code="required")
    if period_from > period_to:
        raise ValidationFailed(_("The period ends before it starts."), field="period_to")
    if period_from.year < 2000 or period_to.year > 2100:
        raise ValidationFailed(_("The period lies between the years 2000 and 2100."), field="period_from")
    if period_to - period_from > timedelta(days=366 * 3):
        raise ValidationFailed(_("A period is at most three years."), field="period_from")
    if method not in Inspection.Method.values:
        raise ValidationFailed(_("Choose the sampling method."), field="method")
    try:
        size = int(str(sample_size).strip())
    except (TypeError, ValueError):
        raise ValidationFailed(_("The sample size is a whole number."), field="sample_size") from None
    if not 1 <= size <= sampling.MAX_SAMPLE:
        raise ValidationFailed(_("The sample size is from 1 to %(n)s.") % {"n": sampling.MAX_SAMPLE},
                               field="sample_size")
    if seed in (None, ""):
        seed = secrets.randbelow(2**31)  # recorded: the sample can be drawn again
    try:
        seed = int(str(seed).strip())
    except (TypeError, ValueError):
        raise ValidationFailed(_("The seed is a whole number."), field="seed") from None
    if not 0 <= seed < 2**63:
        raise ValidationFailed(_("The seed is a whole number from 0 up."), field="seed")
    strata = stratify_by or ""
    bands: list[Decimal] = []
    if method == Inspection.Method.STRATIFIED:
        if strata not in Inspection.Strata.values:
            raise ValidationFailed(_("Choose what the strata are."), field="stratify_by", code="required")
        if strata == Inspection.Strata.AMOUNT:
            try:
                bands = sampling.clean_bands(amount_bands or [])
            except (ValueError, ArithmeticError):
                raise ValidationFailed(_("Amount bands are ascending amounts above zero, at most %(n)s.")
                                       % {"n": sampling.MAX_BANDS}, field="amount_bands") from None
            if not bands:
                raise ValidationFailed(_("Give at least one amount limit between bands."), field="amount_bands",
                                       code="required")
    else:
        strata = ""
    low, high = _money_or_none(amount_min, "amount_min"), _money_or_none(amount_max, "amount_max")
    if low is not None and high is not None and low > high:
        raise ValidationFailed(_("The lowest amount is above the highest."), field="amount_max")
    return {"title": title, "period_from": period_from, "period_to": period_to, "method": method,
            "sample_size": size, "seed": seed, "stratify_by": strata, "amount_bands": [str(b) for b in bands],
            "amount_min": low, "amount_max": high}


def inspection_open(*, actor: Any, title: str, period_from: date, period_to: date,
                    method: str = Inspection.Method.RANDOM, sample_size: Any = 20, seed: Any = None,
                    stratify_by: str = "", amount_bands: Iterable[Any] = (), scope_region: str = "",
                    amount_min: Any = None, amount_max: Any = None, only_special: bool = False,
                    only_returned: bool = False, only_credit_hold: bool = False) -> Inspection:
    """P6.1.a: an auditor opens an inspection of a period's orders — its scope, its sampling method and
    sample size, and the seed (chosen at random and recorded when none is given)."""
    _manage(actor)
    values = _clean_scope(title=title, period_from=period_from, period_to=period_to, method=method,
                          sample_size=sample_size, seed=seed, stratify_by=stratify_by,
                          amount_bands=list(amount_bands or []), amount_min=amount_min, amount_max=amount_max)
    region = _text(scope_region, "scope_region", required=False, limit=50)
    today = timezone.localdate()
    with transaction.atomic():
        n = next_in_series(f"JC-{today:%Y%m%d}")
        insp = Inspection.objects.create(number=f"JC-{today:%Y%m%d}-{n:03d}", scope_region=region,
                                         only_special=bool(only_special), only_returned=bool(only_returned),
                                         only_credit_hold=bool(only_credit_hold), created_by=actor, **values)
        event_record(actor=actor, action="supervision.inspection_opened", subject=insp, clause="P6.1.a",
                     after={"supervision_inspection": insp.number, "period_from": insp.period_from.isoformat(),
                            "period_to": insp.period_to.isoformat(), "sampling_method": insp.method,
                            **({"strata": insp.stratify_by} if insp.stratify_by else {}),
                            "sample_size": insp.sample_size, "seed": str(insp.seed)},
                     message=insp.title)
    return insp


def candidates(insp: Inspection) -> list[sampling.Candidate]:
    """The orders of the inspection's period (entered from its first to its last day, drafts left out)
    within its scope, with the facts the strata read. One query."""
    qs = (Order.objects.filter(created_at__gte=_start(insp.period_from),
                               created_at__lt=_start(insp.period_to + timedelta(days=1)))
          .exclude(state="draft")
          .annotate(has_special=Exists(SpecialApproval.objects.filter(order=OuterRef("pk"))),
                    was_returned=Exists(ReviewDecision.objects.filter(order=OuterRef("pk"),
                                                                      outcome=ReviewDecision.Outcome.RETURNED)),
                    was_held=Exists(CreditHold.objects.filter(order=OuterRef("pk")))))
    if insp.scope_region:
        qs = qs.filter(sales_rep__region=insp.scope_region)
    if insp.amount_min is not None:
        qs = qs.filter(total_amount__gte=insp.amount_min)
    if insp.amount_max is not None:
        qs = qs.filter(total_amount__lte=insp.amount_max)
    if insp.only_special:
        qs = qs.filter(has_special=True)
    if insp.only_returned:
        qs = qs.filter(was_returned=True)
    if insp.only_credit_hold:
        qs = qs.filter(was_held=True)
    rows = qs.order_by("pk").values_list("pk", "sales_rep__region", "total_amount", "has_special", "was_returned",
                                         "was_held")
    return [sampling.Candidate(pk=pk, region=region or "", amount=amount, special=s, returned=r, credit_hold=h)
            for pk, region, amount, s, r, h in rows]


def bands_of(insp: Inspection) -> list[Decimal]:
    return [Decimal(str(b)) for b in insp.amount_bands or []]


def _locked(insp: Inspection) -> Inspection:
    return Inspection.objects.select_for_update().get(pk=insp.pk)


def inspection_sample(*, actor: Any, inspection: Inspection) -> Inspection:
    """P6.1.a: draw the sample — the same period, scope and seed always give the same orders. Each sampled
    order's timeline says it was sampled for this inspection."""
    _manage(actor)
    with transaction.atomic():
        insp = _locked(inspection)
        insp.state = INSPECTION.check(insp.state, "sample")
        pool = candidates(insp)
        drawn = sampling.draw(pool, method=insp.method, size=insp.sample_size, seed=insp.seed,
                              stratify_by=insp.stratify_by, bands=bands_of(insp))
        if not drawn:
            raise ValidationFailed(_("No order of the period is within this inspection's scope: widen the period "
                                     "or the scope."), field="period_from", code="empty_sample")
        InspectionSample.objects.bulk_create([InspectionSample(inspection=insp, order_id=pk, position=i + 1,
                                                               stratum=key) for i, (pk, key) in enumerate(drawn)])
        insp.candidates = len(pool)
        insp.sampled_at = timezone.now()
        insp.save(update_fields=["state", "candidates", "sampled_at"])
        event_record(actor=actor, action="supervision.sampled", subject=insp, clause="P6.1.a",
                     before={"inspection_state": Inspection.State.DRAFT},
                     after={"inspection_state": insp.state, "orders_in_scope": len(pool),
                            "orders_sampled": len(drawn), "seed": str(insp.seed)})
        for order in Order.objects.filter(pk__in=[pk for pk, _key in drawn]).order_by("pk"):
            event_record(actor=actor, action="supervision.order_sampled", subject=order, clause="P6.1.a",
                         after={"supervision_inspection": insp.number})
    return insp


def inspection_check(*, actor: Any, inspection: Inspection, today: date | None = None) -> Inspection:
    """P6.1.a: run the automatic process checks over every sampled order and keep each result with when
    it was run. May run again (after a rectification, say); the first run moves the inspection to checked."""
    _manage(actor)
    with transaction.atomic():
        insp = _locked(inspection)
        if insp.state not in CHECKABLE:
            raise InvalidTransition(INSPECTION.refusal % {"state": insp.get_state_display(), "verb": _("checked")},
                                    field="state", code="invalid_transition")
        before = insp.state
        samples = list(insp.samples.order_by("position"))
        results = checking.run([s.order_id for s in samples], today=today)
        now = timezone.now()
        for s in samples:
            s.results = results.get(s.order_id, [])
            s.failed = checking.failed_count(s.results)
            s.checked_at = now
        InspectionSample.objects.bulk_update(samples, ["results", "failed", "checked_at"])
        if insp.state == Inspection.State.SAMPLED:
            insp.state = INSPECTION.check(insp.state, "check")
        insp.checked_at = now
        insp.save(update_fields=["state", "checked_at"])
        event_record(actor=actor, action="supervision.checks_run", subject=insp, clause="P6.1.a",
                     before={"inspection_state": before},
                     after={"inspection_state": insp.state, "orders_checked": len(samples),
                            "orders_failing": sum(1 for s in samples if s.failed)})
    return insp


# --- findings ------------------------------------------------------------------------------------------

def _clean_finding(severity: Any, clause: Any) -> str:
    if severity not in Finding.Severity.values:
        raise ValidationFailed(_("Choose the severity."), field="severity")
    clause = (str(clause or "")).strip()
    if not CLAUSE.match(clause):
        raise ValidationFailed(_("Name the clause of the regulation, like P2.3.a."), field="clause")
    return clause


def _finding_events(actor: Any, insp: Inspection, f: Finding) -> None:
    after = {"supervision_inspection": insp.number, "severity": f.severity, "regulation_clause": f.clause}
    message = f.description
    event_record(actor=actor, action="supervision.finding_recorded", subject=insp, clause=f.clause,
                 after={**after, **({"order": f.order.number} if f.order is not None else {})}, message=message)
    if f.order is not None:
        event_record(actor=actor, action="supervision.finding_recorded", subject=f.order, clause=f.clause,
                     after=after, message=message)


def finding_record(*, actor: Any, inspection: Inspection, severity: str, clause: str, description: str,
                   order: Order | None = None) -> Finding:
    """P6.1.a: the auditor's own finding, on a sampled order or on the inspection as a whole."""
    _manage(actor)
    clause = _clean_finding(severity, clause)
    description = _text(description, "description", required=True, message=_("Describe the finding."))
    with transaction.atomic():
        insp = _locked(inspection)
        if insp.state not in FINDINGS_OPEN:
            raise InvalidTransition(_("Findings are recorded once the orders are sampled and before the inspection "
                                      "is closed."), field="state", code="invalid_transition")
        if order is not None and not insp.samples.filter(order=order).exists():
            raise ValidationFailed(_("That order is not in this inspection's sample."), field="order")
        f = Finding.objects.create(inspection=insp, order=order, severity=severity, clause=clause,
                                   description=description, created_by=actor)
        _finding_events(actor, insp, f)
    return f


def finding_from_check(*, actor: Any, sample: InspectionSample, check_code: str,
                       severity: str = Finding.Severity.MAJOR, description: str = "") -> Finding:
    """P6.1.a: a failed automatic check becomes a finding in one click — its clause and its evidence as the
    check found it (a later run of the checks does not change the finding)."""
    _manage(actor)
    description = _text(description, "description", required=False)
    with transaction.atomic():
        insp = _locked(sample.inspection)
        if insp.state not in FINDINGS_OPEN:
            raise InvalidTransition(_("Findings are recorded once the orders are sampled and before the inspection "
                                      "is closed."), field="state", code="invalid_transition")
        s = InspectionSample.objects.select_related("order").get(pk=sample.pk)
        result = next((r for r in s.results if r.get("code") == check_code), None)
        if result is None or result.get("outcome") != "fail":
            raise ValidationFailed(_("Only a failed check becomes a finding."), field="check_code")
        if Finding.objects.filter(inspection=insp, order=s.order, check_code=check_code).exists():
            raise ValidationFailed(_("This failed check is already a finding."), field="check_code",
                                   code="duplicate")
        d = checking.definitions().get(check_code)
        clause = _clean_finding(severity, d.clause if d is not None else "P6.1.a")
        f = Finding.objects.create(inspection=insp, order=s.order, severity=severity, clause=clause,
                                   description=description, check_code=check_code, evidence=result,
                                   created_by=actor)
        _finding_events(actor, insp, f)
    return f


# --- rectification 整改 -------------------------------------------------------------------------------

def _task_url(task: RectificationTask) -> str:
    return reverse("supervision:task", args=[task.number])


def _task_params(task: RectificationTask, insp: Inspection, **more: Any) -> dict[str, Any]:
    order = task.finding.order.number if task.finding.order is not None else insp.number
    return {"order": order, "task": task.number, "inspection": insp.number, "due": task.deadline.isoformat(),
            **more}


def department_members(department: str) -> list[User]:
    return list(recipients_with_role(department, capability="rectification_work"))


def _to_department(task: RectificationTask) -> list[User]:
    return [task.responsible] if task.responsible is not None else department_members(task.department)


def rectification_assign(*, actor: Any, finding: Finding, department: str, deadline: date,
                         responsible: User | None = None, instructions: str = "") -> RectificationTask:
    """P6.1.a 整改: a finding becomes a department's task with a deadline and, if chosen, a responsible
    person of that department. The department (or the person) is told; the inspection is in rectification."""
    _manage(actor)
    if department not in Department.values:
        raise ValidationFailed(_("Choose the department."), field="department")
    if not isinstance(deadline, date):
        raise ValidationFailed(_("Give the deadline."), field="deadline", code="required")
    if deadline < timezone.localdate():
        raise ValidationFailed(_("The deadline is today or later."), field="deadline")
    if responsible is not None and (not responsible.is_active or department not in user_departments(responsible)):
        raise ValidationFailed(_("The responsible person works in the chosen department."), field="responsible")
    instructions = _text(instructions, "instructions", required=False)
    today = timezone.localdate()
    with transaction.atomic():
        insp = _locked(finding.inspection)
        if insp.state not in (Inspection.State.CHECKED, Inspection.State.RECTIFYING, Inspection.State.SAMPLED):
            raise InvalidTransition(_("Rectification is assigned while the inspection is open."), field="state",
                                    code="invalid_transition")
        before = insp.state
        if insp.state != Inspection.State.RECTIFYING:
            insp.state = INSPECTION.check(insp.state, "rectify")
        insp.save(update_fields=["state"])
        n = next_in_series(f"ZG-{today:%Y%m%d}")
        task = RectificationTask.objects.create(
            number=f"ZG-{today:%Y%m%d}-{n:03d}", finding=finding, inspection=insp, department=department,
            responsible=responsible, instructions=instructions, deadline=deadline, created_by=actor)
        if before != insp.state:
            event_record(actor=actor, action="supervision.rectification_started", subject=insp, clause="P6.1.a",
                         before={"inspection_state": before}, after={"inspection_state": insp.state})
        event_record(actor=actor, action="supervision.rectification_assigned", subject=task, clause="P6.1.a",
                     after={"supervision_inspection": insp.number, "department": department,
                            "rectify_by": deadline.isoformat(),
                            "responsible": str(responsible) if responsible is not None else ""},
                     message=instructions)
        notify(recipients=_to_department(task), kind="rectification_assigned", actor=actor, subject=task,
               url=_task_url(task), params=_task_params(task, insp, reason=(instructions or finding.description)[:200]))
    return task


def _task_locked(task: RectificationTask) -> RectificationTask:
    return (RectificationTask.objects.select_for_update(of=("self",))
            .select_related("inspection", "finding__order", "responsible").get(pk=task.pk))


def may_respond(user: Any, task: RectificationTask) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_perm("accounts.rectification_work")
                and task.department in user_departments(user))


def rectification_respond(*, actor: Any, task: RectificationTask, measures: str) -> RectificationTask:
    """P6.1.a: the department says what it put right (files as evidence on the task's attachments card);
    the auditors are told to verify."""
    _require(actor, "rectification_work", _("Only the department the task is assigned to answers it (P6.1.a)."))
    measures = _text(measures, "measures", required=True, message=_("Say what was put right."))
    with transaction.atomic():
        t = _task_locked(task)
        if not may_respond(actor, t):
            raise PermissionDenied(_("This task is %(department)s's: someone of that department answers it.")
                                   % {"department": t.get_department_display()}, code="not_department")
        before = t.state
        t.state = TASK.check(t.state, "respond")
        t.measures = measures
        t.responded_by = actor
        t.responded_at = timezone.now()
        t.save(update_fields=["state", "measures", "responded_by", "responded_at", "updated_at"])
        event_record(actor=actor, action="supervision.rectification_responded", subject=t, clause="P6.1.a",
                     before={"rectification_state": before}, after={"rectification_state": t.state},
                     message=measures)
        auditors = [u for u in (t.created_by, t.inspection.created_by) if u is not None]
        notify(recipients=auditors, kind="rectification_responded", actor=actor, subject=t, url=_task_url(t),
               params=_task_params(t, t.inspection, reason=measures[:200]))
    return t


def verify_sod_refusal(actor: Any, task: RectificationTask) -> str | None:
    """Segregation of duties: whoever answered a task does not verify it."""
    if actor is not None and task.responded_by_id is not None and task.responded_by_id == actor.pk:
        return _("You answered this task: another auditor verifies it.")
    return None


def rectification_verify(*, actor: Any, task: RectificationTask, accept: bool, note: str = "") -> RectificationTask:
    """P6.1.a: the auditor verifies the department's answer — closes the task, or sends it back with what
    is still missing (the department is told). Never the person who answered it."""
    _manage(actor)
    note = _text(note, "note", required=not accept, message=_("Say what is still missing."))
    with transaction.atomic():
        t = _task_locked(task)
        refusal = verify_sod_refusal(actor, t)
        if refusal:
            raise PermissionDenied(refusal, code="segregation_of_duties")
        before = t.state
        t.state = TASK.check(t.state, "accept" if accept else "send_back")
        t.verification = note
        t.verified_by = actor
        if accept:
            t.closed_at = timezone.now()
        t.save(update_fields=["state", "verification", "verified_by", "closed_at", "updated_at"])
        event_record(actor=actor, action="supervision.rectification_closed" if accept
                     else "supervision.rectification_sent_back", subject=t, clause="P6.1.a",
                     before={"rectification_state": before}, after={"rectification_state": t.state}, message=note)
        if not accept:
            to = [u for u in (t.responded_by, t.responsible) if u is not None] or _to_department(t)
            notify(recipients=to, kind="rectification_returned", actor=actor, subject=t, url=_task_url(t),
                   params=_task_params(t, t.inspection, reason=note[:200]))
    return t


def inspection_close(*, actor: Any, inspection: Inspection, conclusion: str = "") -> Inspection:
    """P6.1.a: the inspection is closed once every rectification task is closed, with its conclusion."""
    _manage(actor)
    conclusion = _text(conclusion, "conclusion", required=False)
    with transaction.atomic():
        insp = _locked(inspection)
        before = insp.state
        insp.state = INSPECTION.check(insp.state, "close")
        open_tasks = insp.tasks.exclude(state=RectificationTask.State.CLOSED).count()
        if open_tasks:
            raise InvalidTransition(_("%(n)s rectification task(s) are not closed yet.") % {"n": open_tasks},
                                    field="state", code="tasks_open")
        insp.conclusion = conclusion
        insp.closed_at = timezone.now()
        insp.save(update_fields=["state", "conclusion", "closed_at"])
        event_record(actor=actor, action="supervision.inspection_closed", subject=insp, clause="P6.1.a",
                     before={"inspection_state": before}, after={"inspection_state": insp.state},
                     message=conclusion)
    return insp


# --- overdue follow-up (the daily job) -------------------------------------------------------------------

OVERDUE_JOB = job_register("rectification_overdue", _lazy("Overdue rectification follow-up"))


def rectification_overdue_check(*, task_id: int, today: date) -> bool:
    """P6.1.a: a task still with its department after its deadline — the department (or its responsible
    person) and the auditor are told, once a day; the first time is on the task's history."""
    with transaction.atomic():
        t = (RectificationTask.objects.select_for_update(of=("self",))
             .select_related("inspection", "finding__order", "responsible", "created_by").filter(pk=task_id).first())
        if t is None or t.state not in WITH_DEPARTMENT or t.deadline >= today or t.overdue_noticed_on == today:
            return False
        first = t.overdue_noticed_on is None
        t.overdue_noticed_on = today
        t.save(update_fields=["overdue_noticed_on", "updated_at"])
        if first:
            event_record(actor=None, action="supervision.rectification_overdue", subject=t, clause="P6.1.a",
                         after={"rectify_by": t.deadline.isoformat()})
        days = (today - t.deadline).days
        notify(recipients=[*_to_department(t), t.created_by], kind="rectification_overdue", subject=t,
               url=_task_url(t), params=_task_params(t, t.inspection, days=days))
    return True


def rectifications_overdue_run(*, today: date | None = None) -> int:
    """The daily run (supervision/tasks.py), recorded as a JobRun; each task in its own transaction."""
    day = today or timezone.localdate()
    ids = list(RectificationTask.objects.filter(state__in=WITH_DEPARTMENT, deadline__lt=day)
               .order_by("deadline", "id").values_list("pk", flat=True))
    done = 0
    with job_run(OVERDUE_JOB, day=day) as run:
        for pk in ids:
            if run_item(run, f"rectification {pk}", functools.partial(rectification_overdue_check, task_id=pk,
                                                                       today=day)):
                done += 1
    return done
