"""The carrier's webhook key kept encrypted (P2.4.c, common/sealed.py): the column holds a Fernet token or
nothing, the pages, the API, the audit trail, the session and a backup never hold the key, a post signed with
the plain key is accepted, a key the server cannot decrypt answers the carrier 503 with the reason logged,
`reseal-secrets` covers the carriers, and the migration seals the keys already there and goes back."""

from __future__ import annotations

import io
import json
import logging
import time
from datetime import date
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from ordertaking.audit.models import AuditEvent
from ordertaking.common.sealed import TOKEN_PREFIX, seal
from ordertaking.logistics import rules, services
from ordertaking.logistics.models import Carrier, TrackingEvent, WebhookAttempt

pytestmark = pytest.mark.django_db

URL = "/api/v1/logistics/webhook/sf"


def _stored_keys() -> list[str]:
    """The column as the database holds it, past the model: what a dump, a backup or a look at the table sees."""
    with connection.cursor() as cur:
        cur.execute("SELECT webhook_secret FROM logistics_carrier ORDER BY id")
        return [row[0] for row in cur.fetchall()]


def _body(event_id: str = "evt-1") -> bytes:
    return json.dumps({"event_id": event_id, "waybill_number": "SF900001", "kind": "in_transit",
                       "place": "杭州转运中心", "occurred_at": "2026-11-30T09:00:00+08:00"},
                      ensure_ascii=False).encode()


def _post(client: Any, key: str, body: bytes | None = None, *, signature: str | None = None) -> Any:
    body = _body() if body is None else body
    stamp = str(int(time.time()))
    return client.post(URL, data=body, content_type="application/json", headers={
        "X-Carrier-Timestamp": stamp,
        "X-Carrier-Signature": rules.signature(key, stamp, body) if signature is None else signature})


@pytest.fixture
def shipped(approved_order, ship, carrier, logistics_user):  # type: ignore[no-untyped-def]
    shipment = ship(approved_order, {1: "5"}, dispatch=True, waybill_number="SF900001")
    key = services.carrier_secret_generate(carrier=carrier, actor=logistics_user)
    return shipment, key


@pytest.fixture
def office(client, logistics_user):  # type: ignore[no-untyped-def]
    client.force_login(logistics_user)
    return client


def test_P2_4_c_the_key_is_stored_encrypted_and_the_carrier_signs_with_the_plain_key(client, shipped, carrier):
    shipment, key = shipped
    [stored] = [k for k in _stored_keys() if k]
    assert stored.startswith(TOKEN_PREFIX) and key not in stored
    carrier.refresh_from_db()
    assert carrier.webhook_secret_plain() == key
    exported = io.StringIO()
    call_command("dumpdata", "logistics.carrier", stdout=exported)  # Django's own export
    assert key not in exported.getvalue() and stored in exported.getvalue()
    # The token is no key: a post signed with what the table holds is refused, one signed with the key accepted
    r = _post(client, stored, _body("by-token"))
    assert r.status_code == 401 and r.json()["code"] == "bad_signature"
    r = _post(client, key, _body("by-key"))
    assert r.status_code == 201, r.content
    assert TrackingEvent.objects.get(shipment=shipment).place == "杭州转运中心"
    assert list(WebhookAttempt.objects.order_by("id").values_list("outcome", flat=True)) == ["bad_signature",
                                                                                             "accepted"]


def test_P2_4_c_a_carrier_without_a_key_keeps_none_and_a_plain_key_written_past_the_model_is_refused(carrier):
    assert _stored_keys() == [""]  # no key yet: nothing, not a token of nothing
    with pytest.raises(IntegrityError), transaction.atomic():
        Carrier.objects.filter(pk=carrier.pk).update(webhook_secret="a-plain-key-typed-into-the-table")
    assert _stored_keys() == [""]
    Carrier.objects.filter(pk=carrier.pk).update(webhook_secret=seal("made-elsewhere"))  # a token is taken
    carrier.refresh_from_db()
    assert carrier.webhook_secret_plain() == "made-elsewhere"


def test_P2_4_c_a_signature_header_with_bytes_that_are_not_ascii_is_refused_not_a_server_error(client, shipped):
    _shipment, _key = shipped
    r = _post(client, "", signature="é" * 64)
    assert r.status_code == 401 and r.json()["code"] == "bad_signature"
    assert TrackingEvent.objects.count() == 0


def test_P2_4_c_a_key_the_server_cannot_decrypt_answers_the_carrier_503_with_the_reason_logged(
        settings, caplog, client, office, shipped, carrier, logistics_user):
    sealed_with = Fernet.generate_key().decode()
    settings.ORDERTAKING_FIELD_KEYS = [sealed_with]
    key = services.carrier_secret_generate(carrier=carrier, actor=logistics_user)
    settings.ORDERTAKING_FIELD_KEYS = [Fernet.generate_key().decode()]  # the key it was sealed with is gone
    caplog.set_level(logging.ERROR, logger="ordertaking.logistics")
    r = _post(client, key)
    assert r.status_code == 503 and r["Content-Type"].startswith("application/json")
    assert r["Retry-After"] == "300"  # seconds
    assert r.json() == {"code": "webhook_key_unreadable", "field": None, "message": (
        "服务器现在无法校验签名：它保存的回调密钥无法解密。请稍后重新发送该事件。")}
    assert TrackingEvent.objects.count() == 0
    attempt = WebhookAttempt.objects.get()
    assert attempt.outcome == "key_unreadable" and attempt.carrier_id == carrier.pk
    [record] = [x for x in caplog.records if x.name == "ordertaking.logistics"]
    assert record.levelno == logging.ERROR
    message = record.getMessage()
    assert f"carrier {carrier.pk} (sf): tracking event refused with 503, its webhook key cannot be decrypted" \
        in message
    assert "none of the configured keys" in message and key not in message and _stored_keys()[0] not in message
    # A wrongly signed post gets the same answer: nothing is checked without the key
    assert _post(client, "not-the-key", _body("evt-2")).status_code == 503
    # No page fails: the carrier's page says, in words, why the calls were not checked
    for language, words in (("zh-hans", "未校验：存储的密钥无法解密"),
                            ("en", "Not checked: the stored key cannot be decrypted")):
        page = office.get(reverse("logistics:carrier", args=["sf"]), HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 200 and words in page.content.decode()
    # Once the key is configured again, the carrier's next try goes through
    settings.ORDERTAKING_FIELD_KEYS = [sealed_with]
    assert _post(client, key, _body("evt-3")).status_code == 201


def test_P2_4_c_the_carrier_pages_the_api_and_the_audit_trail_never_show_the_key_only_whether_one_is_set(
        office, carrier, auditor, client):
    r = office.post(reverse("logistics:carrier_secret", args=["sf"]))
    assert r.status_code == 302
    # The session carries the new key encrypted until the page shows it, once
    session_data = str(dict(office.session))
    [token] = _stored_keys()
    carrier.refresh_from_db()
    key = carrier.webhook_secret_plain()
    assert key not in session_data and TOKEN_PREFIX in session_data
    first = office.get(reverse("logistics:carrier", args=["sf"]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert key in first and token not in first and "只显示这一次" in first
    pages = [reverse("logistics:carrier", args=["sf"]), reverse("logistics:carrier_edit", args=["sf"]),
             reverse("logistics:carriers"), "/api/v1/logistics/carriers/sf", "/api/v1/logistics/carriers"]
    for language, set_words in (("zh-hans", "设置于"), ("en", "set on")):
        for page in pages:
            html = office.get(page, HTTP_ACCEPT_LANGUAGE=language).content.decode()
            assert key not in html and token not in html and token[:20] not in html, (language, page)
        detail = office.get(pages[0], HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert set_words in detail, language
    assert office.get(pages[3]).json()["webhook_key_set"] is True
    # An edit of the carrier neither shows nor touches the key
    form = office.get(pages[1]).content.decode()
    assert 'name="webhook_secret"' not in form and 'type="password"' not in form
    r = office.post(pages[1], {"name": "顺丰速运", "contract_number": "SF-2026-002",
                               "contract_valid_from": carrier.contract_valid_from.isoformat(),
                               "contract_valid_to": carrier.contract_valid_to.isoformat(), "methods": ["express"],
                               "regions": [r.pk for r in carrier.regions.all()], "active": "on",
                               "webhook_secret": "typed-in"})
    assert r.status_code == 302 and _stored_keys() == [token]
    # The trail says a key was made, never which; the audit log's page and API show no more
    events = AuditEvent.objects.filter(action__startswith="carrier.")
    assert "carrier.secret_generated" in {e.action for e in events}
    trail = str([(e.before, e.after, e.message) for e in events])
    assert key not in trail and token not in trail
    client.force_login(auditor)
    for page in ("/audit/", "/api/v1/audit/events"):
        body = client.get(page).content.decode()
        assert key not in body and token not in body, page


def test_P2_4_c_a_new_key_the_server_can_no_longer_decrypt_is_not_shown_and_the_page_says_why(
        settings, office, carrier):
    for language, words in (("zh-hans", "新密钥无法显示"), ("en", "The new key cannot be shown")):
        settings.ORDERTAKING_FIELD_KEYS = [Fernet.generate_key().decode()]
        assert office.post(reverse("logistics:carrier_secret", args=["sf"])).status_code == 302
        settings.ORDERTAKING_FIELD_KEYS = [Fernet.generate_key().decode()]  # changed between the POST and the page
        r = office.get(reverse("logistics:carrier", args=["sf"]), HTTP_ACCEPT_LANGUAGE=language)
        body = r.content.decode()
        assert r.status_code == 200 and words in body and 'data-testid="secret"' not in body, language
        assert f"carrier_secret_{carrier.pk}" not in office.session  # gone: generating another is the way


def test_P2_4_c_a_key_is_not_generated_when_the_server_cannot_encrypt_it(settings, office, carrier):
    settings.ORDERTAKING_FIELD_KEYS = ["not-a-fernet-key"]
    r = office.post(reverse("logistics:carrier_secret", args=["sf"]),
                    HTTP_REFERER=reverse("logistics:carrier", args=["sf"]), HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 302
    page = office.get(r["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The key cannot be encrypted: the server&#x27;s encryption keys are misconfigured" in page
    r = office.post("/api/v1/logistics/carriers/sf/webhook-key", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 503 and r.json()["code"] == "field_keys" and "无法加密密钥" in r.json()["message"]
    assert _stored_keys() == [""]
    assert not AuditEvent.objects.filter(action="carrier.secret_generated").exists()


def test_reseal_secrets_moves_the_carriers_keys_to_the_new_key_and_names_one_it_cannot_open(
        settings, client, shipped, carrier, expired_carrier, logistics_user, capsys):
    from ordertaking import cli

    _shipment, _first_key = shipped
    old, new = Fernet.generate_key(), Fernet.generate_key()
    settings.ORDERTAKING_FIELD_KEYS = [old.decode()]
    key = services.carrier_secret_generate(carrier=carrier, actor=logistics_user)
    settings.ORDERTAKING_FIELD_KEYS = [new.decode(), old.decode()]  # rotation: the new key first, the old opens
    assert _post(client, key, _body("before")).status_code == 201
    assert cli.main(["reseal-secrets"]) == 0
    assert "1 secret(s) re-encrypted" in capsys.readouterr().out  # the carrier without a key has none to reseal
    stored, none = _stored_keys()
    assert Fernet(new).decrypt(stored.encode()).decode() == key and none == ""
    settings.ORDERTAKING_FIELD_KEYS = [new.decode()]  # the old key dropped
    assert _post(client, key, _body("after")).status_code == 201
    # A key no configured key opens is named and left as it is; the console says it failed
    settings.ORDERTAKING_FIELD_KEYS = [Fernet.generate_key().decode()]
    assert cli.main(["reseal-secrets"]) == 1
    assert f"carrier {carrier.pk} (sf) webhook key: none of the configured keys" in capsys.readouterr().err
    assert _stored_keys() == [stored, ""]


PLAIN = "carrier-key-顺丰-Secret-91c2e0"  # long and unusual enough that finding it anywhere is no accident


@pytest.mark.django_db(transaction=True)
def test_P2_4_c_the_migration_encrypts_the_keys_already_there_and_going_back_restores_them():
    from tests.migrations import migrated_back

    before, after = "0002_carrier_tally", "0003_webhook_secret_sealed"
    with migrated_back("logistics", before) as to:  # as before: plain keys
        old = to(before).get_model("logistics", "Carrier")
        for code, key in (("sf", PLAIN), ("zt", "")):
            old.objects.create(code=code, name=code, contract_number="C-1", contract_valid_from=date(2026, 1, 1),
                               contract_valid_to=date(2026, 12, 31), webhook_secret=key)
        to(after)
        stored, none = _stored_keys()
        assert stored.startswith(TOKEN_PREFIX) and PLAIN not in stored and none == ""
        assert Carrier.objects.get(code="sf").webhook_secret_plain() == PLAIN
        to(before)
        assert _stored_keys() == [PLAIN, ""]
    assert _stored_keys()[0].startswith(TOKEN_PREFIX)


@pytest.mark.django_db(transaction=True)
def test_P2_4_c_a_backup_holds_the_key_encrypted_only(tmp_path):
    from tests.backups import backup_content

    carrier = Carrier(code="sf", name="顺丰速运", contract_number="SF-1", contract_valid_from=date(2026, 1, 1),
                      contract_valid_to=date(2026, 12, 31))
    carrier.webhook_secret_seal(PLAIN)
    carrier.save()
    [token] = _stored_keys()
    content = backup_content(tmp_path)
    assert token.encode() in content
    assert PLAIN.encode() not in content and b"Secret-91c2e0" not in content
