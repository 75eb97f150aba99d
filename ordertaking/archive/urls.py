"""The archive pages. Mounted in ordertaking/urls.py; the customer's page itself is mounted there as
customers:detail (/customers/<pk>/), the address every link to a customer already uses."""

from django.urls import path

from . import views

app_name = "archive"
urlpatterns = [
    path("customers/<int:pk>/verify/", views.customer_verify, name="verify"),
    path("verification/", views.verification_queue, name="verification"),
    path("thresholds/", views.thresholds, name="thresholds"),
    path("thresholds/refresh/", views.classification_refresh, name="refresh"),
]
