"""Shared by the figures commands: find a cycle by name or short name, report a regeneration."""

from django.core.management import CommandError

from portal.figures.models import Cycle, Regeneration


def get_cycle(name: str) -> Cycle:
    cycle = Cycle.objects.filter(name=name).first() or Cycle.objects.filter(slug=name).first()
    if cycle is None:
        known = ", ".join(Cycle.objects.values_list("name", flat=True))
        raise CommandError(f"Den Zyklus „{name}“ gibt es nicht. Vorhanden: {known}.")
    return cycle


def report_regeneration(command, regeneration: Regeneration) -> None:
    if regeneration.status == Regeneration.FAILED:
        raise CommandError(f"Neuberechnung {regeneration.pk} ist fehlgeschlagen: {regeneration.error}")
    if regeneration.status == Regeneration.SUCCEEDED:
        count = regeneration.snapshots.count()
        command.stdout.write(f"Neuberechnung {regeneration.pk} erfolgreich: {count} Abbildungen.")
        if regeneration.published:
            command.stdout.write(f"Die Abbildungen des Zyklus {regeneration.cycle} sind veröffentlicht.")
    else:
        command.stdout.write(
            f"Neuberechnung {regeneration.pk} ist eingereiht ({regeneration.get_status_display()}); "
            "der Hintergrunddienst (manage.py db_worker) berechnet sie."
        )
