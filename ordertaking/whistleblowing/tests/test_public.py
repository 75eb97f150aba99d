"""P6.1.b the public pages: anyone reports without an account, anonymously or by name, with files; the
receipt code and password are shown once; the follow-up needs both, answers a wrong code and a wrong
password alike, and is rate-limited per address and per code; no code or id in a public URL."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ordertaking.audit.models import AuditEvent
from ordertaking.notifications.models import Notification
from ordertaking.whistleblowing import rules
from ordertaking.whistleblowing.models import Evidence, Message, Report
from ordertaking.whistleblowing.services import report_login

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WHAT = "订单中心员工收取客户好处费后放行低于底价的订单。"


def _submit(client, **extra):  # type: ignore[no-untyped-def]
    data = {"what": WHAT, "when": "上周", "order_numbers": "", "persons": "", "anonymous": "1", **extra}
    return client.post(reverse("whistleblowing:report") + "?lang=zh-hans", data)


def _receipt(client) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    page = client.get(reverse("whistleblowing:receipt")).content.decode()
    code = re.search(r'data-testid="wb-code">([^<]+)<', page).group(1)  # type: ignore[union-attr]
    password = re.search(r'data-testid="wb-password">([^<]+)<', page).group(1)  # type: ignore[union-attr]
    return code, password


def test_p6_1_b_the_public_page_shows_mailbox_and_phone_without_login_or_staff_navigation(client, settings):
    settings.ORDERTAKING_WHISTLEBLOWING_EMAIL = "jubao@acme.cn"
    settings.ORDERTAKING_WHISTLEBLOWING_PHONE = "400-111-2222"
    r = client.get(reverse("whistleblowing:report"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "jubao@acme.cn" in html and "400-111-2222" in html
    assert "nav_items" not in html and reverse("orders:list") not in html and "logout" not in html
    assert "no-store" in r["Cache-Control"] and r["X-Robots-Tag"] == "noindex, nofollow"


def test_p6_1_b_an_anonymous_report_gets_a_code_and_password_shown_once(client, investigator):
    r = _submit(client)
    assert r.status_code == 302 and r["Location"] == reverse("whistleblowing:receipt")
    code, password = _receipt(client)
    report = Report.objects.get()
    assert report.receipt_code == rules.normalise(code) and report.anonymous and report.channel == "web"
    assert password.replace("-", "") not in report.password_hash  # hashed, not stored in clear
    assert report_login(code=code, password=password) == report
    again = client.get(reverse("whistleblowing:receipt")).content.decode()
    assert code not in again and 'data-testid="wb-receipt-gone"' in again
    # the investigators are told: the code only
    n = Notification.objects.get(recipient=investigator)
    assert n.kind == "whistleblowing_received" and WHAT not in str(n.params)


def test_p6_1_b_the_audit_event_carries_the_code_and_state_never_the_content(client):
    _submit(client, anonymous="0", name="张三", contact="13800138000", persons="李四")
    report = Report.objects.get()
    ev = AuditEvent.objects.get(action="whistleblowing.received")
    text = str(ev.before) + str(ev.after) + ev.message + ev.subject_label + ev.actor_name
    assert report.receipt_code in text
    for secret in (WHAT, "张三", "13800138000", "李四"):
        assert secret not in text


def test_p6_1_b_codes_cannot_be_guessed_length_alphabet_randomness():
    codes = {rules.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) >= 10 and set(c) <= set(rules.ALPHABET) for c in codes)
    assert not set("01OIL") & set(rules.ALPHABET)
    assert len(rules.new_password()) >= 16


def test_p6_1_b_a_wrong_code_and_a_wrong_password_get_the_same_answer(client, report):
    url = reverse("whistleblowing:follow_up")
    wrong_pw = client.post(url, {"code": report.receipt_code, "password": "WRONG-WRONG"})
    wrong_code = client.post(url, {"code": "ZZZZ-ZZZZ-ZZZZ", "password": "WRONG-WRONG"})
    assert wrong_pw.status_code == wrong_code.status_code == 422

    def body(r):  # type: ignore[no-untyped-def]
        html = r.content.decode()
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return html.replace(report.receipt_code, "ZZZZZZZZZZZZ")

    assert re.search(r'wb-login-error">([^<]+)<', body(wrong_pw)).group(1) == re.search(  # type: ignore[union-attr]
        r'wb-login-error">([^<]+)<', body(wrong_code)).group(1)  # type: ignore[union-attr]


def test_p6_1_b_follow_up_shows_state_and_thread_without_investigator_names_and_takes_answers(
        client, submitted, investigator):
    from ordertaking.whistleblowing.services import question_ask, report_move

    report, password = submitted
    report_move(actor=investigator, report=report, verb="assess", note="可信，涉及审批绕行。")
    question_ask(actor=investigator, report=report, text="拆单的两个订单号是什么？")
    r = client.post(reverse("whistleblowing:follow_up"), {"code": rules.grouped(report.receipt_code),
                                                          "password": "x" + password})
    assert r.status_code == 422
    # dashes, spaces and case do not matter (both come from one upper-case alphabet)
    r = client.post(reverse("whistleblowing:follow_up"), {"code": report.receipt_code.lower(),
                                                          "password": rules.grouped(password).lower()})
    assert r.status_code == 302 and r["Location"] == reverse("whistleblowing:thread")
    page = client.get(r["Location"]).content.decode()
    assert "拆单的两个订单号是什么？" in page and "赵调查" not in page and "inv1" not in page
    assert str(report.pk) not in r["Location"] and report.receipt_code not in r["Location"]
    f = SimpleUploadedFile("截图.pdf", PDF)
    r = client.post(reverse("whistleblowing:thread"), {"text": "SO-1 和 SO-2。", "evidence": [f]})
    assert r.status_code == 302
    assert Message.objects.filter(report=report, author_kind="reporter", text="SO-1 和 SO-2。").exists()
    assert Evidence.objects.get(report=report).original_name == "截图.pdf"
    assert Notification.objects.filter(kind="whistleblowing_reply").exists()


def test_p6_1_b_follow_up_ends_with_the_close_button(client, submitted):
    report, password = submitted
    client.post(reverse("whistleblowing:follow_up"), {"code": report.receipt_code, "password": password})
    client.post(reverse("whistleblowing:follow_up_end"))
    assert client.get(reverse("whistleblowing:thread"))["Location"] == reverse("whistleblowing:follow_up")


def test_p6_1_b_attachments_are_checked_by_type_and_size(client, settings):
    ok = SimpleUploadedFile("证据.pdf", PDF)
    r = client.post(reverse("whistleblowing:report"), {"what": WHAT, "anonymous": "1", "evidence": [ok]})
    assert r.status_code == 302 and Evidence.objects.get().content_type == "application/pdf"
    bad = SimpleUploadedFile("run.pdf", b"MZ\x90\x00 this is an exe")
    r = client.post(reverse("whistleblowing:report"), {"what": WHAT, "anonymous": "1", "evidence": [bad]})
    assert r.status_code == 422 and Report.objects.count() == 1
    settings.ORDERTAKING_ATTACHMENT_MAX_MB = 0
    r = client.post(reverse("whistleblowing:report"), {"what": WHAT, "anonymous": "1",
                                                       "evidence": [SimpleUploadedFile("证据.pdf", PDF)]})
    assert r.status_code == 422 and Report.objects.count() == 1


@pytest.mark.parametrize(("data", "field"), [
    ({"what": "", "anonymous": "1"}, "what"),
    ({"what": "太短", "anonymous": "1"}, "what"),
    ({"what": WHAT, "anonymous": "0", "name": "", "contact": ""}, "name"),
    ({"what": WHAT, "anonymous": "maybe"}, "anonymous"),
    ({"what": "x" * 10001, "anonymous": "1"}, "what"),
])
def test_p6_1_b_bad_input_re_shows_the_form_with_the_field_marked(client, data, field):
    r = client.post(reverse("whistleblowing:report"), data)
    assert r.status_code == 422 and Report.objects.count() == 0
    assert field in r.context["form"].errors


def test_p6_1_b_the_follow_up_is_rate_limited_per_address(client, report, settings):
    settings.ORDERTAKING_WHISTLEBLOWING_LIMITS = {"login_ip": 3, "login_code": 100}
    url = reverse("whistleblowing:follow_up")
    for i in range(3):
        assert client.post(url, {"code": f"AAAA{i}", "password": "x"}).status_code == 422
    r = client.post(url, {"code": "AAAA9", "password": "x"})
    assert r.status_code == 429 and 'data-testid="wb-blocked"' in r.content.decode()
    other = client.post(url, {"code": "AAAA9", "password": "x"}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 422


def test_p6_1_b_the_follow_up_is_rate_limited_per_code_across_addresses(client, submitted, settings):
    report, password = submitted
    settings.ORDERTAKING_WHISTLEBLOWING_LIMITS = {"login_ip": 100, "login_code": 3}
    url = reverse("whistleblowing:follow_up")
    for i in range(3):
        client.post(url, {"code": report.receipt_code, "password": "x"}, REMOTE_ADDR=f"10.0.0.{i}")
    # even the right password is refused for a while: the code is under attack
    r = client.post(url, {"code": report.receipt_code, "password": password}, REMOTE_ADDR="10.0.1.1")
    assert r.status_code == 429


def test_p6_1_b_submitting_is_rate_limited_per_address(client, settings):
    settings.ORDERTAKING_WHISTLEBLOWING_LIMITS = {"submit_ip": 2}
    assert _submit(client).status_code == 302
    assert _submit(client).status_code == 302
    assert _submit(client).status_code == 429 and Report.objects.count() == 2


def test_p6_1_b_no_sequential_id_in_any_public_url():
    from ordertaking.whistleblowing import urls

    public = [p for p in urls.urlpatterns if p.name in {"report", "receipt", "follow_up", "thread", "follow_up_end"}]
    assert len(public) == 5 and all("<" not in str(p.pattern) for p in public)


def test_p6_1_b_english_page(client):
    html = client.get(reverse("whistleblowing:report") + "?lang=en").content.decode()
    assert "Report a violation in order-taking" in html
