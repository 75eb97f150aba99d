"""The attachments pages. Mounted in ordertaking/urls.py."""

from django.urls import path

from . import views

app_name = "attachments"
urlpatterns = [
    path("files/<int:pk>/", views.download, name="download"),
    path("files/<int:pk>/remove/", views.remove, name="remove"),
    path("<slug:key>/<str:ref>/", views.card, name="card"),
    path("<slug:key>/<str:ref>/upload/", views.upload, name="upload"),
]
