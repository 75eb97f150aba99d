"""Order tracking (P2.4.d) and contingency (P5.2.a): progress against plan, orders at risk, contingency plans."""
