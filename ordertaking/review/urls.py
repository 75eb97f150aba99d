from django.urls import path

from . import views

app_name = "review"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("special/", views.special_queue, name="special_queue"),
    path("special/<int:pk>/grant/", views.special_grant, name="special_grant"),
    path("special/<int:pk>/refuse/", views.special_refuse, name="special_refuse"),
    path("<str:number>/panel/", views.panel, name="panel"),
    path("<str:number>/approve/", views.approve, name="approve"),
    path("<str:number>/return/", views.return_order, name="return"),
    path("<str:number>/special/", views.special_request, name="special_request"),
]
