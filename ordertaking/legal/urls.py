"""The legal pages, mounted at /legal/ in ordertaking/urls.py."""

from django.urls import URLPattern

app_name = "legal"
urlpatterns: list[URLPattern] = []
