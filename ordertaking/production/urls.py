from django.urls import path

from . import views

app_name = "production"
urlpatterns = [
    path("", views.board, name="board"),
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/<int:pk>/", views.inspection, name="inspection"),
    path("inspections/<int:pk>/rework/", views.rework, name="rework"),
    path("inspections/<int:pk>/attach/", views.attach, name="attach"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("orders/<str:number>/panel/", views.order_panel, name="order_panel"),
    path("orders/<str:number>/inspection-report.pdf", views.inspection_report_pdf, name="inspection_report_pdf"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/progress/", views.progress, name="progress"),
    path("<str:number>/plan/", views.plan, name="plan"),
    path("<str:number>/start/", views.start, name="start"),
    path("<str:number>/finish/", views.finish, name="finish"),
    path("<str:number>/inspect/", views.inspection_new, name="inspection_new"),
]
