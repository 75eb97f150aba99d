"""The confidentiality pages. Mounted in ordertaking/urls.py."""

from django.urls import URLPattern

app_name = "confidentiality"
urlpatterns: list[URLPattern] = []
