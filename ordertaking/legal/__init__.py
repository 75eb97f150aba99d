"""Legal review of orders before approval and the periodic compliance reviews (P5.3)."""
