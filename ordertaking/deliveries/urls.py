"""The deliveries pages. Mounted in ordertaking/urls.py."""

from django.urls import URLPattern, URLResolver, path

from . import views, voucher_views
from .acceptance import urls as acceptance_urls

app_name = "deliveries"
urlpatterns: list[URLPattern | URLResolver] = [
    path("readiness/<str:number>/", views.readiness_card, name="readiness"),
    path("readiness/<str:number>/page/", views.readiness_page, name="readiness_page"),
    path("readiness/<str:number>/<str:part>/sign/", views.readiness_sign, name="readiness_sign"),
    path("readiness/<str:number>/<str:part>/withdraw/", views.readiness_withdraw, name="readiness_withdraw"),
    path("orders/<str:number>/readiness/", views.order_readiness, name="order_readiness"),
    *acceptance_urls.urlpatterns,  # acceptance, acceptance issues, compensation (P2.5.c/d)
    # the delivery voucher (P2.5.b)
    path("orders/<str:number>/vouchers/", voucher_views.order_panel, name="order_vouchers"),
    path("orders/<str:number>/vouchers.pdf", voucher_views.order_vouchers_pdf, name="order_vouchers_pdf"),
    path("vouchers/<str:number>/", voucher_views.voucher, name="voucher"),
    path("vouchers/<str:number>/documents/", voucher_views.voucher_documents, name="voucher_documents"),
    path("vouchers/<str:number>/paper/", voucher_views.voucher_paper, name="voucher_paper"),
    path("vouchers/<str:number>/signature.png", voucher_views.voucher_signature, name="voucher_signature"),
    path("vouchers/<str:number>/voucher.pdf", voucher_views.voucher_pdf, name="voucher_pdf"),
]
