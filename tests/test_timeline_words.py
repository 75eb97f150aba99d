"""Users read words, not codes (CONVENTIONS.md; P6.1.a the trail is readable; P4.2.a the order's
information trail): every timeline (order, review, customer, inquiry, credit pages) and the audit
log, rendered for the demo company in Chinese and in English, shows no internal key, enum value,
finding code, True/False or record id.

The scan is generic: it collects every stored code the models know (all `choices` of all fields,
the finding codes, the event keys) and looks for any of them as a shown value.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from ordertaking import cli
from ordertaking.accounts.roles import Role
from ordertaking.audit.labels import (
    ACTION_LABELS,
    FIELD_LABELS,
    LINE_FIELD_LABELS,
    REFERENCE_KEYS,
    VALUE_LABELS,
)
from ordertaking.audit.models import AuditEvent
from ordertaking.common.findings import FINDING_LABELS

pytestmark = pytest.mark.django_db

LINE_KEY = re.compile(r"^lines\.\d+(\.[a-z_]+)?$")
CHANGE_ROW = re.compile(r'<li data-key="([^"]*)">(.*?)</li>', re.S)
# Keys whose values are names people chose (a username may be "admin"): not codes, not scanned.
FREE_TEXT_KEYS = frozenset({"username", "name", "token", "label", "reference"})
CHANGE_SPAN = re.compile(
    r'<(?:span|del|a)[^>]*class="[^"]*change-(field|before|after)[^"]*"[^>]*>(.*?)</(?:span|del|a)>', re.S)
SEPARATORS = re.compile(r", |、|; |: ")


def raw_codes() -> set[str]:
    """Every code a record or an event stores that a reader must never see as such."""
    codes: set[str] = {"True", "False", "None"}
    for model in apps.get_models():
        if not model.__module__.startswith("ordertaking."):
            continue
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and value:
                    codes.add(value)
    codes |= set(FINDING_LABELS)
    codes |= {str(r) for r in Role}
    codes |= {k for k in FIELD_LABELS if "_" in k}
    codes |= {v for (_k, v) in VALUE_LABELS}
    return codes


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def _region(body: str, start_marker: str, end_tag: str) -> str:
    i = body.find(start_marker)
    if i < 0:
        return ""
    return body[i:body.find(end_tag, i) + len(end_tag)]


def shown_changes(body: str) -> Iterator[tuple[str, str, str]]:
    for key, row in CHANGE_ROW.findall(body):
        for part, fragment in CHANGE_SPAN.findall(row):
            yield key, part, _text(fragment)


def problems_in(body: str, raw: set[str], lang: str, where: str) -> list[str]:
    found = []
    regions = [_region(body, 'data-testid="timeline"', "</ol>"), _region(body, 'data-testid="audit-table"', "</table>")]
    for region in filter(None, regions):
        text = _text(region)
        for bad in ("True", "False", "None"):
            if re.search(rf"\b{bad}\b", text):
                found.append(f"{where} [{lang}]: {bad!r} shown")
        for snake in re.findall(r"\b[a-z]+(?:_[a-z]+)+\b", text):
            found.append(f"{where} [{lang}]: internal key {snake!r} shown")
        if re.search(r"\blines\.\d", text):
            found.append(f"{where} [{lang}]: a raw line key shown")
        for key, part, value in shown_changes(region):
            if part == "field" and lang == "zh-hans" and re.search(r"[A-Za-z]", value):
                found.append(f"{where} [{lang}]: field label {value!r} is not in Chinese")
            if part != "field" and key in FREE_TEXT_KEYS:
                continue
            for piece in SEPARATORS.split(value):
                if piece.strip() in raw:
                    found.append(f"{where} [{lang}]: raw code {piece!r} shown as {part}")
    return found


@pytest.fixture
def demo_reader(client: Any) -> Any:
    assert cli.main(["load-demo"]) == 0
    from ordertaking.accounts.services import user_create

    # Every role, so every page of every record is open to this reader.
    reader = user_create(username="timeline-reader", password="Reader-2026-x", roles=[str(r) for r in Role],
                         display_name="读者", is_superuser=True)
    client.force_login(reader)
    return client


def _pages() -> list[tuple[str, str]]:
    from ordertaking.customers.models import Customer
    from ordertaking.inquiries.models import Inquiry
    from ordertaking.orders.models import Order

    pages = []
    for number in Order.objects.order_by("number").values_list("number", flat=True):
        pages.append((f"order {number}", reverse("orders:detail", args=[number])))
        pages.append((f"review panel {number}", reverse("review:panel", args=[number])))
    for pk in Customer.objects.order_by("pk").values_list("pk", flat=True):
        pages.append((f"customer {pk}", reverse("customers:detail", args=[pk])))
        pages.append((f"credit {pk}", reverse("credit:customer", args=[pk])))
    for pk in Inquiry.objects.order_by("pk").values_list("pk", flat=True):
        pages.append((f"inquiry {pk}", reverse("inquiries:detail", args=[pk])))
    n_pages = AuditEvent.objects.count() // 50 + 1
    pages += [(f"audit log page {n}", reverse("audit:list") + f"?page={n}") for n in range(1, n_pages + 1)]
    return pages


def test_p6_1_a_every_timeline_and_the_audit_log_of_the_demo_show_words_not_codes(demo_reader):
    raw = raw_codes()
    problems: list[str] = []
    shown = 0
    for lang in ("zh-hans", "en"):
        demo_reader.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        for where, url in _pages():
            r = demo_reader.get(url)
            assert r.status_code == 200, (where, r.status_code)
            body = r.content.decode()
            shown += sum(1 for _ in shown_changes(body))
            problems += problems_in(body, raw, lang, where)
    assert shown > 100, "the demo's timelines should show many changes"
    assert problems == []


def test_p6_1_a_every_action_and_key_the_demo_wrote_has_its_words():
    assert cli.main(["load-demo"]) == 0
    unnamed_actions, unnamed_keys = set(), set()
    for action, before, after in AuditEvent.objects.values_list("action", "before", "after"):
        if action not in ACTION_LABELS:
            unnamed_actions.add(action)
        for payload in (before, after):
            for key in payload or {}:
                if key not in FIELD_LABELS and key not in REFERENCE_KEYS and not LINE_KEY.match(key):
                    unnamed_keys.add(key)
    assert LINE_FIELD_LABELS
    assert (unnamed_actions, unnamed_keys) == (set(), set())


def test_the_scan_catches_raw_codes_it_is_meant_to_catch():
    """The generic scan itself: raw values in a change list are reported, words are not."""
    raw = raw_codes()
    bad = ('<ol data-testid="timeline"><li data-key="findings"><span class="change-field">审核问题</span>: '
           '<span class="change-after">payment_method_not_allowed</span></li>'
           '<li data-key="special_needs"><span class="change-field">特殊需求</span>: '
           '<span class="change-after">True</span></li>'
           '<li data-key="payment_kinds"><span class="change-field">付款方式</span>: '
           '<span class="change-after">prepayment, cod</span></li>'
           '<li data-key="status"><span class="change-field">status</span>: '
           '<span class="change-after">active</span></li></ol>')
    found = problems_in(bad, raw, "zh-hans", "sample")
    assert any("payment_method_not_allowed" in p for p in found)
    assert any("'True'" in p for p in found)
    assert any("'prepayment'" in p for p in found) and any("'cod'" in p for p in found)
    assert any("'active'" in p for p in found) and any("not in Chinese" in p for p in found)
    good = ('<ol data-testid="timeline"><li data-key="payment_kinds"><span class="change-field">付款方式</span>: '
            '<span class="change-after">预付款、货到付款</span></li>'
            '<li data-key="username"><span class="change-field">用户名</span>: '
            '<span class="change-after">admin</span></li></ol>')
    assert problems_in(good, raw, "zh-hans", "sample") == []
