"""The order page's address, which every chapter links to (notifications, queues, timelines, redirects).

`order_url(number)` is what `reverse("orders:detail", args=[number])` gives. Django resolves the pattern anew
at every call; here it is resolved once per script prefix and URL configuration, and a number of plain
characters (an order number: SO20261202-0001) is put into it. Anything else goes through `reverse` itself,
which quotes it or refuses it as it always has (issue 14: an approval names the order page in each of its
notifications; a queue page names it in every row).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from django.urls import get_script_prefix, get_urlconf, reverse

_PLAIN = re.compile(r"[A-Za-z0-9._~-]+")  # what `reverse` neither quotes nor refuses in a `<str:…>` segment
_SLOT = "SO00000000-0000"


@functools.lru_cache(maxsize=32)
def _around(prefix: str, urlconf: Any) -> tuple[str, str]:
    """The address before and after the number, for this script prefix (`reverse` reads it) and URL conf."""
    head, found, tail = reverse("orders:detail", args=[_SLOT], urlconf=urlconf).partition(_SLOT)
    if not found:  # the pattern changed so that a number no longer reaches the path as it is
        raise RuntimeError("orders:detail does not carry the order number as a path segment")
    return head, tail


def order_url(number: str, anchor: str = "") -> str:
    """The order page (`anchor`: a panel on it, "progress" → …/#progress)."""
    if _PLAIN.fullmatch(number):
        head, tail = _around(get_script_prefix(), get_urlconf())
        url = f"{head}{number}{tail}"
    else:
        url = reverse("orders:detail", args=[number])
    return f"{url}#{anchor}" if anchor else url
