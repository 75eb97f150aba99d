"""Seed the document counters (common.DocumentCounter) from the invoices and credit notes already
issued, so the first number the counter gives is the one after the last one in use."""

from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    Counter = apps.get_model("common", "DocumentCounter")
    Invoice = apps.get_model("finance", "Invoice")
    CreditNote = apps.get_model("finance", "CreditNote")
    last: dict[str, int] = {}
    for number in Invoice.objects.values_list("number", flat=True):
        series, _sep, seq = number.rpartition("-")
        if seq.isdigit():
            last[series] = max(last.get(series, 0), int(seq))
    for number in CreditNote.objects.values_list("number", flat=True):
        series, _sep, seq = number.rpartition("-")
        if seq.isdigit():
            last[series] = max(last.get(series, 0), int(seq))
    Counter.objects.bulk_create([Counter(series=s, last=n) for s, n in last.items()], ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("common", "0001_initial"),
        ("finance", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
