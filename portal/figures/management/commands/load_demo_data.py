from django.conf import settings
from django.core.management import BaseCommand, call_command

from portal.figures.models import Cycle

#: which synthetic data set each cycle gets: the current update, and a later one to compare it with
DEMO_VARIANTS = {"2025-2026": "2025", "2027-2028": "2027"}


class Command(BaseCommand):
    help = (
        "Beispieldaten erzeugen (var/demo/), für die Zyklen 2025–2026 und 2027–2028 übernehmen, berechnen und "
        "veröffentlichen. Ändert nichts, wenn sie schon veröffentlicht sind oder echte Daten veröffentlicht sind."
    )

    def handle(self, *args, **options):
        cycles = list(Cycle.objects.filter(slug__in=DEMO_VARIANTS))
        if not cycles:
            self.stdout.write("Keiner der Zyklen 2025–2026 und 2027–2028 ist angelegt; keine Beispieldaten geladen.")
        for cycle in cycles:
            self.load(cycle, DEMO_VARIANTS[cycle.slug])

    def load(self, cycle: Cycle, variant: str) -> None:
        from content.demodata import generate

        published = cycle.published_regeneration()
        if published is not None and not published.dataset_version.synthetic:
            self.stdout.write(f"Für {cycle} sind echte Planungsdaten veröffentlicht; Beispieldaten bleiben außen vor.")
            return
        folder = generate(settings.VAR_DIR / "demo" / cycle.slug, variant=variant)
        call_command("import_dataset", cycle.slug, str(folder), "--publish", stdout=self.stdout)
