"""Version 1 of the credit scorecard, in force, where there is none (issue 8: reading the policy never
writes it). Its own migration: on PostgreSQL a row written in 0002's transaction would block the
foreign-key index that migration creates at its end."""

from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    from ordertaking.credit.rules import DEFAULT_BANDS

    ScorecardPolicy = apps.get_model("credit", "ScorecardPolicy")
    if not ScorecardPolicy.objects.filter(state="in_force").exists():
        version = (ScorecardPolicy.objects.order_by("-version").values_list("version", flat=True).first() or 0) + 1
        ScorecardPolicy.objects.create(version=version, bands=DEFAULT_BANDS, state="in_force")


class Migration(migrations.Migration):
    dependencies = [("credit", "0002_policy_four_eyes")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
