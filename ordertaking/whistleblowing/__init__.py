"""Whistleblowing: the public reporting page, receipt codes, and the investigators' workflow (P6.1.b)."""
