"""Changes and cancellations of approved orders (P2.3, P2.4): back through review, exposure released once."""
