from django.urls import path

from . import views

app_name = "logistics"
urlpatterns = [
    path("", views.board, name="board"),
    path("shipments/", views.shipments, name="shipments"),
    path("shipments/<str:number>/", views.shipment_detail, name="shipment"),
    path("shipments/<str:number>/dispatch/", views.shipment_dispatch, name="dispatch"),
    path("shipments/<str:number>/cancel/", views.shipment_cancel, name="cancel"),
    path("shipments/<str:number>/events/", views.tracking_event_new, name="event_new"),
    path("shipments/<str:number>/exceptions/new/", views.exception_new, name="exception_new"),
    path("exceptions/<int:pk>/<str:verb>/", views.exception_move, name="exception_move"),
    path("orders/<str:number>/ship/", views.shipment_new, name="shipment_new"),
    path("orders/<str:number>/card/", views.order_card, name="order_card"),
    path("carriers/", views.carriers, name="carriers"),
    path("carriers/new/", views.carrier_new, name="carrier_new"),
    path("carriers/<slug:code>/", views.carrier_detail, name="carrier"),
    path("carriers/<slug:code>/edit/", views.carrier_edit, name="carrier_edit"),
    path("carriers/<slug:code>/webhook-key/", views.carrier_secret, name="carrier_secret"),
]
