from django.urls import path

from . import views

app_name = "finance"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("aging/", views.aging, name="aging"),
    path("aging.xlsx", views.aging_xlsx, name="aging_xlsx"),
    path("invoices/", views.invoices, name="invoices"),
    path("invoices.xlsx", views.invoice_export, name="invoice_export"),
    path("invoices/<str:number>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<str:number>/fapiao/", views.fapiao_record, name="fapiao_record"),
    path("invoices/<str:number>/fapiao/reverse/", views.fapiao_reverse, name="fapiao_reverse"),
    path("to-invoice/", views.to_invoice, name="to_invoice"),
    path("customers/<int:pk>/statement/", views.statement, name="statement"),
    path("customers/<int:pk>/statement.pdf", views.statement_pdf, name="statement_pdf"),
    path("customers/<int:pk>/payments/new/", views.payment_new, name="payment_new"),
    path("customers/<int:pk>/credit-notes/new/", views.credit_note_new, name="credit_note_new"),
    path("orders/<str:number>/invoice/", views.invoice_new, name="invoice_new"),
    path("dunning/", views.dunning, name="dunning"),
]
