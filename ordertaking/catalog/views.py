"""The catalog page every signed-in user can search (P2.3.b); the floor price only for the roles
that may see it (selectors.sees_floor_price)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from ordertaking.common.pages import list_page, render_list

from . import selectors
from .models import Product

PAGE_SIZE = 30


@login_required
def products(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    category = request.GET.get("category", "")
    kind = request.GET.get("kind", "") if request.GET.get("kind", "") in Product.Kind.values else ""
    show_inactive = request.GET.get("inactive") == "1"
    sort = request.GET.get("sort", "code")
    qs = selectors.product_list(q=q, category=category, kind=kind, active=None if show_inactive else True,
                                sort=sort)
    context = {
        **list_page(request, qs, page_size=PAGE_SIZE).context(),
        "q": q, "category": category, "kind": kind, "show_inactive": show_inactive, "sort": sort,
        "categories": selectors.categories(), "kinds": Product.Kind.choices,
        "show_floor": selectors.sees_floor_price(request.user),
        "regions": selectors.region_list(), "payment_methods": selectors.payment_method_list(),
    }
    return render_list(request, "catalog/products.html", context)
