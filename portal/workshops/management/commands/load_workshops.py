from pathlib import Path

from django.core.management.base import BaseCommand

from portal.workshops.content import DEFAULT_FILE, load_workshops


class Command(BaseCommand):
    help = "Lädt die Beispiel-Workshops (content/workshops.yaml). Bestehende Workshops bleiben unverändert."

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=DEFAULT_FILE, help="YAML-Datei mit Workshops")

    def handle(self, *args, path, **options):
        created = load_workshops(path)
        if not any(created.values()):
            self.stdout.write("Workshops: alles bereits vorhanden, nichts geändert.")
        for what, n in created.items():
            if n:
                self.stdout.write(f"angelegt: {n} {what}")
