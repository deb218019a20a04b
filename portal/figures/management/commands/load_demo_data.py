from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, call_command

from portal.figures.models import Cycle

#: which synthetic data set each cycle gets from the generator: the current update, and a later one to compare it with
DEMO_VARIANTS = {"2025-2026": "2025", "2027-2028": "2027"}


def pack_data_sets(pack: Path | None = None) -> dict[str, Path]:
    """The content pack's own synthetic data sets, by cycle slug: ``data/<slug>/`` (CSV files and plan.toml)."""
    folder = Path(pack or settings.MEP_CONTENT_PACK) / "data"
    if not folder.is_dir():
        return {}
    return {child.name: child for child in sorted(folder.iterdir()) if (child / "plan.toml").is_file()}


class Command(BaseCommand):
    help = (
        "Beispieldaten übernehmen, berechnen und veröffentlichen: die des Inhaltspakets (data/<zyklus>/) oder, "
        "hat es keine, die des Generators (var/demo/) für 2025–2026 und 2027–2028. Ändert nichts, wenn sie schon "
        "veröffentlicht sind oder echte Daten veröffentlicht sind."
    )

    def handle(self, *args, **options):
        own = pack_data_sets()
        wanted = own or DEMO_VARIANTS
        cycles = list(Cycle.objects.filter(slug__in=wanted))
        if not cycles:
            self.stdout.write(f"Keiner der Zyklen {', '.join(wanted)} ist angelegt; keine Beispieldaten geladen.")
        for cycle in cycles:
            self.load(cycle, own.get(cycle.slug), DEMO_VARIANTS.get(cycle.slug))

    def load(self, cycle: Cycle, folder: Path | None, variant: str | None) -> None:
        from content.demodata import generate

        published = cycle.published_regeneration()
        if published is not None and not published.dataset_version.synthetic:
            self.stdout.write(f"Für {cycle} sind echte Planungsdaten veröffentlicht; Beispieldaten bleiben außen vor.")
            return
        if folder is None:
            folder = generate(settings.VAR_DIR / "demo" / cycle.slug, variant=variant)
        call_command("import_dataset", cycle.slug, str(folder), "--publish", stdout=self.stdout)
