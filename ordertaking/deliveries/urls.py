"""The deliveries pages. Mounted in ordertaking/urls.py."""

from django.urls import URLPattern

app_name = "deliveries"
urlpatterns: list[URLPattern] = []
