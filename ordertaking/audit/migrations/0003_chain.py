"""Chain the audit log (chain.py): stream, seq, prev_hash and hash on every event, one head row per stream.

Events written before this migration are chained here, in the order they were written
(time, then id), within their record's stream. The append-only triggers refuse the
UPDATE that fills the new columns, so the guard is lowered for it and raised again in the
same transaction. On SQLite the added columns rebuild the table and drop the triggers;
the audit app's post_migrate handler (triggers.triggers_ensure) re-creates them.
"""

from django.conf import settings
from django.db import migrations, models

from ordertaking.audit import chain

BATCH = 1000


def chain_existing(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    StreamHead = apps.get_model("audit", "StreamHead")
    with schema_editor.connection.cursor() as cur:
        cur.execute("UPDATE audit_guard SET enabled = 0")
    heads: dict[str, tuple[int, str]] = {}
    batch = []
    for ev in AuditEvent.objects.order_by("subject_type", "subject_id", "at", "id").iterator(chunk_size=BATCH):
        ev.stream = chain.stream_of(ev.subject_type, ev.subject_id)
        seq, prev_hash = heads.get(ev.stream, (0, ""))
        ev.seq, ev.prev_hash = seq + 1, prev_hash
        ev.hash = chain.event_hash(chain.content_of(ev), prev_hash)
        heads[ev.stream] = (ev.seq, ev.hash)
        batch.append(ev)
        if len(batch) >= BATCH:
            AuditEvent.objects.bulk_update(batch, ["stream", "seq", "prev_hash", "hash"])
            batch = []
    AuditEvent.objects.bulk_update(batch, ["stream", "seq", "prev_hash", "hash"])
    StreamHead.objects.bulk_create([StreamHead(stream=s, seq=seq, hash=h) for s, (seq, h) in heads.items()],
                                   batch_size=BATCH)
    with schema_editor.connection.cursor() as cur:
        cur.execute("UPDATE audit_guard SET enabled = 1")


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='StreamHead',
            fields=[
                ('stream', models.CharField(max_length=140, primary_key=True, serialize=False)),
                ('seq', models.PositiveBigIntegerField(default=0)),
                ('hash', models.CharField(blank=True, default='', max_length=64)),
                ('sealed_seq', models.PositiveBigIntegerField(default=0)),
                ('sealed_hash', models.CharField(blank=True, default='', max_length=64)),
            ],
            options={
                'verbose_name': 'audit stream',
                'verbose_name_plural': 'audit streams',
            },
        ),
        migrations.AddField(
            model_name='auditevent',
            name='hash',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='prev_hash',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='seq',
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='stream',
            field=models.CharField(default='', max_length=140),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.UniqueConstraint(condition=models.Q(('seq__gt', 0)), fields=('stream', 'seq'), name='audit_stream_seq'),
        ),
    ]
