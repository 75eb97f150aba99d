#!/usr/bin/env python
"""Screenshots of the main pages, per role, in Chinese and English, on a desktop (1366 × 800, the
whole page) and a phone (390 × 844, the first screen), into docs/screenshots/: NAME.LANG.png and
NAME.LANG.phone.png.

It starts nothing: run the server with the demo data first, for example

    ORDERTAKING_DEBUG=1 .venv/bin/python manage.py load_demo      # prints the demo logins and password
    ORDERTAKING_DEBUG=1 .venv/bin/python manage.py runserver 127.0.0.1:8000

then

    .venv/bin/python scripts/screenshots.py --password <demo password>

Drives Debian's Chromium (`apt-get install -y chromium fonts-noto-cjk`) through Playwright. The PNGs
are reduced to a palette (Pillow) so the committed set stays small. A page the server does not have
yet (404) is reported and skipped rather than photographed.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
LOCALES = {"zh-hans": "zh-CN", "en": "en-US"}


@dataclass(frozen=True)
class Shot:
    name: str  # file name without language and extension
    role: str  # which login takes it: sales, center, leader, finance, auditor, logistics, or "" for signed out
    path: str  # URL path, "first-order" for the first order linked from /orders/, or "follow:<page>|<css>"
    languages: tuple[str, ...] = ("zh-hans",)


# The pages a newcomer should see, each in both languages and on both screens.
BOTH = ("zh-hans", "en")
SHOTS = [
    Shot("01-login", "", "/login/", BOTH),
    Shot("02-home-sales", "sales", "/", BOTH),
    Shot("03-orders-list", "sales", "/orders/", BOTH),
    Shot("04-order-new", "sales", "new-order", BOTH),
    Shot("05-order-detail", "center", "first-review", BOTH),
    Shot("06-order-approved", "sales", "approved-order", BOTH),
    Shot("07-review-queue", "center", "/review/", BOTH),
    Shot("09-special-approvals", "leader", "/review/special/", BOTH),
    Shot("10-customers", "sales", "/customers/", BOTH),
    Shot("11-inquiries", "sales", "/inquiries/", BOTH),
    Shot("12-catalog", "sales", "/catalog/", BOTH),
    Shot("13-finance", "finance", "/finance/", BOTH),
    Shot("13-finance-to-invoice", "finance", "/finance/to-invoice/", BOTH),
    Shot("13-finance-statement", "finance", "first-statement", BOTH),
    Shot("14-audit-log", "auditor", "/audit/", BOTH),
    Shot("16-regulation", "sales", "/regulation/#P2.3.c", BOTH),
    Shot("40-backups", "admin", "/ops/backups/", BOTH),
    Shot("41-jobs", "admin", "/ops/jobs/", BOTH),
    Shot("20-order-progress", "sales", "at-risk-order", BOTH),
    Shot("21-orders-at-risk", "center", "/tracking/risks/", BOTH),
    Shot("22-contingency-plan", "sales", "plan-form", BOTH),
    Shot("30-task-board-production", "production", "/tasks/", BOTH),
    Shot("31-task-board-logistics", "logistics", "/tasks/", BOTH),
    Shot("32-execution-progress", "center", "/tasks/progress/", BOTH),
    Shot("33-assignment-rules", "center", "/tasks/rules/", BOTH),
    Shot("34-assignment-rule-new", "center", "/tasks/rules/new/", BOTH),
    Shot("35-working-day-calendar", "admin", "/tasks/calendar/?year=2026", BOTH),
    # VAT (issue 11): an order's lines with rate, amount without tax, tax and total; the invoice with its
    # fapiao (issued, reversed and issued again, not yet issued); the customer's invoicing details
    Shot("60-vat-order-lines", "finance", "vat-order", BOTH),
    Shot("61-invoice-fapiao", "finance", "invoice-issued", BOTH),
    Shot("62-invoice-fapiao-reversed", "finance", "invoice-reversed", BOTH),
    Shot("63-invoices-list", "finance", "/finance/invoices/", BOTH),
    Shot("64-customer-invoicing", "sales", "invoicing-customer", BOTH),
    Shot("65-invoice-record-fapiao", "finance", "invoice-not-issued", BOTH),
    Shot("41-notifications", "sales", "/notifications/", BOTH),
    Shot("41-notifications-settings", "sales", "/notifications/preferences/", BOTH),
    Shot("36-order-tasks", "sales", "approved-order", BOTH),
    Shot("25-change-form", "sales", "amend-change", BOTH),
    Shot("26-cancel-request", "sales", "amend-cancel", BOTH),
    Shot("27-cancel-decision", "center", "amend-decide", BOTH),
    Shot("17-logistics-board", "logistics", "/logistics/", BOTH),
    Shot("17-logistics-shipment-form", "logistics", "follow:/logistics/|[data-testid=to-plan] a.btn-primary", BOTH),
    Shot("17-logistics-shipment", "logistics", "follow:/logistics/shipments/|#shipment-table tbody a", BOTH),
    Shot("17-logistics-carriers", "logistics", "/logistics/carriers/", BOTH),
    Shot("17-logistics-carrier", "logistics", "/logistics/carriers/sf/", BOTH),
    Shot("50-production-board", "production", "/production/", BOTH),
    Shot("51-production-order", "production", "production-order", BOTH),
    Shot("52-inspection-form", "production", "inspection-form", BOTH),
    Shot("53-inspection-report", "production", "inspection-report", BOTH),
    # supervision inspections (P6.1.a): the auditor's list, an inspection with its sample and automatic checks,
    # the rectification task as the sales department answers it, and one waiting for the auditor's verification
    Shot("100-inspections", "auditor", "/supervision/", BOTH),
    Shot("101-inspection", "auditor", "follow:/supervision/|[data-testid=inspection-table] tbody a", BOTH),
    Shot("102-rectification", "sales",
         "follow:/supervision/rectification/|[data-testid=task-table] tbody td:first-child a", BOTH),
    Shot("103-rectification-verify", "auditor",
         "follow:/supervision/rectification/?state=responded|[data-testid=task-table] tbody td:first-child a", BOTH),
    # the customer's private link (issue 11, P2.5.b): the card on the rep's order page, and the customer's
    # own page opened by the link (no account; the language by ?lang=, Chinese first)
    Shot("70-portal-link-card", "sales", "portal-order", BOTH),
    Shot("71-portal-overview", "sales", "portal-link", BOTH),
    # the customer's archive (issue 12, P4.1.a/b): the customer's page with its sections, verification,
    # the classification thresholds and the list by tier
    Shot("80-customer-archive", "sales", "archive-customer:overview", BOTH),
    Shot("81-customer-purchases", "sales", "archive-customer:purchases", BOTH),
    Shot("82-customer-preferences", "sales", "archive-customer:preferences", BOTH),
    Shot("83-customer-verify", "sales", "archive-customer:verify", BOTH),
    Shot("84-verification-queue", "sales", "/archive/verification/", BOTH),
    Shot("85-classification", "leader", "/archive/thresholds/", BOTH),
    Shot("86-customers-by-tier", "sales", "/customers/?tier=key", BOTH),
    # Search and statistics (issue 12, P4.2.c)
    Shot("90-order-search", "sales", "/reports/search/?q=%E7%94%B5%E6%9C%BA+2026", BOTH),
    Shot("90-order-search-center", "center", "/reports/search/?q=%E5%B9%BF%E4%B8%9C", BOTH),
    Shot("91-statistics", "leader", "/reports/statistics/", BOTH),
    Shot("92-monthly-analyses", "leader", "/reports/monthly/", BOTH),
    # customer feedback (issue 11, P6.1.c, P3.2): customer service's complaint list and queue, a complaint's
    # handling page, recording one, the satisfaction results; the customer's complaints page by the link
    Shot("90-complaints", "cs", "/feedback/complaints/", BOTH),
    Shot("91-complaint", "cs", "follow:/feedback/complaints/?state=investigating|#complaint-table tbody a", BOTH),
    Shot("92-complaint-confirmed", "cs", "follow:/feedback/complaints/?state=confirmed|#complaint-table tbody a",
         BOTH),
    Shot("93-complaint-new", "cs", "/feedback/complaints/new/", BOTH),
    Shot("94-satisfaction", "leader", "/feedback/surveys/", BOTH),
    Shot("95-home-customer-service", "cs", "/", BOTH),
    Shot("96-portal-complaints", "sales", "portal-link:feedback/complaints/", BOTH),
    Shot("97-portal-survey", "sales", "portal-link:feedback/survey/", BOTH),
    # the delivery voucher (P2.5.b): the rep's page of the one the buyer signed on his phone, and the
    # customer's page to sign the one still open (finger on the phone's canvas)
    Shot("72-voucher", "sales", "voucher", BOTH),
    Shot("73-portal-voucher", "sales", "portal-voucher", BOTH),
    # acceptance (P2.5.c/d): the issue queue with deadlines, a major issue's page, leadership's compensations,
    # a shipment's readiness checklist (P2.5.a)
    Shot("74-acceptance-issues", "center", "/deliveries/issues/", BOTH),
    Shot("75-acceptance-issue", "center", "follow:/deliveries/issues/|#issue-table tbody a, table tbody a", BOTH),
    Shot("76-compensations", "leader", "/deliveries/compensations/", BOTH),
    Shot("77-readiness", "logistics", "follow:/logistics/shipments/?state=planned|#shipment-table tbody a", BOTH),
    Shot("b1-kpi-scorecard", "leader", "/assessment/?dept=sales&period=2026-Q4", BOTH),
    Shot("b2-kpi-detail", "leader", "/assessment/kpi/received/?dept=sales&period=2026-12", BOTH),
    Shot("b3-kpi-records", "leader", "/assessment/records/entered_right/?dept=sales&period=2026", BOTH),
    Shot("b4-kpi-targets", "leader", "/assessment/targets/", BOTH),
    Shot("b5-kpi-sales-rep", "sales", "/assessment/?period=2026-Q4", BOTH),
    Shot("a5-access-requests", "leader", "/access/requests/", BOTH),
    Shot("a6-access-request-decide", "leader", "follow:/access/requests/|[data-testid=to-decide] a", BOTH),
    Shot("a7-reveal-log", "auditor", "/access/reveals/", BOTH),
    Shot("b0-home-legal", "legal", "/", BOTH),
    Shot("b1-legal-queue", "legal", "/legal/", BOTH),
    Shot("b2-order-legal-panel", "legal", "follow:/legal/|[data-testid=legal-queue] a.order-no", BOTH),
    Shot("b3-compliance-review", "legal", "follow:/legal/compliance/|[data-testid=compliance-list] a", BOTH),
    Shot("a8-customer-granted-masked", "auditor", "follow:/customers/?q=姑苏|#results table a[href^='/customers/']",
         BOTH),
    Shot("a9-customer-masked-no-grant", "auditor", "follow:/customers/?q=钱塘|#results table a[href^='/customers/']",
         BOTH),
    # Excel import (issue 12): the upload with the templates, a file's preview with its errors, a result
    Shot("c0-import-upload", "sales", "/imports/new/", BOTH),
    Shot("c1-import-preview-errors", "sales", "follow:/imports/|#imports tbody tr:nth-child(2) a", BOTH),
    Shot("c2-import-result", "sales", "follow:/imports/|#imports tbody tr:nth-child(1) a", BOTH),
    Shot("c3-imports", "sales", "/imports/", BOTH),
    # P4.1.c on the audit log and a delivery page: masked for readers without a duty
    Shot("m1-audit-log-masked", "auditor", "/audit/?action=readiness.signed", BOTH),
    Shot("m2-shipment-masked", "leader", "follow:/logistics/shipments/|#shipment-table tbody a", BOTH),
    # whistleblowing (P6.1.b): the public pages signed out, the investigators' and leadership's pages
    Shot("100-wb-report", "", "/whistleblowing/report/", BOTH),
    Shot("101-wb-receipt", "", "wb-receipt", BOTH),
    Shot("102-wb-thread", "", "wb-thread", BOTH),
    Shot("103-wb-list", "investigator", "/whistleblowing/", BOTH),
    Shot("106-home-investigator", "investigator", "/", BOTH),
    Shot("104-wb-detail", "investigator",
         "follow:/whistleblowing/?state=investigating|[data-testid=wb-table] tbody a", BOTH),
    Shot("105-wb-oversight", "leader", "/whistleblowing/oversight/", BOTH),
]
SCREENS = {"": ({"width": 1366, "height": 800}, True), ".phone": ({"width": 390, "height": 844}, False)}


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    if "/login/" in page.url:
        raise SystemExit(f"could not sign in as {username!r}: check --password and that the demo data is loaded")


def resolve(page: Page, base: str, path: str) -> str | None:
    """A concrete URL for the symbolic paths: the first order in a list; a new order for a customer on
    credit terms, so the form shows what it may pay by."""
    if path == "new-order":
        page.goto(f"{base}/orders/new/")
        option = page.locator("#id_customer option", has_text="宁波北仑港口")
        value = option.first.get_attribute("value") if option.count() else None
        return f"{base}/orders/new/" + (f"?customer={value}" if value else "")
    if path in ("at-risk-order", "plan-form"):  # the first order at risk (tracking), or its plan form
        # the progress panel of an order with its plan; the plan form of one still without
        page.goto(f"{base}/tracking/risks/?plan={'with' if path == 'at-risk-order' else 'without'}")
        link = page.locator("[data-testid=risk-list] a.order-no").first
        if not link.count():
            return None
        number = link.inner_text().strip()
        return f"{base}/orders/{number}/" if path == "at-risk-order" else f"{base}/tracking/{number}/plans/new/"
    if path == "first-statement":  # the statement of the first customer the finance dashboard links to
        page.goto(f"{base}/finance/")
        link = page.locator("a[href*='/statement/']").first
        href = link.get_attribute("href") if link.count() else None
        return f"{base}{href}" if href else None
    if path in ("amend-change", "amend-cancel"):  # the forms of an approved order (amendments, P2.3/P2.4)
        page.goto(f"{base}/orders/?state=approved")
        link = page.locator("a.order-no").first
        number = link.inner_text().strip() if link.count() else ""
        return f"{base}/amendments/{number}/{path.split('-')[1]}/" if number else None
    if path == "amend-decide":  # the first cancellation waiting in the decider's queue
        page.goto(f"{base}/amendments/cancellations/")
        link = page.locator("a.order-no").first
        href = link.get_attribute("href") if link.count() else None
        return f"{base}{href}" if href else None
    if path in ("wb-receipt", "wb-thread"):  # a report sent on the public page; its receipt, or its follow-up
        page.goto(f"{base}/whistleblowing/report/")
        page.fill("#id_what", "客户称某销售承诺的“内部折扣价”低于底价，但订单上写的是目录价，差价要求私下转账。")
        page.fill("#id_order_numbers", "")
        page.click("[data-testid=wb-submit]")
        page.wait_for_load_state("networkidle")
        if path == "wb-receipt":
            return "here"
        code = page.locator("[data-testid=wb-code]").inner_text()
        password = page.locator("[data-testid=wb-password]").inner_text()
        page.goto(f"{base}/whistleblowing/follow-up/")
        page.fill("#id_code", code)
        page.fill("#id_password", password)
        page.click("[data-testid=wb-login]")
        page.wait_for_load_state("networkidle")
        return "here"
    if path.startswith("follow:"):  # follow:<page>|<css selector>: the first matching link on that page
        listing, _bar, selector = path[len("follow:"):].partition("|")
        page.goto(f"{base}{listing}")
        found = page.locator(selector).first
        href = found.get_attribute("href") if found.count() else None
        return f"{base}{href}" if href and href.startswith("/") else href
    if path in ("production-order", "inspection-form"):  # the first production order in production
        page.goto(f"{base}/production/")
        link = page.locator("section[data-state=in_progress] a.order-no").first
        href = link.get_attribute("href") if link.count() else None
        return f"{base}{href}{'inspect/' if path == 'inspection-form' else ''}" if href else None
    if path == "inspection-report":  # a failed finished-product inspection, reworked and re-inspected
        page.goto(f"{base}/production/inspections/?result=fail")
        link = page.locator("#inspection-table a.order-no").first
        href = link.get_attribute("href") if link.count() else None
        return f"{base}{href}" if href else None
    if path in ("invoice-issued", "invoice-reversed", "invoice-not-issued", "vat-order"):  # issue 11's demo
        page.goto(f"{base}/finance/invoices/")
        want = {"invoice-issued": ("04416127",), "vat-order": ("04416127",),
                "invoice-reversed": ("26422000000012345698",), "invoice-not-issued": ("未开票", "Not issued")}[path]
        row = page.locator("#invoice-table tbody tr").filter(has_text=want[0])
        if not row.count() and len(want) > 1:
            row = page.locator("#invoice-table tbody tr").filter(has_text=want[1])
        if not row.count():
            return None
        # the invoice's own link, or (vat-order) the order it bills: 钱塘纺织's, with a service line at 6%
        href = row.first.locator("a.order-no" if path == "vat-order" else "td a").first.get_attribute("href")
        return f"{base}{href}" if href else None
    if path == "invoicing-customer":  # 杭州钱塘纺织: complete invoicing details, wants a special VAT invoice
        page.goto(f"{base}/customers/?q=钱塘")
        link = page.locator("a", has_text="钱塘").first
        return f"{base}{link.get_attribute('href')}" if link.count() else None
    if path.startswith("archive-customer:"):  # 杭州钱塘纺织, a key customer of sales1
        tab = path.split(":", 1)[1]
        page.goto(f"{base}/customers/?q=钱塘")
        link = page.locator("#results a", has_text="钱塘").first
        href = link.get_attribute("href") if link.count() else None
        if not href:
            return None
        pk = href.rstrip("/").rsplit("/", 1)[-1]
        return f"{base}/archive/customers/{pk}/verify/" if tab == "verify" else f"{base}{href}?tab={tab}"
    if path.startswith("portal-link:"):  # a section of the customer's pages under the link
        overview = resolve(page, base, "portal-link")
        return overview + path.partition(":")[2] if overview else None
    # the Ningbo order's first voucher (signed, on the rep's page), or the customer's page of the open one
    if path in ("voucher", "portal-voucher"):
        url = resolve(page, base, "portal-link" if path == "portal-voucher" else "portal-order")
        if not url or path == "portal-voucher":
            return f"{url}voucher/" if url else None
        page.goto(url.split("#")[0])
        link = page.locator("[data-testid=voucher-panel] a.order-no").first
        link.wait_for(timeout=10000)
        href = link.get_attribute("href")
        return f"{base}{href}" if href else None
    if path in ("portal-order", "portal-link"):  # 宁波北仑港口's order, shipped in two parts, with its link
        page.goto(f"{base}/orders/?q=宁波北仑港口&state=partly_shipped")
        link = page.locator("a.order-no").first
        if not link.count():
            page.goto(f"{base}/orders/?q=宁波北仑港口")
            link = page.locator("a.order-no").first
        href = link.get_attribute("href") if link.count() else None
        if not href or path == "portal-order":
            return f"{base}{href}#portal-card" if href else None
        page.goto(f"{base}{href}")
        field = page.locator("[data-testid=portal-url]").first
        field.wait_for(timeout=10000)
        from urllib.parse import urlparse

        return f"{base}{urlparse(field.input_value()).path}"
    if path not in ("first-order", "first-review", "approved-order"):
        return f"{base}{path}"
    page.goto(f"{base}{'/review/' if path == 'first-review' else '/orders/'}"
              + ("?state=shipped" if path == "approved-order" else ""))  # the rep's order that went furthest
    link = page.locator("a.order-no").first
    if not link.count():
        return None
    href = link.get_attribute("href")
    return f"{base}{href}" if href and href.startswith("/") else href


def compress(path: Path) -> None:
    try:
        from PIL import Image
    except ImportError:  # Pillow is optional: without it the PNG is kept as Chromium wrote it
        return
    with Image.open(path) as img:
        img.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--password", required=True, help="the demo password printed by load_demo")
    for role, default in [("sales", "sales1"), ("center", "center1"), ("leader", "leader1"), ("cs", "cs1"),
                          ("finance", "finance1"), ("auditor", "auditor1"), ("production", "prod1"),
                          ("logistics", "logi1"), ("legal", "legal1"), ("investigator", "investigator1"),
                          ("admin", "admin")]:
        parser.add_argument(f"--{role}", default=default, help=f"login for the {role} role (default {default})")
    parser.add_argument("--only", default="", help="regular expression: take only shots whose name matches")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    base = args.base_url.rstrip("/")
    args.out.mkdir(parents=True, exist_ok=True)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} not found: apt-get install -y chromium fonts-noto-cjk", file=sys.stderr)
        return 2
    taken, skipped = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for shot in SHOTS:
            if args.only and not re.search(args.only, shot.name):
                continue
            for lang in shot.languages:
                for suffix, (viewport, full_page) in SCREENS.items():
                    context = browser.new_context(locale=LOCALES[lang], viewport=viewport,
                                                  timezone_id="Asia/Shanghai")
                    page = context.new_page()
                    if shot.role:
                        sign_in(page, base, getattr(args, shot.role), args.password)
                    url = resolve(page, base, shot.path)
                    if url and (shot.path.startswith("portal-link") or shot.path == "portal-voucher"):  # ?lang=
                        url += f"?lang={lang}"
                    here = url == "here"  # the page the resolver ended on (a form it sent)
                    response = page.goto(url) if url and not here else None
                    if not here and (response is None or response.status >= 400):
                        skipped.append(f"{shot.name} [{lang}{suffix}]: "
                                       f"{response.status if response else 'no order to show'}")
                        context.close()
                        continue
                    page.wait_for_load_state("networkidle")
                    target = args.out / f"{shot.name}.{lang}{suffix}.png"
                    page.screenshot(path=str(target), full_page=full_page)
                    compress(target)
                    taken.append(target)
                    context.close()
        browser.close()
    for t in taken:
        print(f"saved {t} ({t.stat().st_size // 1024} KiB)")
    for s in skipped:
        print(f"skipped {s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
