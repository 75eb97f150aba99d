from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("customers/", include("ordertaking.customers.urls")),
    path("inquiries/", include("ordertaking.inquiries.urls")),
    path("orders/", include("ordertaking.orders.urls")),
    path("review/", include("ordertaking.review.urls")),
    path("audit/", include("ordertaking.audit.urls")),
    path("credit/", include("ordertaking.credit.urls")),
    path("finance/", include("ordertaking.finance.urls")),
    path("catalog/", include("ordertaking.catalog.urls")),
    path("ops/", include("ordertaking.ops.urls")),
    path("", include("ordertaking.home.urls")),
    path("", include("ordertaking.accounts.urls")),
]
