from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("statistics/<slug:key>.xlsx", views.statistics_xlsx, name="statistics_xlsx"),
    path("monthly/", views.monthly_reports, name="monthly"),
    path("monthly/<str:month>.<str:fmt>", views.monthly_report_file, name="monthly_file"),
]
