"""The tables of production's shared database cache, so that `migrate` is all an operator runs.

createcachetable only creates tables for caches configured as DatabaseCache in the settings
`migrate` runs with (production without REDIS_URL); with any other cache it does nothing.
After changing the cache settings later, `manage.py createcachetable` adds missing tables.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("plan", "0002_figure_block_from_published_data"),
    ]

    operations = [
        migrations.RunPython(create_cache_tables, migrations.RunPython.noop),
    ]
