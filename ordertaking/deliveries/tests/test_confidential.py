"""P4.1.c on logistics and deliveries: the delivery street and the delivery contact (name, phone) are in full
for the order's sales rep and for logistics while a shipment to the customer is under way; everyone else who
may open the shipment page, the readiness checklist, the voucher PDF or their API sees them masked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.pdftext import pdf_text

pytestmark = pytest.mark.django_db
STREET, STREET_MASKED = "浦东新区张江路100号", "浦东新****"  # tests/factories.py's order
NAME, PHONE, PHONE_MASKED = "刘经理", "13812345678", "138****5678"


@pytest.fixture
def shipment(approved_order, ship):  # type: ignore[no-untyped-def]
    return ship(approved_order, {1: "10"}, dispatch=True)


@pytest.mark.parametrize("who,full", [("sales_rep", True), ("logistics_user", True), ("reviewer", False),
                                      ("leader", False), ("auditor", False)])
def test_p4_1_c_the_shipment_page_shows_the_delivery_contact_and_street_by_duty(request, client, shipment, who,
                                                                                full):
    client.force_login(request.getfixturevalue(who))
    r = client.get(reverse("logistics:shipment", args=[shipment.number]))
    assert r.status_code == 200
    html = r.content.decode()
    assert (STREET in html) is full and (PHONE in html) is full and (NAME in html) is full
    assert (STREET_MASKED in html) is not full and (PHONE_MASKED in html) is not full


@pytest.mark.parametrize("who,full", [("sales_rep", True), ("logistics_user", True), ("reviewer", False),
                                      ("leader", False)])
def test_p4_1_c_the_readiness_checklist_page_and_api_mask_the_agreed_place_and_person(request, client, shipment,
                                                                                      who, full):
    client.force_login(request.getfixturevalue(who))
    html = client.get(reverse("deliveries:readiness", args=[shipment.number])).content.decode()
    api = client.get(f"/api/v1/deliveries/readiness/{shipment.number}").json()
    assert (STREET in html) is full and (STREET in api["agreed_place"]) is full
    assert (api["agreed_with"] == NAME) is full


@pytest.mark.parametrize("who,full", [("sales_rep", True), ("logistics_user", True), ("leader", False)])
def test_p4_1_c_the_voucher_pdf_carries_the_street_and_contact_by_duty(request, client, shipment, who, full):
    client.force_login(request.getfixturevalue(who))
    r = client.get(reverse("deliveries:voucher_pdf", args=[shipment.voucher.number]))
    assert r.status_code == 200
    text = pdf_text(r.content).replace(" ", "")
    assert ("张江路100号" in text) is full and (NAME in text) is full
    if not full:
        assert "刘**" in text


@pytest.mark.parametrize("who,full", [("sales_rep", True), ("leader", False)])
def test_p4_1_c_the_signed_for_tracking_event_masks_the_door_and_the_signer(request, client, shipment,
                                                                           logistics_user, who, full):
    from ordertaking.logistics.services import tracking_event_record

    tracking_event_record(shipment=shipment, actor=logistics_user, kind="delivered", place="上海市浦东新区张江路100号",
                          note="刘经理 本人签收")
    client.force_login(request.getfixturevalue(who))
    html = client.get(reverse("logistics:shipment", args=[shipment.number])).content.decode()
    events = client.get(f"/api/v1/logistics/shipments/{shipment.number}/events").json()["items"]
    signed = next(e for e in events if e["kind"] == "delivered")
    assert ("张江路100号" in html) is full and ("本人签收" in html) is full
    assert ("张江路100号" in signed["place"]) is full and (signed["note"] == "刘经理 本人签收") is full


@pytest.mark.parametrize("who,full", [("sales_rep", True), ("leader", False)])
def test_p4_1_c_the_signed_for_event_masks_the_door_and_the_signer_on_the_order_timeline(request, client, shipment,
                                                                                       logistics_user, who, full):
    from ordertaking.logistics.services import tracking_event_record

    tracking_event_record(shipment=shipment, actor=logistics_user, kind="in_transit", place="嘉兴中转场")
    tracking_event_record(shipment=shipment, actor=logistics_user, kind="delivered", place="上海市浦东新区张江路100号",
                          note="刘经理 本人签收")
    client.force_login(request.getfixturevalue(who))
    events = [e for e in client.get(f"/api/v1/orders/{shipment.order.number}/timeline").json()
              if e["action"] == "shipment.tracked"]
    places = {e["message"]: {c["key"]: c["after"] for c in e["changes"]}["place"] for e in events}
    if full:
        assert places == {"": "嘉兴中转场", "刘经理 本人签收": "上海市浦东新区张江路100号"}
    else:  # a stop on the way names no one: only the signed-for event is masked
        assert places == {"": "嘉兴中转场", "刘**": "上海市浦****"}


def test_p4_1_c_the_signed_for_event_is_masked_in_the_audit_log_for_the_auditor(client, shipment, logistics_user,
                                                                                auditor):
    from ordertaking.logistics.services import tracking_event_record

    tracking_event_record(shipment=shipment, actor=logistics_user, kind="delivered", place="上海市浦东新区张江路100号",
                          note="刘经理 本人签收")
    client.force_login(auditor)
    ev = client.get("/api/v1/audit/events", {"action": "shipment.tracked"}).json()["items"][0]
    assert ev["message"] == "刘**" and ev["after"]["place"] == "上海市浦****"
    html = client.get(reverse("audit:list"), {"action": "shipment.tracked"}).content.decode()
    assert "本人签收" not in html and "张江路100号" not in html


# --- the people at the customer the delivery chapter names (P4.1.c): who signed the voucher and from which
# IP address, who inspected the goods, raised an acceptance issue or accepted its result ----------------------

SIGNER, SIGNER_MASKED = "徐建平", "徐**"
IP, IP_MASKED = "117.136.12.48", "117****2.48"
RAISED, RAISED_MASKED = "陈晓东", "陈**"
CLOSED, CLOSED_MASKED = "黄俊", "黄**"
# internal keys that must never reach a page's text
KEYS = ("contact_name", "signer_name", "signer_ip", "customer_name", "closed_customer_name", "ip_address")


def visible_text(html: str) -> str:
    """What a reader sees of a page: no tags, scripts or attributes."""
    import re

    html = re.sub(r"(?s)<script.*?</script>", " ", html)
    return re.sub(r"(?s)<[^>]*>", " ", html)


@pytest.fixture
def signed(shipment, signature):  # type: ignore[no-untyped-def]
    """The voucher of the dispatched shipment signed online by the customer's person, from their phone."""
    from ordertaking.deliveries.voucher_services import voucher_sign

    voucher_sign(voucher=shipment.voucher, signer_name=SIGNER, signature=signature, ip=IP,
                 user_agent="Mozilla/5.0 (iPhone)")
    shipment.voucher.refresh_from_db()
    return shipment.voucher


@pytest.mark.parametrize("lang,masked_words", [("zh-hans", "手写签名仅向"), ("en", "The drawn signature is shown")])
@pytest.mark.parametrize("who,full", [("sales_rep", True), ("logistics_user", True), ("leader", False),
                                      ("reviewer", False)])
def test_p4_1_c_the_voucher_page_shows_the_signer_ip_and_signature_by_duty(request, client, signed, who, full, lang,
                                                                          masked_words):
    client.force_login(request.getfixturevalue(who))
    r = client.get(reverse("deliveries:voucher", args=[signed.number]), HTTP_ACCEPT_LANGUAGE=lang)
    assert r.status_code == 200
    html = r.content.decode()
    assert (SIGNER in html) is full and (IP in html) is full
    assert (SIGNER_MASKED in html) is not full and (IP_MASKED in html) is not full
    assert ('class="img-fluid border rounded bg-white mb-2 voucher-signature"' in html) is full
    assert (masked_words in html) is not full
    text = visible_text(html)
    assert not [k for k in KEYS if k in text]
    img = client.get(reverse("deliveries:voucher_signature", args=[signed.number]))
    assert img.status_code == (200 if full else 404)


@pytest.mark.parametrize("who,full", [("sales_rep", True), ("leader", False), ("reviewer", False)])
def test_p4_1_c_the_order_pages_voucher_card_and_the_voucher_api_mask_the_signer(request, client, signed, who,
                                                                                 full):
    client.force_login(request.getfixturevalue(who))
    card = client.get(reverse("deliveries:order_vouchers", args=[signed.order.number])).content.decode()
    assert (SIGNER in card) is full and (SIGNER_MASKED in card) is not full
    one = client.get(f"/api/v1/deliveries/vouchers/{signed.number}").json()
    listed = client.get("/api/v1/deliveries/vouchers", {"order_number": signed.order.number}).json()["items"]
    assert one["signer_name"] == (SIGNER if full else SIGNER_MASKED)
    assert [v["signer_name"] for v in listed if v["number"] == signed.number] == [one["signer_name"]]


def test_p4_1_c_the_customer_sees_their_own_signer_in_full_through_their_link(client, signed):
    from .conftest import Link

    link = Link(signed.order)
    from ordertaking.portal.selectors import link_token

    vouchers = client.get(f"/api/v1/deliveries/portal/{link_token(link)}/vouchers").json()
    assert [v["signer_name"] for v in vouchers if v["number"] == signed.number] == [SIGNER]
    pdf = client.get(reverse("deliveries_portal:voucher_pdf", args=[link_token(link), signed.number]))
    assert SIGNER in pdf_text(pdf.content).replace(" ", "")


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("who,full", [("sales_rep", True), ("leader", False)])
def test_p4_1_c_the_signed_voucher_pdf_masks_the_signer_and_leaves_out_the_signature(request, client, signed, who,
                                                                                    full, lang):
    client.force_login(request.getfixturevalue(who))
    r = client.get(reverse("deliveries:voucher_pdf", args=[signed.number]), HTTP_ACCEPT_LANGUAGE=lang)
    text = pdf_text(r.content).replace(" ", "").replace("\n", "")
    assert (SIGNER in text) is full and (SIGNER_MASKED in text) is not full
    said = "手写签名仅向" if lang == "zh-hans" else "Thedrawnsignatureisshown"
    assert (said in text) is not full


def test_p4_1_c_a_paper_vouchers_signer_is_masked_too(client, shipment, sales_rep, leader):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ordertaking.deliveries.voucher_services import voucher_paper_record

    scan = SimpleUploadedFile("voucher.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                              content_type="application/pdf")
    voucher_paper_record(voucher=shipment.voucher, actor=sales_rep, file=scan, signer_name=SIGNER)
    client.force_login(leader)
    html = client.get(reverse("deliveries:voucher", args=[shipment.voucher.number])).content.decode()
    assert SIGNER not in html and SIGNER_MASKED in html
    assert client.get(f"/api/v1/deliveries/vouchers/{shipment.voucher.number}").json()["signer_name"] == SIGNER_MASKED
    client.force_login(sales_rep)
    assert SIGNER in client.get(reverse("deliveries:voucher", args=[shipment.voucher.number])).content.decode()


@pytest.fixture
def on_paper(shipment, sales_rep):  # type: ignore[no-untyped-def]
    """The voucher of the dispatched shipment signed on paper on site, its scan uploaded by the rep."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ordertaking.deliveries.voucher_services import voucher_paper_record

    scan = SimpleUploadedFile("voucher.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                              content_type="application/pdf")
    voucher_paper_record(voucher=shipment.voucher, actor=sales_rep, file=scan, signer_name=SIGNER)
    shipment.voucher.refresh_from_db()
    return shipment.voucher


@pytest.mark.parametrize("lang,masked_words", [("zh-hans", "已签交付凭证扫描件仅向"),
                                               ("en", "The scan of the signed voucher is shown")])
@pytest.mark.parametrize("who,full", [("sales_rep", True), ("logistics_user", True), ("leader", False),
                                      ("reviewer", False)])
def test_p4_1_c_the_paper_vouchers_scan_follows_the_drawn_signature(request, client, on_paper, who, full, lang,
                                                                    masked_words):
    """The scan carries the signer's name and hand: the voucher page links it, the attachment lists (pages and
    API) name it and its download serves it only for whoever sees the signer in full; else a line in words."""
    client.force_login(request.getfixturevalue(who))
    url = reverse("attachments:download", args=[on_paper.scan_id])
    html = client.get(reverse("deliveries:voucher", args=[on_paper.number]), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert (url in html) is full and ('data-testid="voucher-scan"' in html) is full
    assert (masked_words in html) is not full
    assert client.get(url).status_code == (200 if full else 404)
    assert client.get(f"/api/v1/attachments/files/{on_paper.scan_id}/content").status_code == (200 if full else 404)
    assert client.get(f"/api/v1/attachments/files/{on_paper.scan_id}").status_code == (200 if full else 404)
    for key, ref in (("voucher", on_paper.number), ("order", on_paper.order.number)):
        card = client.get(reverse("attachments:card", args=[key, ref])).content.decode()
        assert (url in card) is full
        listed = client.get(f"/api/v1/attachments/{key}/{ref}").json()["items"]
        assert (on_paper.scan_id in [a["id"] for a in listed]) is full


def test_p4_1_c_other_files_on_the_voucher_are_not_held_back_with_the_scan(client, on_paper, sales_rep, leader):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ordertaking.attachments.services import attachment_add

    photo = attachment_add(actor=sales_rep, target=on_paper, kind="other", file=SimpleUploadedFile(
        "note.txt", "货物完好".encode(), content_type="text/plain"))
    client.force_login(leader)
    assert client.get(reverse("attachments:download", args=[photo.pk])).status_code == 200
    assert [a["id"] for a in client.get(f"/api/v1/attachments/voucher/{on_paper.number}").json()["items"]] == [
        photo.pk]


@pytest.mark.parametrize("who,full", [("sales_rep", True), ("leader", False), ("auditor", False)])
def test_p4_1_c_the_scans_file_name_follows_the_signer_on_the_timeline_and_in_the_audit_log(
        request, client, shipment, sales_rep, who, full):
    """The rep may upload the scan under the signer's name: that name is masked wherever the signer is."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ordertaking.attachments.services import attachment_add
    from ordertaking.deliveries.voucher_services import voucher_paper_record

    named = f"{SIGNER}签收单.pdf"
    scan = SimpleUploadedFile(named, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                              content_type="application/pdf")
    voucher_paper_record(voucher=shipment.voucher, actor=sales_rep, file=scan, signer_name=SIGNER)
    attachment_add(actor=sales_rep, target=shipment.voucher, kind="other", file=SimpleUploadedFile(
        "货物照片.txt", "货物完好".encode(), content_type="text/plain"))
    client.force_login(request.getfixturevalue(who))
    shown = named if full else SIGNER_MASKED
    if who == "auditor":  # the audit log: the auditor holds no duty
        found = {action: sorted(ev["after"]["file_name"] for ev in client.get(
            "/api/v1/audit/events", {"action": action}).json()["items"])
            for action in ("delivery_voucher.signed_on_paper", "attachment.added")}
        html = client.get(reverse("audit:list")).content.decode()
        assert SIGNER not in html
    else:
        events = client.get(f"/api/v1/orders/{shipment.order.number}/timeline").json()
        found = {action: sorted(c["after"] for e in events if e["action"] == action for c in e["changes"]
                                if c["key"] == "file_name")
                 for action in ("delivery_voucher.signed_on_paper", "attachment.added")}
    assert found["delivery_voucher.signed_on_paper"] == [shown]
    assert found["attachment.added"] == sorted([shown, "货物照片.txt"])  # another file keeps its name


@pytest.mark.parametrize("who,full", [("sales_rep", True), ("leader", False)])
def test_p4_1_c_the_signing_event_masks_the_signer_and_ip_on_the_order_timeline(request, client, signed, who, full):
    client.force_login(request.getfixturevalue(who))
    events = client.get(f"/api/v1/orders/{signed.order.number}/timeline").json()
    signing = [e for e in events if e["action"] == "delivery_voucher.signed"]
    assert len(signing) == 1
    after = {c["key"]: c["after"] for c in signing[0]["changes"]}
    assert after["signer_name"] == (SIGNER if full else SIGNER_MASKED)
    assert after["ip_address"] == (IP if full else IP_MASKED)
    assert after["browser"] == "Mozilla/5.0 (iPhone)"  # a kind of phone, not a person: not confidential


def test_p4_1_c_the_signing_event_is_masked_in_the_audit_log_for_the_auditor(client, signed, auditor):
    client.force_login(auditor)
    ev = client.get("/api/v1/audit/events", {"action": "delivery_voucher.signed"}).json()["items"][0]
    assert ev["after"]["signer_name"] == SIGNER_MASKED and ev["after"]["ip_address"] == IP_MASKED
    html = client.get(reverse("audit:list"), {"action": "delivery_voucher.signed"}).content.decode()
    assert SIGNER not in html and IP not in html and SIGNER_MASKED in html


def test_p4_1_c_under_a_grant_the_leader_reveals_the_signer_and_the_reveal_is_logged(client, signed, leader,
                                                                                  leader2):
    from ordertaking.confidentiality import services
    from ordertaking.confidentiality.models import RevealLog

    req = services.access_request_create(actor=leader, customer=signed.order.customer, reason="核对签收人")
    services.access_request_decide(actor=leader2, request=req, grant=True)
    client.force_login(leader)
    html = client.get(reverse("deliveries:voucher", args=[signed.number])).content.decode()
    assert "conf-reveal" in html and SIGNER not in html
    for key, value in (("signer_name", SIGNER), ("signer_ip", IP)):
        r = client.post(reverse("confidentiality:reveal"), {"source": "voucher", "ref": signed.number, "key": key},
                        HTTP_HX_REQUEST="true")
        assert r.status_code == 200 and value in r.content.decode()
    assert list(RevealLog.objects.order_by("id").values_list("field", "grant_id")) == [("contact_name", req.pk),
                                                                                      ("phone", req.pk)]
    r = client.post(reverse("confidentiality:reveal"), {"source": "voucher", "ref": signed.number,
                                                        "key": "signature"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 404


# --- acceptance (P2.5.c/d) ------------------------------------------------------------------------------------

@pytest.fixture
def issue(delivered_order, sales_rep):  # type: ignore[no-untyped-def]
    """The customer's person rejects line 1 (an issue opens); the rep resolves it and the customer's other person
    accepts the result."""
    from ordertaking.deliveries.acceptance.services import acceptance_record, issue_resolve, issue_result_accept

    from .conftest import verdicts

    line = delivered_order.lines.get(position=1)
    opened = acceptance_record(order=delivered_order, entries=[(line, verdicts(quality="电机运行噪音大"))],
                               actor=sales_rep, customer_name=RAISED)[0]
    issue_resolve(issue=opened, actor=sales_rep, result="更换电机")
    issue_result_accept(issue=opened, actor=sales_rep, customer_name=CLOSED)
    opened.refresh_from_db()
    return opened


@pytest.mark.parametrize("lang,accepted_words", [("zh-hans", "确认了处理结果"), ("en", "Result accepted by")])
@pytest.mark.parametrize("who,full", [("sales_rep", True), ("production_user", False), ("leader", False)])
def test_p4_1_c_the_issue_page_shows_who_raised_and_who_accepted_by_duty(request, client, issue, who, full, lang,
                                                                         accepted_words):
    client.force_login(request.getfixturevalue(who))
    r = client.get(reverse("deliveries:issue", args=[issue.number]), HTTP_ACCEPT_LANGUAGE=lang)
    assert r.status_code == 200
    html = r.content.decode()
    assert (RAISED in html) is full and (CLOSED in html) is full  # the facts and the history alike
    assert (RAISED_MASKED in html) is not full and (CLOSED_MASKED in html) is not full
    text = visible_text(html)
    assert accepted_words in text
    assert not [k for k in KEYS if k in text]


@pytest.mark.parametrize("who,full", [("sales_rep", True), ("production_user", False), ("leader", False)])
def test_p4_1_c_the_acceptance_and_issue_api_mask_the_person_at_the_customer(request, client, issue, who, full):
    client.force_login(request.getfixturevalue(who))
    one = client.get(f"/api/v1/deliveries/issues/{issue.number}").json()
    assert one["customer_name"] == (RAISED if full else RAISED_MASKED)
    listed = client.get("/api/v1/deliveries/issues", {"state": "closed"}).json()["items"]
    assert [i["customer_name"] for i in listed if i["number"] == issue.number] == [one["customer_name"]]
    acceptance = client.get(f"/api/v1/deliveries/orders/{issue.order.number}/acceptance")
    if acceptance.status_code == 200:  # production does not open orders
        names = {c["customer_name"] for ln in acceptance.json()["lines"] for c in ln["checks"]}
        assert names <= {RAISED if full else RAISED_MASKED}
    else:
        assert who == "production_user" and acceptance.status_code == 404


@pytest.mark.parametrize("who,full", [("sales_rep", True), ("leader", False)])
def test_p4_1_c_the_acceptance_events_mask_the_person_at_the_customer_on_the_timeline(request, client, issue, who,
                                                                                      full):
    client.force_login(request.getfixturevalue(who))
    events = client.get(f"/api/v1/orders/{issue.order.number}/timeline").json()
    names = [c["after"] for e in events for c in e["changes"] if c["key"] == "customer_name"]
    assert names and set(names) == ({RAISED, CLOSED} if full else {RAISED_MASKED, CLOSED_MASKED})


def test_p4_1_c_under_a_grant_the_leader_reveals_who_raised_the_issue(client, issue, leader, leader2):
    from ordertaking.confidentiality import services

    req = services.access_request_create(actor=leader, customer=issue.order.customer, reason="联系验收人")
    services.access_request_decide(actor=leader2, request=req, grant=True)
    client.force_login(leader)
    html = client.get(reverse("deliveries:issue", args=[issue.number])).content.decode()
    assert "conf-reveal" in html and RAISED not in html
    r = client.post(reverse("confidentiality:reveal"), {"source": "acceptance_issue", "ref": issue.number,
                                                        "key": "customer_name"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and RAISED in r.content.decode()
    r = client.post(reverse("confidentiality:reveal"), {"source": "acceptance_issue", "ref": issue.number,
                                                        "key": "description"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 404


def test_p4_1_c_the_customers_documents_list_gives_their_signed_voucher_with_the_signer_and_signature(client,
                                                                                                       signed):
    """The portal's documents list builds with an anonymous reader (its contact details masked, orders'
    decision); the signing block is the customer's own act and stays whole in their copy."""
    from ordertaking.portal.selectors import link_token

    from .conftest import Link

    r = client.get(f"/p/{link_token(Link(signed.order))}/documents/delivery_voucher/")
    assert r.status_code == 200
    text = pdf_text(r.content).replace(" ", "").replace("\n", "")
    assert SIGNER in text and SIGNER_MASKED not in text and "手写签名仅向" not in text
