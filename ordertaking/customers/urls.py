from django.urls import path

from . import views

app_name = "customers"
# The customer's page (customers:detail, /customers/<pk>/) is the archive's (P4.1.a): ordertaking/urls.py
# mounts archive.views.customer_archive there, as it mounts review's submit among the order pages.
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("export.xlsx", views.customer_export, name="export"),
    path("new/", views.customer_new, name="new"),
    path("rows/<str:kind>/", views.form_row, name="form_row"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/invoicing/", views.customer_invoicing, name="invoicing"),
]
