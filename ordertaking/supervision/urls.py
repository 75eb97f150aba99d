"""The supervision pages, mounted at /supervision/ in ordertaking/urls.py."""

from django.urls import URLPattern

app_name = "supervision"
urlpatterns: list[URLPattern] = []
