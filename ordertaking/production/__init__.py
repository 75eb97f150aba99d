"""Production (P2.4.b, P3.4) and quality inspection at the three checkpoints (P5.2.b)."""
