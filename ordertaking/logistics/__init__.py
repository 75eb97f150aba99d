"""Logistics (P2.4.c, P3.5, P5.2.c): carriers, shipments, tracking and shipping exceptions."""
