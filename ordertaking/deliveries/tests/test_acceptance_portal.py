"""The customer's acceptance pages through their private link (P2.5.c/d): inspect each line on the phone, reject
one with a note, follow the issue's progress and accept its result; another order's or a revoked link reaches
nothing."""

from __future__ import annotations

import pytest

from ordertaking.deliveries.acceptance.services import issue_progress_add, issue_resolve
from ordertaking.deliveries.models import AcceptanceIssue, LineCheck
from ordertaking.portal.selectors import link_url
from ordertaking.portal.services import portal_link_revoke
from tests.factories import events_since_built

from .conftest import Link

pytestmark = pytest.mark.django_db


def path_of(link) -> str:  # type: ignore[no-untyped-def]
    url = link_url(link)
    return url[url.index("/p/"):]


def inspect_all(order, reject: dict[int, tuple[str, str]] | None = None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = {"customer_name": "刘经理"}
    for ln in order.lines.all():
        for c in ("quantity", "specification", "quality", "performance"):
            data[f"l{ln.pk}-{c}"] = "accept"
    for pos, (criterion, note) in (reject or {}).items():
        ln = order.lines.get(position=pos)
        data[f"l{ln.pk}-{criterion}"] = "reject"
        data[f"l{ln.pk}-{criterion}-note"] = note
    return data


def test_p2_5_c_d_the_customer_rejects_a_line_follows_the_issue_and_accepts_its_result(client, delivered_order,
                                                                                     sales_rep):
    base = path_of(Link(delivered_order))
    page = client.get(base + "acceptance/")
    assert page.status_code == 200 and 'id="portal-acceptance-form"' in page.content.decode()
    r = client.post(base + "acceptance/", inspect_all(delivered_order, {1: ("quality", "电机外壳有裂纹")}))
    assert r.status_code == 302 and r["Location"].endswith("/acceptance/issues/")
    issue = AcceptanceIssue.objects.get()
    assert issue.opened_via == "customer" and issue.opened_by is None
    ev = events_since_built(delivered_order, "acceptance_issue.opened")[0]
    assert ev.actor_id is None and ev.actor_name == "customer"
    issue_progress_add(issue=issue, actor=sales_rep, text="已安排更换电机外壳，预计周五到货。")
    issue_resolve(issue=issue, actor=sales_rep, result="已更换外壳并复检合格。")
    html = client.get(base + "acceptance/issues/").content.decode()
    assert "已安排更换电机外壳" in html and "已更换外壳并复检合格" in html
    r = client.post(base + f"acceptance/issues/{issue.number}/answer/", {"answer": "accept", "customer_name": "刘经理"})
    assert r.status_code == 302
    issue.refresh_from_db()
    assert issue.state == "closed" and issue.closed_via == "customer"
    r = client.post(base + "acceptance/", inspect_all(delivered_order))
    delivered_order.refresh_from_db()
    assert delivered_order.state == "accepted"


def test_p2_5_c_a_rejection_without_a_note_is_shown_again_on_the_phone(client, delivered_order):
    base = path_of(Link(delivered_order))
    r = client.post(base + "acceptance/", inspect_all(delivered_order, {2: ("quantity", "")}))
    assert r.status_code == 400 and 'data-field="lines.1.quantity"' in r.content.decode()
    assert not LineCheck.objects.exists()


def test_p2_5_c_a_revoked_link_accepts_nothing(client, delivered_order, sales_rep):
    link = Link(delivered_order)
    base = path_of(link)
    portal_link_revoke(actor=sales_rep, link=link, reason="客户联系人变更")
    r = client.post(base + "acceptance/", inspect_all(delivered_order))
    assert r.status_code == 404 and "三相异步电机" not in r.content.decode()
    assert not LineCheck.objects.exists()


def test_p2_5_c_the_acceptance_section_is_on_the_customers_tabs(client, delivered_order):
    html = client.get(path_of(Link(delivered_order))).content.decode()
    assert 'data-section="acceptance"' in html
