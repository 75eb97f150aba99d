"""The automatic process-compliance checks of a supervision inspection (P6.1.a) as pure functions over
plain facts: no database, no clock. `checks.py` reads the facts of many orders at once and calls these.

Each check proves one part of the regulation for one order and answers `pass`, `fail` (with the evidence
of what is wrong: the step, who did it, when) or `not_applicable` (the order has not got that far). An
order still in progress passes for the steps it has reached. Evidence is stored as a kind and JSON
parameters and rendered in the reader's language (`Evidence.text()`): no codes, ids or enums on a page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from ordertaking.accounts.roles import CAPABILITIES, ROLE_LABELS, Role
from ordertaking.audit.chain import content_of, event_hash, stream_of
from ordertaking.audit.labels import CUSTOMER_ACTOR, action_label
from ordertaking.common.findings import FINDING_LABELS
from ordertaking.common.masking import mask_name
from ordertaking.orders.rules import OrderFacts as OrderCompletenessFacts
from ordertaking.orders.rules import completeness_findings
from ordertaking.review.rules import review_due

PASS, FAIL, NOT_APPLICABLE = "pass", "fail", "not_applicable"
OUTCOMES = (PASS, FAIL, NOT_APPLICABLE)



# --- the result shapes (the interface the inspection workflow stores and shows) --------------------------

def _when(value: Any) -> str:
    """An ISO date or date-time parameter as the reader sees it (local time, to the minute)."""
    text = str(value or "")
    if len(text) <= 10:
        return text
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if timezone.is_naive(moment):
        return moment.strftime("%Y-%m-%d %H:%M")
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _step(params: Mapping[str, Any], key: str = "step") -> str:
    code = str(params.get(key, ""))
    label = STEP_LABELS.get(code)
    return str(label) if label is not None else action_label(code)


def _roles(codes: Iterable[str]) -> str:
    words = [str(ROLE_LABELS[Role(c)]) for c in codes if c in Role.__members__.values()]
    return pgettext("list separator", ", ").join(words) if words else _("nobody")


def _findings(codes: Iterable[str]) -> str:
    return " ".join(str(FINDING_LABELS.get(c, _("Another item is missing or wrong."))) for c in codes)


def _document(code: str) -> str:
    label = DOCUMENT_LABELS.get(code)
    return str(label) if label is not None else _("a document")


def _by(params: Mapping[str, Any]) -> str:
    if params.get("customer"):
        return _("the customer")
    return str(params.get("by") or _("the system"))


# kind -> the sentence, given the parameters; every kind an evidence may have is here.
def _text_step(p: Mapping[str, Any]) -> str:
    if not p.get("by") and not p.get("customer"):
        return _("%(step)s — %(at)s.") % {"step": _step(p), "at": _when(p.get("at"))}
    return _("%(step)s — %(at)s, %(by)s.") % {"step": _step(p), "at": _when(p.get("at")), "by": _by(p)}


def _text_missing(p: Mapping[str, Any]) -> str:
    return _("No record that this step was done: %(step)s.") % {"step": _step(p)}


def _pair(p: Mapping[str, Any]) -> dict[str, str]:
    return {"step": _step(p), "at": _when(p.get("at")), "before": _step(p, "before"),
            "before_at": _when(p.get("before_at"))}


def _text_order(p: Mapping[str, Any]) -> str:
    return _("%(step)s (%(at)s) came before %(before)s (%(before_at)s), which must come first.") % _pair(p)


def _text_resubmit(p: Mapping[str, Any]) -> str:
    return _("%(step)s (%(at)s) without a new submission after %(before)s (%(before_at)s).") % _pair(p)


def _text_actor(p: Mapping[str, Any]) -> str:
    return _("%(step)s on %(at)s by %(by)s, who holds no role allowed to do it (allowed: %(roles)s).") % {
        "step": _step(p), "at": _when(p.get("at")), "by": _by(p), "roles": _roles(p.get("roles", ()))}


def _text_nobody(p: Mapping[str, Any]) -> str:
    return _("%(step)s on %(at)s was recorded without the person who did it.") % {
        "step": _step(p), "at": _when(p.get("at"))}


def _text_not_rep(p: Mapping[str, Any]) -> str:
    return _("%(step)s on %(at)s by %(by)s, who is not the order's sales rep.") % {
        "step": _step(p), "at": _when(p.get("at")), "by": _by(p)}


def _text_same_person(p: Mapping[str, Any]) -> str:
    conflict = CONFLICT_LABELS.get(str(p.get("also", "")))
    return _("%(step)s on %(at)s by %(by)s, who %(conflict)s.") % {
        "step": _step(p), "at": _when(p.get("at")), "by": _by(p),
        "conflict": str(conflict) if conflict is not None else _("is a party to it")}


def _text_late(p: Mapping[str, Any]) -> str:
    return _("%(step)s was due by %(due)s and done on %(done)s.") % {
        "step": _step(p), "due": _when(p.get("due")), "done": _when(p.get("done"))}


def _text_overdue(p: Mapping[str, Any]) -> str:
    return _("%(step)s was due by %(due)s and is still not done.") % {"step": _step(p), "due": _when(p.get("due"))}


def _text_on_time(p: Mapping[str, Any]) -> str:
    return _("%(step)s due by %(due)s, done on %(done)s.") % {
        "step": _step(p), "due": _when(p.get("due")), "done": _when(p.get("done"))}


def _text_incomplete(p: Mapping[str, Any]) -> str:
    return _("Revision %(revision)s was submitted incomplete: %(items)s") % {
        "revision": p.get("revision", ""), "items": _findings(p.get("codes", ()))}


def _text_complete(p: Mapping[str, Any]) -> str:
    return _("Revision %(revision)s was complete when submitted on %(at)s.") % {
        "revision": p.get("revision", ""), "at": _when(p.get("at"))}


def _text_no_delivery_info(p: Mapping[str, Any]) -> str:
    return _("Shipment %(shipment)s left on %(at)s before the delivery time and place were agreed with the "
             "customer.") % {"shipment": p.get("shipment", ""), "at": _when(p.get("at"))}


def _text_delivery_info(p: Mapping[str, Any]) -> str:
    return _("Shipment %(shipment)s: delivery time and place agreed on %(agreed)s, shipped on %(at)s.") % {
        "shipment": p.get("shipment", ""), "agreed": _when(p.get("agreed")), "at": _when(p.get("at"))}


def _text_no_credit_check(p: Mapping[str, Any]) -> str:
    return _("Approved on %(at)s by %(by)s without a credit check of that revision.") % {
        "at": _when(p.get("at")), "by": _by(p)}


def _money(value: Any) -> str:
    """¥1,234.00, as every page shows an amount."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "—"
    return f"{'-' if amount < 0 else ''}¥{abs(amount):,.2f}"


def _text_credit_checked(p: Mapping[str, Any]) -> str:
    return _("Credit checked on %(at)s before the approval (exposure %(exposure)s of a limit of %(limit)s).") % {
        "at": _when(p.get("at")), "exposure": _money(p.get("exposure")), "limit": _money(p.get("limit"))}


def _text_chain(p: Mapping[str, Any]) -> str:
    problem = str(p.get("problem", ""))
    sentence = CHAIN_PROBLEMS.get(problem, CHAIN_PROBLEMS["changed"])
    return str(sentence) % {"step": _step(p), "at": _when(p.get("at")), "n": p.get("n", "")}


def _text_chain_ok(p: Mapping[str, Any]) -> str:
    return _("All %(n)s events of the order's history are in their chain, unchanged.") % {"n": p.get("n", 0)}


def _text_no_inspection(p: Mapping[str, Any]) -> str:
    return _("Shipment %(shipment)s left on %(at)s without a passed finished-product inspection of line "
             "%(line)s.") % {"shipment": p.get("shipment", ""), "at": _when(p.get("at")), "line": p.get("line", "")}


def _text_inspection(p: Mapping[str, Any]) -> str:
    return _("Line %(line)s: finished-product inspection %(report)s passed on %(at)s.") % {
        "line": p.get("line", ""), "report": p.get("report", ""), "at": _when(p.get("at"))}


def _text_unsigned(p: Mapping[str, Any]) -> str:
    return _("Shipment %(shipment)s: the delivery voucher is not signed by the customer.") % {
        "shipment": p.get("shipment", "")}


def _text_signed(p: Mapping[str, Any]) -> str:
    # P4.1.c: the signer is a person at the customer; an inspection needs the signing, not the name: masked
    # (刘**), also in evidence stored before the checks masked it themselves.
    return _("Shipment %(shipment)s: delivery voucher %(voucher)s signed on %(at)s by %(signer)s.") % {
        "shipment": p.get("shipment", ""), "voucher": p.get("voucher", ""), "at": _when(p.get("at")),
        "signer": mask_name(str(p.get("signer") or "")) or _("the customer")}


def _text_no_document(p: Mapping[str, Any]) -> str:
    if p.get("document") == "any":
        return _("Shipment %(shipment)s: the voucher records no document handed over with the goods.") % {
            "shipment": p.get("shipment", "")}
    return _("Shipment %(shipment)s: %(document)s not handed over with the goods.") % {
        "shipment": p.get("shipment", ""), "document": _document(str(p.get("document", "")))}


def _text_party(p: Mapping[str, Any]) -> str:
    return _("%(step)s on %(at)s by %(by)s, who is not a party to the order.") % {
        "step": _step(p), "at": _when(p.get("at")), "by": _by(p)}


EVIDENCE_TEXTS = {
    "step": _text_step, "missing": _text_missing, "order": _text_order, "resubmit": _text_resubmit,
    "actor": _text_actor, "nobody": _text_nobody, "not_rep": _text_not_rep, "same_person": _text_same_person,
    "party_ok": _text_party, "late": _text_late, "overdue": _text_overdue, "on_time": _text_on_time,
    "incomplete": _text_incomplete, "complete": _text_complete, "no_delivery_info": _text_no_delivery_info,
    "delivery_info": _text_delivery_info, "no_credit_check": _text_no_credit_check,
    "credit_checked": _text_credit_checked, "chain": _text_chain, "chain_ok": _text_chain_ok,
    "no_inspection": _text_no_inspection, "inspection": _text_inspection, "unsigned": _text_unsigned,
    "signed": _text_signed, "no_document": _text_no_document,
}


@dataclass(frozen=True)
class Evidence:
    """One thing the auditor can look at, rendered in the reader's language."""

    kind: str  # a key of EVIDENCE_TEXTS
    params: dict[str, Any] = field(default_factory=dict)  # JSON values only (dates as ISO strings)
    url: str = ""  # where to look: the order's page, a shipment's page ...

    def text(self) -> str:
        render = EVIDENCE_TEXTS.get(self.kind)
        if render is None:
            return _("A fact the check recorded.")
        return render(self.params)

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "params": dict(self.params), "url": self.url}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Evidence:
        params = data.get("params")
        return cls(kind=str(data.get("kind", "")), params=dict(params) if isinstance(params, Mapping) else {},
                   url=str(data.get("url") or ""))


@dataclass(frozen=True)
class CheckResult:
    code: str  # one of CHECKS' codes
    outcome: str  # pass | fail | not_applicable
    evidence: tuple[Evidence, ...] = ()

    @property
    def passed(self) -> bool:
        return self.outcome == PASS

    @property
    def failed(self) -> bool:
        return self.outcome == FAIL

    @property
    def definition(self) -> CheckDef | None:
        return CHECKS_BY_CODE.get(self.code)

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "outcome": self.outcome, "evidence": [e.as_json() for e in self.evidence]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CheckResult:
        outcome = str(data.get("outcome", ""))
        evidence = data.get("evidence") or ()
        return cls(code=str(data.get("code", "")), outcome=outcome if outcome in OUTCOMES else NOT_APPLICABLE,
                   evidence=tuple(Evidence.from_json(e) for e in evidence if isinstance(e, Mapping)))


@dataclass(frozen=True)
class CheckDef:
    code: str
    label: Any  # lazy translated
    clause: str
    description: Any  # lazy translated: what the check proves, for the auditor


DEFINITIONS: tuple[CheckDef, ...] = (
    CheckDef("steps", gettext_lazy("Required steps present and in order"), "P6.1.a", gettext_lazy(
        "Every step the order has reached is on record, in the regulation's order: entered, submitted, reviewed "
        "(a returned order submitted again before the next decision), credit checked, tasks assigned, produced "
        "where the product needs production, shipped, delivered, accepted, invoiced and closed.")),
    CheckDef("roles", gettext_lazy("Each step done by a permitted role"), "P3", gettext_lazy(
        "Whoever did each step holds a role allowed to do it by the table of responsibilities; the delivery "
        "arrangements are agreed by the order's own sales rep.")),
    CheckDef("segregation", gettext_lazy("Segregation of duties"), "P2.3.c", gettext_lazy(
        "Nobody approved or returned an order they entered, edited, submitted, sell or asked special approval for; "
        "no special approval, credit release, cancellation or compensation was decided by the person who asked "
        "for it or is a party to the order.")),
    CheckDef("time_nodes", gettext_lazy("Review and execution time nodes met"), "P2.4.a", gettext_lazy(
        "Each submission was decided within the review time node (counted in hours from the submission, or from "
        "the release from credit hold), and each execution task was done by its due date.")),
    CheckDef("information", gettext_lazy("Information complete at each stage"), "P2.2.a", gettext_lazy(
        "Every submitted revision carried the information an order needs (products, quantities, prices, "
        "delivery time and place, payment method), and the delivery time and place were agreed with the "
        "customer before each shipment left.")),
    CheckDef("credit", gettext_lazy("Credit checked at approval"), "P5.1.a", gettext_lazy(
        "Every approval of the order was preceded by a credit check of the revision it approved.")),
    CheckDef("documents", gettext_lazy("Inspections, documents and signed voucher present"), "P2.5.b", gettext_lazy(
        "Produced goods left only after a passed finished-product inspection; every delivered shipment has a "
        "delivery voucher signed by the customer, with the documents handed over (the quality inspection "
        "report where goods were produced).")),
    CheckDef("audit_chain", gettext_lazy("Audit trail intact"), "P4.2.a", gettext_lazy(
        "The order's events form an unbroken hash chain: none changed, removed or slipped in afterwards.")),
)

OUTCOME_LABELS = {
    PASS: pgettext_lazy("check outcome", "Passed"),
    FAIL: pgettext_lazy("check outcome", "Failed"),
    NOT_APPLICABLE: pgettext_lazy("check outcome", "Not applicable"),
}


def outcome_label(outcome: str) -> str:
    """The outcome in words."""
    label = OUTCOME_LABELS.get(outcome)
    return str(label) if label is not None else str(OUTCOME_LABELS[NOT_APPLICABLE])


# --- the words of steps, documents and chain problems ------------------------------------------------------

STEP_LABELS: dict[str, Any] = {
    "entered": pgettext_lazy("step", "Order entered"),
    "submitted": pgettext_lazy("step", "Submitted for review"),
    "reviewed": pgettext_lazy("step", "Reviewed and approved"),
    "credit_checked": pgettext_lazy("step", "Credit checked"),
    "tasks": pgettext_lazy("step", "Tasks assigned"),
    "produced": pgettext_lazy("step", "Produced"),
    "shipped": pgettext_lazy("step", "Shipped"),
    "delivered": pgettext_lazy("step", "Delivered, voucher signed"),
    "accepted": pgettext_lazy("step", "Accepted by the customer"),
    "invoiced": pgettext_lazy("step", "Invoiced"),
    "closed": pgettext_lazy("step", "Closed (paid)"),
    "decision": pgettext_lazy("step", "Review decision"),
    "review": pgettext_lazy("step", "Review"),
    "task_production": pgettext_lazy("step", "Production task"),
    "task_inspection": pgettext_lazy("step", "Quality inspection task"),
    "task_shipping": pgettext_lazy("step", "Shipping task"),
    "task_service": pgettext_lazy("step", "Installation / service task"),
    "special_decide": pgettext_lazy("step", "Special approval decided"),
    "credit_release": pgettext_lazy("step", "Credit hold released"),
    "cancel_decide": pgettext_lazy("step", "Cancellation decided"),
    "compensation_decide": pgettext_lazy("step", "Compensation decided"),
    "delivery_agreed": pgettext_lazy("step", "Delivery time and place agreed"),
}

# Why a person should not have done a step (segregation of duties): "…, who %(conflict)s."
CONFLICT_LABELS: dict[str, Any] = {
    "authoring": pgettext_lazy("conflict", "entered, edited or submitted the order"),
    "sells": pgettext_lazy("conflict", "is the order's sales rep"),
    "special_request": pgettext_lazy("conflict", "asked for its special approval"),
    "cancel_request": pgettext_lazy("conflict", "asked for the cancellation"),
    "compensation_request": pgettext_lazy("conflict", "asked for the compensation"),
}

DOCUMENT_LABELS: dict[str, Any] = {
    "inspection_report": gettext_lazy("the quality inspection report"),
    "product_manual": gettext_lazy("the product manual"),
    "service_record": gettext_lazy("the service record"),
}

CHAIN_PROBLEMS: dict[str, Any] = {
    "changed": gettext_lazy("The event “%(step)s” of %(at)s no longer matches its fingerprint: it was changed."),
    "removed": gettext_lazy("%(n)s event(s) of the order's history are missing from its chain."),
    "inserted": gettext_lazy("The event “%(step)s” of %(at)s does not follow the one before it: it was slipped in."),
    "outside": gettext_lazy("The event “%(step)s” of %(at)s is in no chain: it was written around the application."),
    "head": gettext_lazy("The newest events of the order's history differ from those the application wrote."),
}


# --- the facts ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EventFact:
    """One event of the order's audit trail (audit.AuditEvent), as stored."""

    seq: int
    action: str
    at: datetime
    actor_id: int | None = None
    actor_name: str = ""
    after: Mapping[str, Any] = field(default_factory=dict)
    # the hash chain (audit/chain.py): the stored links and the fingerprint recomputed from the content
    prev_hash: str = ""
    hash: str = ""
    recomputed: str = ""
    in_stream: bool = True  # the event's stream is its subject's


@dataclass(frozen=True)
class RevisionFact:
    revision: int
    created_at: datetime
    completeness: OrderCompletenessFacts  # the revision as submitted (its snapshot)


@dataclass(frozen=True)
class SpecialFact:
    requested_by: int
    requested_at: datetime
    decided_by: int | None = None
    decided_by_name: str = ""
    decided_at: datetime | None = None
    state: str = "requested"


@dataclass(frozen=True)
class HoldFact:
    released_by: int | None = None
    released_by_name: str = ""
    released_at: datetime | None = None


@dataclass(frozen=True)
class TaskFact:
    kind: str  # fulfilment Task.Kind code
    state: str  # open | in_progress | done | cancelled
    due_date: date
    done_at: datetime | None = None
    line: int | None = None


@dataclass(frozen=True)
class ProductionFact:
    line: int
    state: str  # planned | in_progress | finished | cancelled
    finished_at: datetime | None = None


@dataclass(frozen=True)
class InspectionFact:
    line: int
    checkpoint: str  # raw_material | in_process | finished
    result: str  # pass | fail
    at: datetime
    report: str = ""


@dataclass(frozen=True)
class ShipmentFact:
    number: str
    state: str
    lines: tuple[int, ...]  # the order lines' positions it carries
    shipped_at: datetime | None = None
    url: str = ""
    agreed_at: datetime | None = None  # the sales part of the readiness checklist (P2.5.a) signed
    agreed_place: str = ""
    agreed_time: datetime | None = None
    voucher: str = ""
    voucher_state: str = ""  # open | signed | signed_on_paper ("" when there is none)
    voucher_signed_at: datetime | None = None
    signer: str = ""
    documents: tuple[str, ...] = ()


@dataclass(frozen=True)
class DecisionFact:
    """A request and its decision by two people (cancellation after approval, compensation)."""

    kind: str  # cancel | compensation
    requested_by: int | None
    decided_by: int | None
    decided_by_name: str = ""
    decided_at: datetime | None = None


@dataclass(frozen=True)
class PersonFact:
    name: str
    roles: frozenset[str] = frozenset()  # the role codes the person holds now
    # each change of their roles (accounts' user.roles_changed events): when, and the roles held before it
    role_changes: tuple[tuple[datetime, frozenset[str]], ...] = ()

    def roles_at(self, moment: datetime) -> frozenset[str]:
        """The roles the person held at `moment`: those before the first change after it, else today's."""
        for at, before in sorted(self.role_changes, key=lambda c: c[0]):
            if at > moment:
                return before
        return self.roles


@dataclass(frozen=True)
class OrderCheckFacts:
    """Everything the checks look at for one order."""

    number: str
    state: str
    entered_by: int
    sales_rep: int
    today: date
    url: str = ""
    events: tuple[EventFact, ...] = ()
    people: Mapping[int, PersonFact] = field(default_factory=dict)
    revisions: tuple[RevisionFact, ...] = ()
    specials: tuple[SpecialFact, ...] = ()
    holds: tuple[HoldFact, ...] = ()
    decisions: tuple[DecisionFact, ...] = ()
    tasks: tuple[TaskFact, ...] = ()
    production: tuple[ProductionFact, ...] = ()
    inspections: tuple[InspectionFact, ...] = ()
    shipments: tuple[ShipmentFact, ...] = ()
    invoices: int = 0
    # the audit stream's head row (audit.StreamHead): None when the order's stream has none
    head_seq: int | None = None
    head_hash: str = ""
    # what the last daily seal recorded of the stream (audit.services.audit_seal): 0 when never sealed
    sealed_seq: int = 0
    sealed_hash: str = ""
    stream: str = ""

    def first(self, *actions: str) -> EventFact | None:
        return next((e for e in self.events if e.action in actions), None)

    def last(self, *actions: str) -> EventFact | None:
        return next((e for e in reversed(self.events) if e.action in actions), None)

    def all(self, *actions: str) -> list[EventFact]:
        return [e for e in self.events if e.action in actions]


def _who(e: EventFact) -> dict[str, Any]:
    """The `by` parameter of an event: the person's name; the customer acting through their link (P2.5.b)
    in words; nobody for the system's own steps."""
    if e.actor_id is None:
        return {"by": "", "customer": True} if e.actor_name == CUSTOMER_ACTOR else {"by": ""}
    return {"by": e.actor_name}


def _iso(value: datetime | date | None) -> str:
    return value.isoformat() if value is not None else ""


def _ev(kind: str, url: str = "", **params: Any) -> Evidence:
    return Evidence(kind, {k: (_iso(v) if isinstance(v, datetime | date) else v) for k, v in params.items()}, url)


def _result(code: str, problems: list[Evidence], proofs: list[Evidence]) -> CheckResult:
    return CheckResult(code, FAIL if problems else PASS, tuple(problems or proofs))


def _na(code: str) -> CheckResult:
    return CheckResult(code, NOT_APPLICABLE, ())


# --- 1. every required step present and in order (P6.1.a over P2.2–P2.5) ------------------------------------

# How far each order state has got, on the way entered → closed.
STATE_REACH = {"draft": 0, "submitted": 1, "returned": 1, "credit_hold": 1, "cancelled": 0, "approved": 2,
               "in_execution": 3, "partly_shipped": 4, "shipped": 4, "delivered": 5, "accepted": 6, "closed": 7}
SIGNING = ("delivery_voucher.signed", "delivery_voucher.signed_on_paper")
DECISIONS = ("order.approved", "order.returned")


def _milestones(f: OrderCheckFacts) -> list[tuple[str, int, EventFact | None]]:
    """The steps in the regulation's order with the level of progress that requires each, and the event
    that did it (the first of its kind; delivered: the signing of the last voucher)."""
    delivered = f.last(*SIGNING) if f.shipments and all(s.voucher_state in ("signed", "signed_on_paper")
                                                       for s in f.shipments if s.state != "cancelled") else None
    return [
        ("entered", 0, f.first("order.created")),
        ("submitted", 1, f.first("order.submitted")),
        ("credit_checked", 2, f.first("credit.checked")),
        ("reviewed", 2, f.first("order.approved")),
        ("tasks", 2, f.first("tasks.created")),
        ("shipped", 4, f.first("shipment.dispatched")),
        ("delivered", 5, delivered),
        ("accepted", 6, f.first("order.accepted")),
        ("closed", 7, f.first("order.closed")),
    ]


def _produced(f: OrderCheckFacts, reach: int, problems: list[Evidence], proofs: list[Evidence]) -> None:
    """P2.4.b: where the products need production, it is finished by the time the order is delivered."""
    produced = [p for p in f.production if p.state != "cancelled"]
    if not produced or reach < 5:
        return
    if any(p.state != "finished" or p.finished_at is None for p in produced):
        problems.append(_ev("missing", f.url, step="produced"))
        return
    last = max(p.finished_at for p in produced if p.finished_at is not None)
    proofs.append(_ev("step", f.url, step="produced", at=last, by=""))


def check_steps(f: OrderCheckFacts) -> CheckResult:
    """P6.1.a: every step the order has reached is on record and they happened in the regulation's order.
    How far it got: its state, or the furthest step on record (a cancelled or changed order got further
    than its state says). A returned order is submitted again before the next decision (P2.3.c)."""
    code = "steps"
    milestones = _milestones(f)
    reach = STATE_REACH.get(f.state, 0)
    for _name, level, event in milestones:
        if event is not None:
            reach = max(reach, level)
    problems: list[Evidence] = []
    proofs: list[Evidence] = []
    previous: tuple[str, EventFact] | None = None
    for step, level, event in milestones:
        if level > reach:
            break
        if event is None:
            problems.append(_ev("missing", f.url, step=step))
            continue
        proofs.append(_ev("step", f.url, step=step, at=event.at, **_who(event)))
        if previous is not None and event.at < previous[1].at:
            problems.append(_ev("order", f.url, step=step, at=event.at, before=previous[0],
                                before_at=previous[1].at))
        previous = (step, event)
        if step == "tasks":
            _produced(f, reach, problems, proofs)
    # Closed: invoiced first (P3.6: accepted and paid).
    if reach >= 7 and not f.invoices and f.first("invoice.issued") is None:
        problems.append(_ev("missing", f.url, step="invoiced"))
    # Each decision follows a submission made after the previous decision (returned, then resubmitted).
    last_decision: EventFact | None = None
    for e in f.events:
        if e.action in DECISIONS:
            if last_decision is not None and not any(
                    s.action == "order.submitted" and last_decision.seq < s.seq < e.seq for s in f.events):
                problems.append(_ev("resubmit", f.url, step=e.action, at=e.at, before=last_decision.action,
                                    before_at=last_decision.at))
            last_decision = e
        elif e.action == "change.withdrawn":
            last_decision = None  # the approved content restored: no new decision is due
    if reach == 0 and not problems:
        return CheckResult(code, PASS, tuple(proofs)) if proofs else _na(code)
    return _result(code, problems, proofs)


# --- 3. segregation of duties (P2.3.c, P3) -------------------------------------------------------------------

AUTHORING = ("order.created", "order.updated", "order.submitted", "change.requested")


def check_segregation(f: OrderCheckFacts) -> CheckResult:
    """P2.3.c: nobody approves or returns an order they are a party to (entered it, sell it, entered, edited or
    submitted any revision up to that decision, asked for its special approval); a special approval is not
    decided by its requester or a party; a credit hold is not released by who entered or sells the order
    (P5.1); a cancellation after approval and a compensation are decided by someone other than who asked."""
    code = "segregation"
    problems: list[Evidence] = []
    proofs: list[Evidence] = []
    authors: set[int] = {f.entered_by}
    requesters = {s.requested_by for s in f.specials}
    decided = False
    for e in f.events:
        if e.action in AUTHORING and e.actor_id is not None:
            authors.add(e.actor_id)
        if e.action not in DECISIONS:
            continue
        decided = True
        if e.actor_id is None:
            continue  # the roles check names a decision recorded without its person
        if e.actor_id == f.sales_rep:
            problems.append(_ev("same_person", f.url, by=e.actor_name, step=e.action, at=e.at, also="sells"))
        elif e.actor_id in authors:
            problems.append(_ev("same_person", f.url, by=e.actor_name, step=e.action, at=e.at, also="authoring"))
        elif e.actor_id in requesters:
            problems.append(_ev("same_person", f.url, by=e.actor_name, step=e.action, at=e.at,
                                also="special_request"))
        else:
            proofs.append(_ev("party_ok", f.url, step=e.action, at=e.at, by=e.actor_name))
    parties = authors | {f.sales_rep}
    for s in f.specials:
        if s.decided_by is None:
            continue
        decided = True
        if s.decided_by == s.requested_by:
            problems.append(_ev("same_person", f.url, by=s.decided_by_name, step="special_decide", at=s.decided_at,
                                also="special_request"))
        elif s.decided_by in parties:
            problems.append(_ev("same_person", f.url, by=s.decided_by_name, step="special_decide", at=s.decided_at,
                                also="authoring"))
        else:
            proofs.append(_ev("party_ok", f.url, step="special_decide", at=s.decided_at, by=s.decided_by_name))
    for h in f.holds:
        if h.released_by is None:
            continue
        decided = True
        if h.released_by in (f.entered_by, f.sales_rep):
            problems.append(_ev("same_person", f.url, by=h.released_by_name, step="credit_release", at=h.released_at,
                                also="sells" if h.released_by == f.sales_rep else "authoring"))
        else:
            proofs.append(_ev("party_ok", f.url, step="credit_release", at=h.released_at, by=h.released_by_name))
    for d in f.decisions:
        if d.decided_by is None:
            continue
        decided = True
        if d.decided_by == d.requested_by:
            problems.append(_ev("same_person", f.url, by=d.decided_by_name, step=f"{d.kind}_decide", at=d.decided_at,
                                also=f"{d.kind}_request"))
        else:
            proofs.append(_ev("party_ok", f.url, step=f"{d.kind}_decide", at=d.decided_at, by=d.decided_by_name))
    if not decided:
        return _na(code)
    return _result(code, problems, proofs)


# --- 6. credit checked at approval (P5.1.a/b) ------------------------------------------------------------------

def check_credit(f: OrderCheckFacts) -> CheckResult:
    """P5.1: each approval is preceded by a credit check of the revision it approves: a `credit.checked`
    event after the submission the approval decides (the credit gate writes it in the approval's own
    transaction, so a missing one means the approval went around the gate)."""
    code = "credit"
    approvals = f.all("order.approved")
    if not approvals:
        return _na(code)
    problems: list[Evidence] = []
    proofs: list[Evidence] = []
    for a in approvals:
        since = max((e.seq for e in f.events if e.action == "order.submitted" and e.seq < a.seq), default=0)
        check = next((e for e in reversed(f.events)
                      if e.action == "credit.checked" and since < e.seq < a.seq), None)
        if check is None:
            problems.append(_ev("no_credit_check", f.url, at=a.at, by=a.actor_name))
        else:
            proofs.append(_ev("credit_checked", f.url, at=check.at, exposure=str(check.after.get("exposure", "")),
                              limit=str(check.after.get("credit_limit", ""))))
    return _result(code, problems, proofs)


# --- 8. the audit chain of the order's events (P4.2.a, P6.1.a) ---------------------------------------------

def check_audit_chain(f: OrderCheckFacts) -> CheckResult:
    """P4.2.a/P6.1.a: the order's events are an unbroken hash chain (audit/chain.py), checked the way
    `audit.selectors.audit_chains_verify` checks the whole log: numbered 1, 2, 3 … without a gap, each
    linking to the one before, each matching its fingerprint, the newest the one the stream's head names,
    and none of those the last daily seal pinned missing or different. (Replaying the seals themselves is the
    whole log's verification, `ordertaking verify-audit` and the auditor's page.)"""
    code = "audit_chain"
    if not f.events and f.head_seq is None:
        return _na(code)
    problems: list[Evidence] = []
    expected, prev_hash = 1, ""
    earlier = {""}
    for e in f.events:
        if e.seq <= 0 or not e.in_stream:
            problems.append(_ev("chain", f.url, problem="outside", step=e.action, at=e.at))
            continue
        if e.seq < expected:
            problems.append(_ev("chain", f.url, problem="inserted", step=e.action, at=e.at))
            continue
        gap = e.seq > expected
        if gap:
            problems.append(_ev("chain", f.url, problem="removed", n=e.seq - expected))
        if not gap and e.prev_hash != prev_hash and e.prev_hash not in earlier:
            problems.append(_ev("chain", f.url, problem="inserted", step=e.action, at=e.at))
        elif e.recomputed != e.hash:
            problems.append(_ev("chain", f.url, problem="changed", step=e.action, at=e.at))
        earlier.add(e.hash)
        expected, prev_hash = e.seq + 1, e.hash
    last_seq = expected - 1
    if f.sealed_seq > last_seq:
        problems.append(_ev("chain", f.url, problem="removed", n=f.sealed_seq - last_seq))
    sealed = next((e for e in f.events if e.seq == f.sealed_seq), None) if f.sealed_seq else None
    if sealed is not None and sealed.hash != f.sealed_hash:
        problems.append(_ev("chain", f.url, problem="changed", step=sealed.action, at=sealed.at))
    if f.head_seq is None:
        if last_seq:
            problems.append(_ev("chain", f.url, problem="outside", step=f.events[0].action, at=f.events[0].at))
    elif f.head_seq > last_seq:
        problems.append(_ev("chain", f.url, problem="removed", n=f.head_seq - last_seq))
    elif f.head_seq < last_seq or f.head_hash != prev_hash:
        problems.append(_ev("chain", f.url, problem="head"))
    return _result(code, problems, [_ev("chain_ok", f.url, n=len(f.events))])


def event_fingerprint(event: Any) -> tuple[str, bool]:
    """For checks.py: the fingerprint recomputed from a stored event's content, and whether its stream is
    its subject's (audit/chain.py is pure, so this stays here with the rules)."""
    return (event_hash(content_of(event), event.prev_hash),
            event.stream == stream_of(event.subject_type, event.subject_id))


# --- all of them --------------------------------------------------------------------------------------------

# --- 2. each step done by a permitted role (P3) ------------------------------------------------------------

# The capabilities (accounts/roles.py) a step needs: whoever did it held a role with one of them. Steps the
# system or the customer did (no person), and events that only follow from another step (a production order
# created by an approval), are not in the table.
STEP_CAPABILITIES: dict[str, tuple[str, ...]] = {
    "order.created": ("order_enter",),
    "order.updated": ("order_enter",),
    "order.submitted": ("order_enter",),
    "order.approved": ("order_review",),
    "order.returned": ("order_review",),
    "credit.checked": ("order_review",),
    "tasks.created": ("order_review",),
    "special_approval.requested": ("special_approval_request",),
    "special_approval.granted": ("special_approval_decide",),
    "special_approval.refused": ("special_approval_decide",),
    "order.credit_released": ("credit_release", "credit_release_unlimited"),
    "task.started": ("task_work", "task_assign"),
    "task.completed": ("task_work", "task_assign"),
    "production_order.started": ("production_manage",),
    "production_order.progress": ("production_manage",),
    "production_order.finished": ("production_manage",),
    "inspection.recorded": ("quality_inspect",),
    "inspection.rework_recorded": ("quality_inspect",),
    "shipment.planned": ("logistics_manage",),
    "shipment.dispatched": ("logistics_manage",),
    "delivery_voucher.signed_on_paper": ("delivery_record",),
    "order.accepted": ("delivery_record",),
    "invoice.issued": ("finance_manage",),
    "payment.received": ("finance_manage",),
    "compensation.requested": ("compensation_request",),
    "compensation.approved": ("compensation_approve",),
    "compensation.refused": ("compensation_approve",),
    "cancel.agreed": ("order_cancel_agree", "order_cancel_agree_above"),
    "cancel.refused": ("order_cancel_agree", "order_cancel_agree_above"),
    "order.cancelled": ("order_enter", "order_cancel_agree", "order_cancel_agree_above"),
}
# The readiness checklist (P2.5.a): production's and logistics' parts by their departments; the sales part
# (the delivery time and place agreed with the customer) by the order's own rep or whoever entered it.
READINESS_CAPABILITIES = {"production": ("production_manage",), "logistics": ("logistics_manage",)}
# Decisions that must name the person who took them.
PERSONAL_STEPS = ("order.approved", "order.returned", "special_approval.granted", "special_approval.refused",
                  "order.credit_released", "cancel.agreed", "compensation.approved")


def roles_holding(capabilities: Iterable[str]) -> list[str]:
    """The roles (codes, in the table's order) that hold any of `capabilities`."""
    held = {str(r) for c in capabilities for r in CAPABILITIES[c][1]}
    return [r.value for r in Role if r.value in held]


def check_roles(f: OrderCheckFacts) -> CheckResult:
    """P3: each step was done by someone holding, at that moment, a role the table of responsibilities
    (accounts/roles.py) allows to do it; decisions name their person; the sales part of the readiness
    checklist is signed by the order's own rep (or whoever entered it)."""
    code = "roles"
    problems: list[Evidence] = []
    proofs: list[Evidence] = []
    for e in f.events:
        needed = STEP_CAPABILITIES.get(e.action)
        if e.action == "readiness.signed":
            part = str(e.after.get("readiness_part", ""))
            if part == "sales" and e.actor_id is not None:
                if e.actor_id not in (f.sales_rep, f.entered_by):
                    problems.append(_ev("not_rep", f.url, step="delivery_agreed", at=e.at, by=e.actor_name))
                    continue
                needed = ("order_enter",)
            else:
                needed = READINESS_CAPABILITIES.get(part)
        if needed is None:
            continue
        if e.actor_id is None:
            if e.action in PERSONAL_STEPS:
                problems.append(_ev("nobody", f.url, step=e.action, at=e.at))
            continue
        person = f.people.get(e.actor_id)
        roles = person.roles_at(e.at) if person else frozenset()
        allowed = roles_holding(needed)
        if not roles & set(allowed):
            problems.append(_ev("actor", f.url, step=e.action, at=e.at, by=e.actor_name, roles=allowed))
        else:
            proofs.append(_ev("step", f.url, step=e.action, at=e.at, by=e.actor_name))
    if not problems and not proofs:
        return _na(code)
    return _result(code, problems, proofs)


# --- 4. review and execution time nodes (P2.3, P2.4.a) --------------------------------------------------------

REVIEW_DECISIONS = ("order.approved", "order.returned", "order.cancelled")


def _day(moment: datetime) -> date:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def check_time_nodes(f: OrderCheckFacts) -> CheckResult:
    """P2.3/P2.4.a 时间节点: each submission decided (approved, returned) within the review's time node
    (`review.rules.review_due`, the same figure the KPIs count by) — from the submission, or from the release
    when the order waited on credit hold — and each task done by its due date (working days of fulfilment's
    calendar); a node passed with nothing done fails too."""
    code = "time_nodes"
    problems: list[Evidence] = []
    proofs: list[Evidence] = []
    for i, e in enumerate(f.events):
        if e.action != "order.submitted":
            continue
        start = e
        decision = None
        for later in f.events[i + 1:]:
            if later.action == "order.submitted":
                break
            if later.action == "order.credit_released":
                start = later  # the wait on credit hold is finance's, not the review's
            if later.action in REVIEW_DECISIONS:
                decision = later
                break
        due = review_due(start.at)
        if decision is not None:
            kind = "late" if decision.at > due else "on_time"
            (problems if kind == "late" else proofs).append(_ev(kind, f.url, step="review", due=due, done=decision.at))
        elif f.state == "submitted" and f.today > _day(due) and f.last("order.submitted") is e:
            problems.append(_ev("overdue", f.url, step="review", due=due))
    for t in f.tasks:
        if t.state == "cancelled":
            continue
        step = f"task_{t.kind}"
        if t.state == "done" and t.done_at is not None:
            done = _day(t.done_at)
            kind = "late" if done > t.due_date else "on_time"
            (problems if kind == "late" else proofs).append(_ev(kind, f.url, step=step, due=t.due_date, done=done))
        elif t.due_date < f.today:
            problems.append(_ev("overdue", f.url, step=step, due=t.due_date))
    if not problems and not proofs:
        return _na(code)
    return _result(code, problems, proofs)


# --- 5. information complete at each stage (P2.2.a, P2.5.a) --------------------------------------------------

def check_information(f: OrderCheckFacts) -> CheckResult:
    """P2.2.a: every revision submitted for review was complete on the day it was submitted (the order's own
    completeness rule, orders.rules, over the revision's frozen snapshot); P2.5.a: before each shipment left,
    the delivery time and place were agreed with the customer (the sales part of its readiness checklist)."""
    code = "information"
    problems: list[Evidence] = []
    proofs: list[Evidence] = []
    for r in f.revisions:
        codes = completeness_codes(r.completeness, submitted_on=_day(r.created_at))
        if codes:
            problems.append(_ev("incomplete", f.url, revision=r.revision, codes=codes))
        else:
            proofs.append(_ev("complete", f.url, revision=r.revision, at=r.created_at))
    for s in f.shipments:
        if s.shipped_at is None:
            continue
        if s.agreed_at is None or s.agreed_at > s.shipped_at or s.agreed_time is None or not s.agreed_place.strip():
            problems.append(_ev("no_delivery_info", s.url, shipment=s.number, at=s.shipped_at))
        else:
            proofs.append(_ev("delivery_info", s.url, shipment=s.number, agreed=s.agreed_at, at=s.shipped_at))
    if not problems and not proofs:
        return _na(code)
    return _result(code, problems, proofs)


# --- 7. inspections, documents and the signed voucher (P5.2.b, P2.5.b) ---------------------------------------

SIGNED = ("signed", "signed_on_paper")


def check_documents(f: OrderCheckFacts) -> CheckResult:
    """P5.2.b/P2.5.a: goods produced for the order left only after a passed finished-product inspection of
    their line; P2.5.b: once the order is delivered, every shipment's delivery voucher is signed by the
    customer and records the documents handed over — the quality inspection report among them where the
    shipment carried produced goods. A shipment still on its way is not yet held to its voucher."""
    code = "documents"
    dispatched = [(s, s.shipped_at) for s in f.shipments if s.shipped_at is not None and s.state != "cancelled"]
    if not dispatched:
        return _na(code)
    problems: list[Evidence] = []
    proofs: list[Evidence] = []
    produced = {p.line for p in f.production if p.state != "cancelled"}
    delivered = STATE_REACH.get(f.state, 0) >= 5
    for s, shipped_at in dispatched:
        made = [line for line in s.lines if line in produced]
        for line in made:
            passed = [i for i in f.inspections if i.line == line and i.checkpoint == "finished"
                      and i.result == "pass" and i.at <= shipped_at]
            if passed:
                proofs.append(_ev("inspection", s.url, line=line, report=passed[-1].report, at=passed[-1].at))
            else:
                problems.append(_ev("no_inspection", s.url, shipment=s.number, at=shipped_at, line=line))
        if s.voucher_state in SIGNED:
            proofs.append(_ev("signed", s.url, shipment=s.number, voucher=s.voucher, at=s.voucher_signed_at,
                              signer=s.signer))
            if not s.documents:
                problems.append(_ev("no_document", s.url, shipment=s.number, document="any"))
            elif made and "inspection_report" not in s.documents:
                problems.append(_ev("no_document", s.url, shipment=s.number, document="inspection_report"))
        elif delivered:
            problems.append(_ev("unsigned", s.url, shipment=s.number))
    return _result(code, problems, proofs)


RULES = {
    "steps": check_steps,
    "roles": check_roles,
    "segregation": check_segregation,
    "time_nodes": check_time_nodes,
    "information": check_information,
    "credit": check_credit,
    "documents": check_documents,
    "audit_chain": check_audit_chain,
}


# The checks in display order (those whose rule is written).
CHECKS: tuple[CheckDef, ...] = tuple(c for c in DEFINITIONS if c.code in RULES)
CHECKS_BY_CODE: dict[str, CheckDef] = {c.code: c for c in CHECKS}


def run_checks(f: OrderCheckFacts) -> list[CheckResult]:
    """Every check of CHECKS for one order, in display order."""
    return [RULES[c.code](f) for c in CHECKS]


def completeness_codes(facts: OrderCompletenessFacts, *, submitted_on: date) -> list[str]:
    """P2.2.a: the completeness findings of a submitted revision, as codes (orders.rules)."""
    return [finding.code for finding in completeness_findings(facts, today=submitted_on)]
