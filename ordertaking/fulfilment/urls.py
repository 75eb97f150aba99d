from django.urls import path

from . import views

app_name = "fulfilment"
urlpatterns = [
    path("", views.board, name="board"),
    path("progress/", views.progress, name="progress"),
    path("<int:pk>/start/", views.task_start, name="start"),
    path("<int:pk>/complete/", views.task_complete, name="complete"),
    path("<int:pk>/reassign/", views.task_reassign, name="reassign"),
    path("orders/<str:number>/", views.order_tasks, name="order_tasks"),
    path("rules/", views.rules, name="rules"),
    path("rules/new/", views.rule_edit, name="rule_new"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("calendar/", views.calendar, name="calendar"),
]
