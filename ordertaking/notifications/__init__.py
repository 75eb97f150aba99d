"""In-app inbox, e-mail and department webhooks for the work that reaches each user (P2.4.d, P3)."""
