from django.conf import settings
from django.core.management import BaseCommand, call_command

from portal.figures.models import Cycle


class Command(BaseCommand):
    help = (
        "Beispieldaten erzeugen (var/demo/), für den aktuellen Zyklus übernehmen, berechnen und veröffentlichen. "
        "Ändert nichts, wenn sie schon veröffentlicht sind oder echte Daten veröffentlicht sind."
    )

    def handle(self, *args, **options):
        from content.demodata import generate

        cycle = Cycle.current()
        if cycle is None:
            self.stdout.write("Kein aktueller Zyklus; keine Beispieldaten geladen.")
            return
        published = cycle.published_regeneration()
        if published is not None and not published.dataset_version.synthetic:
            self.stdout.write(f"Für {cycle} sind echte Planungsdaten veröffentlicht; Beispieldaten bleiben außen vor.")
            return
        folder = generate(settings.VAR_DIR / "demo" / cycle.slug)
        call_command("import_dataset", cycle.slug, str(folder), "--publish", stdout=self.stdout)
