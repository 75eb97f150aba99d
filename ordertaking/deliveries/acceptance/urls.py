"""The acceptance pages, included by deliveries/urls.py (namespace `deliveries`)."""

from django.urls import path

from . import views

urlpatterns = [
    path("orders/<str:number>/acceptance/card/", views.acceptance_card, name="acceptance_card"),
    path("orders/<str:number>/acceptance/", views.acceptance_form, name="acceptance"),
    path("orders/<str:number>/close/", views.order_close, name="order_close"),
    path("issues/", views.issue_list, name="issues"),
    path("issues/<str:number>/", views.issue_detail, name="issue"),
    path("issues/<str:number>/<str:verb>/", views.issue_act, name="issue_act"),
    path("issues/<str:number>/compensation/<int:pk>/<str:verb>/", views.compensation_act, name="compensation_act"),
    path("compensations/", views.compensation_queue, name="compensations"),
]
