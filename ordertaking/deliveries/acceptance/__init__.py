"""Acceptance by the customer (P2.5.c), acceptance issues (P2.5.d) and compensation 赔偿 (P2.5.d), with the
order's `accept` and `close` moves. A sub-package of `deliveries` with the same rooms as an app (models,
states, rules, services, selectors, views, api): the readiness checklist and the delivery voucher live
beside it in the same app."""
