"""The assessment pages, mounted at /assessment/ in ordertaking/urls.py."""

from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.scorecard, name="scorecard"),
    path("kpi/<str:kpi>/", views.detail, name="detail"),
    path("records/<str:key>/", views.records, name="records"),
    path("targets/", views.targets, name="targets"),
    path("scorecard.<str:fmt>", views.export, name="export"),
]
