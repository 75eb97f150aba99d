"""P4.1.c on the global audit log (/audit/ and GET /api/v1/audit/events): confidential values in an event's
before, after, changes and note are masked on read by the one rule — auditors hold no duty; a grant lets them
reveal a value, logged; a duty shows it in full — while the stored event and its hash chain stay intact."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ordertaking.accounts.roles import Role
from ordertaking.audit.models import AuditEvent
from ordertaking.audit.selectors import audit_verify
from ordertaking.audit.services import event_record
from ordertaking.confidentiality import services
from ordertaking.confidentiality.models import RevealLog
from ordertaking.customers.services import contact_update

pytestmark = pytest.mark.django_db
NEW_PHONE, NEW_PHONE_MASKED = "13998765432", "139****5432"
OLD_PHONE, OLD_PHONE_MASKED = "13812345678", "138****5678"


@pytest.fixture
def phone_changed(customer, sales_rep):  # type: ignore[no-untyped-def]
    """The rep changes the contact's phone through the real service: the event carries both numbers."""
    contact_update(contact=customer.contacts.get(), actor=sales_rep, phone=NEW_PHONE)
    return AuditEvent.objects.get(action="customer.contact_updated")


def _page(client) -> str:  # type: ignore[no-untyped-def]
    return client.get(reverse("audit:list")).content.decode()


def _api_event(client, action):  # type: ignore[no-untyped-def]
    items = client.get("/api/v1/audit/events", {"action": action}).json()["items"]
    assert len(items) == 1
    return items[0]


def test_p4_1_c_the_auditor_reads_the_audit_log_with_contacts_masked_page_and_api(client, auditor, phone_changed):
    client.force_login(auditor)
    html = _page(client)
    assert NEW_PHONE not in html and OLD_PHONE not in html
    assert NEW_PHONE_MASKED in html and OLD_PHONE_MASKED in html
    assert "刘经理" not in html  # the contact's name, the event's note
    ev = _api_event(client, "customer.contact_updated")
    assert ev["after"]["phone"] == NEW_PHONE_MASKED and ev["before"]["phone"] == OLD_PHONE_MASKED
    assert [c["after"] for c in ev["changes"] if c["field"] == "phone"] == [NEW_PHONE_MASKED]
    assert "刘经理" not in str(ev)
    assert "conf-reveal" not in html  # no grant: nothing to reveal


def test_p4_1_c_masking_is_on_read_only_the_stored_event_and_its_chain_stay_intact(client, auditor, phone_changed):
    client.force_login(auditor)
    _page(client)
    client.get("/api/v1/audit/events")
    stored = AuditEvent.objects.get(pk=phone_changed.pk)
    assert stored.after == {"phone": NEW_PHONE} and stored.before == {"phone": OLD_PHONE}
    assert audit_verify(user=auditor).ok


def test_p4_1_c_a_reader_with_a_duty_sees_the_audit_log_in_full(client, make_user, customer, phone_changed):
    # the customer's own rep, who also reads the audit log (a second role), holds the rep's duty
    rep_auditor = make_user("repaudit", Role.SALES, Role.AUDITOR)
    customer.sales_rep = rep_auditor
    customer.save(update_fields=["sales_rep"])
    client.force_login(rep_auditor)
    ev = _api_event(client, "customer.contact_updated")
    assert ev["after"]["phone"] == NEW_PHONE and ev["before"]["phone"] == OLD_PHONE
    assert NEW_PHONE in _page(client)


def test_p4_1_c_under_a_grant_the_auditor_reveals_an_audit_value_and_the_reveal_is_logged(
        client, auditor, leader, customer, phone_changed):
    req = services.access_request_create(actor=auditor, customer=customer, reason="审计抽查")
    services.access_request_decide(actor=leader, request=req, grant=True)
    client.force_login(auditor)
    html = _page(client)
    assert "conf-reveal" in html and NEW_PHONE not in html
    r = client.post(reverse("confidentiality:reveal"),
                    {"source": "audit", "ref": phone_changed.pk, "key": "after.phone"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and NEW_PHONE in r.content.decode()
    log = RevealLog.objects.get()
    assert (log.user, log.customer_id, log.field, log.grant_id) == (auditor, customer.pk, "phone", req.pk)
    # a key the event does not hold, or not confidential, reveals nothing
    for key in ("after.nope", "after.title", "sideways.phone"):
        r = client.post(reverse("confidentiality:reveal"), {"source": "audit", "ref": phone_changed.pk, "key": key},
                        HTTP_HX_REQUEST="true")
        assert r.status_code == 404
    assert RevealLog.objects.count() == 1


def test_p4_1_c_without_a_grant_the_audit_reveal_is_refused(client, auditor, phone_changed):
    client.force_login(auditor)
    r = client.post(reverse("confidentiality:reveal"), {"source": "audit", "ref": phone_changed.pk,
                                                        "key": "after.phone"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 403 and NEW_PHONE not in r.content.decode()
    assert not RevealLog.objects.exists()


@pytest.mark.parametrize("payload,masked", [
    ({"delivery_address": "浦东新区张江路100号3幢"}, "浦东新区****"),
    ({"contact_phone": "13812345678"}, "138****5678"),
    ({"sent_to": "liu@pujiang.example.cn"}, "l***@pujiang.example.cn"),
    ({"credit_code": "91310115MA1K3YJ20X"}, "91****J20X"),
    ({"invoice_bank_account": "6222 0210 0101 2345 678"}, "6222****5678"),
    ({"contacts": [{"name": "刘晓明", "phone": "13812345678"}]}, "刘**"),
])
def test_p4_1_c_every_confidential_key_of_an_order_event_is_masked_in_the_audit_log(
        client, auditor, make_order, payload, masked):
    order = make_order(state="draft")
    event_record(actor=None, action="order.updated", subject=order, clause="P2.2", after=payload)
    client.force_login(auditor)
    ev = client.get("/api/v1/audit/events", {"action": "order.updated"}).json()["items"][0]
    raw = str(next(iter(payload.values())))
    assert masked in str(ev) and masked in _page(client)
    for part in ("张江路100号3幢", "12345678", "liu@", "MA1K3Y", "0101", "晓明"):
        if part in raw:
            assert part not in str(ev) and part not in _page(client)


def test_p4_1_c_the_audit_log_page_and_api_keep_their_query_count(client, auditor, customer, sales_rep,
                                                                 django_assert_max_num_queries):
    for i in range(30):
        contact_update(contact=customer.contacts.get(), actor=sales_rep, phone=f"1390000{i:04d}")
    client.force_login(auditor)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("audit:list")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/audit/events").status_code == 200


# --- the free-text search never tells which event holds a value the reader sees masked ------------------------

def _found(client, q: str, action: str = "") -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    params = {"q": q, "page_size": 100, **({"action": action} if action else {})}
    return client.get("/api/v1/audit/events", params).json()["items"]


def test_p4_1_c_the_auditor_searching_a_contacts_name_or_phone_gets_no_hit_from_it(client, auditor, customer,
                                                                                    phone_changed):
    client.force_login(auditor)
    # the contact's name is the event's note, its phones are in before/after: none is searched
    for q in ("刘经理", "经理", NEW_PHONE, OLD_PHONE, "5432"):
        assert _found(client, q) == [], q
        assert NEW_PHONE_MASKED not in client.get(reverse("audit:list"), {"q": q}).content.decode(), q
    # the search itself works: by the subject (the customer's company name) the event is there, masked
    found = _found(client, customer.name, "customer.contact_updated")
    assert [e["after"]["phone"] for e in found] == [NEW_PHONE_MASKED]
    assert NEW_PHONE_MASKED in client.get(reverse("audit:list"), {"q": customer.name}).content.decode()


def test_p4_1_c_the_search_skips_confidential_notes_for_a_duty_holder_too(client, make_user, customer,
                                                                          phone_changed):
    """One rule for every reader, cheap and index-friendly: the notes that are confidential values are not
    searched, whoever reads. The customer's rep (here also an auditor) finds the event by the customer and sees
    it in full."""
    rep_auditor = make_user("repaudit", Role.SALES, Role.AUDITOR)
    customer.sales_rep = rep_auditor
    customer.save(update_fields=["sales_rep"])
    client.force_login(rep_auditor)
    assert _found(client, "刘经理") == [] and _found(client, NEW_PHONE) == []
    found = _found(client, customer.name, "customer.contact_updated")
    assert [(e["message"], e["after"]["phone"]) for e in found] == [("刘经理", NEW_PHONE)]


def test_p4_1_c_the_search_skips_the_signed_for_note_but_still_finds_plain_notes(client, auditor, make_order):
    order = make_order(state="draft")
    event_record(actor=None, action="shipment.tracked", subject=order, clause="P2.4.c",
                 after={"tracking": "delivered", "place": "上海市浦东新区张江路100号"}, message="刘经理 本人签收")
    event_record(actor=None, action="order.updated", subject=order, clause="P2.2", message="客户要求加急处理")
    client.force_login(auditor)
    assert _found(client, "本人签收") == [] and _found(client, "张江路") == []
    assert [e["action"] for e in _found(client, "加急")] == ["order.updated"]
    assert {e["action"] for e in _found(client, order.number)} >= {"shipment.tracked", "order.updated"}
    html = client.get(reverse("audit:list"), {"q": "本人签收"}).content.decode()
    assert "上海市浦****" not in html and "刘**" not in html
