from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.plan.content_pack import ContentPackError, ContentPackLoader


class Command(BaseCommand):
    help = (
        "Lädt das Inhaltspaket (content/*.yaml) in das Portal. Bestehendes bleibt unverändert; mit --update "
        "übernimmt es die Änderungen des Pakets, außer in Feldern, die die Redaktion geändert hat."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path", type=Path, default=None, help="Ordner des Inhaltspakets (Standard: die Einstellung MEP_CONTENT_PACK)"
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="Änderungen des Inhaltspakets übernehmen; was die Redaktion seither geändert hat, bleibt",
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Alles mit dem Inhaltspaket überschreiben, auch Änderungen der Redaktion",
        )

    def handle(self, *args, path, update, overwrite=False, **options):
        from django.core.management import call_command

        from portal.search.signals import suspended

        try:
            with suspended():  # one index build at the end instead of one per page and snippet
                report = ContentPackLoader(path, update=update, overwrite=overwrite).load()
        except ContentPackError as exc:
            raise CommandError(str(exc)) from exc
        call_command("rebuild_search_index", verbosity=0)
        if not report.created and not report.updated:
            self.stdout.write("Inhaltspaket: alles bereits vorhanden, nichts geändert.")
        for what, n in sorted(report.created.items()):
            self.stdout.write(f"angelegt: {n} {what}")
        for what, n in sorted(report.updated.items()):
            self.stdout.write(f"aktualisiert: {n} {what}")
        for entry in report.kept:
            self.stdout.write(f"beibehalten (von der Redaktion geändert): {entry}")
