"""P4.1.c in free text: a note someone typed about a customer (a link's revocation reason, an event's note) may name
the customer's contact, their phone or e-mail. Where a reader may not see that field, the value is masked inside
the note as it is anywhere else — on the order's timeline, in the audit log, on the link card and in its API — and
shown in full to whoever sees the contact (the order's rep)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ordertaking.confidentiality.events import note_masked
from ordertaking.confidentiality.models import Field

pytestmark = pytest.mark.django_db
REASON = "发给了仓库，应发刘经理（13812345678）"
MASKED = "发给了仓库，应发刘**（138****5678）"


def test_a_note_has_each_known_value_masked_only_where_its_field_is_hidden():
    known = [(Field.PHONE, "13812345678"), (Field.CONTACT_NAME, "刘经理"), (Field.CONTACT_NAME, "刘")]
    assert note_masked(REASON, known, lambda f: True) == MASKED
    assert note_masked(REASON, known, lambda f: f == Field.PHONE) == "发给了仓库，应发刘经理（138****5678）"
    assert note_masked(REASON, known, lambda f: False) == REASON
    assert note_masked("与客户确认交期", known, lambda f: True) == "与客户确认交期"  # nothing named, nothing changed


@pytest.fixture
def revoked(make_order, customer, sales_rep):  # type: ignore[no-untyped-def]
    from ordertaking.portal.services import portal_link_issue, portal_link_revoke
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=sales_rep)
    order = make_order(state="approved")
    link = portal_link_issue(actor=sales_rep, order=order, send=False)
    portal_link_revoke(actor=sales_rep, link=link, reason=REASON)
    return order


@pytest.mark.parametrize("who,full", [("sales_rep", True), ("leader", False), ("reviewer", False)])
def test_p4_1_c_a_revocation_reason_names_the_contact_as_the_reader_may_see_them(request, client, revoked, who,
                                                                                 full):
    client.force_login(request.getfixturevalue(who))
    shown = REASON if full else MASKED
    events = client.get(f"/api/v1/orders/{revoked.number}/timeline").json()
    assert [e["message"] for e in events if e["action"] == "portal_link.revoked"] == [shown]
    page = client.get(reverse("orders:detail", args=[revoked.number])).content.decode()
    assert shown in page and (REASON in page) is full
    card = client.get(reverse("portal:order_card", args=[revoked.number]))
    if card.status_code == 200 and card.content:  # whoever may see the order's links (others get no card)
        assert shown in card.content.decode() and (REASON in card.content.decode()) is full
        links = client.get(f"/api/v1/orders/{revoked.number}/portal-links").json()["items"]
        assert [ln["revoke_reason"] for ln in links if ln["revoke_reason"]] == [shown]


def test_p4_1_c_the_auditor_reads_the_reason_masked_in_the_audit_log(client, revoked, auditor):
    client.force_login(auditor)
    items = client.get("/api/v1/audit/events", {"action": "portal_link.revoked"}).json()["items"]
    assert [ev["message"] for ev in items] == [MASKED]
    assert REASON not in client.get(reverse("audit:list"), {"action": "portal_link.revoked"}).content.decode()


@pytest.mark.parametrize("q", ["刘经理", "刘经", "13812345678", "5678", "应发刘经理", "liu@pujiang"])
def test_p4_1_c_searching_the_log_for_a_contacts_value_does_not_tell_which_note_holds_it(client, revoked, auditor,
                                                                                        q):
    """The note shows the contact masked; a hit on it would tell the searcher it holds what they typed."""
    client.force_login(auditor)
    found = client.get("/api/v1/audit/events", {"q": q, "action": "portal_link.revoked"}).json()["items"]
    assert found == [], q


def test_p4_1_c_a_search_that_names_no_contact_still_finds_the_note(client, revoked, auditor):
    client.force_login(auditor)
    found = client.get("/api/v1/audit/events", {"q": "仓库", "action": "portal_link.revoked"}).json()["items"]
    assert [e["message"] for e in found] == [MASKED]
    assert [e["action"] for e in client.get("/api/v1/audit/events", {"q": revoked.number}).json()["items"]
            if e["action"] == "portal_link.revoked"] == ["portal_link.revoked"]  # by the order, as always
