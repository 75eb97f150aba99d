"""The whistleblowing pages, mounted at /whistleblowing/ in ordertaking/urls.py."""

from django.urls import URLPattern

app_name = "whistleblowing"
urlpatterns: list[URLPattern] = []
