"""The customer's acceptance pages, mounted in ordertaking/urls.py under p/<str:token>/acceptance/."""

from django.urls import path

from . import portal_views

app_name = "acceptance_portal"
urlpatterns = [
    path("", portal_views.acceptance, name="acceptance"),
    path("issues/", portal_views.issues, name="issues"),
    path("issues/<str:number>/answer/", portal_views.issue_answer, name="issue_answer"),
]
