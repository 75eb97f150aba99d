"""The supervision pages, mounted at /supervision/ in ordertaking/urls.py."""

from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.inspections, name="inspections"),
    path("new/", views.inspection_new, name="inspection_new"),
    path("rectification/", views.tasks, name="tasks"),
    path("rectification/<str:number>/", views.task_detail, name="task"),
    path("rectification/<str:number>/<slug:verb>/", views.task_move, name="task_move"),
    path("<str:number>/", views.inspection_detail, name="inspection"),
    path("<str:number>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<str:number>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("<str:number>/<slug:verb>/", views.inspection_move, name="inspection_move"),
]
