from django.urls import path

from . import views

app_name = "inquiries"
urlpatterns = [
    path("", views.inquiry_list, name="list"),
    path("new/", views.inquiry_new, name="new"),
    path("contacts/", views.customer_contacts, name="contacts"),
    path("<int:pk>/", views.inquiry_detail, name="detail"),
    path("<int:pk>/edit/", views.inquiry_edit, name="edit"),
    path("<int:pk>/handover/", views.inquiry_handover, name="handover"),
    path("<int:pk>/convert/", views.inquiry_convert, name="convert"),
    path("<int:pk>/close/", views.inquiry_close, name="close"),
]
