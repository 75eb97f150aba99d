"""The sections of the customer's pages (P2.5.b–d, P6.1.c, P3.2), handed down by the chapters above
the portal in their `AppConfig.ready` (the portal imports none of them, docs/conventions.md):

    from ordertaking.portal.sections import PortalSection, portal_section_add

    portal_section_add(PortalSection(
        key="voucher", label=VOUCHER_LABEL, url_name="deliveries_portal:voucher",
        available=lambda order: Shipment.objects.filter(order=order, ...).exists(),
        icon="bi-pen", position=10,
        badge=lambda order: str(TO_SIGN) if ... else ""))   # lazy texts of the section's app

The section's pages live in its own app, mounted by `ordertaking/urls.py` under the link:

    path("p/<str:token>/voucher/", include("ordertaking.deliveries.portal_urls"))

so `url_name` is reversed with the token as its only argument: `reverse(url_name, args=[token])`.
Its views take the token through `ordertaking.portal.pages.portal_view`, which checks the link and
hands them `request.portal_link` and `request.portal_order`, and their templates extend
`portal/base.html` (phone first, the order's number and state, the sections as tabs, zh/en).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class PortalSection:
    key: str
    label: Any  # lazy text, shown as the section's tab and on the overview
    url_name: str  # reversed with args=[token]
    available: Callable[[Any], bool]  # (order) → does the section have something for this order yet
    icon: str = "bi-card-text"  # a Bootstrap icon class
    position: int = 100  # the order of the tabs: lower first
    badge: Callable[[Any], str] | None = None  # (order) → a short word when the customer has to act ("To sign")
    description: Any = ""  # one sentence on the overview's card


PORTAL_SECTIONS: dict[str, PortalSection] = {}


def portal_section_add(section: PortalSection) -> None:
    """Register a section (once per key; a second registration replaces the first)."""
    PORTAL_SECTIONS[section.key] = section


def portal_sections(order: Any, token: str, path: str = "") -> list[dict[str, Any]]:
    """The sections that have something for this order, in their order, with their links (`active`:
    the page at `path` is the section's)."""
    out = []
    for s in sorted(PORTAL_SECTIONS.values(), key=lambda s: (s.position, s.key)):
        if not s.available(order):
            continue
        url = reverse(s.url_name, args=[token])
        out.append({"key": s.key, "label": str(s.label), "url": url, "active": bool(path) and path.startswith(url),
                    "icon": s.icon, "badge": s.badge(order) if s.badge else "",
                    "description": str(s.description)})
    return out
