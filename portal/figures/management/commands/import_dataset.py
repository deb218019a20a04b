from pathlib import Path

from django.core.management import BaseCommand, CommandError

from portal.figures import services
from portal.figures.models import DataSetVersion

from ._cycles import get_cycle, report_regeneration


class Command(BaseCommand):
    help = "Einen Datensatz (Ordner, .zip oder .xlsx mit plan.toml daneben) für einen Zyklus prüfen und übernehmen."

    def add_arguments(self, parser):
        parser.add_argument("cycle", metavar="ZYKLUS", help="z. B. 2025–2026 oder 2025-2026")
        parser.add_argument("path", metavar="PFAD", help="Ordner, .zip oder .xlsx")
        parser.add_argument("--plan", metavar="PLAN_TOML", help="plan.toml zu einer Arbeitsmappe, falls nicht daneben")
        parser.add_argument("--publish", action="store_true", help="neu berechnen und veröffentlichen")
        parser.add_argument(
            "--accept-mismatch",
            action="store_true",
            help="auch übernehmen, wenn Name, Planungshorizont oder Stichtag in plan.toml nicht zum Zyklus passen (protokolliert)",
        )

    def handle(self, *args, **options):
        cycle = get_cycle(options["cycle"])
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path} gibt es nicht.")
        known = set(cycle.versions.values_list("pk", flat=True))
        version = services.import_dataset(
            cycle, path, plan=Path(options["plan"]) if options["plan"] else None, accept_mismatch=options["accept_mismatch"]
        )
        if version.status == DataSetVersion.MISMATCH:
            raise CommandError(
                f"Der Datensatz passt nicht zum Zyklus {cycle} und wurde nicht übernommen (Version {version.pk}); "
                "Veröffentlichtes bleibt unverändert:\n" + "\n".join(version.problems)
                + "\nGehört er wirklich zu diesem Zyklus: noch einmal mit --accept-mismatch."
            )
        if version.status == DataSetVersion.REFUSED:
            raise CommandError(
                f"Der Datensatz wurde abgelehnt ({len(version.problems)} Probleme); "
                "Veröffentlichtes bleibt unverändert:\n" + "\n".join(version.problems)
            )
        if version.pk in known:
            self.stdout.write(f"Datensatz unverändert (Version {version.pk} mit gleichem Fingerabdruck).")
        else:
            self.stdout.write(f"Datensatz geprüft und als Version {version.pk} für {cycle} übernommen.")
        if not options["publish"]:
            return
        if version.is_published:
            self.stdout.write("Diese Version ist bereits veröffentlicht; unverändert.")
            return
        report_regeneration(self, services.enqueue_regeneration(version, publish_when_done=True))
