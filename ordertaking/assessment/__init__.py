"""Assessment: the five KPIs of P6.2 per department and person, with targets (P6.2)."""
