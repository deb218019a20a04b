from django.core.management import BaseCommand, CommandError

from portal.figures import services
from portal.figures.models import DataSetVersion

from ._cycles import get_cycle, report_regeneration


class Command(BaseCommand):
    help = "Die Abbildungen eines Zyklus aus seiner neuesten geprüften Datensatz-Version neu berechnen."

    def add_arguments(self, parser):
        parser.add_argument("cycle", metavar="ZYKLUS", help="z. B. 2025–2026 oder 2025-2026")
        parser.add_argument("--publish", action="store_true", help="nach Erfolg veröffentlichen")

    def handle(self, *args, **options):
        cycle = get_cycle(options["cycle"])
        version = cycle.versions.filter(status=DataSetVersion.VALIDATED).first()
        if version is None:
            raise CommandError(f"Der Zyklus {cycle} hat noch keinen geprüften Datensatz (manage.py import_dataset).")
        self.stdout.write(f"Berechne die Abbildungen aus Version {version.pk} …")
        report_regeneration(self, services.enqueue_regeneration(version, publish_when_done=options["publish"]))
