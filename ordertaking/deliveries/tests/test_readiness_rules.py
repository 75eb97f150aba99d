"""P2.5.a sales' part of the readiness check, as a plain rule: the delivery's day is the company's day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from ordertaking.common.errors import ValidationFailed
from ordertaking.deliveries.rules import sales_part_check

SHANGHAI = ZoneInfo("Asia/Shanghai")


@override_settings(TIME_ZONE="Asia/Shanghai")
def test_p2_5_a_a_delivery_just_after_midnight_in_shanghai_is_that_days_delivery() -> None:
    # 00:30 on 1 December in Shanghai is 16:30 on 30 November in UTC: agreed on 1 December, it is not "before".
    agreed_time = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
    sales_part_check(agreed_time=agreed_time, agreed_place="上海", agreed_with="刘伟",
                     agreed_on=date(2026, 12, 1), today=date(2026, 12, 1))


@override_settings(TIME_ZONE="Asia/Shanghai")
def test_p2_5_a_a_delivery_the_evening_before_the_agreement_is_refused() -> None:
    agreed_time = datetime(2026, 11, 30, 23, 0, tzinfo=SHANGHAI)
    with pytest.raises(ValidationFailed) as caught:
        sales_part_check(agreed_time=agreed_time, agreed_place="上海", agreed_with="刘伟",
                         agreed_on=date(2026, 12, 1), today=date(2026, 12, 1))
    assert caught.value.field == "agreed_time"
