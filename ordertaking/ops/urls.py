from django.urls import path

from . import views

app_name = "ops"
urlpatterns = [
    path("jobs/", views.job_list, name="jobs"),
    path("backups/", views.backup_list, name="backups"),
]
