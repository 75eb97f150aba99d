from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("export.xlsx", views.order_export, name="export"),
    path("new/", views.order_new, name="new"),
    path("lines/row/", views.line_row, name="line_row"),
    path("lines/totals/", views.line_totals, name="line_totals"),
    path("lines/products/", views.product_options, name="product_options"),
    path("for-customer/<int:customer_pk>/", views.customer_orders, name="customer_orders"),
    path("<str:number>/", views.order_detail, name="detail"),
    path("<str:number>/edit/", views.order_edit, name="edit"),
    # "<str:number>/submit/" (name "submit") is review's hand-off, mounted in this namespace by
    # ordertaking/urls.py: review sits above orders (docs/conventions.md).
    path("<str:number>/cancel/", views.order_cancel, name="cancel"),
    path("<str:number>/contract.pdf", views.order_contract_pdf, name="contract_pdf"),
]
