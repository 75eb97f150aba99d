"""The legal pages, mounted at /legal/ in ordertaking/urls.py."""

from django.urls import path

from . import views

app_name = "legal"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("threshold/", views.threshold, name="threshold"),
    path("orders/<str:number>/panel/", views.panel, name="panel"),
    path("orders/<str:number>/opinion/", views.opinion, name="opinion"),
    path("compliance/", views.compliance_list, name="compliance_list"),
    path("compliance/<int:pk>/", views.compliance, name="compliance"),
    path("compliance/<int:pk>/items/<int:item_pk>/", views.compliance_item, name="compliance_item"),
    path("compliance/<int:pk>/complete/", views.compliance_complete, name="compliance_complete"),
    path("compliance/<int:pk>/sign-off/", views.compliance_sign_off, name="compliance_sign_off"),
    path("compliance/<int:pk>/pdf/", views.compliance_pdf_view, name="compliance_pdf"),
]
