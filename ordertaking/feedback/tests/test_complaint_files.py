"""Files on a complaint (P3.2, through the attachments app): photos of the fault, the contract in dispute,
attached on the complaint's page by its handlers and recorders."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ordertaking.attachments.models import Attachment

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def up(name: str, data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_p3_2_the_complaint_page_carries_the_card_and_the_recorder_attaches(client, complaint, cs_agent):
    client.force_login(cs_agent)
    card = reverse("attachments:card", args=["complaint", complaint.number])
    assert card in client.get(reverse("feedback:complaint", args=[complaint.number])).content.decode()
    body = client.get(card).content.decode()
    assert 'value="contract"' in body and 'value="service_record"' not in body
    r = client.post(reverse("attachments:upload", args=["complaint", complaint.number]),
                    {"kind": "contract", "file": up("合同.pdf")}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "合同.pdf" in r.content.decode()
    att = Attachment.objects.get()
    assert att.target == complaint and att.order == complaint.order


def test_p3_2_the_api_attaches_to_a_complaint(client, complaint, cs_agent):
    client.force_login(cs_agent)
    r = client.post(f"/api/v1/attachments/complaint/{complaint.number}", {"kind": "other", "file": up("检测报告.pdf")})
    assert r.status_code == 201, r.content
    assert client.get(f"/api/v1/attachments/complaint/{complaint.number}").json()["count"] == 1


@pytest.mark.parametrize("who", ["sales_rep2", "production_user"])
def test_p3_2_who_does_not_see_the_complaint_attaches_nothing(client, complaint, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("attachments:card", args=["complaint", complaint.number])).status_code == 404
    r = client.post(reverse("attachments:upload", args=["complaint", complaint.number]),
                    {"kind": "photo", "file": up("x.pdf")})
    assert r.status_code == 404
    r = client.post(f"/api/v1/attachments/complaint/{complaint.number}", {"kind": "photo", "file": up("x.pdf")})
    assert r.status_code == 404
    assert not Attachment.objects.exists()
