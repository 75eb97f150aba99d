"""The archive pages. Mounted in ordertaking/urls.py."""

from django.urls import URLPattern

app_name = "archive"
urlpatterns: list[URLPattern] = []
