"""Row locks on PostgreSQL (P5.2.b, P2.4.b): two inspectors re-inspecting one failure at once make one
re-inspection; two starts at once start production (and its task) once."""

from __future__ import annotations

import pytest

from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import DomainError
from ordertaking.production import services
from ordertaking.production.models import QualityInspection
from ordertaking.review.tests.test_concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_p5_2_b_two_reinspections_of_one_failure_at_once_make_one(po, production_user, make_user):
    other = make_user("qc2", "production")
    services.production_order_start(po=po, actor=production_user)
    services.production_order_finish(po=po, actor=production_user)
    failed = services.inspection_record(po=po, actor=production_user, checkpoint="finished", result="fail",
                                        sample_size=2, inspected_quantity=10, defect_count=1, defects="划伤")
    services.rework_record(inspection=failed, actor=production_user, note="返工")

    def again(actor):  # type: ignore[no-untyped-def]
        return lambda: services.inspection_record(po=po, actor=actor, checkpoint="finished", result="pass",
                                                  sample_size=2, inspected_quantity=10, reinspection_of=failed)

    results = race(again(production_user), again(other))
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1 and errors[0].code == "already_reinspected"
    assert QualityInspection.objects.filter(reinspection_of=failed).count() == 1


def test_p2_4_b_two_starts_at_once_start_production_once(po, production_user, make_user):
    other = make_user("prod2", "production")
    results = race(lambda: services.production_order_start(po=po, actor=production_user),
                   lambda: services.production_order_start(po=po, actor=other))
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1 and errors[0].status == 409
    assert AuditEvent.objects.filter(action="production_order.started").count() == 1
    assert AuditEvent.objects.filter(action="task.started").count() == 1
