"""China's 2026 calendar and the 2027 placeholders (see fulfilment/calendar_cn.py for what is
placeholder): a fresh database plans its tasks in working days from the first approval on."""

from django.db import migrations


def forwards(apps, schema_editor):
    from ordertaking.fulfilment.calendar_cn import SEED

    Holiday = apps.get_model("fulfilment", "Holiday")
    existing = set(Holiday.objects.values_list("date", flat=True))
    Holiday.objects.bulk_create([Holiday(date=d, kind=k, name=n) for d, k, n in SEED if d not in existing])


class Migration(migrations.Migration):
    dependencies = [("fulfilment", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
