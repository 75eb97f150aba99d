"""Supervision inspections: sampled orders checked step by step against the regulation, findings and
rectification (P6.1.a)."""
