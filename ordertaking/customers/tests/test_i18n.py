"""Both languages complete for customers, catalog and inquiries (every msgstr filled, none fuzzy),
and the pages really render in Simplified Chinese."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("app", ["customers", "catalog", "inquiries"])
def test_zh_hans_catalogue_is_complete_and_compiled(app):
    po_path = ROOT / app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(po_path))
    assert len(po) > 20
    assert po.untranslated_entries() == [] and po.fuzzy_entries() == []
    # The committed .mo says the same as the .po (compilemessages was run after the last edit).
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    for e in po.translated_entries():
        assert compiled.get((e.msgctxt, e.msgid)) == (e.msgstr, e.msgstr_plural), e.msgid


@pytest.mark.django_db
def test_pages_render_in_simplified_chinese(client, sales_rep, customer, catalog):
    client.force_login(sales_rep)  # the customer's rep: the edit form shows its confidential data (P4.1.c)
    client.cookies["django_language"] = "zh-hans"
    assert "统一社会信用代码" in client.get(f"/customers/{customer.pk}/edit/").content.decode()
    assert "目录价" in client.get("/catalog/").content.decode()
    assert "登记咨询" in client.get("/inquiries/new/").content.decode()
    client.cookies["django_language"] = "en"
    assert "Unified social credit code" in client.get(f"/customers/{customer.pk}/edit/").content.decode()
