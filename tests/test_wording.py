"""Issue 9: one word for one thing. Django's own catalogue says 过滤器 for "Filter"; ours says 筛选, and
the list pages must show ours (a msgid that Django also translates needs a context of its own)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("who", "url"), [
    ("reviewer", "orders:list"), ("reviewer", "review:queue"), ("reviewer", "customers:list"),
    ("admin_user_role", "catalog:products"), ("finance_user", "finance:invoices"), ("cs_agent", "inquiries:list"),
    ("auditor", "audit:list"),
])
def test_list_pages_filter_with_the_projects_word_not_djangos(client, request, who, url):
    client.force_login(request.getfixturevalue(who))
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse(url)).content.decode()
    assert "筛选" in html and "过滤器" not in html
