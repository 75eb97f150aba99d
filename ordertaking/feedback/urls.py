"""The feedback pages. Mounted in ordertaking/urls.py."""

from django.urls import URLPattern

app_name = "feedback"
urlpatterns: list[URLPattern] = []
