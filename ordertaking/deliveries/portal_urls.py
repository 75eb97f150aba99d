"""The customer's voucher pages, mounted in ordertaking/urls.py under p/<str:token>/voucher/ (the portal
section "Delivery voucher" registered in deliveries' ready())."""

from django.urls import path

from . import portal_views

app_name = "deliveries_portal"
urlpatterns = [
    path("", portal_views.vouchers, name="vouchers"),
    path("<str:number>/", portal_views.voucher, name="voucher"),
    path("<str:number>/voucher.pdf", portal_views.voucher_pdf, name="voucher_pdf"),
    path("<str:number>/signature.png", portal_views.voucher_signature, name="voucher_signature"),
]
