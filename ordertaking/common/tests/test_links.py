"""common/links.py: `order_url` is the order page's address exactly as `reverse` gives it."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, get_script_prefix, reverse, set_script_prefix

from ordertaking.common import links
from ordertaking.common.links import order_url


def test_issue_14_the_order_page_address_is_reverses_own_and_resolved_once_per_prefix(monkeypatch):
    resolved = []
    original = links.reverse

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        resolved.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(links, "reverse", counting)
    links._around.cache_clear()
    numbers = ("SO20261202-0001", "SO20261202-12345", "SO19991231-0007")
    for number in numbers:
        assert order_url(number) == reverse("orders:detail", args=[number]) == f"/orders/{number}/"
    assert len(resolved) == 1  # the pattern once, then only the number changes
    assert order_url(numbers[0], "progress") == f"/orders/{numbers[0]}/#progress"
    prefix = get_script_prefix()
    try:
        set_script_prefix("/ot/")  # behind a proxy under a path: the address follows the prefix
        assert order_url(numbers[0]) == reverse("orders:detail", args=[numbers[0]]) == f"/ot/orders/{numbers[0]}/"
    finally:
        set_script_prefix(prefix)
    assert order_url(numbers[0]) == f"/orders/{numbers[0]}/"


def test_a_number_reverse_would_quote_or_refuse_goes_through_reverse_itself():
    for odd in ("订单 1", "a%b", "SO1?x=1"):
        assert order_url(odd) == reverse("orders:detail", args=[odd])
        assert "%" in order_url(odd)
    for refused in ("", "a/b"):
        with pytest.raises(NoReverseMatch):
            order_url(refused)
