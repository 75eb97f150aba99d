"""P4.1.c: two deciders granting the same access request at once decide it once (PostgreSQL, real
concurrent transactions; the request's row lock serialises them)."""

from __future__ import annotations

import pytest

from ordertaking.common.errors import DomainError
from ordertaking.confidentiality import services
from ordertaking.confidentiality.models import AccessRequest
from tests.concurrency import errors_of, race


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_p4_1_c_two_leaders_deciding_one_request_at_once_decide_it_once(customer, auditor, leader, leader2):
    for _round in range(3):
        req = services.access_request_create(actor=auditor, customer=customer, reason="抽查")
        def grant(r: AccessRequest = req) -> AccessRequest:
            return services.access_request_decide(actor=leader, request=r, grant=True)

        def refuse(r: AccessRequest = req) -> AccessRequest:
            return services.access_request_decide(actor=leader2, request=r, grant=False, comment="不需要")

        results = race(grant, refuse)
        errors = errors_of(results)
        assert len(errors) == 1 and isinstance(errors[0], DomainError)
        assert errors[0].code == "invalid_transition"  # type: ignore[attr-defined]
        decided = AccessRequest.objects.get(pk=req.pk)
        assert decided.state in ("granted", "refused") and decided.decided_by_id in (leader.pk, leader2.pk)
        from ordertaking.audit.models import AuditEvent

        decisions = AuditEvent.objects.filter(action__in=("confidential_access.granted",
                                                          "confidential_access.refused"))
        assert decisions.count() == _round + 1
        if decided.state == "granted":
            services.access_grant_revoke(actor=leader, request=decided, reason="下一轮")
