"""The reference data version (issue 14, common/refdata.py): one row, and on PostgreSQL the sequence its
triggers draw from. The triggers themselves are created after every migrate (common/apps.py), not here: they
sit on other apps' tables, which a later migration of theirs may rebuild (SQLite) or change."""

from django.db import migrations, models


def _row(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        if schema_editor.connection.vendor == "postgresql":
            cur.execute("CREATE SEQUENCE IF NOT EXISTS common_refdata_seq")
            cur.execute("INSERT INTO common_refdataversion (key, n) VALUES ('refdata', nextval('common_refdata_seq'))")
        else:
            cur.execute("INSERT INTO common_refdataversion (key, n) VALUES ('refdata', random())")


def _unrow(apps, schema_editor):
    # The triggers would bump a table that is about to go: drop them first.
    with schema_editor.connection.cursor() as cur:
        if schema_editor.connection.vendor == "postgresql":
            cur.execute("SELECT tgname, tgrelid::regclass::text FROM pg_trigger "
                        "WHERE tgname LIKE %s AND NOT tgisinternal", [r"refdata\_%"])
            for name, table in cur.fetchall():
                cur.execute(f'DROP TRIGGER IF EXISTS "{name}" ON {table}')
            cur.execute("DROP FUNCTION IF EXISTS refdata_bump()")
            cur.execute("DROP SEQUENCE IF EXISTS common_refdata_seq")
        elif schema_editor.connection.vendor == "sqlite":
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s ESCAPE '\\'",
                        [r"refdata\_%"])
            for (name,) in cur.fetchall():
                cur.execute(f'DROP TRIGGER IF EXISTS "{name}"')


class Migration(migrations.Migration):

    dependencies = [
        ('common', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='RefDataVersion',
            fields=[
                ('key', models.CharField(max_length=20, primary_key=True, serialize=False)),
                ('n', models.BigIntegerField(default=0)),
            ],
            options={
                'verbose_name': 'reference data version',
                'verbose_name_plural': 'reference data versions',
            },
        ),
        migrations.RunPython(_row, _unrow),
    ]
