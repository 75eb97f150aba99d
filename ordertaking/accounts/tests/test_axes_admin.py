"""The login throttling screens in the admin read in Chinese too (django-axes ships no zh_Hans)."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_the_axes_admin_pages_are_in_chinese(admin_client):
    html = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "登录限制" in html and "登录尝试" in html and "Access attempts" not in html
    page = admin_client.get("/admin/axes/accessattempt/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "选择 登录尝试 来修改" in page
