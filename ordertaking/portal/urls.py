"""The portal pages, mounted at p/ in ordertaking/urls.py: the customer's pages under p/<token>/ and
the staff's card under p/staff/ (a token is never "staff": it always carries a ':' and its signature).
The sections of the chapters above (voucher, acceptance, issues, survey, complaints) mount their own
pages under p/<token>/… in ordertaking/urls.py (portal/sections.py)."""

from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("staff/orders/<str:number>/card/", views.order_card, name="order_card"),
    path("staff/orders/<str:number>/issue/", views.link_issue, name="issue"),
    path("staff/orders/<str:number>/links/<int:pk>/revoke/", views.link_revoke, name="revoke"),
    path("staff/orders/<str:number>/links/<int:pk>/qr.png", views.link_qr, name="qr"),
    path("<str:token>/", views.overview, name="overview"),
    path("<str:token>/documents/<slug:key>/", views.document, name="document"),
]
