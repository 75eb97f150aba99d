"""The credit scorecard as pure functions over plain values (P5.1.a), tested without a database.

Each factor gives 0–100; the policy's weights (summing to 100) blend them into the score;
the score picks a rating band, which carries the limit, the payment methods and the longest
payment term allowed, and whether a guarantee is required (P5.1.b).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ordertaking.common.findings import Finding, FindingText
from ordertaking.common.money import half_up

ZERO = Decimal("0.00")

DEFAULT_BANDS: list[dict[str, Any]] = [
    {"rating": "AAA", "min_score": 85, "limit": "2000000.00", "payment_kinds": ["prepayment", "cod", "credit"],
     "max_term_days": 90, "guarantee_required": False},
    {"rating": "AA", "min_score": 70, "limit": "1000000.00", "payment_kinds": ["prepayment", "cod", "credit"],
     "max_term_days": 60, "guarantee_required": False},
    {"rating": "A", "min_score": 55, "limit": "500000.00", "payment_kinds": ["prepayment", "cod", "credit"],
     "max_term_days": 30, "guarantee_required": False},
    {"rating": "B", "min_score": 40, "limit": "200000.00", "payment_kinds": ["prepayment", "cod"],
     "max_term_days": 0, "guarantee_required": True},
    {"rating": "C", "min_score": 0, "limit": "0.00", "payment_kinds": ["prepayment"],
     "max_term_days": 0, "guarantee_required": True},
]
RATING_ORDER = ["AAA", "AA", "A", "B", "C"]


class BandError(ValueError):
    """The policy's rating bands break a rule (the message says which)."""


@dataclass(frozen=True)
class Qualification:  # 资质
    registered_capital: Decimal
    years_in_business: int
    licences_held: int


@dataclass(frozen=True)
class Financials:  # 财务状况
    annual_revenue: Decimal
    debt_ratio: Decimal  # percent


@dataclass(frozen=True)
class Reputation:  # 商业信誉
    litigation: bool
    blacklisted: bool
    references: int


@dataclass(frozen=True)
class PaymentRecord:  # 付款记录, from our own invoices and payments
    invoices: int = 0
    on_time_ratio: Decimal = Decimal("1")  # share of invoices paid by their due date (open overdue = late)
    avg_days_overdue: Decimal = Decimal("0")
    worst_days_overdue: int = 0
    open_overdue_amount: Decimal = ZERO

    def as_dict(self) -> dict[str, Any]:
        return {"invoices": self.invoices, "on_time_ratio": str(self.on_time_ratio),
                "avg_days_overdue": str(self.avg_days_overdue), "worst_days_overdue": self.worst_days_overdue,
                "open_overdue_amount": str(self.open_overdue_amount)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PaymentRecord:
        return cls(invoices=int(d.get("invoices", 0)), on_time_ratio=Decimal(str(d.get("on_time_ratio", "1"))),
                   avg_days_overdue=Decimal(str(d.get("avg_days_overdue", "0"))),
                   worst_days_overdue=int(d.get("worst_days_overdue", 0)),
                   open_overdue_amount=Decimal(str(d.get("open_overdue_amount", "0"))))


@dataclass(frozen=True)
class Weights:
    qualification: int = 25
    financial: int = 25
    reputation: int = 20
    payment: int = 30

    def check(self) -> None:
        if self.qualification + self.financial + self.reputation + self.payment != 100:
            raise ValueError(_("The four weights must add up to 100."))


@dataclass(frozen=True)
class Band:
    rating: str
    min_score: int
    limit: Decimal
    payment_kinds: tuple[str, ...]
    max_term_days: int
    guarantee_required: bool


@dataclass(frozen=True)
class Scorecard:
    factors: dict[str, int]
    contributions: dict[str, Decimal]
    score: int
    band: Band
    details: dict[str, Any] = field(default_factory=dict)


def _tier(value: Decimal, tiers: list[tuple[Decimal, int]], floor: int) -> int:
    for threshold, points in tiers:
        if value >= threshold:
            return points
    return floor


def score_qualification(q: Qualification) -> int:
    """P5.1.a 资质: registered capital (40), years in business (35), licences held (25)."""
    capital = _tier(q.registered_capital, [(Decimal("50000000"), 40), (Decimal("10000000"), 30),
                                           (Decimal("1000000"), 20), (Decimal("0.01"), 10)], 0)
    years = _tier(Decimal(q.years_in_business), [(Decimal(10), 35), (Decimal(5), 25), (Decimal(2), 15)], 5)
    licences = min(q.licences_held, 5) * 5
    return capital + years + licences


def score_financial(f: Financials) -> int:
    """P5.1.a 财务状况: revenue (50) and debt ratio (50, lower is better)."""
    revenue = _tier(f.annual_revenue, [(Decimal("100000000"), 50), (Decimal("10000000"), 35),
                                       (Decimal("1000000"), 20)], 5)
    if f.debt_ratio <= 40:
        debt = 50
    elif f.debt_ratio <= 60:
        debt = 35
    elif f.debt_ratio <= 80:
        debt = 15
    else:
        debt = 0
    return revenue + debt


def score_reputation(r: Reputation) -> int:
    """P5.1.a 商业信誉: a blacklist is 0; open litigation costs 50; references add up to 40."""
    if r.blacklisted:
        return 0
    points = 60 + min(r.references, 4) * 10 - (50 if r.litigation else 0)
    return max(0, min(100, points))


def score_payment(p: PaymentRecord) -> int:
    """P5.1.a 付款记录: on-time share (70) and worst lateness (30); open overdue money costs 20.
    A new customer with no invoices yet scores a neutral 60."""
    if p.invoices == 0:
        return 60
    on_time = int(half_up(p.on_time_ratio * 70, 0))
    if p.worst_days_overdue <= 0:
        worst = 30
    elif p.worst_days_overdue <= 30:
        worst = 20
    elif p.worst_days_overdue <= 60:
        worst = 10
    else:
        worst = 0
    points = on_time + worst - (20 if p.open_overdue_amount > 0 else 0)
    return max(0, min(100, points))


def parse_bands(raw: list[dict[str, Any]]) -> list[Band]:
    """Validate the policy's rating bands: highest first, strictly falling scores, the last at 0."""
    if not raw:
        raise BandError(_("The scorecard needs at least one rating band."))
    bands = []
    for b in raw:
        limit = Decimal(str(b["limit"]))
        if limit < 0:
            raise BandError(_("A credit limit cannot be negative."))
        bands.append(Band(rating=str(b["rating"]), min_score=int(b["min_score"]), limit=limit,
                          payment_kinds=tuple(b.get("payment_kinds", [])),
                          max_term_days=int(b.get("max_term_days", 0)),
                          guarantee_required=bool(b.get("guarantee_required", False))))
    scores = [b.min_score for b in bands]
    if scores != sorted(scores, reverse=True) or len(set(scores)) != len(scores) or scores[-1] != 0:
        raise BandError(_("Rating bands must go from the highest score down to 0."))
    return bands


def band_for(score: int, bands: list[Band]) -> Band:
    for b in bands:
        if score >= b.min_score:
            return b
    return bands[-1]


def scorecard(*, qualification: Qualification, financials: Financials, reputation: Reputation,
              payment: PaymentRecord, weights: Weights, bands: list[Band]) -> Scorecard:
    """P5.1.a: the four factors → score 0–100 → rating band; shows each factor's contribution."""
    weights.check()
    factors = {
        "qualification": score_qualification(qualification),
        "financial": score_financial(financials),
        "reputation": score_reputation(reputation),
        "payment": score_payment(payment),
    }
    w = {"qualification": weights.qualification, "financial": weights.financial,
         "reputation": weights.reputation, "payment": weights.payment}
    contributions = {k: half_up(Decimal(v) * w[k] / 100) for k, v in factors.items()}
    score = int(half_up(sum(contributions.values(), Decimal(0)), 0))
    band = band_for(score, bands)
    # A blacklisted customer is never above the lowest band, whatever else it scores.
    if reputation.blacklisted:
        band = bands[-1]
    return Scorecard(factors=factors, contributions=contributions, score=score, band=band,
                     details={"weights": w})


def rating_rank(rating: str) -> int:
    """0 is best; unknown ratings rank worst."""
    return RATING_ORDER.index(rating) if rating in RATING_ORDER else len(RATING_ORDER)


def payment_record_from(invoices: list[tuple[date, date | None, Decimal]], *, today: date) -> PaymentRecord:
    """P5.1.a 付款记录 from (due date, date fully settled or None, open amount) per invoice."""
    if not invoices:
        return PaymentRecord()
    settled = [(due, paid) for due, paid, _open in invoices if paid is not None]
    on_time = sum(1 for due, paid in settled if paid <= due)
    lateness = []
    open_overdue = ZERO
    for due, paid, open_amount in invoices:
        end = paid or today
        lateness.append(max(0, (end - due).days))
        if paid is None and today > due and open_amount > 0:
            open_overdue += open_amount
    # An invoice still open past its due date already counts as not paid on time.
    open_late = sum(1 for due, paid, open_amount in invoices if paid is None and today > due and open_amount > 0)
    judged = len(settled) + open_late
    ratio = half_up(Decimal(on_time) / Decimal(judged), 4) if judged else Decimal("1")
    late = [d for d in lateness if d > 0]
    avg = half_up(Decimal(sum(late)) / Decimal(len(late)), 1) if late else Decimal("0")
    return PaymentRecord(invoices=len(invoices), on_time_ratio=ratio, avg_days_overdue=avg,
                         worst_days_overdue=max(lateness), open_overdue_amount=open_overdue)


# The words of the credit findings, rendered when a finding is read (common/findings.py); `label` is the
# sentence without one order's figures. Amounts are decimal strings, formatted when read.
FINDING_TEXTS: dict[str, FindingText] = {
    "no_credit_evaluation": FindingText(
        gettext_lazy("The customer has no approved credit evaluation: finance must evaluate it before an order "
                     "can be approved."),
        label=gettext_lazy("The customer has no approved credit evaluation.")),
    "customer_on_credit_stop": FindingText(
        gettext_lazy("The customer is on credit stop: no new order can be approved."),
        label=gettext_lazy("The customer is on credit stop.")),
    "guarantee_missing": FindingText(
        gettext_lazy("Rating %(rating)s requires a guarantee (deposit, guarantor or letter of credit) before "
                     "approval."),
        label=gettext_lazy("The customer's rating requires a guarantee.")),
    "credit_limit_exceeded": FindingText(
        gettext_lazy("Exposure ¥%(exposure)s plus this order ¥%(amount)s exceeds the credit limit ¥%(limit)s by "
                     "¥%(excess)s: the order goes on credit hold."),
        label=gettext_lazy("Exposure plus this order exceeds the credit limit."),
        money=("exposure", "amount", "limit", "excess")),
    "payment_method_not_allowed_by_rating": FindingText(
        gettext_lazy("Rating %(rating)s does not allow this payment method."),
        label=gettext_lazy("The customer's rating does not allow this payment method.")),
    "payment_term_too_long": FindingText(
        gettext_lazy("Payment term of %(days)s days is longer than the %(max)s days rating %(rating)s allows."),
        label=gettext_lazy("The payment term is longer than the customer's rating allows.")),
}


def approval_findings(*, evaluated: bool, on_stop: bool, guarantee_required: bool, guarantee_ok: bool,
                      rating: str) -> list[Finding]:
    """The credit conditions that block an approval, each written once: the review shows them as
    findings (checks.order_credit_findings) and the approval's gate refuses with the first
    (services.credit_order_gate), in the same words."""
    if not evaluated:
        # P5.1.b new customers: a strict credit check before the first order is taken.
        return [Finding(code="no_credit_evaluation", clause="P5.1.b", field="customer")]
    found = []
    if on_stop:
        # P5.1.c monitoring: a customer whose credit risk rose that far takes no new order.
        found.append(Finding(code="customer_on_credit_stop", clause="P5.1.c", field="customer"))
    if guarantee_required and not guarantee_ok:
        # P5.1.b customers with poor credit only with a guarantee or other safeguards.
        found.append(Finding(code="guarantee_missing", clause="P5.1.b", field="customer",
                             params={"rating": rating}))
    return found


def limit_check(*, exposure: Decimal, order_amount: Decimal, limit: Decimal,
                allowed_excess: Decimal = ZERO) -> Decimal:
    """P5.1: how far exposure + this order would pass the limit (0 when it fits)."""
    excess = exposure + order_amount - limit - allowed_excess
    return excess if excess > 0 else ZERO


def limit_finding(*, exposure: Decimal, order_amount: Decimal, limit: Decimal, excess: Decimal) -> Finding:
    """P5.1: the order passes the credit limit. Not blocking: the approval's credit gate puts the order on
    credit hold for finance to decide; a special approval (特批) does not lift a credit limit."""
    return Finding(code="credit_limit_exceeded", clause="P5.1", field="total_amount", blocking=False,
                   params={"exposure": str(exposure), "amount": str(order_amount), "limit": str(limit),
                           "excess": str(excess)})


def terms_finding(*, kind: str | None, term_days: int, allowed_kinds: list[str], max_term_days: int,
                  rating: str) -> list[Finding]:
    """P5.1.a/P3.6: the order's payment method and term must be among those its rating allows."""
    found = []
    if kind is not None and kind not in allowed_kinds:
        found.append(Finding(code="payment_method_not_allowed_by_rating", clause="P5.1.a", field="payment_method",
                             params={"rating": rating}))
    elif term_days > max_term_days:
        found.append(Finding(code="payment_term_too_long", clause="P3.6", field="payment_method",
                             params={"days": term_days, "max": max_term_days, "rating": rating}))
    return found
