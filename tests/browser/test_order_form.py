"""The order form under a slow network: an answer that left before the user's last choice does not undo it.

Choosing the customer asks the server which payment methods that customer may use (P2.3.a); the answer
replaces the payment select. A sales rep who picks the payment method before the answer arrives keeps it.
Found by CI: under load the answer came late, the select went blank and the submit was refused as incomplete.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .conftest import sign_in


def _until(page: Any, condition: Any) -> None:
    for _ in range(200):
        if condition():
            return
        page.wait_for_timeout(50)  # lets Playwright hand the held request to the route
    raise AssertionError("the request never left")


def test_p2_3_a_a_payment_method_chosen_while_the_customer_s_options_load_is_kept(
        page: Any, live_server: Any, sales_rep: Any, customer: Any, catalog: Any) -> None:
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=sales_rep, payment_kinds=("prepayment", "cod"))
    prepay, net30 = catalog["payments"]["prepay"], catalog["payments"]["net30"]
    sign_in(page, live_server.url, "sales1")
    page.goto(f"{live_server.url}/orders/new/")
    held: list[Any] = []

    def hold(route: Any) -> None:
        held.append(route)

    page.route("**/credit/payment-options/**", hold)  # the answer waits until the choice is made
    page.select_option("#id_customer", value=str(customer.pk))
    _until(page, lambda: len(held) == 1)
    page.select_option("#id_payment_method", value=str(prepay.pk))
    held[0].continue_()
    options = page.locator("[data-testid=payment-options]")
    expect(options.locator(f"[data-usable='{prepay.pk}']")).to_be_visible()
    # The new select came from the server (it offers only what this customer may use) and kept the choice.
    expect(page.locator(f"#id_payment_method option[value='{net30.pk}']")).to_have_count(0)
    expect(page.locator("#id_payment_method")).to_have_value(str(prepay.pk))

    # A choice the new select does not offer is not kept: the server's answer (what the request carried) stands.
    page.dispatch_event("#id_customer", "change")
    _until(page, lambda: len(held) == 2)
    page.evaluate("""id => { const s = document.getElementById('id_payment_method');
                             s.add(new Option('x', id)); s.value = id; }""", str(net30.pk))
    held[1].continue_()
    expect(page.locator(f"#id_payment_method option[value='{net30.pk}']")).to_have_count(0)
    expect(page.locator("#id_payment_method")).to_have_value(str(prepay.pk))


def test_p2_2_b_two_lines_added_at_once_are_two_lines(page: Any, live_server: Any, sales_rep: Any, customer: Any,
                                                      catalog: Any) -> None:
    """"Add line" and a product from the picker, the second clicked before the first row arrived: each row takes its
    number when its request leaves, so the form holds two lines, not two lines' fields under one name."""
    sign_in(page, live_server.url, "sales1")
    page.goto(f"{live_server.url}/orders/new/")
    start = int(page.locator("#id_lines-TOTAL_FORMS").input_value())
    held: list[Any] = []

    def hold(route: Any) -> None:
        held.append(route)  # every row's answer waits until both were asked for

    page.route("**/orders/lines/row/**", hold)
    page.locator("#add-line").click()
    _until(page, lambda: len(held) == 1)
    with page.expect_response(lambda r: "/orders/lines/products/?q=MOT" in r.url):
        page.fill("#product-search", "MOT")
    page.locator("#product-results [data-code='MOT-001']").click()
    _until(page, lambda: len(held) == 2)
    asked = [route.request.url.split("lines-TOTAL_FORMS=")[1].split("&")[0] for route in held]
    assert asked == [str(start), str(start + 1)], asked
    for route in reversed(held):  # the later row's answer first: the count must not go back
        route.continue_()
    rows = page.locator("#line-rows tr.line-row")
    expect(rows).to_have_count(start + 2)
    expect(page.locator("#id_lines-TOTAL_FORMS")).to_have_value(str(start + 2))
    prefixes = [rows.nth(i).get_attribute("data-prefix") for i in range(start + 2)]
    assert sorted(prefixes) == [f"lines-{i}" for i in range(start + 2)], prefixes
    motor = page.locator(f"tr[data-prefix='lines-{start + 1}'] select[name$='-product']")
    expect(motor).to_have_value(str(catalog["products"]["motor"].pk))
