"""Indexes for the dashboard statistics (P4.2.c), on the orders app's tables.

The reports app owns these queries, so it owns their indexes (docs/performance.md, W2):
- revenue by region / top customers read only approved orders in a date range: a partial index
  on approved_at that carries every column they sum or group by, so they never touch the table;
- revenue by category reads the lines of those orders: (order_id, product_id, amount) lets the
  join read lines from the index alone.
Plain CREATE INDEX with a WHERE clause works on both PostgreSQL and SQLite.
"""

from django.db import migrations

ORDER_INDEX = (
    "CREATE INDEX IF NOT EXISTS reports_order_approved ON orders_order "
    "(approved_at, state, customer_id, delivery_region_id, total_amount) WHERE approved_at IS NOT NULL"
)
LINE_INDEX = (
    "CREATE INDEX IF NOT EXISTS reports_line_order_cover ON orders_orderline (order_id, product_id, amount)"
)


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]

    operations = [
        migrations.RunSQL(ORDER_INDEX, "DROP INDEX IF EXISTS reports_order_approved"),
        migrations.RunSQL(LINE_INDEX, "DROP INDEX IF EXISTS reports_line_order_cover"),
    ]
