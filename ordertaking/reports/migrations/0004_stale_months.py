"""Indexes for the statistics page at a million order lines (W2, docs/performance.md).

- The page and the dashboard ask which orders were saved since the rollups were made
  (selectors.stale_months): an index on the orders' `updated_at` answers that in a few pages.
- The charts of returns, special approvals and inquiry conversion read their tables by the period
  (decided_at, requested_at, received_at); without an index on those dates each page read the whole table,
  and with a rep or team filter SQLite started from the rep's orders instead.

Plain CREATE INDEX works on both PostgreSQL and SQLite.
"""

from django.db import migrations

INDEXES = {
    "reports_order_updated": "orders_order (updated_at)",
    "reports_decision_outcome_decided": "review_reviewdecision (outcome, decided_at)",
    "reports_special_requested": "review_specialapproval (requested_at)",
    "reports_inquiry_received": "inquiries_inquiry (received_at)",
}


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0003_statistics"),
        ("orders", "0005_vat"),
        ("review", "0003_reviewfinding_messages"),
        ("inquiries", "0003_field_validators"),
    ]

    operations = [
        migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {on}", f"DROP INDEX IF EXISTS {name}")
        for name, on in INDEXES.items()
    ]
