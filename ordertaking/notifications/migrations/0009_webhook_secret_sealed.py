"""A department webhook's signing secret kept encrypted (common/sealed.py): the plain secrets already there are
sealed under the first key of ORDERTAKING_FIELD_KEYS (or the one derived from DJANGO_SECRET_KEY), and from then
on the column takes only Fernet tokens. Reversible: going back opens each token with the configured keys and
stores the plain secret again (it stops, naming the webhook, when a token does not open)."""

from django.db import migrations, models

from ordertaking.common.sealed import TOKEN_PREFIX, column_sealing


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0008_legal_kinds'),
    ]

    operations = [
        migrations.AlterField(
            model_name='departmentwebhook',
            name='secret',
            field=models.TextField(editable=False, help_text='Shared with the receiver, which checks the signature.', verbose_name='secret (encrypted)'),
        ),
        column_sealing("notifications", "DepartmentWebhook", "secret", what="department webhook"),
        migrations.AddConstraint(
            model_name='departmentwebhook',
            constraint=models.CheckConstraint(condition=models.Q(('secret__startswith', TOKEN_PREFIX)), name='notif_webhook_secret_sealed'),
        ),
    ]
