"""Customer feedback (P6.1.c, P3.2): satisfaction surveys 客户满意度调查 after acceptance, and
complaints and disputes 投诉和纠纷 with their handling workflow, deadline and escalation."""
