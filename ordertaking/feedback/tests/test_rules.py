"""Feedback rules without a database (P6.1.c scores and averages, P3.2 deadline, reminder, escalation)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ordertaking.feedback import rules
from ordertaking.fulfilment.rules import add_working_days, working_days_before

# 2026 National Day: 1–7 October off, Sunday 27 September and Saturday 10 October worked (调休).
HOLIDAYS = frozenset(date(2026, 10, d) for d in range(1, 8))
WORKDAYS = frozenset({date(2026, 9, 27), date(2026, 10, 10)})


def after(day: date, n: int) -> date:
    return add_working_days(day, n, HOLIDAYS, WORKDAYS)


def before(day: date, n: int) -> date:
    return working_days_before(day, n, HOLIDAYS, WORKDAYS)


@pytest.mark.parametrize("value,problem", [
    (1, None), (5, None), ("3", None), (" 4 ", None), (0, "not_a_score"), (6, "not_a_score"),
    ("3.5", "not_a_score"), (True, "not_a_score"), ("abc", "not_a_score"), (None, "required"), ("", "required"),
    (10**30, "not_a_score"), (-1, "not_a_score"),
])
def test_p6_1_c_a_score_is_a_whole_number_from_1_to_5(value, problem):
    assert rules.score_error(value) == problem


def test_p6_1_c_averages_to_one_decimal_half_up_and_none_without_answers():
    assert rules.average([5, 4, 4]) == Decimal("4.3")
    assert rules.average([5, 4]) == Decimal("4.5")
    assert rules.average([3, 4, 4, 4]) == Decimal("3.8")  # 3.75 → 3.8 half up
    assert rules.average([None, None]) is None
    assert rules.average([]) is None


def test_p3_2_deadline_counts_working_days_across_national_day():
    # Received Wednesday 30 September: 8 Oct (1), 9 Oct (2), Sat 10 Oct make-up day (3), 12 Oct (4), 13 Oct (5).
    assert rules.complaint_due(date(2026, 9, 30), 5, after) == date(2026, 10, 13)
    # Received on a holiday: counting starts from the next working day.
    assert rules.complaint_due(date(2026, 10, 3), 1, after) == date(2026, 10, 9)
    # An ordinary week: Friday + 5 working days = next Friday.
    assert rules.complaint_due(date(2026, 11, 27), 5, after) == date(2026, 12, 4)
    # Zero or negative days still give one working day.
    assert rules.complaint_due(date(2026, 11, 27), 0, after) == date(2026, 11, 30)


def test_p3_2_reminder_from_the_working_day_before_the_deadline_once_while_open():
    due = date(2026, 10, 12)  # Monday; the working day before is the make-up Saturday 10 October
    assert not rules.reminder_due(due=due, today=date(2026, 10, 9), before=before, reminded_on=None, still_open=True)
    assert rules.reminder_due(due=due, today=date(2026, 10, 10), before=before, reminded_on=None, still_open=True)
    assert rules.reminder_due(due=due, today=due, before=before, reminded_on=None, still_open=True)
    assert not rules.reminder_due(due=due, today=due, before=before, reminded_on=date(2026, 10, 10),
                                  still_open=True)
    assert not rules.reminder_due(due=due, today=due, before=before, reminded_on=None, still_open=False)
    assert not rules.reminder_due(due=due, today=date(2026, 10, 13), before=before, reminded_on=None,
                                  still_open=True)


def test_p3_2_escalation_once_the_deadline_has_passed_once_while_open():
    due = date(2026, 10, 12)
    assert not rules.escalation_due(due=due, today=due, escalated=False, still_open=True)
    assert rules.escalation_due(due=due, today=date(2026, 10, 13), escalated=False, still_open=True)
    assert not rules.escalation_due(due=due, today=date(2026, 10, 13), escalated=True, still_open=True)
    assert not rules.escalation_due(due=due, today=date(2026, 10, 13), escalated=False, still_open=False)
