from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.imports_list, name="list"),
    path("new/", views.import_upload, name="upload"),
    path("template/<str:kind>/", views.import_template, name="template"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/progress/", views.import_progress, name="progress"),
    path("<int:pk>/commit/", views.import_commit, name="commit"),
    path("<int:pk>/recheck/", views.import_recheck, name="recheck"),
]
