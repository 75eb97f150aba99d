"""The confidentiality pages. Mounted in ordertaking/urls.py at /access/."""

from django.urls import path

from . import views

app_name = "confidentiality"
urlpatterns = [
    path("requests/", views.request_list, name="requests"),
    path("reveal/", views.reveal, name="reveal"),
    path("reveals/", views.reveal_log, name="reveals"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/grant/", views.request_decide, {"verb": "grant"}, name="grant"),
    path("requests/<int:pk>/refuse/", views.request_decide, {"verb": "refuse"}, name="refuse"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="withdraw"),
    path("requests/<int:pk>/revoke/", views.request_revoke, name="revoke"),
    path("customers/<int:customer_id>/card/", views.customer_card, name="customer_card"),
    path("customers/<int:customer_id>/request/", views.request_new, name="request_new"),
    path("customers/<int:customer_id>/consent/", views.consent_new, name="consent_new"),
]
