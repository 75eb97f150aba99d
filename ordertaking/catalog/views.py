"""The catalog page every signed-in user can search (P2.3.b); the floor price only for the roles
that may see it (selectors.sees_floor_price)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from ordertaking.common.pages import list_page, render_list
from ordertaking.common.xlsx import xlsx_bytes

from . import selectors
from .models import Product

PAGE_SIZE = 30


def _filtered(request: HttpRequest) -> tuple[Any, dict[str, Any]]:
    q = request.GET.get("q", "")
    category = request.GET.get("category", "")
    kind = request.GET.get("kind", "") if request.GET.get("kind", "") in Product.Kind.values else ""
    show_inactive = request.GET.get("inactive") == "1"
    sort = request.GET.get("sort", "code")
    qs = selectors.product_list(q=q, category=category, kind=kind, active=None if show_inactive else True,
                                sort=sort)
    return qs, {"q": q, "category": category, "kind": kind, "show_inactive": show_inactive, "sort": sort}


@login_required
def product_export(request: HttpRequest) -> HttpResponse:
    """The catalog with the user's filters as an .xlsx (P2.3.b): the floor price only for those who see it;
    every text cell written as text, never a formula (common/xlsx.py)."""
    qs, _f = _filtered(request)
    floor = selectors.sees_floor_price(request.user)
    headers = [_("Code"), _("Name"), _("Specification"), _("Unit"), _("Category"), _("Kind"), _("List price"),
               *([_("Floor price")] if floor else []), _("VAT rate"), _("Active")]
    rows = [[p.code, p.name, p.specification, p.unit, str(p.category or ""), str(p.get_kind_display()),
             float(p.list_price), *([float(p.floor_price)] if floor else []), f"{p.tax_rate}%",
             _("Yes") if p.active else _("No")] for p in qs.select_related("category")[:10000]]
    response = HttpResponse(xlsx_bytes(sheet=_("Catalog"), headers=headers, rows=rows), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = 'attachment; filename="catalog.xlsx"'
    return response


@login_required
def products(request: HttpRequest) -> HttpResponse:
    qs, f = _filtered(request)
    q, category, kind, show_inactive, sort = f["q"], f["category"], f["kind"], f["show_inactive"], f["sort"]
    context = {
        **list_page(request, qs, page_size=PAGE_SIZE).context(),
        "q": q, "category": category, "kind": kind, "show_inactive": show_inactive, "sort": sort,
        "categories": selectors.categories(), "kinds": Product.Kind.choices,
        "show_floor": selectors.sees_floor_price(request.user),
        "regions": selectors.region_list(), "payment_methods": selectors.payment_method_list(),
    }
    return render_list(request, "catalog/products.html", context)
