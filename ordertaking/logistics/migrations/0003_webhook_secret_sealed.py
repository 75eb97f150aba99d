"""A carrier's webhook key kept encrypted (common/sealed.py), as the department webhooks' secrets are: the keys
already there are sealed under the first key of ORDERTAKING_FIELD_KEYS (or the one derived from
DJANGO_SECRET_KEY), a carrier without a key keeps none, and from then on the column takes only Fernet tokens or
nothing. Reversible: going back opens each token with the configured keys and stores the plain key again (it
stops, naming the carrier, when a token does not open). A webhook call the server could not check for that
reason gets its own outcome."""

from django.db import migrations, models

from ordertaking.common.sealed import TOKEN_PREFIX, column_sealing


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0004_product_involves_ip'),
        ('logistics', '0002_carrier_tally'),
    ]

    operations = [
        migrations.AlterField(
            model_name='carrier',
            name='webhook_secret',
            field=models.TextField(blank=True, editable=False, verbose_name='webhook key (encrypted)'),
        ),
        migrations.AlterField(
            model_name='webhookattempt',
            name='outcome',
            field=models.CharField(choices=[('accepted', 'Accepted'), ('unknown_carrier', 'Unknown carrier'), ('bad_signature', 'Bad signature'), ('stale', 'Timestamp outside the window'), ('replay', 'Replayed event'), ('invalid', 'Invalid content'), ('key_unreadable', 'Not checked: the stored key cannot be decrypted')], max_length=16),
        ),
        column_sealing("logistics", "Carrier", "webhook_secret", what="carrier"),
        migrations.AddConstraint(
            model_name='carrier',
            constraint=models.CheckConstraint(condition=models.Q(('webhook_secret__startswith', TOKEN_PREFIX), ('webhook_secret', ''), _connector='OR'), name='carrier_webhook_secret_sealed'),
        ),
    ]
