from django.urls import path

from . import views

app_name = "credit"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("customers/<int:pk>/", views.customer, name="customer"),
    path("customers/<int:pk>/evaluate/", views.evaluate, name="evaluate"),
    path("customers/<int:pk>/guarantees/new/", views.guarantee_new, name="guarantee_new"),
    path("evaluations/<int:pk>/", views.evaluation, name="evaluation"),
    path("evaluations/<int:pk>/<str:verb>/", views.evaluation_decide, name="evaluation_decide"),
    path("holds/<int:pk>/", views.hold, name="hold"),
    path("scorecard/", views.policy, name="policy"),
    path("payment-options/", views.payment_options, name="payment_options"),
    path("scorecard/<int:version>/<str:verb>/", views.policy_decide, name="policy_decide"),
]
