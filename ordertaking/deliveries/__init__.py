"""Delivery and acceptance (P2.5): the readiness checklist before dispatch (P2.5.a), the delivery
voucher 交付凭证 signed by the customer (P2.5.b), acceptance by line and criterion (P2.5.c), acceptance
issues and compensation 赔偿 (P2.5.d)."""
