"""API tokens expire (issue 8): existing tokens get ORDERTAKING_TOKEN_DAYS from their issue."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    ApiToken = apps.get_model("accounts", "ApiToken")
    days = timedelta(days=getattr(settings, "ORDERTAKING_TOKEN_DAYS", 90))
    for token in ApiToken.objects.all():
        token.expires_at = token.created_at + days
        token.save(update_fields=["expires_at"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_audit_verify")]

    operations = [
        migrations.AddField(model_name="apitoken", name="expires_at",
                            field=models.DateTimeField(null=True, verbose_name="expires")),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(model_name="apitoken", name="expires_at",
                              field=models.DateTimeField(verbose_name="expires")),
    ]
