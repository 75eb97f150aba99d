"""Excel import in the browser (issue 12): a sales rep downloads nothing, uploads a workbook with a good
and a bad row, reads the preview with the bad row's error in Chinese, ticks the confirmation and
imports only the valid row; the result page says what was imported."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from playwright.sync_api import expect

from ordertaking.customers.models import Customer
from ordertaking.customers.rules import credit_code_check_char

from .conftest import sign_in


def _workbook(tmp_path: Any) -> Any:
    code = "91330100MA2D00001" + credit_code_check_char("91330100MA2D00001")
    wb = Workbook()
    ws = wb.active
    ws.append(["公司名称", "统一社会信用代码", "省份"])
    ws.append(["浏览器导入公司", code, "上海市"])
    ws.append(["@SUM(A1)", "", ""])
    out = BytesIO()
    wb.save(out)
    path = tmp_path / "客户.xlsx"
    path.write_bytes(out.getvalue())
    return path


def test_p4_1_a_upload_preview_and_import_only_the_valid_rows(page: Any, live_server: Any, catalog: Any,
                                                               sales_rep: Any, tmp_path: Any) -> None:
    sign_in(page, live_server.url, "sales1")
    page.goto(f"{live_server.url}/imports/new/")
    expect(page.locator("[data-testid=template-customers]")).to_be_visible()
    page.set_input_files("input[type=file]", str(_workbook(tmp_path)))
    page.click("[data-testid=upload]")
    expect(page.locator("[data-testid=invalid-count]")).to_have_text("1")
    errors = page.locator("tr[data-row='3'] [data-testid=row-errors]")
    expect(errors).to_contain_text("公式")
    expect(page.locator("[data-testid=commit-all]")).to_have_count(0)
    assert not Customer.objects.filter(name="浏览器导入公司").exists()  # the preview wrote nothing
    page.check("#confirm-valid")
    page.click("[data-testid=commit-valid]")
    expect(page.locator("[data-testid=imported-count]")).to_have_text("1")
    expect(page.locator("#done")).to_be_visible()
    assert Customer.objects.filter(name="浏览器导入公司", sales_rep=sales_rep).exists()
