from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.products, name="products"),
    path("export.xlsx", views.product_export, name="export"),
]
