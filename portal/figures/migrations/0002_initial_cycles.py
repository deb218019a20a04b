"""The plan's cycles: the initial plan, the current update and the next one."""

from django.db import migrations

CYCLES = [
    ("2019–2024", "2019-2024", 2019, 2024, False),
    ("2025–2026", "2025-2026", 2025, 2026, True),
    ("2027–2028", "2027-2028", 2027, 2028, False),
]


def create_cycles(apps, schema_editor):
    Cycle = apps.get_model("figures", "Cycle")
    has_current = Cycle.objects.filter(is_current=True).exists()
    for name, slug, start, end, current in CYCLES:
        Cycle.objects.get_or_create(
            name=name,
            defaults={"slug": slug, "start_year": start, "end_year": end, "is_current": current and not has_current},
        )


class Migration(migrations.Migration):
    dependencies = [("figures", "0001_initial")]

    operations = [migrations.RunPython(create_cycles, migrations.RunPython.noop)]
