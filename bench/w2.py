"""W2 analytics."""
