"""P4.1.c access requests notify (issue 12): the deciders (the rep's leader, leadership) when someone asks; the
requester when it is granted or refused; the holder the day before a grant ends (the daily job, once) and when
someone else revokes it — in the app and by e-mail, in the recipient's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from ordertaking.confidentiality import services
from ordertaking.confidentiality.jobs import grant_expiry_run
from ordertaking.confidentiality.models import AccessRequest
from ordertaking.notifications.models import Kind, Notification
from ordertaking.ops.models import JobRun

pytestmark = pytest.mark.django_db


def _mail(user, address):  # type: ignore[no-untyped-def]
    user.email = address
    user.save(update_fields=["email"])
    return user


def _kinds(user) -> list[str]:  # type: ignore[no-untyped-def]
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("kind", flat=True))


def test_p4_1_c_a_request_tells_the_reps_leader_and_leadership_in_app_and_by_mail(
        auditor, leader, team_leader, customer, django_capture_on_commit_callbacks):
    _mail(leader, "zhou@example.cn")
    _mail(team_leader, "qian@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        req = services.access_request_create(actor=auditor, customer=customer, reason="年度审计抽查")
    assert _kinds(leader) == [Kind.ACCESS_REQUESTED] and _kinds(team_leader) == [Kind.ACCESS_REQUESTED]
    assert _kinds(auditor) == []  # never the requester
    assert sorted(m.to[0] for m in mail.outbox) == ["qian@example.cn", "zhou@example.cn"]
    body = mail.outbox[0].body
    assert customer.name in body and "年度审计抽查" in body and "7" in body
    assert Notification.objects.filter(kind=Kind.ACCESS_REQUESTED).get(recipient=leader).url.endswith(f"/{req.pk}/")


@pytest.mark.parametrize("grant,words", [(True, "批准"), (False, "拒绝")])
def test_p4_1_c_the_requester_learns_the_decision(auditor, leader, customer, grant, words,
                                                 django_capture_on_commit_callbacks):
    _mail(auditor, "zheng@example.cn")
    req = services.access_request_create(actor=auditor, customer=customer, reason="审计抽查")
    with django_capture_on_commit_callbacks(execute=True):
        services.access_request_decide(actor=leader, request=req, grant=grant, comment="" if grant else "不需要")
    n = Notification.objects.get(recipient=auditor)
    assert n.kind == Kind.ACCESS_DECIDED and n.params["outcome"] == ("granted" if grant else "refused")
    assert [m.to for m in mail.outbox] == [["zheng@example.cn"]] and words in mail.outbox[0].subject
    if grant:
        assert timezone.localtime(AccessRequest.objects.get().expires_at).strftime("%Y-%m-%d") in mail.outbox[0].body


def test_p4_1_c_revocation_tells_the_holder_but_giving_it_up_oneself_tells_nobody(auditor, leader, customer):
    req = services.access_request_create(actor=auditor, customer=customer, reason="审计抽查")
    services.access_request_decide(actor=leader, request=req, grant=True)
    services.access_grant_revoke(actor=leader, request=req, reason="抽查已结束")
    assert _kinds(auditor) == [Kind.ACCESS_DECIDED, Kind.ACCESS_REVOKED]
    assert Notification.objects.get(kind=Kind.ACCESS_REVOKED).params["reason"] == "抽查已结束"
    other = services.access_request_create(actor=auditor, customer=customer, reason="再次抽查")
    services.access_request_decide(actor=leader, request=other, grant=True)
    services.access_grant_revoke(actor=auditor, request=other)
    assert Notification.objects.filter(kind=Kind.ACCESS_REVOKED).count() == 1
    assert not Notification.objects.filter(recipient=leader, kind=Kind.ACCESS_REVOKED).exists()


def test_p4_1_c_the_daily_job_tells_the_holder_once_the_day_before_the_grant_ends(auditor, leader, customer):
    req = services.access_request_create(actor=auditor, customer=customer, reason="审计抽查", days=2)
    services.access_request_decide(actor=leader, request=req, grant=True)
    req.refresh_from_db()
    assert req.expires_at is not None
    early = req.expires_at - timedelta(days=1, hours=1)
    assert grant_expiry_run(now=early) == {"grants": 0, "told": 0}  # more than a day left
    late = req.expires_at - timedelta(hours=20)
    assert grant_expiry_run(now=late) == {"grants": 1, "told": 1}
    assert grant_expiry_run(now=late + timedelta(hours=1)) == {"grants": 0, "told": 0}  # once
    assert _kinds(auditor) == [Kind.ACCESS_DECIDED, Kind.ACCESS_EXPIRING]
    assert JobRun.objects.filter(job="access_grants", succeeded=True).count() == 3
    # a grant revoked or already over is not told
    other = services.access_request_create(actor=auditor, customer=customer, reason="再次", days=1)
    services.access_request_decide(actor=leader, request=other, grant=True)
    services.access_grant_revoke(actor=leader, request=other, reason="不再需要")
    assert grant_expiry_run() == {"grants": 0, "told": 0}
