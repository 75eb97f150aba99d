"""Files on an acceptance issue (P2.5.d, through the attachments app): photos of the fault and the service
record of the repair, attached on the issue's page by those who work on it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ordertaking.attachments.models import Attachment
from ordertaking.deliveries.acceptance.services import acceptance_record

from .conftest import verdicts

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def up(name: str, data: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def issue(delivered_order, sales_rep):  # type: ignore[no-untyped-def]
    return acceptance_record(order=delivered_order, entries=[(delivered_order.lines.get(position=1),
                                                              verdicts(quality="异响"))],
                             actor=sales_rep, customer_name="刘经理")[0]


def test_p2_5_d_the_issue_page_carries_the_card_and_the_rep_attaches_a_photo(client, issue, sales_rep):
    client.force_login(sales_rep)
    card = reverse("attachments:card", args=["acceptance_issue", issue.number])
    assert card in client.get(reverse("deliveries:issue", args=[issue.number])).content.decode()
    body = client.get(card).content.decode()
    assert 'value="service_record"' in body and 'value="manual"' not in body
    r = client.post(reverse("attachments:upload", args=["acceptance_issue", issue.number]),
                    {"kind": "photo", "file": up("异响位置.png")}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "异响位置.png" in r.content.decode()
    att = Attachment.objects.get()
    assert att.target == issue and att.order == issue.order


def test_p2_5_d_the_api_attaches_to_an_issue(client, issue, sales_rep):
    client.force_login(sales_rep)
    r = client.post(f"/api/v1/attachments/acceptance_issue/{issue.number}",
                    {"kind": "service_record", "file": up("服务记录.txt", "已更换轴承。".encode())})
    assert r.status_code == 201, r.content
    assert client.get(f"/api/v1/attachments/acceptance_issue/{issue.number}").json()["count"] == 1


def test_p2_5_d_another_rep_neither_sees_nor_attaches(client, issue, sales_rep2):
    client.force_login(sales_rep2)
    assert client.get(reverse("attachments:card", args=["acceptance_issue", issue.number])).status_code == 404
    r = client.post(reverse("attachments:upload", args=["acceptance_issue", issue.number]),
                    {"kind": "photo", "file": up("x.png")})
    assert r.status_code == 404
    r = client.post(f"/api/v1/attachments/acceptance_issue/{issue.number}", {"kind": "photo", "file": up("x.png")})
    assert r.status_code == 404
    assert not Attachment.objects.exists()
