"""W3 contention."""
