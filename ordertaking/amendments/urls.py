from django.urls import path

from . import views

app_name = "amendments"
urlpatterns = [
    path("cancellations/", views.queue, name="queue"),
    path("<str:number>/panel/", views.panel, name="panel"),
    path("<str:number>/change/", views.change_form, name="change"),
    path("<str:number>/change/<int:pk>/withdraw/", views.change_withdraw, name="change_withdraw"),
    path("<str:number>/cancel/", views.cancel_form, name="cancel"),
    path("<str:number>/cancel/<int:pk>/agree/", views.cancel_agree, name="cancel_agree"),
    path("<str:number>/cancel/<int:pk>/refuse/", views.cancel_refuse, name="cancel_refuse"),
    path("<str:number>/cancel/<int:pk>/withdraw/", views.cancel_withdraw, name="cancel_withdraw"),
]
