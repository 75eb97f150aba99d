from django.core.management.base import BaseCommand

from ordertaking.reports.services import revenue_rollup_refresh


class Command(BaseCommand):
    help = "Rebuild the dashboard's monthly revenue rollups for the closed months of the last 12 (P4.2.c)."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        months = revenue_rollup_refresh()
        self.stdout.write(f"rebuilt {len(months)} month(s): {', '.join(f'{m:%Y-%m}' for m in months)}")
