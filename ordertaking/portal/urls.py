"""The portal pages. Mounted in ordertaking/urls.py."""

from django.urls import URLPattern

app_name = "portal"
urlpatterns: list[URLPattern] = []
