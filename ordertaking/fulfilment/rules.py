"""Pure rules of order execution (P2.4.a): the working-day calendar, the backward plan of an order's
time nodes 时间节点, and which assignment rule wins. No database here: the services read the facts
and pass them in, so every rule is tested with plain values.

Working days: Monday to Friday, except the configured public holidays 法定节假日; a make-up working
day 调休上班 (usually a Saturday or Sunday next to a long holiday) is a working day.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

Days = Collection[date]
NO_DAYS: frozenset[date] = frozenset()

# How long the steps after production take, in working days (P2.4.a 时间节点).
INSPECTION_DAYS = 1  # 成品检验: the finished-product inspection takes one working day
SHIPPING_PREP_DAYS = 1  # the shipping task starts one working day before the goods leave
DEFAULT_TRANSIT_DAYS = 3  # a delivery province without its own figure (catalog.Region's default)


def is_working_day(day: date, holidays: Days = NO_DAYS, workdays: Days = NO_DAYS) -> bool:
    """P2.4.a: a day counts when it is a make-up working day 调休, or a weekday that is not a holiday."""
    if day in workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def add_working_days(day: date, n: int, holidays: Days = NO_DAYS, workdays: Days = NO_DAYS) -> date:
    """The n-th working day after `day` (P2.4.a). n=0: `day` itself when it is a working day, else the
    next working day. Negative n counts backwards (working_days_before)."""
    if n < 0:
        return working_days_before(day, -n, holidays, workdays)
    while not is_working_day(day, holidays, workdays):
        day += timedelta(days=1)
    while n > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays, workdays):
            n -= 1
    return day


def working_days_before(day: date, n: int, holidays: Days = NO_DAYS, workdays: Days = NO_DAYS) -> date:
    """The n-th working day before `day` (P2.4.a: due dates are derived backwards from the promised
    delivery date). n=0: `day` itself when it is a working day, else the working day before it."""
    if n < 0:
        return add_working_days(day, -n, holidays, workdays)
    while not is_working_day(day, holidays, workdays):
        day -= timedelta(days=1)
    while n > 0:
        day -= timedelta(days=1)
        if is_working_day(day, holidays, workdays):
            n -= 1
    return day


def working_days_between(start: date, end: date, holidays: Days = NO_DAYS, workdays: Days = NO_DAYS) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, holidays, workdays):
            count += 1
    return count


# --- the backward plan ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Span:
    """A task's time nodes: planned start and due date; `clamped` when the backward plan fell before
    today and was moved to today (the promised date is tight: tracking marks the order at risk)."""

    planned_start: date
    due_date: date
    clamped: bool = False


def _clamp(start: date, due: date, today: date) -> Span:
    clamped = start < today or due < today
    due = max(due, today)
    start = min(max(start, today), due)
    return Span(start, due, clamped)


@dataclass(frozen=True)
class Plan:
    shipping: Span
    inspection: Span
    production: dict[int, Span]  # lead days -> span (lines with the same lead days share a plan)
    service: Span


def order_plan(*, delivery_date: date | None, transit_days: int | None, lead_days: Iterable[int], today: date,
               holidays: Days = NO_DAYS, workdays: Days = NO_DAYS) -> Plan:
    """P2.4.a 时间节点, derived backwards from the promised delivery date, in working days:

    - shipping: due = delivery date − transit days (the delivery province's); starts one working day before;
    - finished-product inspection: due = the shipping task's planned start − 1 working day; takes one day;
    - production: due = the inspection's planned start; planned start = due − the product's lead days;
    - installation / service: due on the delivery date itself.

    A date before today is moved to today and the span is flagged `clamped`. Without a promised date
    the plan runs forwards from today (longest lead, inspection, shipping prep, transit)."""
    leads = sorted({max(0, int(n)) for n in lead_days}) or [0]
    transit = DEFAULT_TRANSIT_DAYS if transit_days is None else max(0, int(transit_days))
    if delivery_date is None:
        chain = max(leads) + INSPECTION_DAYS + 1 + SHIPPING_PREP_DAYS + transit
        delivery_date = add_working_days(today, chain, holidays, workdays)
    ship_due = working_days_before(delivery_date, transit, holidays, workdays)
    ship_start = working_days_before(ship_due, SHIPPING_PREP_DAYS, holidays, workdays)
    insp_due = working_days_before(ship_start, 1, holidays, workdays)
    insp_start = working_days_before(insp_due, INSPECTION_DAYS, holidays, workdays)
    production = {n: _clamp(working_days_before(insp_start, n, holidays, workdays), insp_start, today)
                  for n in leads}
    return Plan(shipping=_clamp(ship_start, ship_due, today), inspection=_clamp(insp_start, insp_due, today),
                production=production, service=_clamp(delivery_date, delivery_date, today))


# --- assignment rules -------------------------------------------------------------------------------

class RuleLike(Protocol):
    id: Any
    task_kind: str
    category_id: Any
    product_kind: str
    region_id: Any
    city: str


@dataclass(frozen=True)
class TaskFacts:
    """What a rule may look at: the task's kind, its line's catalog category and product kind, and
    the order's delivery province and city."""

    task_kind: str
    category_id: int | None = None
    product_kind: str = ""
    region_id: int | None = None
    city: str = ""


def rule_matches(rule: RuleLike, facts: TaskFacts) -> bool:
    """P2.4.a: a rule matches when every condition it sets holds (an empty condition matches anything)."""
    if rule.task_kind and rule.task_kind != facts.task_kind:
        return False
    if rule.category_id is not None and rule.category_id != facts.category_id:
        return False
    if rule.product_kind and rule.product_kind != facts.product_kind:
        return False
    if rule.region_id is not None and rule.region_id != facts.region_id:
        return False
    return not (rule.city and rule.city.strip() != facts.city.strip())


def rule_specificity(rule: RuleLike) -> tuple[int, int, int]:
    """Precedence among matching rules (P2.4.a), compared in this order, higher wins:
    1. a rule for the task's kind beats one for any kind;
    2. what: a catalog category (2) beats a product kind (1) beats anything (0);
    3. where: a city (2) beats a province (1) beats anywhere (0).
    Equal specificity: the older rule (lower id) wins, so adding a rule never silently takes over."""
    what = 2 if rule.category_id is not None else 1 if rule.product_kind else 0
    where = 2 if rule.city else 1 if rule.region_id is not None else 0
    return (1 if rule.task_kind else 0, what, where)


def rule_choose(rules: Sequence[RuleLike], facts: TaskFacts) -> RuleLike | None:
    """The winning rule for a task, or None (the services then fall back to DEFAULT_DEPARTMENT)."""
    matching = [r for r in rules if rule_matches(r, facts)]
    if not matching:
        return None
    return min(matching, key=lambda r: (tuple(-x for x in rule_specificity(r)), r.id))


# Fallback when no rule matches: the department by task kind, nobody in person (P3.2, P3.4, P3.5).
DEFAULT_DEPARTMENT: Mapping[str, str] = {
    "production": "production",
    "inspection": "production",  # quality control sits in production (P5.2.b)
    "shipping": "logistics",
    "service": "customer_service",
}


def pick_round_robin(members: Sequence[int], last: int | None) -> int | None:
    """Round robin: the member after the last one chosen (members in id order), wrapping around."""
    ordered = sorted(members)
    if not ordered:
        return None
    later = [m for m in ordered if last is not None and m > last]
    return later[0] if later else ordered[0]


def pick_least_loaded(members: Sequence[int], load: Mapping[int, int] | Callable[[int], int]) -> int | None:
    """Least loaded: the member with the fewest open tasks; on a tie the lowest id."""
    if not members:
        return None
    count = load if callable(load) else (lambda m: load.get(m, 0))
    return min(sorted(members), key=lambda m: (count(m), m))


def is_overdue(due_date: date, state: str, today: date) -> bool:
    """P2.4.a: a task not done or cancelled by its due date is overdue the day after."""
    return state in ("open", "in_progress") and due_date < today
