"""The customer's feedback pages, mounted by ordertaking/urls.py under the private link:
`p/<token>/feedback/` (sections of the portal, registered in apps.py)."""

from django.urls import path

from . import portal_views

app_name = "feedback_portal"
urlpatterns = [
    path("survey/", portal_views.survey, name="survey"),
    path("complaints/", portal_views.complaints, name="complaints"),
    path("complaints/<str:number>/<slug:verb>/", portal_views.complaint_step, name="complaint_step"),
]
