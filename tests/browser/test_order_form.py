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
