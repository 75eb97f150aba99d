"""Every write of the confidentiality chapter (P4.1.c 保密): access requests 审批后方可查阅 and their
grants, the reveal action and the export's reveals, the customer's consent to disclosure.

Each write runs in one transaction, locks its row, checks the role and segregation of duties, moves
through the state table and records its event on the customer's timeline (the customer's stream:
subject = the customer)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ordertaking.accounts.roles import Role
from ordertaking.audit.services import event_record
from ordertaking.common.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ordertaking.notifications.models import Kind
from ordertaking.notifications.selectors import recipients_with_role
from ordertaking.notifications.services import notify

from . import duties, rules, selectors
from .models import AccessRequest, Consent, RevealLog
from .states import ACCESS

TEXT_MAX = 2000


def _text(value: Any, *, field: str, message: Any, required: bool = True, limit: int = TEXT_MAX) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise ValidationFailed(message, field=field, code="required")
    if len(text) > limit:
        raise ValidationFailed(_("At most %(n)s characters.") % {"n": limit}, field=field)
    return text


def _customer_for(actor: Any, customer: Any) -> Any:
    if customer is None or not duties.customer_visible(actor, customer):
        raise NotFound(_("Customer not found."))
    return customer


def _label(customer: Any) -> str:
    return str(customer)


# --- access requests -------------------------------------------------------------------------------

def access_request_create(*, actor: Any, customer: Any, reason: str, days: Any = None) -> AccessRequest:
    """P4.1.c 审批后方可查阅: ask to see one customer's confidential data, saying why and for how long
    (7 days unless asked otherwise). One request waits at a time per person and customer."""
    if not actor.is_authenticated or not actor.has_perm("accounts.customer_view"):
        raise PermissionDenied(_("You may not see customers."))
    customer = _customer_for(actor, customer)
    reason = _text(reason, field="reason", message=_("Say why you need this customer's confidential data."))
    n = rules.grant_days(days)
    with transaction.atomic():
        try:
            with transaction.atomic():
                req = AccessRequest.objects.create(customer=customer, requested_by=actor, reason=reason, days=n)
        except IntegrityError as e:
            raise Conflict(_("Your request for this customer is already waiting for a decision."),
                           code="access_request_open") from e
        event_record(actor=actor, action="confidential_access.requested", subject=customer, clause="P4.1.c",
                     after={"access_request": req.state, "days": n}, message=reason, label=_label(customer))
        notify(recipients=deciders_of(customer), kind=Kind.ACCESS_REQUESTED, actor=actor, subject=req,
               params={"order": customer.name, "reason": reason, "days": n}, url=_url(req))
    return req


def _url(req: AccessRequest) -> str:
    return reverse("confidentiality:request", args=[req.pk])


def deciders_of(customer: Any) -> list[Any]:
    """Who is told of a request (P4.1.c): the customer's rep's leader, and leadership holding
    `confidential_access_decide`."""
    people = list(recipients_with_role(Role.LEADERSHIP, capability="confidential_access_decide"))
    rep = getattr(customer, "sales_rep", None)
    leader = getattr(rep, "leader", None) if rep is not None else None
    if leader is not None and leader.is_active:
        people.insert(0, leader)
    return people


def _locked(req: AccessRequest) -> AccessRequest:
    locked = AccessRequest.objects.select_for_update(of=("self",)).select_related(
        "customer", "customer__sales_rep", "requested_by").get(pk=req.pk)
    return locked


def _require_decider(req: AccessRequest, actor: Any) -> None:
    refusal = selectors.decide_refusal(actor, req)
    if refusal:
        raise PermissionDenied(refusal[1], code=refusal[0])


def access_request_decide(*, actor: Any, request: AccessRequest, grant: bool, days: Any = None,
                          comment: str = "") -> AccessRequest:
    """P4.1.c: the customer's rep's leader or leadership grants (for the days asked, or fewer or more up
    to 90) or refuses; never the requester (segregation of duties). Under the request's row lock, so
    two deciders at once: one decides, the other finds it decided (409)."""
    comment = _text(comment, field="comment", message=_("Say why the request is refused."), required=not grant)
    with transaction.atomic():
        req = _locked(request)
        _require_decider(req, actor)
        verb = "grant" if grant else "refuse"
        before = req.state
        req.state = ACCESS.check(req.state, verb)
        now = timezone.now()
        req.decided_by, req.decided_at, req.comment = actor, now, comment
        after: dict[str, Any] = {"access_request": req.state}
        if grant:
            req.days = rules.grant_days(days if days not in (None, "") else req.days)
            req.expires_at = rules.grant_expiry(now, req.days)
            after["expires"] = timezone.localtime(req.expires_at).strftime("%Y-%m-%d %H:%M")
            after["days"] = req.days
        req.save(update_fields=["state", "decided_by", "decided_at", "comment", "days", "expires_at"])
        event_record(actor=actor, action="confidential_access.granted" if grant else "confidential_access.refused",
                     subject=req.customer, clause=ACCESS.clause(verb), before={"access_request": before},
                     after=after, message=comment, label=_label(req.customer))
        notify(recipients=[req.requested_by], kind=Kind.ACCESS_DECIDED, actor=actor, subject=req, url=_url(req),
               params={"order": req.customer.name, "outcome": "granted" if grant else "refused",
                       "expires": after.get("expires", ""), "comment": comment})
    _refresh(request, req)
    return request


def _refresh(target: AccessRequest, source: AccessRequest) -> None:
    for f in ("state", "decided_by_id", "decided_at", "comment", "days", "expires_at", "revoked_by_id",
              "revoked_at", "revoke_reason"):
        setattr(target, f, getattr(source, f))


def access_request_withdraw(*, actor: Any, request: AccessRequest) -> AccessRequest:
    """The requester withdraws a request still waiting."""
    with transaction.atomic():
        req = _locked(request)
        if req.requested_by_id != actor.pk:
            raise PermissionDenied(_("Only whoever asked may withdraw the request."))
        before = req.state
        req.state = ACCESS.check(req.state, "withdraw")
        req.save(update_fields=["state"])
        event_record(actor=actor, action="confidential_access.withdrawn", subject=req.customer,
                     clause="P4.1.c", before={"access_request": before}, after={"access_request": req.state},
                     label=_label(req.customer))
    _refresh(request, req)
    return request


def access_grant_revoke(*, actor: Any, request: AccessRequest, reason: str = "") -> AccessRequest:
    """P4.1.c: a grant in force is revocable at any time by whoever may decide it, or given up by its
    holder; from then on the holder sees the data masked again. An expired grant has ended already."""
    with transaction.atomic():
        req = _locked(request)
        own = req.requested_by_id == actor.pk
        if not own:
            refusal = rules.decide_permission_refusal(
                decider_id=actor.pk, may_decide_all=actor.has_perm("accounts.confidential_access_decide"),
                rep_leader_id=selectors.rep_leader_id(req.customer))
            if refusal:
                raise PermissionDenied(refusal)
        reason = _text(reason, field="reason", message=_("Say why the grant is revoked."), required=not own)
        before = req.state
        req.state = ACCESS.check(req.state, "revoke")
        now = timezone.now()
        if req.expires_at is not None and req.expires_at <= now:
            raise InvalidTransition(_("This grant has already expired."), code="invalid_transition", field="state")
        req.revoked_by, req.revoked_at, req.revoke_reason = actor, now, reason
        req.save(update_fields=["state", "revoked_by", "revoked_at", "revoke_reason"])
        event_record(actor=actor, action="confidential_access.revoked", subject=req.customer, clause="P4.1.c",
                     before={"access_request": before}, after={"access_request": req.state}, message=reason,
                     label=_label(req.customer))
        if not own:  # the holder learns their grant ended (giving it up oneself needs no message)
            notify(recipients=[req.requested_by], kind=Kind.ACCESS_REVOKED, actor=actor, subject=req, url=_url(req),
                   params={"order": req.customer.name, "reason": reason})
    _refresh(request, req)
    return request


# --- reveals ---------------------------------------------------------------------------------------

def reveal_value(*, actor: Any, source: str, ref: str, key: str,
                 channel: str = RevealLog.Channel.PAGE) -> tuple[Any, RevealLog]:
    """P4.1.c: show one masked value in full, logged (who, when, customer, field, under which grant or
    duty). Refused (403) without a duty or a grant in force; 404 for what the user may not see at all."""
    resolve = duties.reveal_source(source)
    if resolve is None or not actor.is_authenticated:
        raise NotFound(_("Nothing to reveal here."))
    customer, field, value = resolve(actor, str(ref), str(key))
    basis = selectors.Lens(actor).basis(customer, field)
    if basis is None:
        raise PermissionDenied(_("You may see this customer's confidential data only for your work or after "
                                 "an approved access request."), code="access_required")
    with transaction.atomic():
        log = RevealLog.objects.create(user=actor, customer_id=customer.pk, field=field, basis=basis.kind,
                                       grant_id=basis.grant_id, duty=basis.duty_words, channel=channel)
    return value, log


def reveals_record(*, actor: Any, lens: selectors.Lens, entries: Iterable[tuple[Any, str]], channel: str,
                   what: str) -> int:
    """An export's reveals: one row per customer and field it carried unmasked, with its basis."""
    rows = []
    now = timezone.now()
    seen: set[tuple[int, str]] = set()
    for customer, field in entries:
        k = (customer.pk, str(field))
        if k in seen:
            continue
        seen.add(k)
        basis = lens.basis(customer, field)
        if basis is None:
            continue
        rows.append(RevealLog(user=actor, at=now, customer_id=customer.pk, field=str(field), basis=basis.kind,
                              grant_id=basis.grant_id, duty=basis.duty_words, channel=channel, what=what[:200]))
    with transaction.atomic():
        RevealLog.objects.bulk_create(rows, batch_size=500)
    return len(rows)


# --- consent ---------------------------------------------------------------------------------------

def consent_record(*, actor: Any, customer: Any, what: str, recipient: str, purpose: str = "",
                   valid_until: date | None = None, evidence: str = "") -> Consent:
    """P4.1.c: the customer's consent to disclose its data to a third party — what, to whom, until when,
    how it was given — recorded by sales or customer service (`consent_record`), on its timeline."""
    if not actor.is_authenticated or not actor.has_perm("accounts.consent_record"):
        raise PermissionDenied(_("Sales and customer service record a customer's consent."))
    customer = _customer_for(actor, customer)
    what = _text(what, field="what", message=_("Say which data the customer agrees to disclose."), limit=200)
    recipient = _text(recipient, field="recipient", message=_("Say to whom."), limit=200)
    purpose = _text(purpose, field="purpose", message="", required=False, limit=200)
    evidence = _text(evidence, field="evidence", message="", required=False, limit=200)
    if valid_until is not None and valid_until < timezone.localdate():
        raise ValidationFailed(_("The end of the consent cannot lie in the past."), field="valid_until")
    with transaction.atomic():
        consent = Consent.objects.create(customer=customer, what=what, recipient=recipient, purpose=purpose,
                                         valid_until=valid_until, evidence=evidence, recorded_by=actor)
        event_record(actor=actor, action="consent.recorded", subject=customer, clause="P4.1.c",
                     after={"consent_what": what, "consent_recipient": recipient,
                            "valid_until": valid_until.isoformat() if valid_until else None},
                     message=evidence, label=_label(customer))
    return consent



# --- the grant's end, told in advance (daily job) -----------------------------------------------------

EXPIRY_NOTICE = timedelta(days=1)


def grant_expiry_tell(*, grant_id: int, now: datetime | None = None) -> bool:
    """P4.1.c: tell a grant's holder, once, that it ends within a day (the daily job's item). False when
    it needs no message (told already, no longer in force, or not ending yet)."""
    now = now or timezone.now()
    with transaction.atomic():
        req = AccessRequest.objects.select_for_update(of=("self",)).select_related(
            "customer", "requested_by").get(pk=grant_id)
        if (req.expiry_told_at is not None or not req.in_force(now) or req.expires_at is None
                or req.expires_at > now + EXPIRY_NOTICE):
            return False
        req.expiry_told_at = now
        req.save(update_fields=["expiry_told_at"])
        notify(recipients=[req.requested_by], kind=Kind.ACCESS_EXPIRING, subject=req, url=_url(req),
               params={"order": req.customer.name,
                       "expires": timezone.localtime(req.expires_at).strftime("%Y-%m-%d %H:%M")})
    return True
