"""P6.1.b the investigators' side: the workflow through its state table, every opening logged, questions
to the reporter, phone reports; who sees what (a confidentiality matrix of every role and a named person
on every page and API); every report handled (the daily escalation); the list's query count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ordertaking.accounts.roles import Role
from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ordertaking.notifications.models import Notification
from ordertaking.whistleblowing import services
from ordertaking.whistleblowing.models import AccessLog, Report

pytestmark = pytest.mark.django_db
SECRET = "销售员把订单拆成两单"


def _login(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


def test_p6_1_b_the_workflow_runs_through_its_states_with_audit_events_without_content(report, investigator):
    for verb, note in [("assess", "可信"), ("investigate", ""), ("conclude", "属实：两单合计超过权限。"),
                       ("act", "责任人警告处分，订单重新审批。")]:
        report = services.report_move(actor=investigator, report=report, verb=verb, note=note)
    assert report.state == "action_taken" and report.handler == investigator
    assert report.outcome.startswith("属实") and report.actions.startswith("责任人")
    events = AuditEvent.objects.filter(action__startswith="whistleblowing.").order_by("id")
    assert [e.action for e in events] == ["whistleblowing.received", "whistleblowing.assessed",
                                          "whistleblowing.investigating", "whistleblowing.concluded",
                                          "whistleblowing.action_taken"]
    for e in events:
        text = str(e.before) + str(e.after) + e.message
        assert SECRET not in text and "属实" not in text and "警告" not in text
        assert (e.after or {})["receipt_code"] == report.receipt_code


def test_p6_1_b_a_move_the_table_forbids_is_refused_and_notes_are_required(report, investigator):
    with pytest.raises(InvalidTransition):
        services.report_move(actor=investigator, report=report, verb="conclude", note="x")
    with pytest.raises(ValidationFailed) as e:
        services.report_move(actor=investigator, report=report, verb="dismiss", note="")
    assert e.value.field == "note"
    r = services.report_move(actor=investigator, report=report, verb="dismiss", note="无依据")
    assert r.state == "unfounded" and not r.is_open


def test_p6_1_b_every_opening_is_logged_and_listed_for_investigators(client, report, investigator, investigator2):
    _login(client, investigator).get(reverse("whistleblowing:detail", args=[report.receipt_code]))
    _login(client, investigator2).get(reverse("whistleblowing:detail", args=[report.receipt_code]))
    logs = list(AccessLog.objects.filter(report=report).order_by("at", "id"))
    assert [a.user for a in logs] == [investigator, investigator2]
    page = client.get(reverse("whistleblowing:detail", args=[report.receipt_code])).content.decode()
    assert 'data-testid="wb-access"' in page and "赵调查" in page
    assert AuditEvent.objects.filter(action="whistleblowing.opened").count() == 3


def test_p6_1_b_a_phone_report_is_entered_by_an_investigator_who_reads_out_code_and_password(client, investigator):
    _login(client, investigator)
    r = client.post(reverse("whistleblowing:phone"), {"what": "来电举报：物流员要求客户额外付费。", "anonymous": "1"})
    assert r.status_code == 302
    page = client.get(r["Location"]).content.decode()
    report = Report.objects.get()
    assert report.channel == "phone" and report.entered_by == investigator
    assert report.code_display in page and 'data-testid="wb-password"' in page
    assert report.code_display not in client.get(reverse("whistleblowing:phone_receipt")).content.decode()


def test_p6_1_b_questions_from_the_page_and_bad_input_re_shows_the_form(client, report, investigator):
    _login(client, investigator)
    url = reverse("whistleblowing:act", args=[report.receipt_code, "ask"])
    assert client.post(url, {"text": ""}).status_code == 422
    assert client.post(url, {"text": "请提供订单号。"}).status_code == 302
    r = client.post(reverse("whistleblowing:act", args=[report.receipt_code, "assess"]), {"note": ""})
    assert r.status_code == 422 and "note" in r.context["move_form"].errors
    assert client.post(reverse("whistleblowing:act", args=[report.receipt_code, "nonsense"])).status_code == 404


# --- who sees what --------------------------------------------------------------------------------------

ROLES = [Role.SALES, Role.CUSTOMER_SERVICE, Role.ORDER_CENTER, Role.PRODUCTION, Role.LOGISTICS, Role.FINANCE,
         Role.LEADERSHIP, Role.AUDITOR, Role.ADMIN, Role.LEGAL]


@pytest.mark.parametrize("role", ROLES)
def test_p6_1_b_nobody_but_the_investigators_reads_a_report_page_or_api(client, make_user, report, role):
    user = make_user(f"u_{role}", role)
    _login(client, user)
    code = report.receipt_code
    for url in (reverse("whistleblowing:detail", args=[code]), reverse("whistleblowing:phone"),
                f"/api/v1/whistleblowing/reports/{code}", "/api/v1/whistleblowing/reports"):
        r = client.get(url)
        assert r.status_code in (403, 404), url
        assert SECRET not in r.content.decode()
    r = client.post(reverse("whistleblowing:act", args=[code, "assess"]), {"note": "x"})
    assert r.status_code in (403, 404)
    r = client.get(reverse("whistleblowing:list"), follow=True)
    assert SECRET not in r.content.decode()
    if role != Role.LEADERSHIP:
        assert client.get(reverse("whistleblowing:oversight")).status_code == 403
        assert client.get("/api/v1/whistleblowing/oversight").status_code == 403
    assert not AccessLog.objects.exists()


def test_p6_1_b_a_named_investigator_never_sees_the_report(client, report, investigator, investigator2):
    services.named_set(actor=investigator2, report=report, users=[investigator])
    _login(client, investigator)
    assert client.get(reverse("whistleblowing:detail", args=[report.receipt_code])).status_code == 404
    assert client.get(f"/api/v1/whistleblowing/reports/{report.receipt_code}").status_code == 404
    assert report.code_display not in client.get(reverse("whistleblowing:list")).content.decode()
    assert client.get("/api/v1/whistleblowing/reports").json()["count"] == 0
    with pytest.raises(NotFound):
        services.report_move(actor=investigator, report=report, verb="assess", note="x")
    # the persons-named event says that the list changed, not who is on it
    ev = AuditEvent.objects.get(action="whistleblowing.persons_named")
    assert "inv1" not in str(ev.after) and "赵调查" not in str(ev.after)


def test_p6_1_b_a_named_non_investigator_gets_nothing_either(client, make_user, report, investigator):
    leader = make_user("boss", Role.LEADERSHIP)
    services.named_set(actor=investigator, report=report, users=[leader])
    _login(client, leader)
    assert client.get(reverse("whistleblowing:detail", args=[report.receipt_code])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.report_move(actor=leader, report=report, verb="assess", note="x")


def test_p6_1_b_leadership_oversees_code_state_age_never_the_content(client, make_user, submitted):
    report = submitted[0]
    Report.objects.filter(pk=report.pk).update(anonymous=False, reporter_name="张三", reporter_contact="138")
    leader = make_user("boss", Role.LEADERSHIP)
    _login(client, leader)
    assert client.get(reverse("whistleblowing:list"))["Location"] == reverse("whistleblowing:oversight")
    html = client.get(reverse("whistleblowing:oversight")).content.decode()
    assert report.code_display in html
    for secret in (SECRET, "张三", "138", "王某", "SO-1"):
        assert secret not in html
    data = client.get("/api/v1/whistleblowing/oversight").json()
    assert data["items"][0]["receipt_code"] == report.receipt_code
    assert set(data["items"][0]) == {"receipt_code", "state", "created_at", "age_days", "overdue"}


# --- every report is handled ------------------------------------------------------------------------------

def test_p6_1_b_an_overdue_report_is_escalated_once_to_investigators_and_leadership(make_user, report, investigator,
                                                                                    investigator2, settings):
    settings.ORDERTAKING_WHISTLEBLOWING_DAYS = {"received": 3, "assessed": 5, "investigating": 30, "concluded": 15}
    leader = make_user("boss", Role.LEADERSHIP)
    auditor = make_user("aud", Role.AUDITOR)
    Notification.objects.all().delete()
    now = timezone.now()
    assert services.reports_escalate(now=now + timedelta(days=2)) == 0
    assert services.reports_escalate(now=now + timedelta(days=4)) == 1
    sent = Notification.objects.filter(kind="whistleblowing_overdue")
    assert {n.recipient for n in sent} == {investigator, investigator2, leader} and auditor not in {
        n.recipient for n in sent}
    for n in sent:
        assert SECRET not in str(n.params) and n.params["report"] == report.code_display
    assert sent.get(recipient=leader).url == reverse("whistleblowing:oversight")
    assert services.reports_escalate(now=now + timedelta(days=5)) == 0  # once per step
    services.report_move(actor=investigator, report=report, verb="assess", note="可信")
    assert services.reports_escalate(now=now + timedelta(days=11)) == 1  # again in the next step
    assert AuditEvent.objects.filter(action="whistleblowing.escalated").count() == 2


def test_p6_1_b_the_overdue_filter_and_the_list_query_count(client, report, investigator,
                                                            django_assert_max_num_queries):
    from ordertaking.whistleblowing.services import report_submit

    for i in range(12):
        report_submit(what=f"第{i}份举报：违规接单情况说明。", anonymous=True)
    Report.objects.filter(pk=report.pk).update(state_since=timezone.now() - timedelta(days=10))
    _login(client, investigator)
    html = client.get(reverse("whistleblowing:list") + "?overdue=on").content.decode()
    assert report.code_display in html and html.count("bi-alarm") == 1
    with django_assert_max_num_queries(12):
        r = client.get(reverse("whistleblowing:list"))
    assert r.status_code == 200
    with django_assert_max_num_queries(12):
        r = client.get("/api/v1/whistleblowing/reports?state=open")
    assert r.json()["count"] == 13


def test_p6_1_b_investigators_home_queue_and_leaderships(make_user, report, investigator):
    from ordertaking.whistleblowing.selectors import home_queues

    assert home_queues(investigator)[0].count == 1
    leader = make_user("boss", Role.LEADERSHIP)
    assert home_queues(leader)[0].count == 0
    assert home_queues(make_user("s", Role.SALES)) == []


def test_p6_1_b_api_moves_and_questions(client, report, investigator):
    _login(client, investigator)
    code = report.receipt_code
    r = client.post(f"/api/v1/whistleblowing/reports/{code}/moves/assess", {"note": "可信"},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "assessed"
    r = client.post(f"/api/v1/whistleblowing/reports/{code}/moves/act", {"note": "x"}, content_type="application/json")
    assert r.status_code == 409
    r = client.post(f"/api/v1/whistleblowing/reports/{code}/moves/dismiss", {}, content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "note"
    r = client.post(f"/api/v1/whistleblowing/reports/{code}/questions", {"text": "何时？"},
                    content_type="application/json")
    assert r.status_code == 201
    assert client.get(f"/api/v1/whistleblowing/reports/{code}").json()["messages"][0]["text"] == "何时？"


def test_p6_1_b_files_downloads_are_logged_and_only_for_investigators(client, make_user, report, investigator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    ev = services.evidence_add(actor=investigator, report=report, files=[SimpleUploadedFile("录音记录.pdf", pdf)])[0]
    _login(client, investigator)
    r = client.get(reverse("whistleblowing:evidence", args=[ev.ref]))
    assert r.status_code == 200 and r["X-Content-Type-Options"] == "nosniff"
    assert AccessLog.objects.filter(report=report, what="file").count() == 1
    _login(client, make_user("aud", Role.AUDITOR))
    assert client.get(reverse("whistleblowing:evidence", args=[ev.ref])).status_code == 403
