"""The feedback pages. Mounted in ordertaking/urls.py."""

from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/<str:number>/", views.complaint_detail, name="complaint"),
    path("complaints/<str:number>/<slug:verb>/", views.complaint_move, name="complaint_move"),
    path("surveys/", views.surveys, name="surveys"),
    path("surveys/<str:number>/record/", views.survey_record, name="survey_record"),
    path("orders/<str:number>/card/", views.order_card, name="order_card"),
]
