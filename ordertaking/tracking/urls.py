from django.urls import path

from . import views

app_name = "tracking"
urlpatterns = [
    path("risks/", views.risk_list, name="risks"),
    path("<str:number>/panel/", views.panel, name="panel"),
    path("<str:number>/plans/new/", views.plan_new, name="plan_new"),
]
