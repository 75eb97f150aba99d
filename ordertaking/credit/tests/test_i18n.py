"""Both languages complete: every msgid of the credit and finance catalogues has Simplified
Chinese, nothing fuzzy, and the pages render in each language."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("app", ["credit", "finance"])
def test_the_zh_hans_catalogue_is_complete_and_compiled(app):
    po = polib.pofile(str(ROOT / app / "locale/zh_Hans/LC_MESSAGES/django.po"))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert (ROOT / app / "locale/zh_Hans/LC_MESSAGES/django.mo").stat().st_mtime >= (
        ROOT / app / "locale/zh_Hans/LC_MESSAGES/django.po").stat().st_mtime - 5


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "expected"), [("zh-hans", "财务风险预警"), ("en", "Financial risk early warning")])
def test_p3_6_the_dashboard_speaks_both_languages(client, finance_user, lang, expected):
    client.force_login(finance_user)
    client.cookies["django_language"] = lang
    r = client.get(reverse("finance:dashboard"), HTTP_ACCEPT_LANGUAGE=lang)
    assert expected in r.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "expected"), [("zh-hans", "信用冻结中的订单"), ("en", "Orders on credit hold")])
def test_p5_1_the_credit_queue_speaks_both_languages(client, finance_user, lang, expected):
    client.force_login(finance_user)
    client.cookies["django_language"] = lang
    r = client.get(reverse("credit:queue"), HTTP_ACCEPT_LANGUAGE=lang)
    assert expected in r.content.decode()
