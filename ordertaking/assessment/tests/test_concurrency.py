"""PostgreSQL only: two leaders setting the same new target at the same moment make one target and one clear
refusal (never a 500, never two rows), each success with its audit event (P6.2)."""

from __future__ import annotations

import pytest

from ordertaking.assessment.models import KpiTarget
from ordertaking.assessment.services import target_set
from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import Conflict
from tests.concurrency import race


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_p6_2_two_leaders_setting_one_new_target_at_once_make_one(leader, make_user):
    from ordertaking.accounts.roles import Role

    other = make_user("leader2", Role.LEADERSHIP)
    results = race(lambda: target_set(actor=leader, kpi="risk", department="finance", period_kind="year",
                                      value="80"),
                   lambda: target_set(actor=other, kpi="risk", department="finance", period_kind="year",
                                      value="90"))
    made = [r for r in results if isinstance(r, KpiTarget)]
    assert all(isinstance(r, KpiTarget | Conflict) for r in results), results
    assert len(made) >= 1 and KpiTarget.objects.count() == 1
    assert AuditEvent.objects.filter(action="kpi_target.set").count() == len(made)
