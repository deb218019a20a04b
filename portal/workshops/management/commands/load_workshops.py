from pathlib import Path

from django.core.management.base import BaseCommand

from portal.workshops.content import load_workshops


class Command(BaseCommand):
    help = (
        "Lädt die Beispiel-Workshops (content/workshops.yaml). Bestehende Workshops bleiben unverändert; "
        "mit --update übernehmen sie Titel und Beschreibung aus der Datei, außer wo das Medienzentrum sie geändert hat."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path", type=Path, default=None, help="YAML-Datei mit Workshops (Standard: workshops.yaml des Inhaltspakets)"
        )
        parser.add_argument("--update", action="store_true", help="Titel und Beschreibung bestehender Workshops aktualisieren")

    def handle(self, *args, path, update=False, **options):
        created = load_workshops(path, update=update)
        updated = created.pop("aktualisiert")
        if not any(created.values()) and not updated:
            self.stdout.write("Workshops: alles bereits vorhanden, nichts geändert.")
        for what, n in created.items():
            if n:
                self.stdout.write(f"angelegt: {n} {what}")
        if updated:
            self.stdout.write(f"aktualisiert: {updated} Workshops")
