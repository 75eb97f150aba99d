"""The attachments pages. Mounted in ordertaking/urls.py."""

from django.urls import URLPattern

app_name = "attachments"
urlpatterns: list[URLPattern] = []
