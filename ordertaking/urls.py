from django.contrib import admin
from django.urls import include, path

from ordertaking.archive import views as archive_views
from ordertaking.customers import urls as customers_urls
from ordertaking.notifications import views as notifications_views
from ordertaking.orders import urls as orders_urls
from ordertaking.review import views as review_views

from .api import api

# The order pages: the orders app's, plus the submit hand-off, which is review's (review sits above
# orders, docs/conventions.md), at the path and name (orders:submit) it always had.
orders_patterns = [
    path("<str:number>/submit/", review_views.order_submit, name="submit"),
    *orders_urls.urlpatterns,
]

# The customer pages: the customers app's, plus the customer's page itself, which is the archive's
# (P4.1.a: it reads every chapter, so it sits above them), at the path and name it always had.
customers_patterns = [
    path("<int:pk>/", archive_views.customer_archive, name="detail"),
    *customers_urls.urlpatterns,
]

urlpatterns = [
    path("api/v1/", api.urls),
    # The language switch also remembers a signed-in user's choice (for the e-mails written to them).
    path("i18n/setlang/", notifications_views.language_set, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("customers/", include((customers_patterns, customers_urls.app_name))),
    path("inquiries/", include("ordertaking.inquiries.urls")),
    path("orders/", include((orders_patterns, orders_urls.app_name))),
    path("review/", include("ordertaking.review.urls")),
    path("amendments/", include("ordertaking.amendments.urls")),
    path("audit/", include("ordertaking.audit.urls")),
    path("credit/", include("ordertaking.credit.urls")),
    path("finance/", include("ordertaking.finance.urls")),
    path("logistics/", include("ordertaking.logistics.urls")),
    path("catalog/", include("ordertaking.catalog.urls")),
    path("production/", include("ordertaking.production.urls")),
    path("ops/", include("ordertaking.ops.urls")),
    path("tracking/", include("ordertaking.tracking.urls")),
    path("notifications/", include("ordertaking.notifications.urls")),
    path("tasks/", include("ordertaking.fulfilment.urls")),
    path("attachments/", include("ordertaking.attachments.urls")),
    path("access/", include("ordertaking.confidentiality.urls")),
    path("deliveries/", include("ordertaking.deliveries.urls")),
    path("feedback/", include("ordertaking.feedback.urls")),
    path("archive/", include("ordertaking.archive.urls")),
    path("imports/", include("ordertaking.imports.urls")),
    path("reports/", include("ordertaking.reports.urls")),
    path("legal/", include("ordertaking.legal.urls")),
    path("supervision/", include("ordertaking.supervision.urls")),
    path("whistleblowing/", include("ordertaking.whistleblowing.urls")),
    path("assessment/", include("ordertaking.assessment.urls")),
    # The customer's own pages, reached by the private link of one order (P2.5.b), no account.
    path("p/<str:token>/feedback/", include("ordertaking.feedback.portal_urls")),
    # The customer's acceptance pages (P2.5.c/d), a section of their link's pages (portal).
    path("p/<str:token>/acceptance/", include("ordertaking.deliveries.acceptance.portal_urls")),
    path("p/", include("ordertaking.portal.urls")),
    # The portal's sections, each its chapter's pages under the link (portal/sections.py).
    path("p/<str:token>/voucher/", include("ordertaking.deliveries.portal_urls")),
    path("", include("ordertaking.home.urls")),
    path("", include("ordertaking.accounts.urls")),
]
