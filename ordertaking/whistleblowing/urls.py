"""The whistleblowing pages, mounted at /whistleblowing/ in ordertaking/urls.py. The public ones carry
no code and no id in their addresses."""

from django.urls import path

from . import views

app_name = "whistleblowing"
urlpatterns = [
    path("report/", views.report_new, name="report"),
    path("report/receipt/", views.receipt, name="receipt"),
    path("follow-up/", views.follow_up, name="follow_up"),
    path("follow-up/report/", views.thread, name="thread"),
    path("follow-up/end/", views.follow_up_end, name="follow_up_end"),
    path("", views.reports, name="list"),
    path("oversight/", views.oversight, name="oversight"),
    path("phone/", views.phone_new, name="phone"),
    path("phone/receipt/", views.phone_receipt, name="phone_receipt"),
    path("files/<str:ref>/", views.evidence, name="evidence"),
    path("r/<str:code>/", views.detail, name="detail"),
    path("r/<str:code>/<slug:verb>/", views.act, name="act"),
]
