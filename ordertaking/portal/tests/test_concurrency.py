"""PostgreSQL proofs (P2.5.b): real concurrent transactions on one customer's link."""

from __future__ import annotations

import pytest

from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import InvalidTransition
from ordertaking.portal.models import PortalLink
from ordertaking.portal.services import portal_link_revoke, portal_link_use
from tests.concurrency import errors_of, race


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_P2_5_b_two_revokes_at_once_revoke_once_with_one_event(link, sales_rep, cs_agent):  # type: ignore[no-untyped-def]
    errors = errors_of(race(lambda: portal_link_revoke(actor=sales_rep, link=link, reason="发错人"),
                            lambda: portal_link_revoke(actor=cs_agent, link=link, reason="客户要求")))
    assert len(errors) == 1 and isinstance(errors[0], InvalidTransition)
    assert AuditEvent.objects.filter(action="portal_link.revoked", subject_id=str(link.order_id)).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_P2_5_b_openings_at_once_are_all_counted_and_only_the_first_is_on_the_timeline(link):  # type: ignore[no-untyped-def]
    assert not errors_of(race(*[lambda: portal_link_use(link=link) for _ in range(6)]))
    link.refresh_from_db()
    assert link.use_count == 6
    assert AuditEvent.objects.filter(action="portal_link.opened", subject_id=str(link.order_id)).count() == 1
    assert PortalLink.objects.get(pk=link.pk).last_used_at is not None
