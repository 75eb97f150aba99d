"""The assessment pages, mounted at /assessment/ in ordertaking/urls.py."""

from django.urls import URLPattern

app_name = "assessment"
urlpatterns: list[URLPattern] = []
